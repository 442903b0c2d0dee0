// Coalescing of identical requests in flight, and the completion cache's bounds (TTL, bytes).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PacerError } from '../../../../src/core/common/errors';
import { Coalescer } from '../../../../src/core/gate/coalescer';
import { estimateCostUsd } from '../../../../src/core/providers/pricing';
import { approximateBytes, cacheKey, ResponseCache } from '../../../../src/core/gate/responseCache';
import { FakeClock, flush } from '../../../helpers/fakeClock';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('coalescer', () => {
  test('identical requests in flight share one start; later ones are marked shared', async () => {
    const c = new Coalescer<string>();
    let starts = 0;
    const d = deferred<string>();
    const start = () => {
      starts++;
      return d.promise;
    };
    const a = c.run('k', undefined, start);
    const b = c.run('k', undefined, start);
    const other = c.run('other', undefined, async () => 'x');
    d.resolve('answer');
    assert.deepEqual(await a, { value: 'answer', shared: false });
    assert.deepEqual(await b, { value: 'answer', shared: true });
    assert.deepEqual(await other, { value: 'x', shared: false });
    assert.equal(starts, 1);
    assert.equal(c.size, 0, 'settled entries are forgotten');
  });

  test("one caller's abort does not cancel the shared request while another waits", async () => {
    const c = new Coalescer<string>();
    const d = deferred<string>();
    let sharedSignal: AbortSignal | undefined;
    const start = (signal: AbortSignal | undefined) => {
      sharedSignal = signal;
      return d.promise;
    };
    const first = new AbortController();
    const a = c.run('k', first.signal, start);
    const b = c.run('k', undefined, start);
    first.abort();
    await assert.rejects(a, (e: PacerError) => e.kind === 'cancelled');
    assert.equal(sharedSignal?.aborted, false);
    d.resolve('still here');
    assert.equal((await b).value, 'still here');
  });

  test('when the last waiting caller leaves, the shared request is aborted and a new caller starts afresh', async () => {
    const c = new Coalescer<string>();
    const signals: AbortSignal[] = [];
    const start = (signal: AbortSignal | undefined) => {
      assert.ok(signal, 'callers with signals can abandon the shared request, so it gets one');
      signals.push(signal);
      return new Promise<string>((_, reject) =>
        signal.addEventListener('abort', () => reject(new Error('aborted'))),
      );
    };
    const x = new AbortController();
    const y = new AbortController();
    const a = c.run('k', x.signal, start);
    const b = c.run('k', y.signal, start);
    x.abort();
    y.abort(new PacerError({ kind: 'superseded', message: 'typed on' }));
    await assert.rejects(a, (e: PacerError) => e.kind === 'cancelled');
    await assert.rejects(b, (e: PacerError) => e.kind === 'superseded');
    assert.equal(signals[0]?.aborted, true);
    const z = new AbortController();
    const again = c.run('k', z.signal, start);
    assert.equal(signals.length, 2, 'a fresh request, not the aborted one');
    z.abort();
    await assert.rejects(again);
  });

  test('a shared request whose first caller cannot leave gets no abort signal (one less AbortSignal)', async () => {
    const c = new Coalescer<string>();
    let seen: AbortSignal | undefined | null = null;
    const value = await c.run('k', undefined, async (signal) => {
      seen = signal;
      return 'v';
    });
    assert.equal(seen, undefined);
    assert.deepEqual(value, { value: 'v', shared: false });
  });

  test('a failure reaches every waiting caller and is not kept', async () => {
    const c = new Coalescer<string>();
    const d = deferred<string>();
    const a = c.run('k', undefined, () => d.promise);
    const b = c.run('k', undefined, () => d.promise);
    d.reject(new PacerError({ kind: 'server', message: '500' }));
    await assert.rejects(a, (e: PacerError) => e.kind === 'server');
    await assert.rejects(b, (e: PacerError) => e.kind === 'server');
    assert.deepEqual(await c.run('k', undefined, async () => 'fresh'), { value: 'fresh', shared: false });
  });
});

describe('response cache', () => {
  test('entries expire after the TTL on the injected clock', async () => {
    const clock = new FakeClock();
    const cache = new ResponseCache<{ text: string }>({ maxBytes: 1_000_000, ttlMs: 5000, clock });
    cache.set('a', { text: 'hello' });
    await clock.advance(5000);
    assert.deepEqual(cache.get('a'), { text: 'hello' });
    await clock.advance(1);
    assert.equal(cache.get('a'), undefined);
  });

  test('the byte budget evicts the least recently used entries', () => {
    const clock = new FakeClock();
    const entry = (i: number) => ({ text: `${i}`.padEnd(1000, 'x') });
    const oneEntry = approximateBytes(entry(0)) + 2 * 'k0'.length;
    const cache = new ResponseCache<{ text: string }>({ maxBytes: oneEntry * 3, ttlMs: 60_000, clock });
    cache.set('k0', entry(0));
    cache.set('k1', entry(1));
    cache.set('k2', entry(2));
    cache.get('k0'); // most recently used now
    cache.set('k3', entry(3));
    assert.equal(cache.size, 3);
    assert.ok(cache.bytes <= oneEntry * 3);
    assert.equal(cache.get('k1'), undefined, 'the least recently used went');
    assert.ok(cache.get('k0'));
    assert.ok(cache.get('k3'));
    cache.set('huge', { text: 'y'.repeat(oneEntry * 4) });
    assert.equal(cache.get('huge'), undefined, 'an entry larger than the budget is not stored');
  });

  test('a zero budget or TTL disables the cache', () => {
    const cache = new ResponseCache<{ text: string }>({ maxBytes: 0, ttlMs: 1000, clock: new FakeClock() });
    cache.set('a', { text: 'x' });
    assert.equal(cache.get('a'), undefined);
  });

  test('keys differ by provider, model and request, and have a fixed size', () => {
    const k = cacheKey('deepseek', 'deepseek-flash', ['a', 'b']);
    assert.equal(k, cacheKey('deepseek', 'deepseek-flash', ['a', 'b']));
    assert.notEqual(k, cacheKey('openrouter', 'deepseek-flash', ['a', 'b']));
    assert.notEqual(k, cacheKey('deepseek', 'deepseek-v4-pro', ['a', 'b']));
    assert.notEqual(k, cacheKey('deepseek', 'deepseek-flash', ['a', 'c']));
    assert.equal(cacheKey('deepseek', 'm', ['x'.repeat(100_000)]).length, k.length);
  });
});

describe('cost estimate', () => {
  const flash = {
    cacheHit: 0.003,
    cacheMiss: 0.15,
    output: 0.6,
    peakHoursUtc: [[1, 4] as const],
    peakMultiplier: 2,
  };
  const usage = { promptTokens: 2000, completionTokens: 1000, cacheHitTokens: 1000, cacheMissTokens: 1000 };

  test('cache hits, misses and output at their own prices; peak hours cost double', async () => {
    const offPeak = estimateCostUsd(usage, flash, Date.UTC(2026, 10, 20, 12));
    assert.equal(offPeak.toFixed(9), ((1000 * 0.003 + 1000 * 0.15 + 1000 * 0.6) / 1e6).toFixed(9));
    assert.equal(
      estimateCostUsd(usage, flash, Date.UTC(2026, 10, 20, 2)).toFixed(9),
      (offPeak * 2).toFixed(9),
    );
    assert.equal(estimateCostUsd(usage, undefined, 0), 0);
    await flush();
  });
});
