// The fault tour (#15): each fault of the emulator switched on while chat is in use, in a real
// VS Code, asserting what a person sees: the status item's text and colour, the chat's sentence
// and its button, and recovery within a stated time once the fault clears. Screenshots of each
// state go to test-results/fault-*.png (three of them are in the README).
//
// Ollama is enabled too but nothing runs on its port: Pacer must never move chat there.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FrameLocator } from 'playwright-core';
import { startPacerEditor } from './harness';
import type { PacerEditor } from './harness';

describe('fault tour: every fault ends in a true status, a plain sentence and a way out', () => {
  let editor: PacerEditor;
  let view: FrameLocator;

  const input = () => view.getByRole('textbox', { name: /Message Pacer/ });
  const lastAnswer = () => view.locator('article.message.assistant').last();
  async function ask(text: string): Promise<void> {
    await input().click();
    await input().fill(text);
    await input().press('Enter');
    await view.locator('article.message.user', { hasText: text }).waitFor({ timeout: 10_000 });
  }
  async function answered(timeoutMs = 30_000): Promise<void> {
    await lastAnswer().and(view.locator('[aria-busy="false"]')).waitFor({ timeout: timeoutMs });
  }
  async function statusClass(): Promise<string> {
    return (await editor.statusItem().getAttribute('class')) ?? '';
  }

  before(async () => {
    editor = await startPacerEditor({
      emulator: { ttftMs: 40, tokensPerSecond: 400, answerTokens: 30 },
      settings: {
        'pacer.providers.enabled': ['deepseek', 'ollama'],
        'pacer.providers.chatOrder': ['deepseek', 'ollama'],
        'pacer.providers.completionOrder': ['deepseek', 'ollama'],
        'pacer.health.probeIntervalMs': 1000,
        'pacer.completion.enabled': false,
      },
      height: 900,
    });
    // Loopback needs no key; Pacer's status shows DeepSeek once it is up.
    await editor.waitForStatus(/DeepSeek/);
    view = await editor.openPacerView();
    await input().waitFor({ timeout: 30_000 });
  });
  after(async () => {
    await editor?.close();
  });

  test('402 no balance: red "DeepSeek: no balance", the sentence and Top up in chat, a notification; healed by itself after the top-up', async () => {
    const emu = editor.emulator!;
    emu.setFault({ kind: 'noBalance' });
    await ask('hello with no balance');
    await answered();
    const error = lastAnswer().locator('.error');
    assert.match((await error.textContent()) ?? '', /balance is used up/);
    await error.getByRole('button', { name: 'Top up balance' }).waitFor();
    assert.doesNotMatch((await lastAnswer().locator('.meta').textContent()) ?? '', /Ollama/);
    await editor.waitForStatus(/DeepSeek: no balance/, 10_000);
    assert.match(await statusClass(), /error-kind/);
    await editor.page
      .locator('.notification-toast', { hasText: /balance is used up/ })
      .first()
      .waitFor({ timeout: 10_000 });
    await editor.screenshot('fault-no-balance');

    // Topped up: the balance check (every 3 probe intervals, 3 s here) finds it without pinning.
    emu.setFault({ kind: 'none' });
    await editor.waitForStatus(/^DeepSeek$/, 10_000);
    await ask('hello after the top-up');
    await answered();
    assert.match((await lastAnswer().locator('.meta').textContent()) ?? '', /DeepSeek/);
    assert.equal(await lastAnswer().locator('.error').isHidden(), true);
    await editor.runCommand('Notifications: Clear All Notifications');
  });

  test('429 with no fallback: the wait counts down in words and says how to add a fallback; the answer comes', async () => {
    const emu = editor.emulator!;
    emu.setFault({ kind: 'rateLimited', count: 3, paths: ['/chat/completions'] });
    await ask('hello under a rate limit');
    const wait = lastAnswer().locator('.wait');
    await wait.getByText(/DeepSeek is rate-limiting: retrying (in \d+ s|now)/).waitFor({ timeout: 15_000 });
    assert.match((await wait.textContent()) ?? '', /OpenRouter or OpenAI key/);
    await editor.screenshot('fault-rate-limited');
    await answered(40_000);
    assert.equal(await lastAnswer().locator('.error').isHidden(), true);
  });

  test('a stalled stream is named while it happens; the answer that comes ends the alarm', async () => {
    const emu = editor.emulator!;
    emu.setFault({ kind: 'stall', count: 1, paths: ['/chat/completions'] });
    await ask('hello into a stall');
    await lastAnswer()
      .locator('.wait')
      .getByText(/DeepSeek has sent nothing for \d+ s/)
      .waitFor({ timeout: 20_000 });
    await editor.screenshot('fault-stalled');
    await answered(60_000);
    assert.equal(await lastAnswer().locator('.error').isHidden(), true);
    const status = await editor.waitForStatus(/DeepSeek/);
    assert.doesNotMatch(status, /down/);
  });

  test('a reset mid-stream: the answer restarts and completes, its note goes, and DeepSeek is not "down"', async () => {
    const emu = editor.emulator!;
    emu.setFault({ kind: 'resetMidStream', count: 1, afterChunks: 3, paths: ['/chat/completions'] });
    await ask('hello through a reset');
    await answered();
    assert.equal(await lastAnswer().locator('.note').isHidden(), true);
    assert.equal(await lastAnswer().locator('.error').isHidden(), true);
    assert.doesNotMatch(await editor.waitForStatus(/DeepSeek/), /down/);
    await editor.screenshot('fault-reset');
  });

  test('401 rejected key: red "DeepSeek: set key", the sentence and Set API key in chat; healed by itself once the key works', async () => {
    const emu = editor.emulator!;
    emu.setOptions({ requireKey: 'sk-the-account-wants-another' });
    await ask('hello with a rejected key');
    await answered();
    const error = lastAnswer().locator('.error');
    assert.match((await error.textContent()) ?? '', /needs an API key \(or the key was refused\)/);
    await error.getByRole('button', { name: 'Set API key' }).waitFor();
    await editor.waitForStatus(/DeepSeek: set key/, 10_000);
    assert.match(await statusClass(), /error-kind/);
    await editor.screenshot('fault-key-rejected');
    await editor.runCommand('Notifications: Clear All Notifications');
    // The key works again (fixed on the account): a probe finds it, no re-entry, no pinning.
    emu.setOptions({ requireKey: undefined });
    // Healed: no longer "set key" (the faults of the tests before may still show as "failing").
    await editor.waitForStatus(/^DeepSeek( failing)?$/, 10_000);
    await ask('hello with the key working');
    await answered();
    assert.equal(await lastAnswer().locator('.error').isHidden(), true);
  });

  test('503s and malformed chunks: retried in plain words, answered, and the status ends healthy', async () => {
    const emu = editor.emulator!;
    for (const kind of ['overloaded', 'malformed'] as const) {
      emu.setFault({ kind, count: 2, paths: ['/chat/completions'] });
      await ask(`hello through ${kind}`);
      await answered(40_000);
      assert.equal(await lastAnswer().locator('.error').isHidden(), true, `${kind}: answered`);
      assert.doesNotMatch(await editor.waitForStatus(/DeepSeek/), /down/);
    }
  });

  test('refused connections: the answer comes once DeepSeek listens again, and the alarm ends with it', async () => {
    const emu = editor.emulator!;
    emu.setFault({ kind: 'refuse', forMs: 3000 });
    await ask('hello while refused');
    await answered(40_000);
    assert.equal(await lastAnswer().locator('.error').isHidden(), true);
    // Not "down" once the answer came ("failing" may stay a minute: the window remembers).
    await editor.waitForStatus(/^DeepSeek( failing)?$/, 10_000);
  });

  test('pinned to a provider that is down: a warning at once, and chat says what to do with a button', async () => {
    await editor.statusItem().click();
    const widget = editor.page.locator('.quick-input-widget');
    await widget.waitFor({ state: 'visible', timeout: 10_000 });
    await widget.locator('input').fill('Ollama');
    await widget
      .locator('.monaco-list-row', { hasText: /Ollama/ })
      .first()
      .waitFor({ timeout: 10_000 });
    await editor.page.keyboard.press('Enter');
    await editor.page
      .locator('.notification-toast', { hasText: /pinned to Ollama, which is not answering/ })
      .first()
      .waitFor({ timeout: 10_000 });
    // The model box names what answers now, not "DeepSeek Flash".
    await view
      .locator('select.model option:checked', { hasText: /^Ollama · / })
      .waitFor({ state: 'attached', timeout: 10_000 });
    const started = Date.now();
    await ask('hello to a pinned server that is not running');
    await answered(20_000);
    assert.ok(Date.now() - started < 15_000, 'said so within seconds, not after the chat deadline');
    const error = lastAnswer().locator('.error');
    assert.match(
      (await error.textContent()) ?? '',
      /Ollama is not running at 127\.0\.0\.1:11434: start it, or switch provider/,
    );
    await error.getByRole('button', { name: 'Switch provider' }).waitFor();
    await editor.screenshot('fault-pinned-down');
    await editor.runCommand('Notifications: Clear All Notifications');
  });
});
