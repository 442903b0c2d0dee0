// Providers, health and failover in the real editor (code-server + headless Chromium) with TWO
// emulators: the primary as DeepSeek and a fallback as OpenRouter (both through
// `pacer.providers.baseUrls`). The status item names the provider; a 429 storm on the primary
// shows the fallback in the status bar while chat keeps answering; the quick pick pins a
// provider; an API key set through the command is used and appears in no settings file or log.
// Screenshots go to test-results/providers-*.png.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FrameLocator } from 'playwright-core';
import { startEmulator } from '../../../tools/emulator/server';
import type { Emulator } from '../../../tools/emulator/server';
import { resultsDir, startPacerEditor } from './harness';
import type { PacerEditor } from './harness';

const SECRET = 'sk-pacer-ui-test-7f3a9c21e5';

/** Every file under `dir` (bounded), for the "the key is nowhere on disk in clear" check. */
function filesUnder(dir: string, out: string[] = [], depth = 0): string[] {
  if (!existsSync(dir) || depth > 12) return out;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const st = statSync(path, { throwIfNoEntry: false });
    if (!st) continue;
    if (st.isDirectory()) {
      if (name !== 'node_modules' && name !== 'extensions') filesUnder(path, out, depth + 1);
    } else out.push(path);
  }
  return out;
}

