import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Usage } from '../../../../src/core/providers/modelService';
import { DEEPSEEK_PRICING } from '../../../../src/core/providers/providerEndpoint';
import { estimateCostUsd } from '../../../../src/core/providers/pricing';
import { SpendLimit, spendStatus } from '../../../../src/core/providers/spendLimit';

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
    const cost = estimateCostUsd(usage(1_000_000, 1_000_000, 1_000_000), flash, at('00:30'));
    close(cost, 0.003 + 0.15 + 0.6);
  });

  test('peak hours (01-04, 06-10 UTC) cost twice as much; the edges are exact', () => {
    const u = usage(0, 1_000_000, 0);
    const cost = (hhmm: string) => estimateCostUsd(u, flash, at(hhmm));
    close(cost('00:59'), 0.15);
    close(cost('01:00'), 0.3);
    close(cost('03:59'), 0.3);
    close(cost('04:00'), 0.15);
    close(cost('06:00'), 0.3);
    close(cost('09:59'), 0.3);
    close(cost('10:00'), 0.15);
  });

  test('pro prices; a cache hit is far cheaper than a miss', () => {
    const hits = estimateCostUsd(usage(100_000, 0, 0), pro, at('12:00'));
    const misses = estimateCostUsd(usage(0, 100_000, 0), pro, at('12:00'));
    close(hits, 0.0022);
    close(misses, 0.066);
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
