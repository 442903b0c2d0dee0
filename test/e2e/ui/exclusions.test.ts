// Excluded files in the real editor (code-server + headless Chromium), checked against every byte
// the DeepSeek emulator received: a key, an SSH config and a Terraform variables file, open in
// editors next to the file being typed in, reach no request, neither as completion context from
// open editors nor as a chat chip; and a file that WAS sent stops being sent the moment a
// workspace setting excludes it (which also proves the search finds what was sent).
// Screenshots go to test-results/exclusions-*.png.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FrameLocator } from 'playwright-core';
import { startPacerEditor } from './harness';
import type { PacerEditor } from './harness';
import { waitFor } from '../../helpers/waitFor';

// Each file shares the identifiers of the code typed in main.ts, so without exclusions every one
// of them would be picked as a similar snippet and sent along with completions.
const MARKERS = {
  pem: 'PEMSECRET7Q4Z',
  ssh: 'SSHSECRET2K8W',
  tfvars: 'TFVARSSECRET5M1X',
  helper: 'HELPERCONTROL9B3V',
};
const similar = (marker: string) =>
  [
    `invoiceLines taxRate subtotal computeInvoiceTotal ${marker}`,
    'const subtotal = invoiceLines.reduce((sum, line) => sum + line.amount, 0);',
    'return subtotal * (1 + taxRate);',
  ].join('\n') + '\n';

const MAIN = [
  'interface InvoiceLine {',
  '  amount: number;',
  '}',
  '',
  'export function computeInvoiceTotal(invoiceLines: InvoiceLine[], taxRate: number): number {',
  '  ',
  '}',
  '',
].join('\n');

