#!/usr/bin/env node
// `npm test`: checks, packaging, build, unit tests, then the suites that run inside a real VS Code
// (code-server + headless Chromium): extension-host (mocha) and UI (Playwright). Prints every
// suite's own output and ends with ONE line `N passed, N failed` summing all suites; exits
// non-zero when anything failed.
//
//   npm test                 everything
//   npm test -- --no-editor  checks, build and unit tests only (no code-server, no Chromium)
//   npm test -- --no-check   skip typecheck/lint/format
// A failing step (check, package, build, editor install) counts as one failed test.
//
// Test files are found recursively (test/unit/**/*.test.ts, test/e2e/ui/**/*.test.ts). The node
// suites are counted from node:test's events by tools/testReporter.mjs (spec still prints to the
// terminal), and a suite that ran fewer tests than test/expected-counts.json says fails: a moved
// or renamed file cannot drop out silently. Raise the count there when you add tests.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureNodeModules } from './editor/ensureNodeModules.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const withEditor = !args.has('--no-editor');
const withCheck = !args.has('--no-check');

const results = [];
const started = Date.now();

// Ctrl+C: stop the running step (and everything it started), then stop.
let current;
let interrupted = false;
process.on('SIGINT', () => {
  console.error('\ninterrupted');
  current?.('SIGTERM');
  if (!current) process.exit(130);
  current = undefined;
  interrupted = true;
});

function banner(title) {
  console.log(`\n=== ${title} ===`);
}

