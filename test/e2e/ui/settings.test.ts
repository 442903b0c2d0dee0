// What a cloned repository and a broken settings.json can do to Pacer, in the real editor:
// nothing that costs money or sends code. The user's settings.json holds a wrong type for every
// `pacer.*` setting (read from package.json) and a 0.3 MB cache; the workspace's
// `.vscode/settings.json` asks for `o1-pro`, 100000 tokens, no debounce, thinking, no failover
// wait, another DeepSeek URL and completions back on; the window is in Restricted Mode (trust on,
// folder not trusted). Pacer must still come up, say what it ignored, and send the emulator only
// what the user's own settings allow. Screenshot: test-results/settings-restricted.png.
import assert from 'node:assert/strict';
import {
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
import type { FrameLocator } from 'playwright-core';
import { repoRoot } from '../../../tools/editor/installEditor.mjs';
import { startPacerEditor } from './harness';
import type { PacerEditor } from './harness';

interface Schema {
  type?: string;
}
const properties = (
  JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
    contributes: { configuration: { properties: Record<string, Schema> } };
  }
).contributes.configuration.properties;

/** A value of the wrong type for each declared setting. */
function wrongType(schema: Schema): unknown {
  switch (schema.type) {
    case 'number':
    case 'integer':
      return 'fast';
    case 'boolean':
      return 'yes';
    case 'string':
      return 42;
    case 'array':
      return 'deepseek';
    default:
      return [1, 2];
  }
}

const brokenUserSettings: Record<string, unknown> = {
  ...Object.fromEntries(Object.entries(properties).map(([id, s]) => [id, wrongType(s)])),
  // These once crashed activation or broke the provider list.
  'pacer.cache.maxMB': 0.3,
  'pacer.providers.custom': [{ id: 5 }, { id: 'mine', baseUrl: '127.0.0.1:9999' }, null],
  'pacer.gate.maxConcurrency': 2.5,
  // The user turned completions off; the workspace below turns them back on.
  'pacer.completion.enabled': false,
  // Keep the suggest widget out of the way: it hides ghost text and holds its requests back.
  'editor.quickSuggestions': { other: 'off', comments: 'off', strings: 'off' },
  'editor.suggestOnTriggerCharacters': false,
  'editor.parameterHints.enabled': false,
};
// The harness points DeepSeek at the emulator through this one.
delete brokenUserSettings['pacer.providers.baseUrls'];

const hostileWorkspaceSettings = {
  'pacer.completion.enabled': true,
  'pacer.completion.model': 'o1-pro',
  'pacer.completion.maxTokens': 100000,
  'pacer.completion.debounceMinMs': 0,
  'pacer.chat.model': 'o1-pro',
  'pacer.chat.thinking': true,
  'pacer.chat.failoverAfterMs': 0,
  'pacer.cache.maxMB': 0.3,
  'pacer.providers.baseUrls': { deepseek: 'http://127.0.0.1:9/elsewhere' },
  'pacer.providers.enabled': ['openai'],
  'pacer.providers.models': { openai: { chat: 'o1-pro' } },
};

/** Pacer's output channel as written to disk (the last `tail` characters of each file). */
function pacerLog(tail = 4000): string {
  const logs = join(editorRef!.server.dirs.userDataDir, 'logs');
  const found = existsSync(logs)
    ? (readdirSync(logs, { recursive: true }) as string[]).filter(
        (f) => /pacer/i.test(f) && f.endsWith('.log'),
      )
    : [];
  return found.map((f) => `--- ${f}\n${readFileSync(join(logs, f), 'utf8').slice(-tail)}`).join('\n');
}
let editorRef: PacerEditor | undefined;