describe('providers, failover and the status bar in the editor', () => {
  let editor: PacerEditor;
  let primary: Emulator;
  let fallback: Emulator;
  let view: FrameLocator;

  const input = () => view.getByRole('textbox', { name: /Message Pacer/ });
  /** Sends a prompt in the chat panel, waits for the whole answer, returns its meta line ("DeepSeek", "OpenRouter (fallback)"). */
  async function askAndWait(text: string): Promise<string> {
    const answers = view.locator('article.message.assistant');
    const before = await answers.count();
    await input().click();
    await input().fill(text);
    await input().press('Enter');
    await answers.nth(before).waitFor({ timeout: 10_000 });
    await answers.nth(before).and(view.locator('[aria-busy="false"]')).waitFor({ timeout: 40_000 });
    return ((await answers.nth(before).locator('.meta').textContent()) ?? '').trim();
  }
  async function statusClass(): Promise<string> {
    return (await editor.statusItem().getAttribute('class')) ?? '';
  }
  async function pickInQuickPick(filter: string, rowText: RegExp): Promise<void> {
    const widget = editor.page.locator('.quick-input-widget');
    await widget.waitFor({ state: 'visible', timeout: 10_000 });
    await widget.locator('input').fill(filter);
    await widget.locator('.monaco-list-row', { hasText: rowText }).first().waitFor({ timeout: 10_000 });
    await editor.page.keyboard.press('Enter');
  }

  before(async () => {
    primary = await startEmulator({ ttftMs: 60, tokensPerSecond: 300, answerTokens: 30 });
    fallback = await startEmulator({ ttftMs: 60, tokensPerSecond: 300, answerTokens: 30 });
    editor = await startPacerEditor({
      emulator: false,
      settings: {
        'pacer.providers.enabled': ['deepseek', 'openrouter'],
        'pacer.providers.chatOrder': ['deepseek', 'openrouter'],
        'pacer.providers.completionOrder': ['deepseek', 'openrouter'],
        'pacer.providers.baseUrls': { deepseek: primary.url, openrouter: fallback.url },
        // The emulator only knows DeepSeek's model names.
        'pacer.providers.models': { openrouter: { chat: 'deepseek-flash' } },
        'pacer.health.probeIntervalMs': 2000,
      },
      height: 900,
    });
  });
  after(async () => {
    await editor?.close();
    await primary?.close();
    await fallback?.close();
  });

  test('the status item shows the provider in use; its tooltip lists every provider', async () => {
    assert.match(await editor.waitForStatus(/^DeepSeek$/), /DeepSeek/);
    assert.doesNotMatch(await statusClass(), /warning-kind|error-kind/);
    const hover = editor.page.locator('.workbench-hover, .monaco-hover').filter({ hasText: 'Pacer' }).first();
    // A hover can be missed while the workbench is busy: move away and hover again a few times.
    for (let attempt = 1; ; attempt++) {
      await editor.page.mouse.move(640, 400);
      await editor.statusItem().hover();
      const shown = await hover.waitFor({ state: 'visible', timeout: 5000 }).then(
        () => true,
        () => false,
      );
      if (shown) break;
      if (attempt === 4) assert.fail('the status item tooltip did not show');
    }
    const tip = (await hover.textContent()) ?? '';
    for (const part of [
      'DeepSeek',
      'OpenRouter',
      'healthy',
      'Requests',
      '429s',
      'Cost today',
      'Switch provider',
    ]) {
      assert.ok(tip.includes(part), `tooltip mentions ${part}: ${tip}`);
    }
    await editor.page.waitForTimeout(300);
    // Taken directly: editor.screenshot() moves the mouse away, which would close the hover.
    await editor.page.screenshot({ path: join(resultsDir, 'providers-tooltip.png') });
    await editor.screenshot('providers-healthy');
  });

  test('a 429 storm on the primary: the status shows the fallback, chat still answers', async () => {
    view = await editor.openPacerView();
    await input().waitFor({ timeout: 30_000 });
    assert.match(await askAndWait('Hello from the healthy primary'), /DeepSeek/);

    primary.setFault({ kind: 'rateLimited' });
    const meta = await askAndWait('Does chat survive a 429 storm?');
    assert.match(meta, /OpenRouter \(fallback\)/);
    assert.ok(primary.stats().sent429 >= 1, 'the primary did answer 429');
    assert.ok(fallback.stats().requestsByPath['/chat/completions']! >= 1, 'the fallback served the chat');
    await editor.waitForStatus(/DeepSeek → OpenRouter/, 10_000);
    assert.match(await statusClass(), /warning-kind/);
    const label = (await editor.statusItem().getAttribute('aria-label')) ?? '';
    assert.match(label, /rate-limited/);
    await editor.screenshot('providers-failover');

    // The primary recovers: the probe finds it and traffic fails back within the probe interval.
    primary.setFault({ kind: 'none' });
    await editor.waitForStatus(/^DeepSeek$/, 2000 + 5000);
    assert.match(await askAndWait('Back on the primary?'), /^(?!.*fallback).*DeepSeek/);
    await editor.screenshot('providers-failback');
  });

  test('the quick pick switches provider and pins it; Automatic unpins', async () => {
    await editor.statusItem().click();
    await editor.page
      .locator('.quick-input-widget .monaco-list-row', { hasText: 'Automatic (recommended)' })
      .waitFor({ timeout: 10_000 });
    await editor.screenshot('providers-quickpick');
    await pickInQuickPick('OpenRouter', /OpenRouter/);
    await editor.waitForStatus(/^OpenRouter$/, 10_000);
    const settingsFile = join(editor.server.dirs.userDataDir, 'User', 'settings.json');
    const settings = JSON.parse(readFileSync(settingsFile, 'utf8')) as Record<string, unknown>;
    assert.equal(settings['pacer.providers.routing'], 'pinned');
    assert.equal(settings['pacer.providers.pinned'], 'openrouter');
    const meta = await askAndWait('Which provider is pinned?');
    assert.match(meta, /OpenRouter/);
    assert.doesNotMatch(meta, /fallback/);
    await editor.screenshot('providers-pinned');

    await editor.statusItem().click();
    await pickInQuickPick('Automatic', /Automatic \(recommended\)/);
    await editor.waitForStatus(/^DeepSeek$/, 10_000);
    const after = JSON.parse(readFileSync(settingsFile, 'utf8')) as Record<string, unknown>;
    assert.equal(after['pacer.providers.routing'], 'automatic');
  });

  test('a key set through the command is used, and is in no settings file or log', async () => {
    primary.setOptions({ requireKey: SECRET });
    // Without the key the primary answers 401: chat moves to the fallback, and the item asks for a
    // key in red (a key only the user can fix; the tooltip says the fallback serves meanwhile).
    assert.match(await askAndWait('Ask before the key is set'), /OpenRouter \(fallback\)/);
    await editor.waitForStatus(/DeepSeek: set key/, 10_000);
    assert.match(await statusClass(), /error-kind/);
    await editor.screenshot('providers-needs-key');

    await editor.runCommand('Pacer: Set API Key');
    await pickInQuickPick('DeepSeek', /DeepSeek/);
    const box = editor.page.locator('.quick-input-widget input');
    await editor.page
      .locator('.quick-input-widget', { hasText: 'API key for DeepSeek' })
      .waitFor({ timeout: 10_000 });
    assert.equal(await box.getAttribute('type'), 'password', 'the key is typed into a password box');
    await box.fill(SECRET);
    await editor.page.keyboard.press('Enter');
    await editor.waitForStatus(/^DeepSeek$/, 10_000);
    const meta = await askAndWait('Ask with the key set');
    assert.match(meta, /DeepSeek/);
    assert.doesNotMatch(meta, /fallback/);
    const last = primary
      .stats()
      .lastRequests.filter((r) => r.path === '/chat/completions')
      .at(-1);
    assert.equal(last?.status, 200, 'the primary accepted the key');
    await editor.screenshot('providers-key-set');

    // Give the log channel a moment to reach the disk, then look everywhere a key must not be.
    await editor.page.waitForTimeout(1500);
    const files = [...filesUnder(editor.server.dirs.root), ...filesUnder(editor.workspace.path)];
    const settingsFiles = files.filter((f) => f.endsWith('settings.json'));
    const logFiles = files.filter((f) => f.endsWith('.log'));
    assert.ok(settingsFiles.length >= 1, 'found the user settings');
    const pacerLog = logFiles.filter((f) => readFileSync(f, 'utf8').includes('API key for DeepSeek stored'));
    assert.ok(pacerLog.length >= 1, `found Pacer's log among ${logFiles.length} log files`);
    for (const f of [...settingsFiles, ...logFiles]) {
      assert.ok(!readFileSync(f, 'utf8').includes(SECRET), `the key is in ${f}`);
    }
    assert.ok(!editor.server.output().includes(SECRET), 'the key is not in the server output');
  });
});
