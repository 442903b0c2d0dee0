// The chat panel in the real editor (code-server + headless Chromium), answered by the DeepSeek
// emulator: send a prompt and watch the answer stream with its code block, stop an answer midway,
// insert a code block into the editor, wait through 429s, refuse an XSS payload, and find the
// conversation again after a window reload. Screenshots go to test-results/chat-*.png.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FrameLocator } from 'playwright-core';
import { startPacerEditor } from './harness';
import type { PacerEditor } from './harness';

// Callbacks handed to page.evaluate run in Chromium. This program is compiled without the DOM lib
// (src/core must not see browser globals), so this file declares the page's globals itself, loosely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const document: any;

const CODE = [
  'export function debounce<T extends unknown[]>(fn: (...args: T) => void, ms: number) {',
  '  let timer: ReturnType<typeof setTimeout> | undefined;',
  '  return (...args: T) => {',
  '    clearTimeout(timer);',
  '    timer = setTimeout(() => fn(...args), ms);',
  '  };',
  '}',
].join('\n');
const CODE_ANSWER = `Wrap the function in a timer that restarts on every call:\n\n\`\`\`ts\n${CODE}\n\`\`\`\n\nEach call clears the previous timer, so \`fn\` runs once the calls stop for \`ms\`.`;
const LONG_ANSWER = Array.from({ length: 400 }, (_, i) => `word${i}`).join(' ');
const XSS_ANSWER = [
  'Here you go:',
  `<img src=x onerror="document.title='pwned-img'">`,
  `<script>document.title='pwned-script'</script>`,
  `[click me](javascript:document.title='pwned-link')`,
  `<svg onload="document.title='pwned-svg'"></svg>`,
  'And safe text after the payloads.',
].join('\n\n');

