// Inline completion in the real editor (code-server + headless Chromium), answered by the DeepSeek
// emulator's FIM: ghost text appears while typing, typing through it sends no new request (the
// emulator's own counters say so), Tab accepts it, an excluded file sends nothing, and a 429
// storm shows no popup and ends by itself. Screenshots go to test-results/completion-*.png.
import assert from 'node:assert/strict';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startPacerEditor } from './harness';
import type { PacerEditor } from './harness';

const MATH_SOURCE = new URL('../../fixtures/workspace/src/math.ts', import.meta.url);
const MATH_LINES = readFileSync(MATH_SOURCE, 'utf8').split('\n');
const lineOf = (text: string) => MATH_LINES.indexOf(text) + 1;

describe('inline completion in the editor', () => {
  let editor: PacerEditor;

  // math.ts (whose code the emulator knows) and a file under secrets/, excluded by default.
  const fixture = mkdtempSync(join(tmpdir(), 'pacer-completion-ws-'));
  copyFileSync(MATH_SOURCE, join(fixture, 'math.ts'));
  mkdirSync(join(fixture, 'secrets'));
  writeFileSync(
    join(fixture, 'secrets', 'apiClient.ts'),
    'export function add(a: number, b: number): number {\n  return a + b;\n}\n',
  );

  const fimRequests = () => editor.emulator?.stats().requestsByPath['/beta/completions'] ?? 0;
  const ghost = () => editor.page.locator('.editor-instance .monaco-editor .ghost-text-decoration');
  const toasts = () => editor.page.locator('.notifications-toasts .notification-toast');

  /** The ghost text as plain text (the editor renders its spaces as no-break spaces). */
  async function ghostText(): Promise<string> {
    return (await ghost().allTextContents()).join('').replace(/\u00a0/g, ' ');
  }

  /** Ghost text is several spans (one per token), some of them empty: wait for any text. */
  async function waitForGhost(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if ((await ghostText()) !== '') return true;
      await editor.page.waitForTimeout(100);
    }
    return false;
  }

  async function openFromExplorer(name: string, folder?: string): Promise<void> {
    const rows = editor.page.locator('.explorer-viewlet .monaco-list-row');
    if (folder) {
      const row = rows.filter({ hasText: folder }).first();
      await row.waitFor({ timeout: 20_000 });
      if ((await row.getAttribute('aria-expanded')) !== 'true') await row.click();
    }
    await rows.filter({ hasText: name }).first().dblclick({ timeout: 20_000 });
    await editor.page
      .locator(`.tabs-container .tab[data-resource-name="${name}"]`)
      .waitFor({ timeout: 10_000 });
    await editor.page.locator('.editor-instance .monaco-editor').first().click();
  }

  /** Cursor to the end of `line`, its code deleted (the indentation stays). */
  async function clearLine(line: number): Promise<void> {
    await editor.page.keyboard.press('Control+G');
    await editor.page.keyboard.type(String(line));
    await editor.page.keyboard.press('Enter');
    await editor.page.keyboard.press('End');
    await editor.page.keyboard.press('Shift+Home');
    await editor.page.keyboard.press('Delete');
  }

  /** Pacer's output channel as written to disk, for failure messages. */
  function pacerLog(): string {
    const logs = join(editor.server.dirs.userDataDir, 'logs');
    const found = existsSync(logs)
      ? (readdirSync(logs, { recursive: true }) as string[]).filter(
          (f) => /pacer/i.test(f) && f.endsWith('.log'),
        )
      : [];
    return found.map((f) => `--- ${f}\n${readFileSync(join(logs, f), 'utf8').slice(-3000)}`).join('\n');
  }

  before(async () => {
    editor = await startPacerEditor({
      workspace: fixture,
      emulator: { ttftMs: 60 },
      settings: {
        // Only DeepSeek, so a 429 is not failed over to a local provider that is not running.
        'pacer.providers.enabled': ['deepseek'],
        // Two cores shared by code-server, Chromium and the TypeScript server starting up: the
        // extension host can be slow to read even a fast answer. The test is about the flow.
        'pacer.completion.deadlineMs': 6000,
        // Keep the suggest widget out of the way: the ghost text is what this test is about.
        'editor.quickSuggestions': { other: 'off', comments: 'off', strings: 'off' },
        'editor.suggestOnTriggerCharacters': false,
        'editor.parameterHints.enabled': false,
      },
    });
  });
  after(async () => {
    await editor?.close();
    rmSync(fixture, { recursive: true, force: true });
  });

  test('typing in a file shows ghost text from the emulator', async () => {
    await editor.waitForStatus(/DeepSeek/);
    await openFromExplorer('math.ts');
    await clearLine(lineOf('  return a + b;'));
    await editor.page.keyboard.type('ret', { delay: 120 });
    if (!(await waitForGhost(15_000))) {
      await editor.screenshot('completion-no-ghost-text');
      assert.fail(
        `no ghost text; emulator saw ${JSON.stringify(editor.emulator?.stats().lastRequests.slice(-3))}\n${pacerLog()}`,
      );
    }
    assert.equal(await ghostText(), 'urn a + b;');
    assert.ok(fimRequests() >= 1, 'the suggestion came from the emulator');
    const prompt = editor.emulator
      ?.stats()
      .lastRequests.filter((r) => r.path === '/beta/completions')
      .at(-1)?.prompt;
    assert.match(prompt ?? '', /^\/\/ Path: math\.ts\n\/\/ Language: typescript\n/);
    await editor.screenshot('completion-ghost-text');
  });

  test('typing through the suggestion sends no new request', async () => {
    const before = fimRequests();
    await editor.page.keyboard.type('urn a', { delay: 150 });
    await editor.page.waitForTimeout(1500);
    assert.equal(await ghostText(), ' + b;');
    assert.equal(fimRequests(), before, 'no request while the typed text matched the suggestion');
    await editor.screenshot('completion-typed-through');
  });

  test('Tab accepts it', async () => {
    await editor.page.keyboard.press('Tab');
    await editor.page.waitForTimeout(300);
    assert.equal(await ghostText(), '');
    await editor.page.keyboard.press('Control+S');
    const file = join(editor.workspace.path, 'math.ts');
    const deadline = Date.now() + 5_000;
    while (!readFileSync(file, 'utf8').includes('  return a + b;\n}') && Date.now() < deadline) {
      await editor.page.waitForTimeout(100);
    }
    assert.equal(readFileSync(file, 'utf8'), MATH_LINES.join('\n'), 'the file is whole again');
    await editor.screenshot('completion-accepted');
  });

  test('an excluded file sends nothing', async () => {
    await openFromExplorer('apiClient.ts', 'secrets');
    const before = editor.emulator?.stats().requests ?? 0;
    await clearLine(2);
    await editor.page.keyboard.type('ret', { delay: 120 });
    await editor.page.waitForTimeout(2500);
    assert.equal(editor.emulator?.stats().requests ?? 0, before, 'no request of any kind');
    assert.equal(await ghostText(), '');
    await editor.screenshot('completion-excluded');
  });

  test('with the emulator answering 429 no error pops up, and completions come back', async () => {
    editor.emulator?.setFault({ kind: 'rateLimited' });
    await openFromExplorer('math.ts');
    await clearLine(lineOf('  return Math.min(Math.max(value, min), max);'));
    await editor.page.keyboard.type('return Ma', { delay: 120 });
    const deadline = Date.now() + 15_000;
    while ((editor.emulator?.stats().sent429 ?? 0) === 0 && Date.now() < deadline)
      await editor.page.waitForTimeout(200);
    assert.ok((editor.emulator?.stats().sent429 ?? 0) >= 1, 'the request met a 429');
    await editor.page.waitForTimeout(2000);
    assert.equal(await toasts().count(), 0, 'no notification popped up');
    assert.equal(await ghostText(), '');
    await editor.screenshot('completion-429');

    // The storm ends: a later keystroke gets ghost text again, with nothing to click.
    editor.emulator?.setFault({ kind: 'none' });
    const until = Date.now() + 30_000;
    while (Date.now() < until) {
      await editor.page.keyboard.press('Backspace');
      await editor.page.keyboard.type('a', { delay: 50 });
      // Still cooling down after the 429s? Type again.
      if (await waitForGhost(3_000)) break;
    }
    assert.equal(await ghostText(), 'th.min(Math.max(value, min), max);');
    assert.equal(await toasts().count(), 0);
    await editor.screenshot('completion-recovered');
  });
  test('snooze and toggle show in the status bar, and send nothing meanwhile', async () => {
    const label = async () => (await editor.statusItem().getAttribute('aria-label')) ?? '';
    await editor.runCommand('Pacer: Snooze Completions');
    const quickInput = editor.page.locator('.quick-input-widget input');
    await quickInput.fill('15 minutes');
    await editor.page
      .locator('.quick-input-widget .monaco-list-row', { hasText: '15 minutes' })
      .first()
      .waitFor();
    await editor.page.keyboard.press('Enter');
    await editor.waitForStatus(/DeepSeek 15m/);
    assert.match(await label(), /Completions snoozed until/);

    await editor.page.locator('.editor-instance .monaco-editor').first().click();
    await clearLine(lineOf('  return n;'));
    const before = fimRequests();
    await editor.page.keyboard.type('return', { delay: 120 });
    await editor.page.waitForTimeout(2000);
    assert.equal(fimRequests(), before, 'snoozed: no request');
    assert.equal(await ghostText(), '');
    await editor.screenshot('completion-snoozed');

    await editor.runCommand('Pacer: Toggle Completions'); // snoozed -> on
    await editor.waitForStatus(/^DeepSeek$/);
    await editor.runCommand('Pacer: Toggle Completions'); // on -> off
    const deadline = Date.now() + 10_000;
    while (!/Completions are off/.test(await label()) && Date.now() < deadline)
      await editor.page.waitForTimeout(200);
    assert.match(await label(), /Completions are off/);
    await editor.screenshot('completion-off');
    await editor.runCommand('Pacer: Toggle Completions'); // back on
  });
});
