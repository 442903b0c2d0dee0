// The dashboard's view from the history: slots per range, stacked outcomes that add up to the
// totals, the 429 grid in the user's zone with peak hours, sentences from the numbers, CSV, the
// protocol's parsers, and the panel HTML's CSP.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseUsageHostMessage,
  parseUsageWebviewMessage,
  tableToCsv,
} from '../../../../src/core/common/usageProtocol';
import { buildDashboardView } from '../../../../src/core/usage/dashboardView';
import { addValue } from '../../../../src/core/usage/logHistogram';
import { usageHtml } from '../../../../src/vscode/usage/usageHtml';
import { bucket, dashboardOptions, HOUR, now } from '../../../helpers/dashboardFixture';
import { intlZone } from '../../../../src/core/usage/timeZone';

const options = dashboardOptions;

describe('usage dashboard: the view the host builds', () => {
  const a = bucket('deepseek', 'chat', now - 2 * HOUR, {
    answered: 10,
    rateLimited: 4,
    errors: { server: 1 },
    cacheHitTokens: 2_000_000,
    cacheMissTokens: 1_000_000,
    costUsd: 0.5,
  });
  addValue(a.latency, 400);
  addValue(a.wait, 12);
  const b = bucket('openrouter', 'chat', now - HOUR, {
    answered: 3,
    fallback: 2,
    costUsd: 0.2,
    estimatedUsd: 0.2,
  });
  const c = bucket('deepseek', 'probe', now - 30 * HOUR, { answered: 5 }); // outside 24 h
  const snapshot = { buckets: [a, b, c] };

  test('24 h: 24 hour slots; the stacked outcomes add up to the totals table', () => {
    const view = buildDashboardView(snapshot, options());
    assert.equal(view.empty, false);
    const req = view.charts.find((ch) => ch.id === 'requests')!;
    assert.equal(req.x.length, 24);
    const sum = (label: string) =>
      req.series.find((s) => s.label === label)!.values.reduce<number>((t, v) => t + (v ?? 0), 0);
    assert.equal(sum('answered'), 11);
    assert.equal(sum('served by fallback'), 2);
    assert.equal(sum('429'), 4);
    assert.equal(sum('error'), 1);
    const totals = view.charts.find((ch) => ch.id === 'totals')!.table.rows;
    assert.deepEqual(totals, [
      ['DeepSeek', 'chat', 15, 10, 4, 1, 0, 0.5],
      ['openrouter', 'chat', 3, 3, 0, 0, 2, 0.2],
    ]);
    // Every series has its own marker and dash: colour is not the only cue.
    assert.equal(new Set(req.series.map((s) => s.marker)).size, req.series.length);
    assert.equal(new Set(req.series.map((s) => s.dash.join(','))).size, req.series.length);
  });

  test('the 429 grid is by weekday and local hour; peak hours follow the zone', () => {
    const view = buildDashboardView(snapshot, options());
    const grid = view.charts.find((ch) => ch.id === 'rateLimits')!;
    assert.equal(grid.grid![2]![13], 4); // Wednesday 13:00 UTC
    assert.deepEqual(grid.peakHours, [1, 2, 3, 6, 7, 8, 9]);
    const kolkata = buildDashboardView(
      snapshot,
      options({ zone: intlZone('Asia/Kolkata'), timeZoneName: 'Asia/Kolkata' }),
    );
    const k = kolkata.charts.find((ch) => ch.id === 'rateLimits')!;
    // Buckets recorded in UTC hours: 13:00 UTC is 18:30 in Kolkata, hour of day 18 there.
    assert.equal(k.grid![2]![18], 4);
  });

  test('provider filter, a longer range, cost with the limit line, sentences from the numbers', () => {
    const view = buildDashboardView(snapshot, options({ range: '7d', provider: 'deepseek' }));
    const totals = view.charts.find((ch) => ch.id === 'totals')!.table.rows;
    assert.deepEqual(
      totals.map((r) => [r[0], r[1], r[2]]),
      [
        ['DeepSeek', 'chat', 15],
        ['DeepSeek', 'probe', 5],
      ],
    );
    const cost = view.charts.find((ch) => ch.id === 'cost')!;
    assert.equal(cost.x.length, 7);
    assert.ok(cost.series.some((s) => s.style === 'limit' && s.values.every((v) => v === 1)));
    const all = buildDashboardView(snapshot, options());
    assert.ok(
      all.insights.some((s) =>
        /^100 % of the 429s in the last 24 hours came between 13:00 and 15:00\.$/.test(s),
      ),
      all.insights.join('\n'),
    );
    assert.ok(
      all.insights.some((s) =>
        /fallback served 15 % of chats in the last 24 hours and cost about \$0\.13\./.test(s),
      ),
      all.insights.join('\n'),
    );
    assert.ok(
      all.insights.some((s) => /prefix cache saved at least \$0\.29 /.test(s)),
      all.insights.join('\n'),
    );
    assert.ok(
      all.insights.some((s) => /\$0\.20 of it estimated/.test(s)),
      all.insights.join('\n'),
    );
    const empty = buildDashboardView({ buckets: [] }, options());
    assert.equal(empty.empty, true);
    assert.deepEqual(empty.insights, []);
  });

  test('the view passes the webview parser; CSV quotes and defuses formulas', () => {
    const view = buildDashboardView(snapshot, options({ range: '90d' }));
    const parsed = parseUsageHostMessage({ type: 'view', view });
    assert.equal(parsed.view.charts.length, view.charts.length);
    assert.equal(
      tableToCsv({
        columns: ['a', 'b'],
        rows: [
          ['x,y', '=1+1'],
          ['say "hi"', 2],
        ],
      }),
      'a,b\r\n"x,y",\'=1+1\r\n"say ""hi""",2\r\n',
    );
    assert.deepEqual(
      parseUsageWebviewMessage({ type: 'query', range: '30d', provider: 'deepseek', extra: 1 }),
      {
        type: 'query',
        range: '30d',
        provider: 'deepseek',
      },
    );
    assert.throws(() => parseUsageWebviewMessage({ type: 'query', range: '1y', provider: '' }));
    assert.throws(() => parseUsageWebviewMessage({ type: 'exportCsv', chart: '../../etc' }));
  });

  test('the panel HTML: a nonce script, no inline style or script, nothing remote', () => {
    const html = usageHtml({
      cspSource: 'vscode-webview://x',
      scriptUri: 'vscode-webview://x/usage.js',
      styleUris: ['vscode-webview://x/a.css'],
      nonce: 'abc',
    });
    assert.match(html, /script-src 'nonce-abc'/);
    assert.match(html, /default-src 'none'/);
    assert.doesNotMatch(html, /unsafe-inline|unsafe-eval|style=|<style/);
    assert.equal((html.match(/<script/g) ?? []).length, 1);
  });
});
