// The gate on a fake clock: priorities, one cooldown per provider with every retry hint, AIMD,
// deadlines, per-class retries, cancellation of waiting and running requests, probes, disposal.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { APIError } from 'openai';
import { PacerError } from '../../../../src/core/common/errors';
import type { PacerErrorKind } from '../../../../src/core/common/errors';
import { abortReason } from '../../../../src/core/gate/abort';
import type { AttemptContext, GateOptions, RunOptions } from '../../../../src/core/gate/gate';
import { Gate } from '../../../../src/core/gate/gate';
import type { SlotSource } from '../../../../src/core/gate/slotSource';
import type { WaitInfo } from '../../../../src/core/providers/modelService';
import { toPacerError } from '../../../../src/core/providers/toPacerError';
import { FakeClock, flush } from '../../../helpers/fakeClock';

const NOW = Date.UTC(2026, 10, 20, 12, 0, 0);

interface Call {
  label: string;
  attempt: number;
  signal: AbortSignal;
  resolve(value: string): void;
  reject(error: unknown): void;
}

/** A provider whose answers the test hands out one by one. Tasks honour their signal like the real client. */
function setup(options: Partial<GateOptions> = {}) {
  const clock = new FakeClock(NOW);
  const gate = new Gate({ providerId: 'deepseek', label: 'DeepSeek', clock, random: () => 0, ...options });
  const calls: Call[] = [];
  const task =
    (label: string) =>
    (ctx: AttemptContext): Promise<string> =>
      new Promise<string>((resolve, reject) => {
        calls.push({ label, attempt: ctx.attempt, signal: ctx.signal, resolve, reject });
        ctx.signal.addEventListener('abort', () => reject(abortReason(ctx.signal)), { once: true });
      });
  /** Starts a request; the returned promise never rejects unhandled (the outcome is captured). */
  const run = (label: string, opts: RunOptions) => {
    const outcome: { value?: string; error?: PacerError; settledAt?: number } = {};
    const promise = gate.run(task(label), opts).then(
      (value) => {
        outcome.value = value;
        outcome.settledAt = clock.now();
      },
      (error: PacerError) => {
        outcome.error = error;
        outcome.settledAt = clock.now();
      },
    );
    return { outcome, promise };
  };
  const last = (label: string) => [...calls].reverse().find((c) => c.label === label) as Call;
  return { clock, gate, calls, run, last };
}

function httpError(status: number, headers: Record<string, string> = {}, message = 'error'): PacerError {
  const error = APIError.generate(status, { error: { message } }, undefined, new Headers(headers));
  return toPacerError(error, { providerId: 'deepseek', label: 'DeepSeek', nowMs: NOW });
}

const rateLimited = (headers: Record<string, string> = {}) =>
  httpError(
    429,
    headers,
    'Too many requests. Please pace your requests reasonably. Your current concurrency: 8.',
  );

describe('gate: queue and priorities', () => {
  test('chat runs before completions, completions before background work; FIFO within a class', async () => {
    const { gate, calls, run, last } = setup({ aimd: { initial: 1, max: 1 } });
    run('first', { cls: 'completion', deadlineMs: 60_000 });
    run('bg', { cls: 'background' });
    run('comp1', { cls: 'completion', deadlineMs: 60_000 });
    run('comp2', { cls: 'completion', deadlineMs: 60_000 });
    run('chat', { cls: 'chat' });
    await flush();
    assert.deepEqual(gate.snapshot().queued, 4);
    for (const label of ['first', 'chat', 'comp1', 'comp2', 'bg']) {
      assert.equal(calls.at(-1)?.label, label);
      last(label).resolve('ok');
      await flush();
    }
    assert.equal(calls.length, 5);
    assert.equal(gate.snapshot().queued, 0);
  });

  test('reports queued waits to the caller', async () => {
    const { run } = setup({ aimd: { initial: 1, max: 1 } });
    run('a', { cls: 'chat' });
    const waits: WaitInfo[] = [];
    run('b', { cls: 'chat', onWait: (w) => waits.push(w) });
    await flush();
    assert.deepEqual(waits, [
      { providerId: 'deepseek', reason: 'queued', untilMs: undefined, attempt: 1, error: undefined },
    ]);
  });
});