describe('chat panel in the editor', () => {
  let editor: PacerEditor;
  let view: FrameLocator;

  const input = () => view.getByRole('textbox', { name: /Message Pacer/ });
  const answers = () => view.locator('article.message.assistant');
  const lastAnswer = () => answers().last();
  async function ask(text: string): Promise<void> {
    await input().click();
    await input().fill(text);
    await input().press('Enter');
  }
  async function answered(timeoutMs = 30_000): Promise<void> {
    await lastAnswer().and(view.locator('[aria-busy="false"]')).waitFor({ timeout: timeoutMs });
  }

  // A workspace with one file to ask about and insert into (the harness copies it).
  const fixture = mkdtempSync(join(tmpdir(), 'pacer-chat-ws-'));
  writeFileSync(join(fixture, 'notes.ts'), '// scratch file\n\nconst x = 1;\n');

  before(async () => {
    editor = await startPacerEditor({
      workspace: fixture,
      emulator: {
        ttftMs: 100,
        tokensPerSecond: 120,
        // The emulator matches anywhere in the last user message, which includes the context
        // (notes.ts holds the debounce code once it is inserted), so the specific ones go first.
        chatScript: [
          { match: 'long story', answer: LONG_ANSWER },
          { match: 'payload', answer: XSS_ANSWER },
          { match: 'debounce', answer: CODE_ANSWER },
        ],
      },
      // Only DeepSeek, so a 429 is waited out here and not failed over to a local provider.
      settings: { 'pacer.providers.enabled': ['deepseek'], 'pacer.chat.deadlineMs': 60_000 },
      height: 900,
    });
  });
  after(async () => {
    await editor?.close();
    rmSync(fixture, { recursive: true, force: true });
  });

  test('a prompt streams back as markdown with a highlighted code block', async () => {
    await editor.waitForStatus(/DeepSeek/);
    // Through the explorer: Quick Open's file search is slow to index a fresh workspace.
    await editor.page
      .locator('.explorer-viewlet .monaco-list-row', { hasText: 'notes.ts' })
      .first()
      .dblclick();
    await editor.page
      .locator('.tabs-container .tab[data-resource-name="notes.ts"]')
      .waitFor({ timeout: 10_000 });
    view = await editor.openPacerView();
    await input().waitFor({ timeout: 30_000 });
    // The active file is offered as context.
    await view.getByRole('listitem').filter({ hasText: 'notes.ts' }).first().waitFor({ timeout: 10_000 });
    await ask('How do I debounce a function in TypeScript?');
    await view.getByRole('button', { name: 'Stop the answer' }).waitFor({ timeout: 10_000 });
    const block = lastAnswer().locator('.code-block');
    await block.waitFor({ timeout: 30_000 });
    await editor.screenshot('chat-streaming');
    await answered();
    assert.match(
      (await block.locator('code').textContent()) ?? '',
      /timer = setTimeout\(\(\) => fn\(\.\.\.args\), ms\);/,
    );
    assert.ok((await block.locator('.hljs-keyword').count()) > 0, 'the code is highlighted');
    assert.match((await lastAnswer().locator('.meta').textContent()) ?? '', /DeepSeek/);
    await editor.screenshot('chat-answer');
  });

  test('Insert puts the code block at the cursor in the editor', async () => {
    await lastAnswer()
      .locator('.code-block')
      .getByRole('button', { name: /Insert .* at the cursor/ })
      .click();
    const lines = editor.page.locator('.editor-instance .monaco-editor .view-lines').first();
    await lines.filter({ hasText: 'export function debounce' }).waitFor({ timeout: 10_000 });
    // The block ends on its own line: the file's first line is not glued to its closing brace.
    const texts = (await lines.locator('.view-line').allTextContents()).map((t) =>
      t.replace(/\u00a0/g, ' ').trimEnd(),
    );
    assert.ok(texts.includes('}'), `lines: ${JSON.stringify(texts)}`);
    assert.ok(texts.includes('// scratch file'), `lines: ${JSON.stringify(texts)}`);
    await editor.screenshot('chat-inserted');
  });

  test('Stop ends an answer midway, keeps what came, and gives the prompt back', async () => {
    await ask('Tell me a long story');
    // Attached, not visible: the text may already be scrolled out of view (and out of layout).
    await lastAnswer()
      .getByText(/word20\b/)
      .waitFor({ state: 'attached', timeout: 30_000 });
    await view.getByRole('button', { name: 'Stop the answer' }).click();
    await answered(10_000);
    assert.match((await lastAnswer().locator('.meta').textContent()) ?? '', /stopped/);
    const text = (await lastAnswer().locator('.markdown').textContent()) ?? '';
    assert.ok(text.includes('word20') && !text.includes('word399'), 'partial answer kept');
    assert.equal(await input().inputValue(), 'Tell me a long story');
    await lastAnswer().getByRole('button', { name: 'Retry' }).waitFor();
    await editor.screenshot('chat-stopped');
    await input().fill('');
  });

  test('under 429s the wait is shown in words and the answer arrives when they clear', async () => {
    editor.emulator?.setFault({ kind: 'rateLimited', count: 3 });
    await ask('How do I debounce once more?');
    const wait = lastAnswer().locator('.wait');
    await wait.getByText(/DeepSeek is rate-limiting: retrying (in \d+ s|now)/).waitFor({ timeout: 20_000 });
    await editor.screenshot('chat-rate-limited');
    await lastAnswer().locator('.code-block').waitFor({ timeout: 40_000 });
    await answered();
    assert.equal(await wait.isHidden(), true);
    assert.ok((editor.emulator?.stats().sent429 ?? 0) >= 3);
  });

  test('an XSS payload in the answer renders inert', async () => {
    const title = await editor.page.title();
    await ask('Show me a payload');
    await lastAnswer().getByText('And safe text after the payloads.').waitFor({ timeout: 30_000 });
    await answered();
    const inside = await view.locator('body').evaluate(() => ({
      title: document.title,
      bad: document.querySelectorAll('.messages script, .messages img, .messages svg').length,
      handlers: [...document.querySelectorAll('.messages *')].filter((e) =>
        [...e.attributes].some((a) => a.name.startsWith('on')),
      ).length,
      links: [...document.querySelectorAll('.messages a')].map((a) => a.getAttribute('href')),
    }));
    assert.doesNotMatch(inside.title, /pwned/);
    assert.equal(inside.bad, 0);
    assert.equal(inside.handlers, 0);
    assert.ok(inside.links.every((h) => h === null || /^https?:/.test(h)));
    const link = lastAnswer().getByText('click me');
    if ((await link.count()) > 0) await link.click();
    await editor.page.waitForTimeout(300);
    assert.doesNotMatch(await view.locator('body').evaluate(() => document.title), /pwned/);
    assert.equal(await editor.page.title(), title);
  });

  test('after a window reload the conversation and the past chats are back', async () => {
    await editor.page.reload({ waitUntil: 'domcontentloaded' });
    await editor.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await editor.waitForStatus(/DeepSeek/, 90_000);
    // The workbench restores the open chat view by itself; clicking its icon again would close it.
    const restored = editor.page.locator('.sidebar .composite.title', { hasText: /pacer/i }).first();
    view = (await restored.isVisible()) ? editor.pacerWebview() : await editor.openPacerView();
    const thread = view.getByRole('log', { name: 'Conversation' });
    await thread.getByText('How do I debounce a function in TypeScript?').waitFor({ timeout: 60_000 });
    await thread.getByText('Tell me a long story').waitFor();
    assert.ok((await answers().count()) >= 4);
    await editor.screenshot('chat-after-reload');

    await editor.runCommand('Pacer: New Chat');
    await view.locator('.empty').waitFor({ timeout: 10_000 });
    await editor.runCommand('Pacer: Past Chats');
    const list = view.getByRole('list', { name: 'Past chats' });
    await list.waitFor({ timeout: 10_000 });
    await editor.screenshot('chat-history');
    await list
      .getByRole('button', { name: /Open chat: How do I debounce a function in TypeScript\?/ })
      .click();
    await thread.getByText('Show me a payload').waitFor({ timeout: 10_000 });
  });
});
