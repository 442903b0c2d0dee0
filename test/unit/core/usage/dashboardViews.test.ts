// The dashboard's kept views: opened again with nothing recorded, the same view without building
// it again; a record, a clear or the next hour builds a new one; two asks during a build share it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DashboardViews } from '../../../../src/core/usage/dashboardViews';
import { intlZone } from '../../../../src/core/usage/timeZone';
import { UsageHistory } from '../../../../src/core/usage/usageHistory';
import { FakeClock } from '../../../helpers/fakeClock';

const zone = intlZone('UTC');

describe('usage dashboard: views kept between opens', () => {
  test('kept while the history is unchanged, built again after a record, a clear or the next hour', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pacer-views-'));
    const clock = new FakeClock(Date.UTC(2026, 5, 10, 15, 20));
    const history = new UsageHistory({ dir, clock, zone, flushMs: 1e9 });
    const views = new DashboardViews(history, () => ({
      now: clock.wallNow(),
      zone,
      timeZoneName: 'UTC',
      dailyLimitUsd: 1,
      labels: new Map(),
      recording: true,
    }));
    try {
      history.recordAttempt({ provider: 'deepseek', cls: 'chat', outcome: 'answered', latencyMs: 300 });
      await history.flush();
      const [a, b] = await Promise.all([views.get('7d', ''), views.get('7d', '')]);
      assert.equal(a, b, 'two asks during one build share it');
      assert.equal(await views.get('7d', ''), a, 'opened again: the kept view');
      assert.notEqual(await views.get('24h', ''), a, 'another range is its own view');

      history.recordAttempt({ provider: 'deepseek', cls: 'chat', outcome: 'rateLimited' });
      const afterRecord = await views.get('7d', '');
      assert.notEqual(afterRecord, a);
      const total = (v: typeof a) => v.charts.find((c) => c.id === 'totals')!.table.rows[0]![2];
      assert.equal(total(afterRecord), 2, 'the pending record is in the new view');

      clock.stepWall(3_600_000);
      assert.notEqual(await views.get('7d', ''), afterRecord, 'the next hour moves the time axis');

      await history.clear();
      assert.equal((await views.get('7d', '')).empty, true);
    } finally {
      history.dispose();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