// Runs a command, streaming its output, and returns { code, stdout }. The child gets its own
// process group so a timeout ends everything it started (code-server, Chromium).
function run(cmd, cmdArgs, { timeoutMs = 15 * 60_000, env = {} } = {}) {
  return new Promise((done) => {
    const child = spawn(cmd, cmdArgs, {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    child.stdout.on('data', (d) => {
      stdout += d;
      process.stdout.write(d);
    });
    child.stderr.on('data', (d) => process.stderr.write(d));
    const killGroup = (signal) => {
      try {
        process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      console.error(`\n${cmd} ${cmdArgs.join(' ')}: no result after ${timeoutMs / 1000} s, stopping it`);
      killGroup('SIGTERM');
      setTimeout(() => killGroup('SIGKILL'), 5000).unref();
    }, timeoutMs);
    current = killGroup;
    child.on('error', (err) => {
      console.error(`${cmd}: ${err.message}`);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      current = undefined;
      if (interrupted) process.exit(130);
      done({ code: code ?? (signal ? 1 : 0), stdout });
    });
  });
}

/** A step that is not a test suite: counts as one failure when it fails, nothing when it passes. */
async function step(name, cmd, cmdArgs, options) {
  banner(name);
  const { code } = await run(cmd, cmdArgs, options);
  const ok = code === 0;
  results.push({ name, passed: 0, failed: ok ? 0 : 1, note: ok ? 'ok' : `failed (exit ${code})` });
  return ok;
}

const countsFile = 'test/expected-counts.json';
/** The least number of tests each suite must run, by suite name (test/expected-counts.json). */
function expectedCounts() {
  try {
    return JSON.parse(readFileSync(join(root, countsFile), 'utf8'));
  } catch (err) {
    console.error(`${countsFile}: ${err.message}`);
    return {};
  }
}

/**
 * Runs node:test on `files` with the spec reporter on stdout and tools/testReporter.mjs counting
 * the results from the runner's events. `checkCount`: compare with test/expected-counts.json
 * (off when the file list was cut down on purpose).
 */
async function nodeTestSuite(name, files, extraArgs, { checkCount = true } = {}) {
  banner(`${name} (${files.length} file${files.length === 1 ? '' : 's'})`);
  if (files.length === 0) {
    results.push({ name, passed: 0, failed: 0, note: 'no test files' });
    return;
  }
  mkdirSync(join(root, 'test-results'), { recursive: true });
  const countsPath = join(root, 'test-results', `${name}-counts.json`);
  rmSync(countsPath, { force: true });
  const { code } = await run(process.execPath, [
    '--import',
    'tsx',
    '--test',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=./tools/testReporter.mjs',
    `--test-reporter-destination=${relative(root, countsPath)}`,
    ...extraArgs,
    ...files,
  ]);
  let counts;
  try {
    counts = JSON.parse(readFileSync(countsPath, 'utf8'));
  } catch {
    results.push({ name, passed: 0, failed: 1, note: `no test results (exit ${code})` });
    return;
  }
  // A crash after the last test (or a failing hook) still fails the suite.
  const failed = code !== 0 && counts.failed === 0 ? 1 : counts.failed;
  const ran = counts.passed + counts.failed + counts.skipped + counts.todo;
  const notes = [];
  if (counts.skipped) notes.push(`${counts.skipped} skipped`);
  if (counts.cancelled) notes.push(`${counts.cancelled} of the failed cancelled`);
  let short = 0;
  const expected = expectedCounts()[name];
  if (checkCount && typeof expected === 'number') {
    if (ran < expected) {
      short = 1;
      const msg = `${name}: ran ${ran} tests, fewer than the ${expected} in ${countsFile} (a test file missing or not loading?)`;
      console.error(`\n${msg}`);
      notes.push(`FELL SHORT: ran ${ran} of ${expected} expected (${countsFile})`);
    } else if (ran > expected) {
      notes.push(`ran ${ran}, ${countsFile} says ${expected}: raise it`);
    }
  }
  results.push({ name, passed: counts.passed, failed: failed + short, note: notes.join('; ') });
}

async function hostSuites() {
  banner('extension-host suites (mocha in VS Code via @vscode/test-electron)');
  const { code, stdout } = await run(process.execPath, ['--import', 'tsx', 'tools/editor/runHostTests.ts']);
  const m = [...stdout.matchAll(/^extension-host: (\d+) passed, (\d+) failed$/gm)].pop();
  if (!m) {
    results.push({ name: 'extension-host', passed: 0, failed: 1, note: `no result line (exit ${code})` });
    return;
  }
  const counts = { passed: Number(m[1]), failed: Number(m[2]) };
  if (code !== 0 && counts.failed === 0) counts.failed = 1;
  results.push({ name: 'extension-host', ...counts, note: '' });
}

/** Every *.test.ts under `dir`, at any depth, as sorted paths relative to the root. */
const testFiles = (dir) =>
  existsSync(join(root, dir))
    ? readdirSync(join(root, dir), { recursive: true })
        .map((f) => String(f).split('\\').join('/'))
        .filter((f) => f.endsWith('.test.ts') && !f.split('/').includes('node_modules'))
        .sort()
        .map((f) => `${dir}/${f}`)
    : [];

ensureNodeModules(root);
if (withCheck) await step('check (typecheck, lint, format)', 'npm', ['run', 'check']);
// The packaged build first (it writes a minified dist/), then the development build over it.
const packaged = withEditor ? await step('package (pacer.vsix)', 'npm', ['run', 'package']) : false;
const built = await step('build', 'npm', ['run', 'build']);

// --test-timeout also bounds each whole file (a file is a test of the root): generous limits that
// still end a hang.
await nodeTestSuite('unit', testFiles('test/unit'), ['--test-timeout=300000']);

if (withEditor && built) {
  const editorReady = await step('editor (code-server + Chromium)', process.execPath, [
    'tools/editor/installEditor.mjs',
  ]);
  if (editorReady) {
    await hostSuites();
    const uiFiles = testFiles('test/e2e/ui');
    // One editor at a time: each is a code-server plus a Chromium.
    // Without a package the packaged tests cannot run (that failure is counted already), so the
    // suite is short on purpose and its count is not checked.
    await nodeTestSuite(
      'ui',
      packaged ? uiFiles : uiFiles.filter((f) => !f.endsWith('packaged.test.ts')),
      ['--test-concurrency=1', '--test-timeout=600000'],
      { checkCount: packaged },
    );
  }
}

banner('summary');
const width = Math.max(...results.map((r) => r.name.length));
for (const r of results) {
  const counts = r.passed + r.failed > 0 || r.note === '' ? `${r.passed} passed, ${r.failed} failed` : '';
  console.log(`${r.name.padEnd(width)}  ${[counts, r.note].filter(Boolean).join('  ')}`);
}
console.log(`(${Math.round((Date.now() - started) / 1000)} s; screenshots and logs in test-results/)`);
const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
