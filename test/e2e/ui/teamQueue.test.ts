// The team queue in the real editor: two VS Code windows on one code-server (each with its own
// extension host, so its own Pacer and Redis connections as on two machines, and its own browser
// profile; one server instead of two keeps the run short) on one DeepSeek account (the emulator, which takes one request at a time and answers
// a second with 429) and one Redis, the shared limit starting at 1. Both windows send a chat at
// the same moment: the team queue lets one through and holds the other, so both are answered and
// the emulator never has two requests in flight nor sends a 429. Alone, each window would have
// sent at once (its own limit is 1 too), and one of them would have met a 429.
// Then window B's usage dashboard shows the team's totals (from Redis) beside this computer's, and
// they equal every request the emulator saw from both windows.
// Screenshots: test-results/team-window-a.png (with the tooltip), team-window-b.png and
// usage-dashboard-team.png.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FrameLocator } from 'playwright-core';
import { startEmulator } from '../../../tools/emulator/server';
import type { Emulator } from '../../../tools/emulator/server';
import type { RedisServer } from '../../helpers/redisServer';
import { startRedisServer } from '../../helpers/redisServer';
import { openAnotherWindow, startPacerEditor } from './harness';
import type { PacerEditor } from './harness';
import { DashboardPage } from './usageDashboardPage';

const ANSWER = 'Both windows share one queue, so the account never sees two requests at once.';

describe('team queue in two editor windows', () => {
  let emulator: Emulator;
  let redis: RedisServer;
  let windows: PacerEditor[] = [];

  before(async () => {
    // A first token after 800 ms: the two chats would overlap at the emulator without the queue.
    emulator = await startEmulator({
      concurrencyCap: 1,
      ttftMs: 800,
      tokensPerSecond: 200,
      chatScript: [{ match: 'queue', answer: ANSWER }],
    });
    redis = await startRedisServer();
    const settings = {
      'pacer.providers.baseUrls': { deepseek: emulator.url },
      // Only DeepSeek, so nothing is failed over to a local provider.
      'pacer.providers.enabled': ['deepseek'],
      'pacer.gate.initialConcurrency': 1,
      'pacer.chat.deadlineMs': 60_000,
      'pacer.team.enabled': true,
      'pacer.team.redisUrl': redis.url,
      'pacer.team.queueName': 'ui-test-team',
    };
    const first = await startPacerEditor({ emulator: false, settings, width: 1100, height: 700 });
    windows = [first, await openAnotherWindow(first, { width: 1100, height: 700 })];
  });
  after(async () => {
    // The second window first: the first one's close ends the server and the browser.
    for (const w of [...windows].reverse()) await w.close();
    await redis?.close();
    await emulator?.close();
  });

  test('two windows chat at once: both answered, one at a time, no 429, the team queue shown', async () => {
    // The status item carries the team icon once the window's queue answers from Redis.
    await Promise.all(
      windows.map(async (w) => {
        await w.waitForStatus(/DeepSeek/, 90_000);
        await w.statusItem().locator('.codicon-organization').waitFor({ timeout: 30_000 });
      }),
    );
    const views: FrameLocator[] = await Promise.all(windows.map((w) => w.openPacerView()));
    const inputs = views.map((v) => v.getByRole('textbox', { name: /Message Pacer/ }));
    for (const input of inputs) {
      await input.waitFor({ timeout: 30_000 });
      await input.fill('How does the team queue pace us?');
    }
    const before = emulator.stats();
    await Promise.all(inputs.map((input) => input.press('Enter')));

    await Promise.all(
      views.map((v) =>
        v
          .locator('article.message.assistant')
          .last()
          .and(v.locator('[aria-busy="false"]'))
          .getByText(ANSWER)
          .waitFor({ timeout: 30_000 }),
      ),
    );
    const stats = emulator.stats();
    const chats = (s: typeof stats) =>
      Object.entries(s.requestsByPath)
        .filter(([path]) => path.includes('chat/completions'))
        .reduce((n, [, count]) => n + count, 0);
    assert.equal(chats(stats) - chats(before), 2, 'one request from each window');
    assert.equal(stats.sent429, 0, 'the emulator sent no 429');
    assert.equal(stats.maxInFlight, 1, 'never two requests at once');

    // Window A's tooltip: one queue with its shared limit, and both windows in it.
    const [a, b] = windows;
    const hover = a.page.locator('.monaco-hover', { hasText: 'Team queue:' }).first();
    const expected = /Team queue: \d+ waiting · shared limit \d+ · \d+ in flight · 2 editors active/;
    let tooltip = '';
    // A tooltip shows the status of its last look at the queue: hover again until it has both.
    for (let tries = 0; tries < 20 && !expected.test(tooltip); tries++) {
      if (tries > 0) await a.page.mouse.move(24, 300);
      await a.statusItem().hover();
      await hover.waitFor({ state: 'visible', timeout: 10_000 });
      tooltip = (await hover.innerText()) ?? '';
    }
    assert.match(tooltip, expected);
    await a.screenshot('team-window-a');
    await b.screenshot('team-window-b', { parkMouse: true });
  });

  test("the usage dashboard shows the team's totals, which count every request of both windows", async () => {
    const b = windows[1]!;
    const dash = new DashboardPage(b);
    const frame = await dash.show();
    const total = () => Object.values(emulator.stats().requestsByPath).reduce((n, c) => n + c, 0);
    let rows: string[][] = [];
    let want = -1;
    // Each window sends its additions every 5 s and the panel reads Redis at most every 10 s:
    // ask for the view again (a range button) until the team's count meets the emulator's.
    for (let tries = 0; tries < 20; tries++) {
      rows = await dash.table(frame, 'team');
      want = total();
      const team = rows.find((r) => r[1]?.startsWith('team'));
      if (team && Number(team[2]) === want) break;
      await b.page.waitForTimeout(3000);
      await frame.click(`button[data-range="${tries % 2 ? '24h' : '7d'}"]`);
    }
    const team = rows.find((r) => r[1]?.startsWith('team'));
    const mine = rows.find((r) => r[1] === 'this computer');
    assert.ok(team && mine, `the team table: ${JSON.stringify(rows)}`);
    assert.equal(team[0], 'DeepSeek');
    assert.equal(
      Number(team[2]),
      want,
      `the team counted every request both windows sent: ${JSON.stringify(rows)} ${JSON.stringify(emulator.stats().requestsByPath)} ${JSON.stringify(await dash.table(frame, 'totals'))}`,
    );
    assert.ok(Number(team[3]) >= 2, 'both chats answered');
    assert.equal(team[4], '0', 'no 429');
    assert.match(team[1]!, /^team \(\d+ editors? active now\)$/);
    const insights = (await frame.textContent('.usage-insights')) ?? '';
    assert.match(insights, /This computer sent \d+ % of the \d+ DeepSeek requests your team sent/);
    await b.screenshot('usage-dashboard-team', { parkMouse: true });
  });
});
