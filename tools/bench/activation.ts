// `activation`: how long Pacer takes to activate in the real editor, as users get it: the packaged
// pacer.vsix (built fresh from the current code) installed into code-server, the workbench opened
// in headless Chromium, then reloaded, each window a new extension host. The extension measures
// itself (src/vscode/activationTiming.ts: from the bundle's first line to the end of activate())
// and logs the figure; this reads the log lines. Median of 7 windows (`--quick`: 1).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { median } from '../../src/core/common/stats';
import { ACTIVATION_LOG_TEXT, HOST_WAIT_LOG_TEXT } from '../../src/vscode/activationTiming';
import { launchChromium, openWorkbench } from '../editor/chromium';
import { startCodeServer } from '../editor/codeServer';
import { repoRoot } from '../editor/installEditor.mjs';
import { workbenchUrl } from '../editor/workbenchUrl';
import { copyWorkspace } from '../editor/workspace';
import { startEmulator } from '../emulator/server';
import { round } from './stats';
import type { SectionRunner } from './types';

const TARGET_MS = 50;
const LINE = new RegExp(`${ACTIVATION_LOG_TEXT} ([\\d.]+) ms.*?entered at ([\\d.]+) ms(?:; ([^)]*))?`);
/** The line after it: the other extensions the host ran while Pacer waited for activate(). */
const HOST_WAIT_LINE = new RegExp(
  `${HOST_WAIT_LOG_TEXT.replace(/[()]/g, '\\$&')} .*?other extensions ran ([\\d.]+) ms(?: \\(of (\\d+) extension marks\\))?(?:: (.*))?`,
);

function logFiles(dir: string, out: string[] = [], depth = 0): string[] {
  if (!existsSync(dir) || depth > 10) return out;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const st = statSync(path, { throwIfNoEntry: false });
    if (st?.isDirectory()) logFiles(path, out, depth + 1);
    else if (st && name.endsWith('.log')) out.push(path);
  }
  return out;
}

interface Activation {
  /** Bundle's first line to activate() returning. */
  ms: number;
  /** Bundle's first line to activate() entered: top-level code and the editor's preparation. */
  enteredMs: number;
  /** activate()'s phases with their ms, as logged ("log 0.4, settings 3.1, …"). */
  phases: string;
  /** How long other extensions' loading and activation ran inside the wait for activate(). */
  othersMs?: number;
  /** Which ones, as logged ("vscode.git load 31.0, …"). */
  others?: string;
}

/** Every activation Pacer has logged in this profile so far, oldest window first. */
function loggedActivations(logsDir: string): Activation[] {
  return logFiles(logsDir)
    .sort((a, b) => statSync(a).mtimeMs - statSync(b).mtimeMs)
    .flatMap((f) => readFileSync(f, 'utf8').split('\n'))
    .reduce<Activation[]>((found, line) => {
      const m = LINE.exec(line);
      if (m) found.push({ ms: Number(m[1]), enteredMs: Number(m[2]), phases: m[3] ?? '' });
      const wait = HOST_WAIT_LINE.exec(line);
      const last = found[found.length - 1];
      if (wait && last)
        Object.assign(last, {
          othersMs: Number(wait[1]),
          others: `${wait[3] ?? ''} (${wait[2] ?? '?'} marks)`,
        });
      return found;
    }, []);
}

async function waitForActivations(logsDir: string, count: number, page: Page): Promise<Activation[]> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const found = loggedActivations(logsDir);
    // The host-wait line follows a tick after the activation line: wait for both.
    if (found.length >= count && found[count - 1]?.othersMs !== undefined) return found;
    if (Date.now() > deadline)
      throw new Error(`Pacer logged ${found.length} activations, expected ${count}, within 90 s`);
    await page.waitForTimeout(250);
  }
}

export const run: SectionRunner = async ({ quick }) => {
  const windows = quick ? 1 : 7;
  // What users install: the production bundle as packaged, so .vscodeignore and minification count.
  const packaged = spawnSync('npm', ['run', 'package'], { cwd: repoRoot, encoding: 'utf8' });
  const vsix = join(repoRoot, 'pacer.vsix');
  if (packaged.status !== 0 || !existsSync(vsix))
    throw new Error(`npm run package failed:\n${packaged.stdout}${packaged.stderr}`);

  const emulator = await startEmulator({});
  const workspace = copyWorkspace();
  const server = await startCodeServer({
    userSettings: { 'pacer.providers.baseUrls': { deepseek: emulator.url } },
    vsix: [vsix],
  });
  const browser = await launchChromium({ env: server.env });
  const runs: Activation[] = [];
  try {
    const logsDir = server.dirs.root;
    const page = await openWorkbench(browser, workbenchUrl(server.url, { folder: workspace.path }));
    for (let i = 1; i <= windows; i++) {
      if (i > 1) await page.reload({ waitUntil: 'domcontentloaded' });
      const found = await waitForActivations(logsDir, i, page);
      runs.push(found[i - 1] as Activation);
    }
  } finally {
    await browser.close().catch(() => undefined);
    await server.close().catch(() => undefined);
    await emulator.close().catch(() => undefined);
    workspace.remove();
  }
  const ms = round(median(runs.map((r) => r.ms)), 2);
  const activateMs = round(median(runs.map((r) => r.ms - r.enteredMs)), 2);
  const targets = [
    {
      name: `activation < ${TARGET_MS} ms (median of ${windows} windows, packaged .vsix)`,
      met: ms < TARGET_MS,
      value: `${ms} ms`,
    },
  ];
  return {
    name: 'activation',
    rows: runs.map((r, i) => ({
      window: i + 1,
      ms: round(r.ms, 2),
      'until activate()': round(r.enteredMs, 2),
      'in activate()': round(r.ms - r.enteredMs, 2),
      phases: r.phases,
      'others ran': r.othersMs === undefined ? '' : `${round(r.othersMs, 1)} ms ${r.others ?? ''}`,
    })),
    // activateMs: the median time inside activate() alone (the part Pacer's wiring decides).
    result: { ms, runs: runs.map((r) => round(r.ms, 2)), activateMs, targets },
    targets,
  };
};