describe('gate: one cooldown per provider, honouring every retry hint', () => {
  const hints: Array<[string, Record<string, string>, number]> = [
    ['retry-after-ms', { 'retry-after-ms': '2500' }, 2500],
    ['retry-after seconds', { 'retry-after': '3' }, 3000],
    ['retry-after HTTP date', { 'retry-after': new Date(NOW + 4000).toUTCString() }, 4000],
    [
      'x-ratelimit-reset-requests',
      { 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '1s500ms' },
      1500,
    ],
    ['x-ratelimit-reset epoch', { 'x-ratelimit-reset': String(NOW / 1000 + 2) }, 2000],
  ];
  for (const [name, headers, waitMs] of hints) {
    test(`${name}: a 429 pauses every request until the hint says`, async () => {
      const { clock, gate, calls, run, last } = setup({ aimd: { initial: 2, max: 2 } });
      const a = run('a', { cls: 'chat' });
      const b = run('b', { cls: 'chat' });
      await flush();
      last('a').reject(rateLimited(headers));
      await flush();
      const waits: WaitInfo[] = [];
      run('c', { cls: 'chat', onWait: (w) => waits.push(w) });
      await flush();
      assert.equal(calls.length, 2, 'neither the retry nor a new request starts during the cooldown');
      assert.equal(last('b').signal.aborted, false, 'requests already in flight keep running');
      const snap = gate.snapshot();
      assert.equal(snap.cooldownUntil, NOW + waitMs);
      assert.equal(snap.cooldownReason, 'retryAfter');
      assert.equal(snap.queued, 2);
      assert.deepEqual(waits[0], {
        providerId: 'deepseek',
        reason: 'rateLimited',
        untilMs: NOW + waitMs,
        attempt: 1,
        error: undefined,
      });
      await clock.advance(waitMs - 1);
      assert.equal(calls.length, 2);
      await clock.advance(1);
      assert.equal(gate.snapshot().cooldownUntil, undefined);
      assert.equal(gate.snapshot().limit, 1, 'the 429 halved the limit, and b holds the one slot');
      assert.equal(calls.length, 2);
      last('b').resolve('B');
      await flush();
      assert.deepEqual(
        calls.slice(2).map((c) => `${c.label}#${c.attempt}`),
        ['a#2'],
        'the refused request goes first',
      );
      last('a').resolve('A');
      await flush();
      assert.equal(calls.at(-1)?.label, 'c');
      last('c').resolve('C');
      await Promise.all([a.promise, b.promise]);
      assert.equal(a.outcome.value, 'A');
      assert.equal(b.outcome.value, 'B');
      assert.equal(gate.snapshot().stats.rateLimited, 1);
    });
  }

  test('without hints: exponential backoff with full jitter, growing over consecutive 429s', async () => {
    const { clock, gate, calls, run, last } = setup({
      random: () => 0.5,
      cooldownBackoff: { baseMs: 1000, capMs: 8000 },
    });
    const a = run('a', { cls: 'chat' });
    await flush();
    const starts: number[] = [];
    for (let i = 0; i < 4; i++) {
      last('a').reject(rateLimited());
      await flush();
      const until = gate.snapshot().cooldownUntil as number;
      starts.push(until - clock.now());
      await clock.advance(until - clock.now());
      assert.equal(calls.length, i + 2);
    }
    assert.deepEqual(starts, [500, 1000, 2000, 4000], 'half of 1, 2, 4, 8 s with random 0.5');
    last('a').resolve('done');
    await a.promise;
    assert.equal(a.outcome.value, 'done');
    assert.equal(gate.snapshot().consecutive429, 0, 'a success resets the backoff');
  });

  test('AIMD: a 429 halves the limit and records the reported account concurrency', async () => {
    const { gate, run, last } = setup({ aimd: { initial: 4, max: 8 } });
    for (const l of ['a', 'b', 'c', 'd']) run(l, { cls: 'chat' });
    await flush();
    last('a').reject(rateLimited({ 'retry-after': '1' }));
    last('b').reject(rateLimited({ 'retry-after': '1' }));
    await flush();
    const snap = gate.snapshot();
    assert.equal(snap.limit, 2, 'two 429s of the same congestion event halve once');
    assert.equal(snap.reportedConcurrency, 8);
    assert.equal(snap.stats.rateLimited, 2);
  });

  test('AIMD: the limit grows by one after a window of saturated successes', async () => {
    const { gate, run, last } = setup({ aimd: { initial: 2, max: 4 } });
    for (let round = 0; round < 2; round++) {
      run(`x${round}`, { cls: 'chat' });
      run(`y${round}`, { cls: 'chat' });
      run(`z${round}`, { cls: 'chat' });
      await flush();
      last(`x${round}`).resolve('1');
      last(`y${round}`).resolve('2');
      await flush();
      last(`z${round}`).resolve('3');
      await flush();
    }
    assert.ok(gate.snapshot().limit >= 3);
  });

  test('a success whose headers say the budget is spent starts a cooldown before the refusal', async () => {
    const { gate } = setup();
    await gate.run(
      async (ctx) => {
        ctx.reportHints({ remainingRequests: 0, retryAfterMs: 3000 });
        return 'ok';
      },
      { cls: 'chat' },
    );
    const snap = gate.snapshot();
    assert.equal(snap.cooldownReason, 'budgetExhausted');
    assert.equal(snap.cooldownRemainingMs, 3000);
  });
});

