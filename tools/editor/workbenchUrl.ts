// The workbench URL that makes code-server's web VS Code do what desktop VS Code does with
// `--extensionDevelopmentPath` / `--extensionTestsPath` (code-server rejects those flags, but the
// workbench reads the same values from the `payload` query parameter).

export interface WorkbenchUrlOptions {
  /** Absolute path of the folder to open. */
  folder?: string;
  /** Absolute paths of extensions loaded from source. */
  extensionDevelopmentPath?: string[];
  /** Absolute path of the compiled test runner module (exports `run()`). */
  extensionTestsPath?: string;
}

export function workbenchUrl(serverUrl: string, options: WorkbenchUrlOptions = {}): string {
  const base = new URL(serverUrl);
  const remote = (path: string) => `vscode-remote://${base.host}${encodeURI(path)}`;
  const payload: [string, string][] = [];
  for (const path of options.extensionDevelopmentPath ?? [])
    payload.push(['extensionDevelopmentPath', remote(path)]);
  if (options.extensionTestsPath) payload.push(['extensionTestsPath', remote(options.extensionTestsPath)]);
  // Built by hand so the folder stays readable in the URL `npm start` prints (slashes unescaped).
  const query: string[] = [];
  if (options.folder)
    query.push(`folder=${encodeURI(options.folder).replace(/[?#&+]/g, encodeURIComponent)}`);
  if (payload.length > 0) query.push(`payload=${encodeURIComponent(JSON.stringify(payload))}`);
  return `${base.origin}/${query.length > 0 ? `?${query.join('&')}` : ''}`;
}
