import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Usage } from '../../src/core/modelService';
import { DEEPSEEK_PRICING } from '../../src/core/providerEndpoint';
import { localDayKey, UsageLedger } from '../../src/core/providers/cost';
import { SpendLimit, spendStatus } from '../../src/core/providers/spendLimit';

const flash = DEEPSEEK_PRICING['deepseek-flash'];
const pro = DEEPSEEK_PRICING['deepseek-v4-pro'];
// 2026-11-10 (a Tuesday): 00:30 UTC is off-peak, 02:30 and 07:00 UTC are peak, 04:00 and 10:00 are not.
const at = (hhmm: string) => Date.parse(`2026-11-10T${hhmm}:00Z`);

function usage(hit: number, miss: number, out: number): Usage {
  return { promptTokens: hit + miss, completionTokens: out, cacheHitTokens: hit, cacheMissTokens: miss };
}

const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} != ${b}`);

describe('cost accounting', () => {
  test('DeepSeek flash prices, cache hits at the hit price, off-peak', () => {
    const ledger = new UsageLedger(
      () => at('00:30'),
      () => 'd',
    );
    const cost = ledger.record('deepseek', usage(1_000_000, 1_000_000, 1_000_000), flash);
    close(cost, 0.003 + 0.15 + 0.6);
  });

  test('peak hours (01-04, 06-10 UTC) cost twice as much; the edges are exact', () => {
    const u = usage(0, 1_000_000, 0);
    const cost = (hhmm: string) =>
      new UsageLedger(
        () => at(hhmm),
        () => 'd',
      ).record('deepseek', u, flash);
    close(cost('00:59'), 0.15);
    close(cost('01:00'), 0.3);
    close(cost('03:59'), 0.3);
    close(cost('04:00'), 0.15);
    close(cost('06:00'), 0.3);
    close(cost('09:59'), 0.3);
    close(cost('10:00'), 0.15);
  });

  test('pro prices; a cache hit is far cheaper than a miss', () => {
    const ledger = new UsageLedger(
      () => at('12:00'),
      () => 'd',
    );
    const hits = ledger.record('deepseek', usage(100_000, 0, 0), pro);
    const misses = ledger.record('deepseek', usage(0, 100_000, 0), pro);
    close(hits, 0.0022);
    close(misses, 0.066);
  });

  test('ledger sums per provider and for the day; unknown prices cost 0 but tokens count', () => {
    const ledger = new UsageLedger(
      () => at('12:00'),
      () => 'd',
    );
    ledger.record('deepseek', usage(10, 90, 50), flash);
    ledger.record('deepseek', undefined, flash);
    ledger.record('ollama', usage(0, 100, 100), undefined);
    const ds = ledger.today('deepseek');
    assert.equal(ds.requests, 2);
    assert.equal(ds.promptTokens, 100);
    assert.equal(ds.cacheHitTokens, 10);
    assert.equal(ds.completionTokens, 50);
    close(ds.costUsd, (10 * 0.003 + 90 * 0.15 + 50 * 0.6) / 1e6);
    assert.equal(ledger.today('ollama').costUsd, 0);
    assert.equal(ledger.today('ollama').completionTokens, 100);
    close(ledger.costToday(), ds.costUsd);
    assert.equal(
      ledger.costToday((id) => id === 'ollama'),
      0,
    );
  });

  test('the ledger rolls over at the day boundary and restores only today', () => {
    let now = Date.parse('2026-11-10T12:00:00');
    const ledger = new UsageLedger(() => now);
    ledger.record('deepseek', usage(0, 1_000_000, 0), flash);
    const saved = ledger.toJSON();
    assert.equal(saved.day, localDayKey(now));
    const again = new UsageLedger(() => now);
    again.restore(saved);
    close(again.costToday(), 0.15);
    now += 24 * 3600_000;
    assert.equal(ledger.costToday(), 0);
    const tomorrow = new UsageLedger(() => now);
    tomorrow.restore(saved);
    assert.equal(tomorrow.costToday(), 0, "yesterday's totals are not restored");
  });
});

describe('daily spend limit', () => {
  test('off, ok, warning at 80 %, paused at 100 %, lifted', () => {
    assert.equal(spendStatus(5, 0, false).kind, 'off');
    assert.equal(spendStatus(0.79, 1, false).kind, 'ok');
    assert.equal(spendStatus(0.8, 1, false).kind, 'warning');
    assert.equal(spendStatus(1, 1, false).kind, 'paused');
    assert.equal(spendStatus(1.5, 1, true).kind, 'lifted');
  });

  test('lifting lasts for that day only; crossings are announced once a day', () => {
    const limit = new SpendLimit(1);
    assert.equal(limit.crossing(0.5, 'd1'), undefined);
    assert.equal(limit.crossing(0.85, 'd1'), 'warning');
    assert.equal(limit.crossing(0.9, 'd1'), undefined);
    assert.equal(limit.crossing(1.2, 'd1'), 'paused');
    assert.equal(limit.crossing(1.3, 'd1'), undefined);
    assert.equal(limit.status(1.2, 'd1').kind, 'paused');
    limit.lift('d1');
    assert.equal(limit.status(1.2, 'd1').kind, 'lifted');
    assert.equal(limit.status(1.2, 'd2').kind, 'paused');
    assert.equal(limit.crossing(1.2, 'd2'), 'paused');
    limit.setLimit(0);
    assert.equal(limit.status(1.2, 'd2').kind, 'off');
  });
});
