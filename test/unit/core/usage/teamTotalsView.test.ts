// The dashboard's team table: this computer's totals over the view's range beside the team's, the
// share sentence, the provider filter, a Redis that did not answer, and the protocol's parser.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { emptyTotals, parseUsageHostMessage } from '../../../../src/core/common/usageProtocol';
import { buildDashboardView } from '../../../../src/core/usage/dashboardView';
import { rangeOf } from '../../../../src/core/usage/dashboardSlots';
import type { Bucket } from '../../../../src/core/usage/historyBuckets';
import { historyTotals, withTeamTotals } from '../../../../src/core/usage/teamTotalsView';
import { bucket, dashboardOptions, HOUR, now, zone } from '../../../helpers/dashboardFixture';

const options = dashboardOptions;
const chatBucket = (provider: string, at: number, fill: Partial<Bucket>): Bucket =>
  bucket(provider, 'chat', at, fill);

describe('usage dashboard: team totals beside this computer', () => {
  const snapshot = {
    buckets: [
      chatBucket('deepseek', now - HOUR, {
        answered: 8,
        rateLimited: 1,
        errors: { server: 1 },
        costUsd: 0.25,
      }),
      chatBucket('deepseek', now - 30 * HOUR, { answered: 100 }), // outside 24 h
      chatBucket('openai', now - HOUR, { answered: 5 }),
    ],
  };
  const team = { ...emptyTotals(), answered: 36, rateLimited: 4, costUsd: 1.5 };

  test("this computer's totals cover the view's range only", () => {
    const t = historyTotals(snapshot, 'deepseek', options());
    assert.equal(t.answered, 8);
    assert.equal(t.rateLimited, 1);
    assert.equal(t.errors, 1);
    assert.equal(historyTotals(snapshot, 'deepseek', options({ range: '7d' })).answered, 108);
    assert.equal(rangeOf(options()).start, zone.hourStart(now - 23 * HOUR));
    assert.equal(rangeOf(options({ range: '7d' })).start, Date.UTC(2026, 5, 4));
  });

  test('the team table comes first, with both rows, and a sentence with the share', () => {
    const base = buildDashboardView(snapshot, options());
    const view = withTeamTotals(
      base,
      snapshot,
      [{ provider: 'deepseek', queueId: 'deepseek:deepseek-chat:k-1', team, editorsNow: 3 }],
      options(),
    );
    const chart = view.charts[0]!;
    assert.equal(chart.id, 'team');
    assert.match(chart.title, /deepseek:deepseek-chat:k-1/);
    assert.deepEqual(chart.table.rows[0]!.slice(0, 6), ['DeepSeek', 'this computer', 10, 8, 1, 1]);
    assert.deepEqual(chart.table.rows[1]!.slice(0, 5), [
      'DeepSeek',
      'team (3 editors active now)',
      40,
      36,
      4,
    ]);
    assert.equal(chart.table.rows[1]!.at(-1), 1.5);
    assert.equal(view.charts.length, base.charts.length + 1);
    assert.match(
      view.insights[0]!,
      /This computer sent 25 % of the 40 DeepSeek requests your team sent in the last 24 hours; the team got 4 429s/,
    );
    // The webview's parser accepts it.
    assert.doesNotThrow(() => parseUsageHostMessage({ type: 'view', view }));
  });

  test('Redis did not answer: the team row says so instead of showing zeros', () => {
    const view = withTeamTotals(
      buildDashboardView(snapshot, options()),
      snapshot,
      [{ provider: 'deepseek', queueId: 'q', editorsNow: 0 }],
      options(),
    );
    const rows = view.charts[0]!.table.rows;
    assert.equal(rows[1]![1], 'team: Redis did not answer');
    assert.ok(rows[1]!.slice(2).every((c) => c === '–'));
    assert.ok(!view.insights.some((s) => s.includes('your team')));
  });

  test('a provider filter that is not a team provider: no team table', () => {
    const filtered = buildDashboardView(snapshot, options({ provider: 'openai' }));
    const view = withTeamTotals(
      filtered,
      snapshot,
      [{ provider: 'deepseek', queueId: 'q', team, editorsNow: 1 }],
      options(),
    );
    assert.equal(view, filtered);
  });
});