describe('never sends an excluded file, in the editor', () => {
  let editor: PacerEditor;
  let view: FrameLocator;

  const fixture = mkdtempSync(join(tmpdir(), 'pacer-exclusions-ws-'));
  writeFileSync(join(fixture, 'main.ts'), MAIN);
  writeFileSync(join(fixture, 'helper.ts'), `// ${similar(MARKERS.helper)}`);
  writeFileSync(join(fixture, 'secret.pem'), similar(MARKERS.pem));
  writeFileSync(join(fixture, 'notes.tfvars'), similar(MARKERS.tfvars));
  mkdirSync(join(fixture, '.ssh'));
  writeFileSync(join(fixture, '.ssh', 'config'), similar(MARKERS.ssh));

  const sent = (marker: string) => editor.emulator?.sent(marker).matches ?? -1;
  const fimRequests = () => editor.emulator?.stats().requestsByPath['/beta/completions'] ?? 0;
  const chatRequests = () => editor.emulator?.stats().requestsByPath['/chat/completions'] ?? 0;
  const input = () => view.getByRole('textbox', { name: /Message Pacer/ });
  const lastAnswer = () => view.locator('article.message.assistant').last();

  async function openFromExplorer(name: string, folder?: string): Promise<void> {
    const rows = editor.page.locator('.explorer-viewlet .monaco-list-row');
    if (folder) {
      const row = rows.filter({ hasText: folder }).first();
      await row.waitFor({ timeout: 20_000 });
      if ((await row.getAttribute('aria-expanded')) !== 'true') await row.click();
    }
    await rows.filter({ hasText: name }).first().dblclick({ timeout: 20_000 });
    await tab(name).waitFor({ timeout: 10_000 });
  }
  const tab = (name: string) => editor.page.locator(`.tabs-container .tab[data-resource-name="${name}"]`);

  const until = (what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000) =>
    waitFor(check, {
      what,
      timeoutMs,
      intervalMs: 200,
      detail: async () => {
        await editor.screenshot(`exclusions-timeout`);
        return `emulator saw ${JSON.stringify(editor.emulator?.stats().lastRequests.slice(-3))}`;
      },
    });

  /** Types on main.ts's empty line until a completion request went out (and came back). */
  async function typeInMain(text: string): Promise<void> {
    await tab('main.ts').click();
    const code = editor.page.locator('.editor-instance .monaco-editor').first();
    await code.click();
    await editor.page.keyboard.press('Control+G');
    await editor.page.keyboard.type('6');
    await editor.page.keyboard.press('Enter');
    await editor.page.keyboard.press('End');
    const before = fimRequests();
    await editor.page.keyboard.type(text, { delay: 120 });
    await until('a completion request', () => fimRequests() > before);
    await until('no request in flight', () => (editor.emulator?.stats().inFlight ?? 1) === 0);
  }

  async function chat(prompt: string): Promise<void> {
    const before = chatRequests();
    await input().click();
    await input().fill(prompt);
    await input().press('Enter');
    await until('the chat request', () => chatRequests() > before, 30_000);
    await lastAnswer().and(view.locator('[aria-busy="false"]')).waitFor({ timeout: 30_000 });
  }

  before(async () => {
    editor = await startPacerEditor({
      workspace: fixture,
      emulator: { ttftMs: 50 },
      settings: {
        'pacer.providers.enabled': ['deepseek'],
        'pacer.completion.deadlineMs': 6000,
        'pacer.completion.contextFromOpenEditors': true,
        // A user-level list adds to the defaults; it used to replace them (and so let keys out).
        'pacer.completion.exclude': ['**/*.never'],
        'pacer.chat.deadlineMs': 60_000,
        'editor.quickSuggestions': { other: 'off', comments: 'off', strings: 'off' },
        'editor.suggestOnTriggerCharacters': false,
        'editor.parameterHints.enabled': false,
      },
      height: 900,
    });
  });
  after(async () => {
    await editor?.close();
    rmSync(fixture, { recursive: true, force: true });
  });

  test('a key, an SSH config and a tfvars file open in editors reach no completion request', async () => {
    await editor.waitForStatus(/DeepSeek/);
    await openFromExplorer('secret.pem');
    await openFromExplorer('notes.tfvars');
    await openFromExplorer('config', '.ssh');
    await openFromExplorer('helper.ts');
    await openFromExplorer('main.ts');
    await typeInMain('const subtotal = invoiceLines');
    await until('the allowed helper.ts to be sent as context', () => sent(MARKERS.helper) > 0);
    assert.equal(sent(MARKERS.pem), 0, 'secret.pem');
    assert.equal(sent(MARKERS.ssh), 0, '.ssh/config');
    assert.equal(sent(MARKERS.tfvars), 0, 'notes.tfvars');
    await editor.screenshot('exclusions-completion');
  });

  test("an excluded active file's chat chip is off, says why, and its content is not sent", async () => {
    view = await editor.openPacerView();
    await input().waitFor({ timeout: 30_000 });
    await tab('secret.pem').click();
    const chip = view.locator('.chips [role="listitem"]', { hasText: 'secret.pem' });
    await chip.waitFor({ timeout: 10_000 });
    assert.equal(await chip.getAttribute('aria-disabled'), 'true');
    assert.match(
      (await chip.textContent()) ?? '',
      /excluded by pacer\.completion\.exclude \(pattern \*\*\/\*\.pem\)/,
    );
    await editor.screenshot('exclusions-chip');
    await chat('What does invoice total mean?');

    // With an allowed active file, its chip goes along (that is what a chip is for).
    await tab('main.ts').click();
    await view.locator('.chips [role="listitem"]', { hasText: 'main.ts' }).waitFor({ timeout: 10_000 });
    await chat('Explain computeInvoiceTotal');
    assert.ok(editor.emulator!.sent('computeInvoiceTotal(invoiceLines: InvoiceLine[]').matches > 0);
    for (const m of [MARKERS.pem, MARKERS.ssh, MARKERS.tfvars]) assert.equal(sent(m), 0, m);
  });

  test("a file outside the workspace is sent by its name, never its folder (the user's home and name)", async () => {
    const home = mkdtempSync(join(tmpdir(), 'pacer-home-alice-'));
    const file = join(home, 'outside-notes.ts');
    writeFileSync(file, MAIN);
    try {
      await editor.page.keyboard.press('Control+P');
      const quickOpen = editor.page.locator('.quick-input-widget input');
      await quickOpen.waitFor({ state: 'visible', timeout: 10_000 });
      await quickOpen.fill(file);
      await editor.page
        .locator('.quick-input-widget .monaco-list-row', { hasText: 'outside-notes.ts' })
        .first()
        .waitFor({ timeout: 10_000 });
      await editor.page.keyboard.press('Enter');
      await tab('outside-notes.ts').waitFor({ timeout: 10_000 });
      await view
        .locator('.chips [role="listitem"]', { hasText: 'outside-notes.ts' })
        .waitFor({ timeout: 10_000 });
      await chat('What does this file do?');
      const before = fimRequests();
      await editor.page.locator('.editor-instance .monaco-editor').first().click();
      await editor.page.keyboard.press('Control+G');
      await editor.page.keyboard.type('6');
      await editor.page.keyboard.press('Enter');
      await editor.page.keyboard.press('End');
      await editor.page.keyboard.type('const total = invoiceLines', { delay: 120 });
      await until('a completion request', () => fimRequests() > before);
      const prompt = editor
        .emulator!.stats()
        .lastRequests.filter((r) => r.path === '/beta/completions')
        .at(-1)?.prompt;
      assert.match(prompt ?? '', /^\/\/ Path: outside-notes\.ts\n/);
      assert.ok(
        editor.emulator!.sent('outside-notes.ts').matches >= 2,
        'the name was sent (chat and completion)',
      );
      assert.equal(editor.emulator!.sent(home.split('/').pop()!).matches, 0, 'its folder never was');
      assert.equal(editor.emulator!.sent(tmpdir()).matches, 0);
    } finally {
      await editor.page.keyboard.press('Control+W');
      await editor.page.waitForTimeout(300);
      // The file was edited: do not save it.
      const dontSave = editor.page.getByRole('button', { name: "Don't Save" });
      if (await dontSave.isVisible().catch(() => false)) await dontSave.click();
      rmSync(home, { recursive: true, force: true });
    }
  });

  test('a file excluded by a workspace setting while open is not sent any more', async () => {
    assert.ok(sent(MARKERS.helper) > 0, 'helper.ts was sent before (the search finds what was sent)');
    mkdirSync(join(editor.workspace.path, '.vscode'), { recursive: true });
    writeFileSync(
      join(editor.workspace.path, '.vscode', 'settings.json'),
      JSON.stringify({ 'pacer.completion.exclude': ['**/helper.ts'] }),
    );
    // The chip of helper.ts turning off shows the setting has been read.
    await tab('helper.ts').click();
    const chip = view.locator('.chips [role="listitem"]', { hasText: 'helper.ts' });
    await until(
      'helper.ts to be excluded',
      async () => (await chip.getAttribute('aria-disabled').catch(() => null)) === 'true',
      30_000,
    );
    assert.match((await chip.textContent()) ?? '', /pattern \*\*\/helper\.ts/);
    editor.emulator!.resetStats();

    await chat('And what about the helper?');
    await typeInMain(' + taxRate');
    await typeInMain(';\n  return subtotal');
    assert.ok(fimRequests() >= 2, 'completions went on');
    for (const m of Object.values(MARKERS)) assert.equal(sent(m), 0, m);
    await editor.screenshot('exclusions-after-setting');
  });

  test('a pattern that cannot be read excludes every file and says so once', async () => {
    writeFileSync(
      join(editor.workspace.path, '.vscode', 'settings.json'),
      JSON.stringify({ 'pacer.completion.exclude': ['**/helper.ts', 'src/{a,b'] }),
    );
    const toast = editor.page.locator('.notifications-toasts .notification-toast', {
      hasText: 'pacer.completion.exclude',
    });
    await tab('main.ts').click();
    const chip = view.locator('.chips [role="listitem"]', { hasText: 'main.ts' });
    await until(
      'main.ts to be excluded',
      async () => (await chip.getAttribute('aria-disabled').catch(() => null)) === 'true',
      30_000,
    );
    assert.match((await chip.textContent()) ?? '', /pattern src\/\{a,b/);
    await toast.first().waitFor({ timeout: 10_000 });
    assert.match((await toast.first().textContent()) ?? '', /src\/\{a,b.*cannot be read/);
    await editor.screenshot('exclusions-unreadable-pattern');

    const before = editor.emulator!.stats().requests;
    const code = editor.page.locator('.editor-instance .monaco-editor').first();
    await code.click();
    await editor.page.keyboard.press('Control+G');
    await editor.page.keyboard.type('6');
    await editor.page.keyboard.press('Enter');
    await editor.page.keyboard.press('End');
    await editor.page.keyboard.type(' * 2', { delay: 120 });
    await editor.page.waitForTimeout(2500);
    assert.equal(editor.emulator!.stats().requests, before, 'no request of any kind');
    assert.equal(await toast.count(), 1, 'one warning, not one per keystroke');
  });
});
