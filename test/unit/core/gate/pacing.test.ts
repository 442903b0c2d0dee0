// The pacing pieces on their own: AIMD, full-jitter backoff, retry-hint parsing and the cooldown.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AimdLimiter } from '../../../../src/core/gate/aimdLimiter';
import { backoffCeilingMs, fullJitterMs } from '../../../../src/core/gate/backoff';
import { Cooldown } from '../../../../src/core/gate/cooldown';
import {
  MAX_HINT_MS,
  parseResetValue,
  parseRetryAfter,
  parseRetryHints,
} from '../../../../src/core/gate/retryHints';
import { LocalSlotSource } from '../../../../src/core/gate/slotSource';
import { FakeClock } from '../../../helpers/fakeClock';

const NOW = Date.UTC(2026, 10, 20, 12, 0, 0);

describe('AIMD limiter', () => {
  test('starts at the initial limit and adds one per window of saturated successes', () => {
    const aimd = new AimdLimiter({ initial: 2, min: 1, max: 5, decreaseFactor: 0.5, increaseWindow: 1 });
    assert.equal(aimd.limit, 2);
    assert.equal(aimd.onSuccess(true), false);
    assert.equal(aimd.onSuccess(true), true);
    assert.equal(aimd.limit, 3);
    for (let i = 0; i < 3; i++) aimd.onSuccess(true);
    assert.equal(aimd.limit, 4);
    for (let i = 0; i < 50; i++) aimd.onSuccess(true);
    assert.equal(aimd.limit, 5, 'capped at max');
  });

  test('successes that did not use the whole limit are no evidence for more', () => {
    const aimd = new AimdLimiter({ initial: 2, min: 1, max: 16, decreaseFactor: 0.5, increaseWindow: 1 });
    for (let i = 0; i < 100; i++) aimd.onSuccess(false);
    assert.equal(aimd.limit, 2);
  });

  test('halves on a 429, never below the floor, and only once per congestion event', () => {
    const aimd = new AimdLimiter({ initial: 8, min: 1, max: 16, decreaseFactor: 0.5, increaseWindow: 1 });
    const epoch = aimd.epoch;
    assert.equal(aimd.onRateLimited(epoch), true);
    assert.equal(aimd.limit, 4);
    // Three more 429s for requests sent before the cut: the same event.
    assert.equal(aimd.onRateLimited(epoch), false);
    assert.equal(aimd.onRateLimited(epoch), false);
    assert.equal(aimd.limit, 4);
    aimd.onRateLimited(aimd.epoch);
    aimd.onRateLimited(aimd.epoch);
    aimd.onRateLimited(aimd.epoch);
    aimd.onRateLimited(aimd.epoch);
    assert.equal(aimd.limit, 1, 'floor');
  });

  test("a provider's reported concurrency bounds the limit; it never raises it past max", () => {
    const aimd = new AimdLimiter({ initial: 6, min: 1, max: 10, decreaseFactor: 0.5, increaseWindow: 1 });
    aimd.setHintCeiling(3);
    assert.equal(aimd.limit, 3);
    for (let i = 0; i < 20; i++) aimd.onSuccess(true);
    assert.equal(aimd.limit, 3);
    aimd.setHintCeiling(2000);
    for (let i = 0; i < 200; i++) aimd.onSuccess(true);
    assert.equal(aimd.limit, 10);
  });

  test('new settings: a lower max clamps at once; a new initial value restarts there; undefined keeps', () => {
    const aimd = new AimdLimiter({ initial: 2, min: 1, max: 16, decreaseFactor: 0.5, increaseWindow: 1 });
    for (let i = 0; i < 30; i++) aimd.onSuccess(true);
    assert.equal(aimd.limit, 8);
    aimd.configure({ max: 4, initial: undefined });
    assert.equal(aimd.limit, 4);
    aimd.configure({ initial: 3 });
    assert.equal(aimd.limit, 3);
    aimd.configure({ max: 10 });
    assert.equal(aimd.limit, 3, 'raising max does not jump; the limit is learned');
  });

  test('the local slot source counts in-flight requests and feeds outcomes to AIMD', () => {
    const clock = new FakeClock(NOW);
    const source = new LocalSlotSource({ clock, initial: 2, max: 8, hintTtlMs: 1000 });
    let changes = 0;
    source.onDidChangeLimit(() => changes++);
    const a = source.acquire({ waiting: 1 });
    const b = source.acquire({ waiting: 3 });
    assert.equal(source.inFlight, 2);
    a.release({ kind: 'success' });
    b.release({ kind: 'success' });
    b.release({ kind: 'success' }); // ignored: released once
    assert.equal(source.inFlight, 0);
    assert.equal(source.limit, 3);
    const c = source.acquire({ waiting: 0 });
    c.release({ kind: 'rateLimited', reportedConcurrency: 1 });
    assert.equal(source.limit, 1);
    assert.ok(changes >= 2);
  });
});

