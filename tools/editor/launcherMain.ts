// Stands in for the VS Code executable in `@vscode/test-electron`'s `runTests({ vscodeExecutablePath })`:
// takes the arguments runTests passes to VS Code, runs the suite in code-server's extension host
// through headless Chromium, prints the suite's output and exits with its code.
//
// Environment (all optional):
//   PACER_E2E_SETTINGS      JSON object written to User/settings.json (e.g. provider base URLs)
//   PACER_E2E_VSIX          a packaged extension to install; the source folder is then not loaded
//   PACER_E2E_SCREENSHOT    PNG path for a screenshot of the workbench when the suite ends
//   PACER_E2E_LOGS_DIR      where the workbench's log files go when the suite fails
//   PACER_E2E_TIMEOUT_MS    whole-run limit (default 5 min)
//   PACER_E2E_VERBOSE=1     also print the workbench console and code-server output
//   PACER_E2E_KEEP=1        keep the scratch profile folder
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { extensionHostLine, launchChromium, openWorkbench } from './chromium';
import { startCodeServer } from './codeServer';
import type { RunningCodeServer } from './codeServer';
import { workbenchUrl } from './workbenchUrl';

// Printed by test/e2e/host/index.ts around the mocha run.
const BEGIN = '[pacer-e2e] begin';
const END = '[pacer-e2e] end';

// Expected on an offline machine; not worth a line in the test output.
function isOfflineNoise(line: string): boolean {
  return /ENOTFOUND|ERR_NAME_NOT_RESOLVED|open-vsx|vsda|telemetry/i.test(line);
}

interface VsCodeArgs {
  extensionTestsPath?: string;
  extensionDevelopmentPath: string[];
  folder?: string;
}

function parseVsCodeArgs(argv: string[]): VsCodeArgs {
  const out: VsCodeArgs = { extensionDevelopmentPath: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const [flag, inline] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg];
    const value = () => inline ?? argv[++i] ?? '';
    if (flag === '--extensionTestsPath') out.extensionTestsPath = resolve(value());
    else if (flag === '--extensionDevelopmentPath') out.extensionDevelopmentPath.push(resolve(value()));
    // A profile is always a fresh scratch one; the folders runTests proposes are not used.
    else if (flag === '--user-data-dir' || flag === '--extensions-dir') {
      if (inline === undefined) i++;
    } else if (!arg.startsWith('-')) out.folder = resolve(arg);
  }
  return out;
}

function parseSettings(): Record<string, unknown> {
  const raw = process.env.PACER_E2E_SETTINGS;
  if (!raw) return {};
  const parsed: unknown = JSON.parse(raw);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error('PACER_E2E_SETTINGS must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

interface LogFile {
  relativePath?: string;
  contents?: string;
}

async function main(): Promise<number> {
  const args = parseVsCodeArgs(process.argv.slice(2));
  if (!args.extensionTestsPath) throw new Error('launcher: --extensionTestsPath is required');
  const verbose = process.env.PACER_E2E_VERBOSE === '1';
  const vsix = process.env.PACER_E2E_VSIX ? resolve(process.env.PACER_E2E_VSIX) : undefined;
  const timeoutMs = Number(process.env.PACER_E2E_TIMEOUT_MS ?? 300_000);

  let server: RunningCodeServer | undefined;
  let browser: Browser | undefined;
  const cleanup = async () => {
    await browser?.close().catch(() => undefined);
    await server?.close();
  };
  const onSignal = () => {
    console.error('launcher: interrupted, closing the editor');
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    server = await startCodeServer({
      userSettings: parseSettings(),
      ...(vsix ? { vsix: [vsix] } : {}),
      keepDirs: process.env.PACER_E2E_KEEP === '1',
      ...(verbose ? { onOutput: (line: string) => console.error(`[code-server] ${line}`) } : {}),
    });
    browser = await launchChromium({ env: server.env });

    let inSuite = false;
    let began = false;
    let suiteEnded: () => void = () => undefined;
    const ended = new Promise<void>((r) => (suiteEnded = r));
    let settle: (result: { code: number; logs?: LogFile[] }) => void = () => undefined;
    const finished = new Promise<{ code: number; logs?: LogFile[] }>((r) => (settle = r));
    const timer = setTimeout(() => {
      console.error(`launcher: the suite did not finish within ${timeoutMs} ms`);
      settle({ code: 1 });
    }, timeoutMs);

    const url = workbenchUrl(server.url, {
      ...(args.folder ? { folder: args.folder } : {}),
      extensionDevelopmentPath: vsix ? [] : args.extensionDevelopmentPath,
      extensionTestsPath: args.extensionTestsPath,
    });
    const page = await openWorkbench(browser, url, {
      beforeNavigate: async (p) => {
        await p.exposeFunction('codeAutomationExit', (code: number, logs?: LogFile[]) =>
          settle({ code: Number(code) || 0, ...(logs ? { logs } : {}) }),
        );
        // Keep the order of lines: each console message is formatted in turn. The workbench logs
        // to the same console in the same format, so only the suite's lines (between its
        // markers) are forwarded, plus errors before the suite starts (e.g. it failed to load).
        let chain = Promise.resolve();
        p.on('console', (msg) => {
          chain = chain.then(async () => {
            const line = await extensionHostLine(msg);
            if (line === BEGIN) inSuite = began = true;
            else if (line === END) {
              inSuite = false;
              suiteEnded();
            } else if (line !== undefined && inSuite) console.log(line);
            else if (verbose) console.error(`[workbench] ${line ?? msg.text()}`);
            else if (!began && msg.type() === 'error' && line !== undefined && !isOfflineNoise(line)) {
              console.error(`[workbench] ${line}`);
            }
          });
        });
        p.on('crash', () => {
          console.error('launcher: the workbench page crashed');
          settle({ code: 1 });
        });
      },
    });

    const result = await finished;
    clearTimeout(timer);
    // codeAutomationExit can overtake the suite's last console lines: wait for its end marker.
    await Promise.race([ended, new Promise((r) => setTimeout(r, 3000))]);
    const shot = process.env.PACER_E2E_SCREENSHOT;
    if (shot) {
      mkdirSync(dirname(resolve(shot)), { recursive: true });
      await page
        .screenshot({ path: resolve(shot) })
        .catch((err: Error) => console.error(`screenshot: ${err.message}`));
    }
    if (result.code !== 0 && process.env.PACER_E2E_LOGS_DIR && result.logs) {
      for (const log of result.logs) {
        if (!log.relativePath || log.contents === undefined) continue;
        const file = join(resolve(process.env.PACER_E2E_LOGS_DIR), log.relativePath.replace(/\.\.+/g, '_'));
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, log.contents);
      }
      console.error(`launcher: workbench logs written to ${process.env.PACER_E2E_LOGS_DIR}`);
    }
    return result.code;
  } finally {
    await cleanup();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`launcher: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