describe('never hammers a provider: a zero or past retry hint is no hint', () => {
  const useless: Array<[string, Record<string, string>]> = [
    ['Retry-After: 0', { 'retry-after': '0' }],
    ['an HTTP date a second ago', { 'retry-after': new Date(NOW - 1000).toUTCString() }],
    [
      'a past x-ratelimit-reset-requests epoch',
      { 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': String(NOW / 1000 - 5) },
    ],
    ['a past x-ratelimit-reset epoch', { 'x-ratelimit-reset': String(NOW / 1000 - 1) }],
    ['retry-after-ms: 100', { 'retry-after-ms': '100' }],
  ];
  for (const [name, headers] of useless) {
    test(`${name}: the gate's own 429 schedule applies, exactly as without a hint`, async () => {
      const attemptsIn = async (h: Record<string, string>) => {
        const { clock, gate, calls, run, last } = setup({ random: () => 0.5 });
        const waits: number[] = [];
        run('a', { cls: 'chat', deadlineMs: 60_000 });
        await flush();
        for (let i = 0; i < 4; i++) {
          last('a').reject(rateLimited(h));
          await flush();
          waits.push(gate.snapshot().cooldownRemainingMs);
          assert.equal(gate.snapshot().cooldownReason, 'backoff');
          await clock.advance(gate.snapshot().cooldownRemainingMs);
        }
        // 10 s of a provider that refuses everything.
        const end = clock.now() + 10_000;
        while (clock.now() < end) {
          last('a').reject(rateLimited(h));
          await flush();
          await clock.advance(Math.max(1, gate.snapshot().cooldownRemainingMs));
        }
        return { waits, attempts: calls.length };
      };
      const withHint = await attemptsIn(headers);
      assert.deepEqual(withHint, await attemptsIn({}));
      assert.deepEqual(withHint.waits, [3000, 1500, 1000, 1000], 'U(0,6 s), U(0,3 s), U(0,2 s) at 0.5');
      assert.ok(withHint.attempts <= 16, `${withHint.attempts} attempts in about 15 s`);
    });
  }

  test('full jitter drawing 0 still waits 250 ms after a 429', async () => {
    const { clock, calls, run, last } = setup({ random: () => 0 });
    run('a', { cls: 'chat', deadlineMs: 60_000 });
    await flush();
    last('a').reject(rateLimited({ 'retry-after': '0' }));
    await flush();
    await clock.advance(249);
    assert.equal(calls.length, 1, 'no retry before 250 ms');
    await clock.advance(1);
    assert.equal(calls.length, 2);
  });

  test('a 503 with Retry-After: 0 waits the per-request backoff, not 0 ms', async () => {
    const { clock, calls, run, last } = setup({
      random: () => 0.5,
      retryBackoff: { baseMs: 1000, capMs: 8000 },
    });
    run('a', { cls: 'chat', deadlineMs: 60_000 });
    await flush();
    last('a').reject(httpError(503, { 'retry-after': '0' }));
    await flush();
    await clock.advance(499);
    assert.equal(calls.length, 1);
    await clock.advance(1);
    assert.equal(calls.length, 2);
  });
});

describe('never hammers a provider: no retry where the router says the provider is down', () => {
  test('a guard answering false ends the request with its error after the failure: no second attempt', async () => {
    const { gate, calls, run, last } = setup();
    const asked: string[] = [];
    gate.setRetryGuard((cls) => {
      asked.push(cls);
      return false;
    });
    const a = run('a', { cls: 'chat', deadlineMs: 60_000 });
    await flush();
    last('a').reject(httpError(503));
    await a.promise;
    assert.equal(a.outcome.error?.kind, 'server');
    assert.equal(calls.length, 1);
    assert.deepEqual(asked, ['chat']);
  });

  test("the guard is asked again when the retry's turn comes: the provider went down while it waited", async () => {
    const { clock, gate, calls, run, last } = setup({ random: () => 0.5 });
    let down = false;
    gate.setRetryGuard(() => !down);
    const a = run('a', { cls: 'chat', deadlineMs: 60_000 });
    await flush();
    last('a').reject(rateLimited());
    await flush();
    down = true; // a probe opened the circuit during the cooldown
    await clock.advance(gate.snapshot().cooldownRemainingMs);
    await a.promise;
    assert.equal(a.outcome.error?.kind, 'rateLimited');
    assert.equal(calls.length, 1, 'the retry was never sent');
    // Other requests still run once the cooldown is over (the router decides where they go).
    const b = run('b', { cls: 'chat', deadlineMs: 60_000 });
    await flush();
    last('b').resolve('B');
    await b.promise;
    assert.equal(b.outcome.value, 'B');
  });
});

describe('gate: per-class policy and deadlines', () => {
  test('a queued completion is dropped at its deadline and never sent', async () => {
    const { clock, gate, calls, run } = setup({ aimd: { initial: 1, max: 1 } });
    run('busy', { cls: 'chat' });
    const c = run('late', { cls: 'completion' });
    await clock.advance(1499);
    assert.equal(c.outcome.settledAt, undefined, 'still waiting');
    await clock.advance(1);
    assert.equal(c.outcome.error?.kind, 'deadline');
    assert.equal(c.outcome.settledAt, NOW + 1500);
    assert.equal(gate.snapshot().queued, 0, 'removed from the queue');
    assert.equal(calls.filter((x) => x.label === 'late').length, 0);
    assert.equal(gate.snapshot().stats.dropped, 1);
  });

  test('a running completion is aborted at its deadline (the HTTP request is closed)', async () => {
    const { clock, run, last } = setup();
    const c = run('slow', { cls: 'completion', deadlineMs: 800 });
    await clock.advance(800);
    assert.equal(last('slow').signal.aborted, true);
    assert.equal(c.outcome.error?.kind, 'deadline');
  });

  test('a backlog draining at its deadline is dropped without sending requests that could not finish', async () => {
    const { clock, calls, run } = setup({ aimd: { initial: 1, max: 1 } });
    const first = run('first', { cls: 'completion', deadlineMs: 1000 });
    const rest = [0, 1, 2, 3].map((i) => run(`rest${i}`, { cls: 'completion', deadlineMs: 1020 }));
    await clock.advance(1000);
    assert.equal(first.outcome.error?.kind, 'deadline');
    assert.deepEqual(
      calls.map((c) => c.label),
      ['first'],
      'less than 50 ms left: not worth a request',
    );
    await clock.advance(20);
    assert.deepEqual(
      rest.map((r) => r.outcome.error?.kind),
      ['deadline', 'deadline', 'deadline', 'deadline'],
    );
  });

  test('a streaming chat answer is not cut at the deadline; the deadline only ends waiting and retries', async () => {
    const { clock, run, last } = setup();
    const c = run('long', { cls: 'chat', deadlineMs: 1000 });
    await clock.advance(5000);
    assert.equal(last('long').signal.aborted, false);
    last('long').resolve('finished');
    await c.promise;
    assert.equal(c.outcome.value, 'finished');
  });

  test('chat is retried through a 429 storm until it succeeds, and is told of each wait', async () => {
    const { clock, run, last } = setup({ random: () => 0.9 });
    const waits: string[] = [];
    const retries: number[] = [];
    const c = run('chat', {
      cls: 'chat',
      onWait: (w) => waits.push(`${w.reason}#${w.attempt}`),
      onRetry: (r) => retries.push(r.attempt),
    });
    for (let i = 0; i < 5; i++) {
      await flush();
      last('chat').reject(rateLimited());
      await clock.advance(10_000);
    }
    last('chat').resolve('finally');
    await c.promise;
    assert.equal(c.outcome.value, 'finally');
    assert.deepEqual(retries, [2, 3, 4, 5, 6]);
    assert.deepEqual(waits, [
      'rateLimited#2',
      'rateLimited#3',
      'rateLimited#4',
      'rateLimited#5',
      'rateLimited#6',
    ]);
  });

  test('chat gives up as soon as the cooldown reaches past its deadline, with the rate-limit error', async () => {
    const { clock, run, last } = setup();
    const c = run('chat', { cls: 'chat', deadlineMs: 12_000 });
    await flush();
    last('chat').reject(rateLimited({ 'retry-after': '5' }));
    await clock.advance(5000);
    last('chat').reject(rateLimited({ 'retry-after': '5' }));
    await clock.advance(5000);
    last('chat').reject(rateLimited({ 'retry-after': '5' }));
    await flush();
    assert.equal(c.outcome.error?.kind, 'rateLimited');
    assert.equal(c.outcome.settledAt, NOW + 10_000, 'no pointless wait until the deadline');
    assert.ok((c.outcome.error?.retryAfterMs ?? 0) >= 4000);
  });

  const permanent: Array<[number, PacerErrorKind]> = [
    [400, 'badRequest'],
    [401, 'needsKey'],
    [402, 'noBalance'],
    [422, 'badRequest'],
  ];
  for (const [status, kind] of permanent) {
    test(`HTTP ${status} is never retried (${kind})`, async () => {
      const { calls, run, last, gate } = setup();
      const c = run('chat', { cls: 'chat' });
      await flush();
      last('chat').reject(httpError(status));
      await c.promise;
      assert.equal(c.outcome.error?.kind, kind);
      assert.equal(calls.length, 1);
      assert.equal(gate.snapshot().lastError?.kind, kind);
    });
  }

  test('5xx and network failures: per-request backoff ("retrying"), no provider-wide cooldown', async () => {
    const { clock, gate, calls, run, last } = setup({
      random: () => 0.5,
      retryBackoff: { baseMs: 400, capMs: 4000 },
    });
    const waits: WaitInfo[] = [];
    const c = run('chat', { cls: 'chat', onWait: (w) => waits.push(w) });
    await flush();
    last('chat').reject(httpError(503));
    await flush();
    assert.equal(gate.snapshot().cooldownUntil, undefined);
    assert.equal(waits[0]?.reason, 'retrying');
    assert.equal(waits[0]?.untilMs, NOW + 200);
    assert.equal(waits[0]?.error?.kind, 'server');
    assert.equal(gate.snapshot().queued, 1, 'a request backing off counts as queued');
    await clock.advance(200);
    assert.equal(calls.length, 2);
    last('chat').resolve('ok');
    await c.promise;
    assert.equal(c.outcome.value, 'ok');
  });

  test('a completion gets at most one quick retry, and only if it fits in its deadline', async () => {
    const { clock, calls, run, last } = setup({
      random: () => 0.5,
      retryBackoff: { baseMs: 400, capMs: 4000 },
    });
    const c = run('comp', { cls: 'completion' });
    await flush();
    last('comp').reject(httpError(500));
    await clock.advance(200);
    assert.equal(calls.length, 2);
    last('comp').reject(httpError(500));
    await flush();
    assert.equal(c.outcome.error?.kind, 'server');
    assert.equal(calls.length, 2);

    const late = run('late', { cls: 'completion', deadlineMs: 300 });
    await clock.advance(150);
    last('late').reject(httpError(500)); // the retry would start at 350 ms: past the deadline
    await flush();
    assert.equal(late.outcome.error?.kind, 'server');
    assert.equal(calls.length, 3);
  });

  test('a completion arriving during a cooldown that outlasts its deadline fails at once (the router can fail over)', async () => {
    const { gate, calls, run, last } = setup();
    run('chat', { cls: 'chat' });
    await flush();
    last('chat').reject(rateLimited({ 'retry-after': '5' }));
    await flush();
    const c = run('comp', { cls: 'completion' });
    await flush();
    assert.equal(c.outcome.error?.kind, 'rateLimited');
    assert.equal(c.outcome.settledAt, NOW);
    assert.equal(calls.length, 1);
    assert.equal(gate.snapshot().queued, 1, 'only the chat waits');
  });
});

describe('gate: cancellation', () => {
  test('aborting a waiting request removes it from the queue; it is never sent', async () => {
    const { gate, calls, run, last } = setup({ aimd: { initial: 1, max: 1 } });
    run('busy', { cls: 'chat' });
    const controller = new AbortController();
    const c = run('waiting', { cls: 'chat', signal: controller.signal });
    await flush();
    assert.equal(gate.snapshot().queued, 1);
    controller.abort();
    await flush();
    assert.equal(c.outcome.error?.kind, 'cancelled');
    assert.equal(gate.snapshot().queued, 0);
    last('busy').resolve('ok');
    await flush();
    assert.deepEqual(
      calls.map((x) => x.label),
      ['busy'],
    );
  });

  test('aborting a running request aborts its HTTP attempt and frees the slot for the next one', async () => {
    const { gate, calls, run, last } = setup({ aimd: { initial: 1, max: 1 } });
    const controller = new AbortController();
    const a = run('running', { cls: 'chat', signal: controller.signal });
    run('next', { cls: 'chat' });
    await flush();
    controller.abort();
    await flush();
    assert.equal(last('running').signal.aborted, true);
    assert.equal(a.outcome.error?.kind, 'cancelled');
    assert.equal(calls.at(-1)?.label, 'next');
    assert.equal(gate.snapshot().inFlight, 1);
  });

  test("a 'superseded' abort reason reaches the caller as such", async () => {
    const { run } = setup();
    const controller = new AbortController();
    const c = run('comp', { cls: 'completion', signal: controller.signal });
    await flush();
    controller.abort(new PacerError({ kind: 'superseded', message: 'typed on' }));
    await flush();
    assert.equal(c.outcome.error?.kind, 'superseded');
  });

  test('an already aborted signal never reaches the queue', async () => {
    const { calls, run } = setup();
    const c = run('x', { cls: 'chat', signal: AbortSignal.abort() });
    await flush();
    assert.equal(c.outcome.error?.kind, 'cancelled');
    assert.equal(calls.length, 0);
  });

  test('dispose ends waiting and running requests with a clear error', async () => {
    const { gate, run, clock } = setup({ aimd: { initial: 1, max: 1 } });
    const a = run('a', { cls: 'chat' });
    const b = run('b', { cls: 'completion', deadlineMs: 10_000 });
    await flush();
    gate.dispose();
    await flush();
    assert.equal(a.outcome.error?.kind, 'unavailable');
    assert.equal(b.outcome.error?.kind, 'unavailable');
    await assert.rejects(
      gate.run(async () => 'x', { cls: 'chat' }),
      (e: PacerError) => e.kind === 'unavailable',
    );
    assert.equal(clock.pendingTimers, 0, 'no timer left behind');
  });
});

describe('gate: probes, events, metrics', () => {
  test('a probe bypasses the queue and the cooldown', async () => {
    const { gate, run, last } = setup({ aimd: { initial: 1, max: 1 } });
    run('a', { cls: 'chat' });
    await flush();
    last('a').reject(rateLimited({ 'retry-after': '30' }));
    await flush();
    assert.ok(gate.snapshot().cooldownUntil);
    assert.equal(await gate.probe(async () => 'alive'), 'alive');
    await assert.rejects(
      gate.probe(async () => {
        throw httpError(503);
      }),
      (e: PacerError) => e.kind === 'server',
    );
    gate.clearCooldown();
    assert.equal(gate.snapshot().cooldownUntil, undefined);
  });

  // Cost is the spend tracker's alone (routerSpend.ts; priced in providers.cost.test.ts).
  test('onDidChange fires (batched) and the snapshot counts requests, attempts and tokens', async () => {
    const { gate, clock, run, last } = setup();
    let events = 0;
    gate.onDidChange(() => events++);
    const a = run('a', { cls: 'chat' });
    await flush();
    last('a').reject(httpError(500));
    await clock.advance(10_000);
    last('a').resolve('ok');
    await a.promise;
    gate.recordUsage({
      promptTokens: 1_000_000,
      completionTokens: 1_000_000,
      cacheHitTokens: 500_000,
      cacheMissTokens: 500_000,
    });
    await flush();
    const { stats } = gate.snapshot();
    assert.ok(events >= 2);
    assert.equal(stats.requests, 1);
    assert.equal(stats.attempts, 2);
    assert.equal(stats.succeeded, 1);
    assert.equal(stats.failed, 0);
    assert.equal(stats.tokens.cacheHit, 500_000);
    assert.equal(stats.tokens.completion, 1_000_000);
    assert.equal(typeof stats.latencyP50Ms, 'number');
  });
});

describe('gate: settings without surprises', () => {
  test('configure({policies}) merges onto the constructor policies instead of resetting to defaults', async () => {
    const { clock, gate, calls, run } = setup({ policies: { completion: { deadlineMs: 5000 } } });
    gate.configure({ policies: { chat: { priority: 3 }, completion: { maxAttempts: undefined } } });
    const c = run('comp', { cls: 'completion' });
    await flush();
    await clock.advance(1500); // the default completion deadline
    assert.equal(c.outcome.settledAt, undefined, 'the 5 s deadline from the constructor still holds');
    assert.equal(calls[0]?.signal.aborted, false);
    await clock.advance(3500);
    assert.equal(c.outcome.error?.kind, 'deadline');
    assert.equal(c.outcome.settledAt, NOW + 5000);
  });

  test('undefined policy values keep the defaults (maxAttempts: undefined is not unlimited retries)', async () => {
    const { clock, calls, run, last } = setup({
      policies: { background: { maxAttempts: undefined, deadlineMs: undefined } },
      retryBackoff: { baseMs: 10, capMs: 10 },
    });
    const c = run('bg', { cls: 'background' });
    for (let i = 0; i < 10 && c.outcome.settledAt === undefined; i++) {
      await flush();
      last('bg').reject(httpError(503));
      await clock.advance(10);
    }
    assert.equal(c.outcome.error?.kind, 'server');
    assert.equal(calls.length, 5, 'the default 5 attempts');
  });

  test('undefined AIMD values keep the defaults; the queue still runs requests', async () => {
    const { gate, calls, run } = setup({ aimd: { initial: undefined, max: undefined } });
    assert.equal(gate.snapshot().limit, 2);
    run('a', { cls: 'chat' });
    run('b', { cls: 'chat' });
    run('c', { cls: 'chat' });
    await flush();
    assert.equal(calls.length, 2);
  });

  test('a slot source reporting a limit of 0 does not break the queue', async () => {
    const source: SlotSource = {
      limit: 0,
      inFlight: 0,
      onDidChangeLimit: () => ({ dispose() {} }),
      acquire: () => ({ release() {} }),
      dispose() {},
    };
    const { calls, run } = setup({ slotSource: source });
    run('a', { cls: 'chat' });
    await flush();
    assert.equal(calls.length, 1);
  });
});

describe('gate: aborting inside a retry callback', () => {
  for (const where of ['onWait', 'onRetry'] as const) {
    test(`abort inside ${where} before a backoff rejects at once, without sleeping the backoff`, async () => {
      const { clock, gate, calls, run, last } = setup({
        random: () => 0.5,
        retryBackoff: { baseMs: 4000, capMs: 4000 },
      });
      const controller = new AbortController();
      const abortOnRetrying = (w: WaitInfo) => {
        if (w.reason === 'retrying') controller.abort();
      };
      const c = run('chat', {
        cls: 'chat',
        signal: controller.signal,
        onWait: where === 'onWait' ? abortOnRetrying : undefined,
        onRetry: where === 'onRetry' ? () => controller.abort() : undefined,
      });
      await flush();
      last('chat').reject(httpError(503));
      await flush();
      assert.equal(c.outcome.error?.kind, 'cancelled');
      assert.equal(c.outcome.settledAt, NOW);
      assert.equal(gate.snapshot().queued, 0);
      await clock.advance(10_000);
      assert.equal(calls.length, 1, 'no retry was sent');
    });
  }
});