describe('full-jitter backoff', () => {
  test('the ceiling doubles per failure up to the cap', () => {
    const o = { baseMs: 500, capMs: 8000 };
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6, 30].map((n) => backoffCeilingMs(n, o)),
      [500, 1000, 2000, 4000, 8000, 8000, 8000],
    );
  });

  test('a shrinking schedule halves the ceiling per failure down to the base', () => {
    const o = { baseMs: 2000, capMs: 6000, schedule: 'shrink' as const };
    assert.deepEqual(
      [1, 2, 3, 4, 30, 1000].map((n) => backoffCeilingMs(n, o)),
      [6000, 3000, 2000, 2000, 2000, 2000],
    );
  });

  test('waits are spread over the whole window [0, ceiling)', () => {
    const o = { baseMs: 1000, capMs: 30_000 };
    assert.equal(
      fullJitterMs(3, o, () => 0),
      0,
    );
    assert.ok(fullJitterMs(3, o, () => 0.999999) < 4000);
    let min = Infinity;
    let max = -Infinity;
    let seed = 42;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    for (let i = 0; i < 5000; i++) {
      const wait = fullJitterMs(3, o, random);
      assert.ok(wait >= 0 && wait < 4000, `wait ${wait} out of [0, 4000)`);
      min = Math.min(min, wait);
      max = Math.max(max, wait);
    }
    assert.ok(min < 100 && max > 3900, `spread over the window: ${min}..${max}`);
  });
});

