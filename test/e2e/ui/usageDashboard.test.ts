// The usage dashboard in the real editor (code-server + headless Chromium): chat and completions
// through the emulator, some of them answered with 429 first; `Pacer: Show Usage` opens the
// panel; the charts drew (canvases with pixels), the totals table's counts per request class
// equal the emulator's own counts per path; screenshots in dark and light themes; the panel and
// the history are back after a window reload. Also times the open (command to every chart drawn),
// cold (first after a reload) and warm, into test-results/usage-open.json.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Frame, FrameLocator } from 'playwright-core';
import { resultsDir, startPacerEditor } from './harness';
import type { PacerEditor } from './harness';

type ClassCounts = Record<'chat' | 'completion' | 'probe', number>;

/** The emulator's requests per path, as the request classes Pacer records them. */
function emulatorCounts(byPath: Record<string, number>): ClassCounts {
  const out: ClassCounts = { chat: 0, completion: 0, probe: 0 };
  for (const [path, n] of Object.entries(byPath)) {
    if (path.includes('chat/completions')) out.chat += n;
    else if (path.endsWith('/completions')) out.completion += n;
    else out.probe += n;
  }
  return out;
}

describe('usage dashboard in the editor', () => {
  let editor: PacerEditor;
  const open: { cold?: number; warm?: number } = {};

  async function dashboardFrame(timeoutMs = 30_000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      for (const f of editor.page.frames()) {
        if (await f.$('.usage-toolbar, .usage-empty').catch(() => null)) return f;
      }
      await editor.page.waitForTimeout(100);
    }
    throw new Error('the usage dashboard did not show');
  }

  /** Keys go to the workbench, not to the webview that had focus. */
  async function focusWorkbench(): Promise<void> {
    await editor.page.locator('.tabs-container .tab', { hasText: 'Pacer Usage' }).first().click();
    await editor.page.waitForTimeout(200);
  }

  /** Every time chart has a canvas with drawn pixels. */
  async function chartsDrawn(frame: Frame): Promise<number> {
    // A string: this file is compiled without the DOM library.
    return frame.evaluate<number>(`(() => {
      let drawn = 0;
      for (const c of document.querySelectorAll('.usage-plot canvas')) {
        const ctx = c.getContext('2d');
        if (!ctx || c.width === 0) continue;
        const px = ctx.getImageData(0, 0, c.width, c.height).data;
        for (let i = 3; i < px.length; i += 28) if (px[i] > 0) { drawn++; break; }
      }
      return drawn;
    })()`);
  }

  async function totals(frame: Frame): Promise<ClassCounts> {
    const rows = await frame.evaluate<
      string[][]
    >(`[...document.querySelectorAll('table[data-chart="totals"] tbody tr')]
      .map((tr) => [...tr.querySelectorAll('th,td')].map((c) => c.textContent ?? ''))`);
    const out: ClassCounts = { chat: 0, completion: 0, probe: 0 };
    for (const r of rows) if (r[0] === 'DeepSeek') out[r[1] as keyof ClassCounts] += Number(r[2]);
    return out;
  }

  /** Opens the dashboard and waits until all four time charts drew; the time it took (ms). */
  async function openDashboard(): Promise<{ frame: Frame; ms: number }> {
    // The palette is typed first: the time runs from Enter on the command to the charts drawn.
    await editor.page.keyboard.press('F1');
    const input = editor.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill('>Pacer: Show Usage');
    await editor.page
      .locator('.quick-input-widget .monaco-list-row', { hasText: 'Pacer: Show Usage' })
      .first()
      .waitFor({ state: 'visible', timeout: 10_000 });
    const t0 = Date.now();
    await editor.page.keyboard.press('Enter');
    const frame = await dashboardFrame();
    const deadline = Date.now() + 30_000;
    while ((await chartsDrawn(frame)) < 4) {
      if (Date.now() > deadline) throw new Error('the charts did not draw');
      await editor.page.waitForTimeout(25);
    }
    return { frame, ms: Date.now() - t0 };
  }

  async function chat(view: FrameLocator, text: string): Promise<void> {
    const input = view.getByRole('textbox', { name: /Message Pacer/ });
    const answers = view.locator('article.message.assistant');
    const n = await answers.count();
    await input.click();
    await input.fill(text);
    await input.press('Enter');
    await answers.nth(n).waitFor({ timeout: 20_000 });
    await answers.nth(n).and(view.locator('[aria-busy="false"]')).waitFor({ timeout: 60_000 });
  }

  before(async () => {
    editor = await startPacerEditor({
      emulator: { ttftMs: 40, tokensPerSecond: 400, answerTokens: 20 },
      settings: { 'pacer.health.probeIntervalMs': 3_600_000 },
      height: 1000,
      width: 1400,
    });
  });
  after(async () => {
    if (open.cold !== undefined || open.warm !== undefined) {
      mkdirSync(resultsDir, { recursive: true });
      writeFileSync(join(resultsDir, 'usage-open.json'), JSON.stringify(open) + '\n');
    }
    await editor?.close();
  });

  test('after chat and completions with 429s, the charts draw and the counts match the emulator', async () => {
    await editor.waitForStatus(/DeepSeek/, 90_000);
    const emulator = editor.emulator!;
    const view = await editor.openPacerView();
    await chat(view, 'What does a debounce do?');
    emulator.setFault({ kind: 'rateLimited', count: 1 });
    await chat(view, 'And a throttle?');
    // Completions: type in a file; whatever the debounce sends is counted on both sides.
    const code = await editor.openFile('src/math.ts');
    await code.click();
    await editor.page.keyboard.press('Control+End');
    await editor.page.keyboard.type('\nexport function clamp(', { delay: 60 });
    await editor.page.waitForTimeout(2500);
    await editor.page.keyboard.press('Escape');

    const { frame } = await openDashboard();
    // The emulator and the table agree once the last requests were recorded (live updates).
    let seen: ClassCounts = { chat: -1, completion: -1, probe: -1 };
    let want: ClassCounts = emulatorCounts(emulator.stats().requestsByPath);
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      want = emulatorCounts(emulator.stats().requestsByPath);
      seen = await totals(frame);
      if (JSON.stringify(seen) === JSON.stringify(want)) break;
      await editor.page.waitForTimeout(500);
    }
    assert.deepEqual(seen, want);
    assert.ok(want.chat >= 3, `chat requests: ${want.chat}`); // two answers and a 429
    assert.ok(emulator.stats().sent429 >= 1);
    assert.ok((await frame.$$('.heatmap-cell.hot')).length >= 1, 'the 429 shows in the hour-of-day grid');
    assert.ok((await frame.$$('.usage-insights li')).length >= 1);

    // The last 24 hours (the range is kept in the panel's state): what the screenshots show.
    await frame.click('button[data-range="24h"]');
    await frame.waitForSelector('button[data-range="24h"].selected', { timeout: 10_000 });
    const drawnBy = Date.now() + 10_000;
    while ((await chartsDrawn(frame)) < 4 && Date.now() < drawnBy) await editor.page.waitForTimeout(50);
    await editor.screenshot('usage-dashboard-dark', { parkMouse: true });
    await focusWorkbench();
    await editor.runCommand('Preferences: Toggle between Light/Dark Themes');
    await editor.page.waitForTimeout(1500);
    assert.ok((await chartsDrawn(frame)) >= 4, 'redrawn after the theme change');
    await editor.screenshot('usage-dashboard-light', { parkMouse: true });

    // Warm: close the panel and open it again in the same window.
    await focusWorkbench();
    await editor.runCommand('View: Close Editor');
    open.warm = (await openDashboard()).ms;
  });

  test('after a window reload the panel and the history are back', async () => {
    const before = emulatorCounts(editor.emulator!.stats().requestsByPath);
    // Reload as a user does, through the workbench: it stores its open editors (the panel among
    // them) on the way out. A browser reload skips that, and the editors come back only if the
    // workbench happened to have stored them already.
    await focusWorkbench();
    const navigated = editor.page.waitForEvent('framenavigated', { timeout: 60_000 });
    await editor.runCommand('Developer: Reload Window');
    await navigated;
    await editor.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await editor.waitForStatus(/DeepSeek/, 90_000);
    const frame = await dashboardFrame(60_000);
    const deadline = Date.now() + 30_000;
    let seen = await totals(frame);
    while (seen.chat < before.chat && Date.now() < deadline) {
      await editor.page.waitForTimeout(500);
      seen = await totals(frame);
    }
    assert.ok(
      seen.chat >= before.chat && seen.chat > 0,
      `chat after reload ${seen.chat}, before ${before.chat}`,
    );
    // Cold: the first open in the new window.
    await focusWorkbench();
    await editor.runCommand('View: Close Editor');
    open.cold = (await openDashboard()).ms;
  });
});
