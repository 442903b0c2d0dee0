// tools/testReporter.mjs, the reporter `npm test` counts with: run node:test on a made-up file
// with a known mix of results and read what the reporter wrote.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'pacer-reporter-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function countsFor(files: Record<string, string>) {
  for (const [name, code] of Object.entries(files)) writeFileSync(join(dir, name), code);
  const out = join(dir, 'counts.json');
  const r = spawnSync(
    process.execPath,
    [
      '--test',
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      `--test-reporter=${join(root, 'tools', 'testReporter.mjs')}`,
      `--test-reporter-destination=${out}`,
      ...Object.keys(files).map((f) => join(dir, f)),
    ],
    // Without NODE_TEST_CONTEXT: set by the runner running this file, it would make the inner
    // runner report to this one instead of to its reporters.
    { cwd: dir, encoding: 'utf8', env: { ...process.env, NODE_TEST_CONTEXT: undefined } },
  );
  return { exit: r.status, counts: JSON.parse(readFileSync(out, 'utf8')) };
}

describe('test reporter (tools/testReporter.mjs)', () => {
  test('counts tests, not suites, from the runner events: pass, fail, skip, todo, cancelled', () => {
    const { exit, counts } = countsFor({
      'mixed.test.mjs': `
        import { describe, test, before } from 'node:test';
        test('passes', () => {});
        test('fails', () => { throw new Error('no'); });
        test('skipped', { skip: true }, () => {});
        test('todo', { todo: true }, () => {});
        describe('a suite', () => {
          test('passes inside', () => {});
          describe('nested', () => { test('passes deeper', () => {}); });
        });
        describe('a suite whose hook fails', () => {
          before(() => { throw new Error('hook'); });
          test('never runs', () => {});
        });
      `,
      'broken.test.mjs': `import './does-not-exist.mjs';\n`,
    });
    assert.notEqual(exit, 0);
    assert.equal(counts.passed, 3);
    assert.equal(counts.skipped, 1);
    assert.equal(counts.todo, 1);
    // 'fails', 'never runs' (cancelled by its hook) and the file that does not load.
    assert.equal(counts.failed, 3);
    assert.equal(counts.cancelled, 1);
    assert.equal(counts.files.length, 2);
  });
});