describe('retry hints', () => {
  test('retry-after-ms wins over retry-after', () => {
    assert.deepEqual(
      parseRetryHints(new Headers({ 'retry-after-ms': '1500', 'retry-after': '9' }), undefined, NOW),
      { retryAfterMs: 1500 },
    );
  });

  test('retry-after in seconds and as an HTTP date', () => {
    assert.equal(parseRetryAfter('7', NOW), 7000);
    assert.equal(parseRetryAfter('1.5', NOW), 1500);
    assert.equal(parseRetryAfter(new Date(NOW + 12_000).toUTCString(), NOW), 12_000);
    assert.equal(
      parseRetryAfter(new Date(NOW - 5000).toUTCString(), NOW),
      undefined,
      'a past date is no hint',
    );
    assert.equal(parseRetryAfter('soon', NOW), undefined);
    assert.equal(
      parseRetryHints({ 'retry-after': '3' }, undefined, NOW).retryAfterMs,
      3000,
      'plain header records work too',
    );
  });

  test('x-ratelimit-reset in OpenAI durations, epoch seconds and deltas', () => {
    assert.equal(parseResetValue('6m0s', NOW), 360_000);
    assert.equal(parseResetValue('1m30.5s', NOW), 90_500);
    assert.equal(parseResetValue('20ms', NOW), undefined, 'under MIN_HINT_MS: no hint');
    assert.equal(parseResetValue('2s', NOW), 2000);
    assert.equal(parseResetValue(String(NOW / 1000 + 4), NOW), 4000);
    assert.equal(parseResetValue(String(NOW + 250), NOW), 250);
    assert.equal(parseResetValue('3', NOW), 3000);
    const headers = new Headers({
      'x-ratelimit-limit-requests': '60',
      'x-ratelimit-remaining-requests': '0',
      'x-ratelimit-reset-requests': '2s',
      'x-ratelimit-remaining-tokens': '5000',
      'x-ratelimit-reset-tokens': '50s',
    });
    // The token budget still has room, so only the request budget's reset matters.
    assert.deepEqual(parseRetryHints(headers, undefined, NOW), {
      retryAfterMs: 2000,
      limitRequests: 60,
      remainingRequests: 0,
    });
    assert.equal(
      parseRetryHints(new Headers({ 'x-ratelimit-reset': String(NOW / 1000 + 9) }), undefined, NOW)
        .retryAfterMs,
      9000,
    );
  });

  test("DeepSeek's account concurrency from the 429 body", () => {
    const body = {
      message: 'Too many requests. Please pace your requests reasonably. Your current concurrency: 2000.',
    };
    assert.equal(parseRetryHints(undefined, body, NOW).reportedConcurrency, 2000);
    assert.equal(parseRetryHints(undefined, { error: body }, NOW).reportedConcurrency, 2000);
    assert.equal(
      parseRetryHints(undefined, { message: 'Too many requests.' }, NOW).reportedConcurrency,
      undefined,
    );
  });

  test('never hammers a provider: a hint of zero, in the past or under 250 ms is no hint', () => {
    const none = (headers: Record<string, string>) =>
      assert.equal(parseRetryHints(new Headers(headers), undefined, NOW).retryAfterMs, undefined);
    none({ 'retry-after': '0' });
    none({ 'retry-after': '0.2' });
    none({ 'retry-after-ms': '0' });
    none({ 'retry-after-ms': '249' });
    none({ 'retry-after': new Date(NOW - 1000).toUTCString() });
    none({ 'retry-after': new Date(NOW).toUTCString() });
    none({ 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': String(NOW / 1000 - 5) });
    none({ 'x-ratelimit-reset': String(NOW / 1000 - 1) });
    none({ 'x-ratelimit-reset-requests': '0s' });
    // A useless hint does not hide a useful one further down the list.
    assert.equal(
      parseRetryHints(
        new Headers({ 'retry-after': '0', 'x-ratelimit-reset': String(NOW / 1000 + 2) }),
        undefined,
        NOW,
      ).retryAfterMs,
      2000,
    );
    assert.equal(parseRetryHints(new Headers({ 'retry-after-ms': '250' }), undefined, NOW).retryAfterMs, 250);
  });

  test('an absurd hint is capped', () => {
    assert.equal(parseRetryAfter('86400', NOW), MAX_HINT_MS);
  });
});

describe('cooldown', () => {
  const make = (random = () => 0.5) => {
    const clock = new FakeClock(NOW);
    return {
      clock,
      cooldown: new Cooldown({ clock, random, backoff: { baseMs: 1000, capMs: 8000 }, hintJitter: 0.1 }),
    };
  };

  test('honours a hint, adding at most 10 % (max 1 s) of jitter', async () => {
    const { clock, cooldown } = make(() => 0.999);
    let ended = 0;
    cooldown.onDidChange(() => {
      if (!cooldown.active) ended++;
    });
    const until = cooldown.trigger({ hintMs: 3000 });
    assert.ok(until >= NOW + 3000 && until < NOW + 3300);
    assert.equal(cooldown.reason, 'retryAfter');
    await clock.advance(2999);
    assert.equal(cooldown.active, true);
    await clock.advance(301);
    assert.equal(cooldown.active, false);
    assert.equal(ended, 1);
  });

  test('without a hint: full jitter over consecutive 429 events, reset by a success', () => {
    const { clock, cooldown } = make(() => 0.999);
    const first = cooldown.trigger({ sentAt: clock.now() }) - NOW;
    assert.ok(first > 990 && first < 1000, `first ${first}`);
    assert.equal(cooldown.reason, 'backoff');
    // A 429 for a request that was already in flight when the cooldown began: same event.
    assert.equal(cooldown.trigger({ sentAt: NOW - 1 }) - NOW, first);
    assert.equal(cooldown.consecutive, 1);
    cooldown.clear();
    const second = cooldown.trigger({ sentAt: clock.now() }) - NOW;
    assert.ok(second > 1990 && second < 2000, `second ${second}`);
    cooldown.onSuccess();
    cooldown.clear();
    const third = cooldown.trigger({ sentAt: clock.now() }) - NOW;
    assert.ok(third < 1000, 'back to the bottom after a success');
  });

  test('never hammers a provider: a zero or tiny hint is no hint, and no wait is under 250 ms', () => {
    for (const hintMs of [0, -1000, 100, 249, Number.NaN]) {
      const { cooldown } = make(() => 0.5);
      assert.equal(cooldown.trigger({ hintMs }) - NOW, 500, `hint ${hintMs}: the backoff applies`);
      assert.equal(cooldown.reason, 'backoff');
    }
    // Full jitter drawing 0 still waits.
    const { cooldown } = make(() => 0);
    assert.equal(cooldown.trigger({}) - NOW, 250);
    assert.equal(cooldown.active, true);
  });

  test('a shorter trigger never shortens a running cooldown', () => {
    const { cooldown } = make();
    const long = cooldown.trigger({ hintMs: 10_000 });
    assert.equal(cooldown.trigger({ hintMs: 1000 }), long);
  });
});

describe('deadline scheduler', () => {
  test('deadlines share one timer per 10 ms slice and fire at most 10 ms late; cancel clears the timer', async () => {
    const { DeadlineScheduler } = await import('../../../../src/core/gate/deadlines');
    const clock = new FakeClock(NOW);
    const deadlines = new DeadlineScheduler(clock, 10);
    const fired: string[] = [];
    const item = (name: string, at: number) => ({ deadlineAt: NOW + at, expire: () => fired.push(name) });
    const a = item('a', 1001);
    const b = item('b', 1009);
    const c = item('c', 1500);
    deadlines.schedule(a);
    deadlines.schedule(b);
    deadlines.schedule(c);
    assert.equal(clock.pendingTimers, 2);
    await clock.advance(1009);
    assert.deepEqual(fired, []);
    await clock.advance(1);
    assert.deepEqual(fired, ['a', 'b']);
    deadlines.cancel(c);
    assert.equal(clock.pendingTimers, 0);
  });
});

describe('success hints', () => {
  test('a success without rate-limit headers costs one lookup and yields nothing; an exhausted budget yields its reset', async () => {
    const { parseSuccessHints } = await import('../../../../src/core/gate/retryHints');
    assert.deepEqual(parseSuccessHints(new Headers({ 'content-type': 'application/json' }), NOW), {});
    assert.deepEqual(
      parseSuccessHints(
        new Headers({ 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '3s' }),
        NOW,
      ),
      { retryAfterMs: 3000, remainingRequests: 0 },
    );
  });
});
