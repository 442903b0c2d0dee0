// The fault tour, part two (#15): faults while the user TYPES (ghost text on) and chats, with a
// fallback that fails too. What a person must not see: a popup in the middle of typing. What the
// emulators' own logs must show: once Pacer has marked the fallback down, no chat or completion
// request goes to it (only its health probes), while DeepSeek's 429s and 503s come and go.
//
// The fallback is a second emulator posing as Ollama that answers every model request with 503.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FrameLocator } from 'playwright-core';
import { startEmulator } from '../../../tools/emulator/server';
import type { Emulator } from '../../../tools/emulator/server';
import { startPacerEditor } from './harness';
import type { PacerEditor } from './harness';

const MATH_SOURCE = new URL('../../fixtures/workspace/src/math.ts', import.meta.url);

// Counts every notification toast the workbench adds (in the page, as a script: the tests
// compile without the DOM library).
const COUNT_TOASTS = `
  window.pacerToasts = 0;
  new MutationObserver((mutations) => {
    for (const m of mutations)
      for (const node of m.addedNodes)
        if (node instanceof HTMLElement &&
            (node.classList.contains('notification-toast') || node.querySelector('.notification-toast')))
          window.pacerToasts++;
  }).observe(document.body, { childList: true, subtree: true });
`;

/** Model requests (chat and FIM) an emulator received; probes and identity checks excluded. */
function modelRequests(emu: Emulator): number {
  const byPath = emu.stats().requestsByPath;
  return (
    (byPath['/chat/completions'] ?? 0) + (byPath['/beta/completions'] ?? 0) + (byPath['/completions'] ?? 0)
  );
}

describe('fault tour while typing: no popup, and nothing sent to a provider marked down', () => {
  let editor: PacerEditor;
  let ollama: Emulator;
  let view: FrameLocator;

  const input = () => view.getByRole('textbox', { name: /Message Pacer/ });
  const lastAnswer = () => view.locator('article.message.assistant').last();
  async function ask(text: string): Promise<void> {
    await input().click();
    await input().fill(text);
    await input().press('Enter');
    await view.locator('article.message.user', { hasText: text }).waitFor({ timeout: 10_000 });
  }
  async function answered(timeoutMs: number): Promise<void> {
    await lastAnswer().and(view.locator('[aria-busy="false"]')).waitFor({ timeout: timeoutMs });
  }
  /** Toasts that appeared since the counter was installed (a toast may hide before we look). */
  const toastsSeen = () => editor.page.evaluate<number>('window.pacerToasts');

  before(async () => {
    ollama = await startEmulator({ poseAs: 'ollama', ttftMs: 40, tokensPerSecond: 400 });
    ollama.setFault({ kind: 'overloaded' }); // every model request and /models: 503, for good
    const workspace = mkdtempSync(join(tmpdir(), 'pacer-tour-typing-'));
    copyFileSync(MATH_SOURCE, join(workspace, 'math.ts'));
    editor = await startPacerEditor({
      emulator: { ttftMs: 40, tokensPerSecond: 400, answerTokens: 30 },
      workspace,
      settings: {
        'pacer.providers.enabled': ['deepseek', 'ollama'],
        'pacer.providers.chatOrder': ['deepseek', 'ollama'],
        'pacer.providers.completionOrder': ['deepseek', 'ollama'],
        'pacer.providers.baseUrls': { ollama: `${ollama.url}/v1` },
        'pacer.health.probeIntervalMs': 1000,
        'pacer.completion.enabled': true,
      },
      height: 900,
    });
    await editor.waitForStatus(/DeepSeek/);
    await editor.page.evaluate(COUNT_TOASTS);
    view = await editor.openPacerView();
    await input().waitFor({ timeout: 30_000 });
  });
  after(async () => {
    await editor?.close();
    await ollama?.close();
  });

  test('a fallback that fails is marked down; then 429s and 503s while typing and chatting send it nothing, and no popup appears', async (t) => {
    const deepseek = editor.emulator!;
    // 1. DeepSeek rate-limits chat: Pacer tries the fallback, which fails until its circuit opens.
    deepseek.setFault({ kind: 'rateLimited', count: 6, paths: ['/chat/completions'] });
    await ask('hello while DeepSeek rate-limits');
    await answered(60_000);
    assert.equal(await lastAnswer().locator('.error').isHidden(), true, 'DeepSeek answered in the end');
    assert.ok(modelRequests(ollama) >= 1, 'the fallback was tried while DeepSeek said 429');
    // Give the fallback's last failures time to land, then take the count it must keep.
    await editor.page.waitForTimeout(2000);
    const sentWhileUp = modelRequests(ollama);
    t.diagnostic(`fallback: ${sentWhileUp} model requests before it was marked down`);
    const probesBefore = ollama.stats().requestsByPath['/models'] ?? 0;

    // 2. Faults on every DeepSeek path while the user types in math.ts and chats.
    await editor.openFile('math.ts');
    await editor.page.locator('.editor-instance .monaco-editor').first().click();
    await editor.page.keyboard.press('Control+End');
    const toastsBefore = await toastsSeen();
    deepseek.setFault({ kind: 'rateLimited', count: 6 });
    await editor.page.keyboard.type(
      '\nexport function clamp(value: number, lo: number, hi: number): number {\n',
      {
        delay: 70,
      },
    );
    deepseek.setFault({ kind: 'overloaded', count: 4 });
    await editor.page.keyboard.type('return Math.min(hi, Math.max(lo, value));', { delay: 70 });
    await ask('hello through 503s');
    await answered(60_000);
    assert.equal(await lastAnswer().locator('.error').isHidden(), true, 'answered through the 503s');
    assert.ok(deepseek.stats().faultsInjected > 0, 'DeepSeek really answered with faults');

    assert.equal(await toastsSeen(), toastsBefore, 'no notification popped up while typing');
    assert.equal(
      modelRequests(ollama),
      sentWhileUp,
      'no chat or completion request went to the fallback once it was marked down',
    );
    assert.ok(
      (ollama.stats().requestsByPath['/models'] ?? 0) > probesBefore,
      'the fallback was still probed (so it can come back)',
    );
    t.diagnostic(
      `DeepSeek faults injected: ${deepseek.stats().faultsInjected}; fallback probes: ${ollama.stats().requestsByPath['/models'] ?? 0}; toasts: ${await toastsSeen()}`,
    );
    await editor.screenshot('fault-typing');
  });
});
