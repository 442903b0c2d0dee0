// Starts code-server (VS Code 1.100 for the web) on a free loopback port with a scratch profile,
// optionally with user settings and packaged extensions installed first, and stops it again.
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureEditor } from './installEditor.mjs';
import { isolatedEnv, makeScratchDirs, removeScratchDirs } from './scratchDirs';
import type { ScratchDirs } from './scratchDirs';

/** Settings that keep an offline, throw-away workbench quiet and cheap. */
export const quietWorkbenchSettings: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'typescript.disableAutomaticTypeAcquisition': true,
  'typescript.surveys.enabled': false,
  'npm.autoDetect': 'off',
  'git.enabled': false,
  'git.autoRepositoryDetection': false,
  'chat.commandCenter.enabled': false,
};

export interface StartCodeServerOptions {
  /** Written to `User/settings.json` before start, on top of `baseSettings`. */
  userSettings?: Record<string, unknown>;
  /** Defaults under `userSettings` (default: quietWorkbenchSettings). */
  baseSettings?: Record<string, unknown>;
  /** Keep what is already in `User/settings.json` (a person's profile), only adding to it. */
  mergeExistingSettings?: boolean;
  /** Packaged extensions to install into the scratch extensions folder before start. */
  vsix?: string[];
  /** Host to bind; loopback unless a person asks for more (`npm start -- --host 0.0.0.0`). */
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Extra environment for the server and its extension host. */
  env?: Record<string, string>;
  /** Receives the server's output lines (kept for error messages either way). */
  onOutput?: (line: string) => void;
  /** Keep the scratch folder after close (for debugging a failed run). */
  keepDirs?: boolean;
  /** Folder for the scratch dirs (default: fresh one in the OS temp folder). */
  dirs?: ScratchDirs;
  /**
   * Require this password at the login page (`--auth password`). Without one the server has no
   * authentication, which is refused on any host but loopback.
   */
  password?: string;
  /** Keep VS Code's workspace trust on (Restricted Mode for untrusted folders); off by default. */
  workspaceTrust?: boolean;
}

export interface RunningCodeServer {
  /** e.g. http://127.0.0.1:40123 (no trailing slash). */
  url: string;
  port: number;
  dirs: ScratchDirs;
  env: NodeJS.ProcessEnv;
  /** Chromium (and other helpers) use the same scratch HOME. */
  output(): string;
  close(): Promise<void>;
}

const START_TIMEOUT_MS = 60_000;

