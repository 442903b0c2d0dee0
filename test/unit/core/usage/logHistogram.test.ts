// Percentiles from log-bucketed histograms, merged across hours and windows, stay within 2 % of
// the exact percentile over the same values.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  addValue,
  decodeHistogram,
  encodeHistogram,
  mergeInto,
  newHistogram,
  quantile,
} from '../../../../src/core/usage/logHistogram';

function exact(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(q * (sorted.length - 1))]!;
}

/** A deterministic generator (mulberry32), so a failure can be reproduced. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('usage history: latency histograms', () => {
  test('p50 and p95 of merged histograms are within 2 % of the exact values (1 ms .. 60 s)', () => {
    const rnd = random(7);
    for (let round = 0; round < 20; round++) {
      const all: number[] = [];
      const merged = newHistogram();
      // Several windows × hours, each its own histogram, merged afterwards.
      for (let part = 0; part < 12; part++) {
        const h = newHistogram();
        const n = 1 + Math.floor(rnd() * 200);
        for (let i = 0; i < n; i++) {
          const v = Math.exp(rnd() * Math.log(60_000)) + (rnd() < 0.5 ? 0 : rnd() * 10);
          const ms = Math.max(1, v);
          all.push(ms);
          addValue(h, ms);
        }
        mergeInto(merged, decodeHistogram(encodeHistogram(h)));
      }
      for (const q of [0.5, 0.95]) {
        const want = exact(all, q);
        const got = quantile(merged, q)!;
        assert.ok(Math.abs(got - want) / want <= 0.02, `q${q}: ${got} vs exact ${want}`);
      }
    }
  });

  test('an empty histogram has no percentile; values under 1 ms count as 1 ms', () => {
    const h = newHistogram();
    assert.equal(quantile(h, 0.5), undefined);
    addValue(h, 0);
    addValue(h, 0.4);
    assert.equal(quantile(h, 0.95), 1);
  });

  test('the encoding round-trips, with runs of empty bins written as one negative number', () => {
    const h = newHistogram();
    for (const v of [3, 3, 3.05, 3.2, 250, 59_000]) addValue(h, v);
    const encoded = encodeHistogram(h);
    assert.ok(encoded.some((n) => n < -1));
    const back = decodeHistogram(encoded);
    assert.deepEqual(encodeHistogram(back), encoded);
    for (const q of [0, 0.3, 0.5, 0.95, 1]) assert.equal(quantile(back, q), quantile(h, q));
    assert.deepEqual(encodeHistogram(newHistogram()), []);
  });
});