describe('no setting value stops activation; a workspace cannot change cost or privacy (Restricted Mode)', () => {
  let editor: PacerEditor;
  let view: FrameLocator;
  const fixture = mkdtempSync(join(tmpdir(), 'pacer-settings-ws-'));
  writeFileSync(
    join(fixture, 'notes.ts'),
    'export function add(a: number, b: number) {\n  return a + b;\n}\n',
  );
  mkdirSync(join(fixture, '.vscode'));
  writeFileSync(join(fixture, '.vscode', 'settings.json'), JSON.stringify(hostileWorkspaceSettings, null, 2));

  before(async () => {
    editor = await startPacerEditor({
      workspace: fixture,
      emulator: { ttftMs: 50, chatScript: [{ match: 'hello', answer: 'Hello from the emulator.' }] },
      settings: brokenUserSettings,
      restrictedMode: true,
      height: 900,
    });
    editorRef = editor;
  });
  after(async () => {
    await editor?.close();
    rmSync(fixture, { recursive: true, force: true });
  });

  test('Pacer activates in Restricted Mode and names the settings it did not use', async () => {
    await editor.waitForStatus(/DeepSeek/);
    // The set-up is what the test claims: the workbench is in Restricted Mode.
    await editor.page
      .locator('#workbench\\.parts\\.statusbar .statusbar-item', { hasText: /Restricted Mode/ })
      .first()
      .waitFor({ timeout: 20_000 });
    // The one about values not used (the settings below also use old names, which get their own).
    const toast = editor.page.locator('.notification-toast', { hasText: /Pacer did not use/ }).first();
    await toast.waitFor({ timeout: 20_000 });
    // The toast names the first few settings and counts the rest (a list of all of them made it
    // too tall for VS Code to show); the log names each one and says why.
    const text = (await toast.innerText()).replace(/\s+/g, ' ');
    assert.match(text, /Pacer did not use \d+ settings as written: pacer\.[\w.]+, .* and \d+ more\./);
    assert.match(text, /Show Log/);
    const keys = ['pacer.completion.maxTokens', 'pacer.completion.model', 'pacer.chat.thinking'];
    let log = pacerLog(Infinity);
    for (let i = 0; i < 50 && !keys.every((k) => log.includes(`setting ${k}: `)); i++) {
      await editor.page.waitForTimeout(200); // the log reaches the disk a moment after the toast
      log = pacerLog(Infinity);
    }
    for (const key of keys) assert.ok(log.includes(`setting ${key}: `), `the log names ${key}:\n${log}`);
    await editor.screenshot('settings-restricted');
  });

  test('a one-time notice names the old setting names in use and their new names', async () => {
    const renamed = editor.page.locator('.notification-toast', { hasText: /Pacer renamed/ }).first();
    await renamed.waitFor({ timeout: 20_000 });
    const text = (await renamed.innerText()).replace(/\s+/g, ' ');
    assert.match(text, /pacer\.chat\.deadlineSeconds → pacer\.chat\.deadlineMs/);
    assert.match(text, /pacer\.health\.probeIntervalSeconds → pacer\.health\.probeIntervalMs/);
  });

  test("chat uses the user's model on the user's DeepSeek URL, not the workspace's", async () => {
    view = await editor.openPacerView();
    const input = view.getByRole('textbox', { name: /Message Pacer/ });
    await input.waitFor({ timeout: 30_000 });
    await input.click();
    await input.fill('hello there');
    await input.press('Enter');
    await view.locator('article.message.assistant').last().getByText('Hello from the emulator.').waitFor({
      timeout: 30_000,
    });
    const chats = editor.emulator!.stats().lastRequests.filter((r) => r.path === '/chat/completions');
    assert.ok(chats.length >= 1, 'the chat reached the emulator (the user’s base URL)');
    for (const r of chats) assert.equal(r.model, 'deepseek-flash', `model sent: ${r.model}`);
    await editor.screenshot('settings-restricted-chat');
  });

  test('completions stay off: the workspace cannot turn them on; the user can', async () => {
    const fim = () => editor.emulator!.stats().requestsByPath['/beta/completions'] ?? 0;
    const before = fim();
    await editor.page.keyboard.press('Control+Shift+E');
    await editor.page
      .locator('.explorer-viewlet .monaco-list-row', { hasText: 'notes.ts' })
      .first()
      .dblclick({ timeout: 20_000 });
    await editor.page
      .locator('.tabs-container .tab[data-resource-name="notes.ts"]')
      .waitFor({ timeout: 10_000 });
    await editor.page.locator('.editor-instance .monaco-editor').first().click();
    await editor.page.keyboard.press('Control+End');
    await editor.page.keyboard.type('\nexport function sub(a: number, b: number) {\n  ret', { delay: 80 });
    await editor.page.waitForTimeout(3000);
    assert.equal(fim(), before, 'a completion was requested although the user turned them off');

    // The control: the user turns completions on (Pacer: Toggle Completions), and the same
    // typing now asks, with the user's model.
    await editor.runCommand('Pacer: Toggle Completions');
    await editor.page.locator('.editor-instance .monaco-editor').first().click();
    await editor.page.keyboard.press('Control+End');
    await editor.page.keyboard.press('ArrowUp');
    await editor.page.keyboard.press('End');
    const deadline = Date.now() + 30_000;
    while (fim() === before && Date.now() < deadline) {
      await editor.page.keyboard.press('Backspace');
      await editor.page.keyboard.type('t', { delay: 50 });
      await editor.page.waitForTimeout(1500);
    }
    if (fim() === before) await editor.screenshot('settings-control-failed');
    assert.ok(
      fim() > before,
      `no completion after the user turned them on (the control failed)\n${pacerLog()}`,
    );
    const sent = editor.emulator!.stats().lastRequests.filter((r) => r.path === '/beta/completions');
    for (const r of sent) assert.equal(r.model, 'deepseek-flash', `model sent: ${r.model}`);
  });
});