export async function startCodeServer(options: StartCodeServerOptions = {}): Promise<RunningCodeServer> {
  const host = options.host ?? '127.0.0.1';
  if (!options.password && !isLoopbackHost(host))
    throw new Error(
      `refusing to serve the editor on ${host} without a password: anyone who reaches it could run code and use your API key. Use a loopback host, or set a password.`,
    );
  const editor = await ensureEditor();
  const dirs = options.dirs ?? makeScratchDirs();
  // code-server reads the password from the environment, never from the command line (ps shows that).
  const env = isolatedEnv(dirs, {
    ...(options.env ?? {}),
    ...(options.password ? { PASSWORD: options.password } : {}),
  });
  const existing = options.mergeExistingSettings ? readUserSettings(dirs) : {};
  writeUserSettings(dirs, {
    ...(options.baseSettings ?? quietWorkbenchSettings),
    ...existing,
    ...(options.userSettings ?? {}),
    ...(options.workspaceTrust ? { 'security.workspace.trust.enabled': true } : {}),
  });

  const baseArgs = [
    editor.codeServerEntry,
    '--auth',
    options.password ? 'password' : 'none',
    '--disable-telemetry',
    '--disable-update-check',
    ...(options.workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    '--user-data-dir',
    dirs.userDataDir,
    '--extensions-dir',
    dirs.extensionsDir,
  ];
  for (const vsix of options.vsix ?? []) installVsix(editor.node, baseArgs, vsix, env);

  const lines: string[] = [];
  // detached: the server gets its own process group, so close() ends it with its extension host.
  const child = spawn(
    editor.node,
    [...baseArgs, '--bind-addr', `${host}:${options.port ?? 0}`, '--ignore-last-opened'],
    {
      env,
      cwd: dirs.home,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const killOnExit = () => {
    killGroup(child, 'SIGKILL');
    if (!options.keepDirs) removeScratchDirs(dirs);
  };
  process.on('exit', killOnExit);
  running.add(killOnExit);
  stopOnSignals();

  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    process.off('exit', killOnExit);
    running.delete(killOnExit);
    await stopChild(child);
    if (!options.keepDirs) removeScratchDirs(dirs);
  };

  try {
    const port = await waitForListening(child, lines, options.onOutput);
    const urlHost = host === '0.0.0.0' ? '127.0.0.1' : host;
    const url = `http://${urlHost}:${port}`;
    await waitForHealth(url);
    return { url, port, dirs, env, output: () => lines.join('\n'), close };
  } catch (err) {
    await close();
    throw new Error(`${(err as Error).message}\n--- code-server output ---\n${lines.slice(-40).join('\n')}`);
  }
}

/** True for names and addresses that only this machine reaches. */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

export function writeUserSettings(dirs: ScratchDirs, settings: Record<string, unknown>): void {
  const userDir = join(dirs.userDataDir, 'User');
  mkdirSync(userDir, { recursive: true });
  writeFileSync(join(userDir, 'settings.json'), JSON.stringify(settings, null, 2) + '\n');
}

export function readUserSettings(dirs: ScratchDirs): Record<string, unknown> {
  const file = join(dirs.userDataDir, 'User', 'settings.json');
  if (!existsSync(file)) return {};
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  } catch {
    // Hand-edited JSON with comments: keep a copy rather than silently dropping it.
    copyFileSync(file, `${file}.bak`);
    console.error(`[editor] ${file} is not plain JSON; saved it as settings.json.bak and started fresh`);
    return {};
  }
}

function installVsix(node: string, baseArgs: string[], vsix: string, env: NodeJS.ProcessEnv): void {
  const r = spawnSync(node, [...baseArgs, '--force', '--install-extension', vsix], {
    env,
    encoding: 'utf8',
    timeout: 120_000,
  });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  // code-server exits 0 even when the install fails, so the message is checked too.
  if (r.status !== 0 || !/successfully installed/i.test(out)) {
    throw new Error(`installing ${vsix} into code-server failed:\n${out.trim()}`);
  }
}

function waitForListening(
  child: ChildProcess,
  lines: string[],
  onOutput: ((line: string) => void) | undefined,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('code-server did not start within 60 s')),
      START_TIMEOUT_MS,
    );
    const onLine = (line: string) => {
      lines.push(line);
      if (lines.length > 2000) lines.splice(0, 1000);
      onOutput?.(line);
      const m = /HTTP server listening on https?:\/\/[^\s]*:(\d+)/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    for (const stream of [child.stdout, child.stderr]) {
      let buffered = '';
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        buffered += chunk;
        const parts = buffered.split('\n');
        buffered = parts.pop() ?? '';
        for (const part of parts) onLine(part);
      });
    }
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`code-server could not be started: ${err.message}`));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`code-server exited before listening (code ${code ?? signal})`));
    });
  });
}

async function waitForHealth(url: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`code-server at ${url} not healthy: ${last}`);
}

// The server runs in its own process group, so it would outlive this process when a signal ends
// it (node --test kills a timed-out test file with SIGTERM; 'exit' handlers do not run then).
const running = new Set<() => void>();
let signalsHooked = false;
function stopOnSignals(): void {
  if (signalsHooked) return;
  signalsHooked = true;
  const codes: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
  for (const [signal, code] of Object.entries(codes) as [NodeJS.Signals, number][]) {
    const handler = () => {
      // Someone else (the launcher, npm start) handles this signal and closes servers itself.
      if (process.listenerCount(signal) > 1) return;
      for (const kill of running) kill();
      process.exit(code);
    };
    process.on(signal, handler);
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  killGroup(child, 'SIGTERM');
  const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
  // The extension host and other children share the group; make sure none outlives the server.
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Group already empty.
  }
}
