import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CircuitBreaker, countsAgainstProvider } from '../../../../src/core/providers/circuitBreaker';
import { computeHealth, HealthTracker, isUnusable } from '../../../../src/core/providers/health';
import { median } from '../../../../src/core/common/stats';
import type { ChatRequest } from '../../../../src/core/providers/modelService';
import { MemoryKeyStore } from '../../../../src/core/providers/keyStore';
import type { Router } from '../../../../src/core/providers/router';
import type { Emulator } from '../../../../tools/emulator/server';
import { startFastEmulator } from '../../../helpers/emulator';
import { FakeClock } from '../../../helpers/fakeClock';
import { testRouter, twoProviders } from '../../../helpers/routerFixture';

const fakeClock = () => new FakeClock(1_000_000);

describe('circuit breaker', () => {
  test('opens after N consecutive provider failures; a success in between resets the count', () => {
    const clock = fakeClock();
    const cb = new CircuitBreaker(clock, { failureThreshold: 3, probeIntervalMs: 5000 });
    cb.recordFailure('server');
    cb.recordFailure('rateLimited');
    cb.recordSuccess();
    cb.recordFailure('network');
    cb.recordFailure('timeout');
    assert.equal(cb.state.kind, 'closed');
    assert.equal(cb.recordFailure('rateLimited'), true);
    assert.equal(cb.state.kind, 'open');
    assert.equal(cb.allowsTraffic, false);
  });

  test('request and user errors never open it', () => {
    const cb = new CircuitBreaker(fakeClock(), { failureThreshold: 1, probeIntervalMs: 5000 });
    for (const kind of [
      'cancelled',
      'superseded',
      'deadline',
      'badRequest',
      'needsKey',
      'noBalance',
      'budget',
    ] as const) {
      assert.equal(countsAgainstProvider(kind), false, kind);
      cb.recordFailure(kind);
    }
    assert.equal(cb.state.kind, 'closed');
  });

  test('probe due after the interval; success half-opens, then a real success closes', () => {
    const clock = fakeClock();
    const cb = new CircuitBreaker(clock, { failureThreshold: 1, probeIntervalMs: 5000 });
    cb.recordFailure('server');
    assert.equal(cb.probeDue(), false);
    clock.jump(4999);
    assert.equal(cb.probeDue(), false);
    clock.jump(1);
    assert.equal(cb.probeDue(), true);
    cb.probeFailed('network');
    assert.equal(cb.probeDue(), false, 'a failed probe waits another interval');
    assert.equal(cb.state.kind === 'open' && cb.state.lastError, 'network');
    clock.jump(5000);
    assert.equal(cb.probeDue(), true);
    cb.probeSucceeded();
    assert.equal(cb.state.kind, 'halfOpen');
    assert.equal(cb.allowsTraffic, true);
    cb.recordSuccess();
    assert.equal(cb.state.kind, 'closed');
  });

  test('half-open: the first real failure re-opens at once', () => {
    const clock = fakeClock();
    const cb = new CircuitBreaker(clock, { failureThreshold: 3, probeIntervalMs: 1000 });
    cb.trip('rateLimited');
    clock.jump(1000);
    cb.probeSucceeded();
    assert.equal(cb.recordFailure('rateLimited'), true);
    assert.equal(cb.state.kind, 'open');
  });

  test('a shorter probe interval applies to the next probe at once', () => {
    const clock = fakeClock();
    const cb = new CircuitBreaker(clock, { failureThreshold: 1, probeIntervalMs: 60_000 });
    cb.recordFailure('server');
    cb.setOptions({ failureThreshold: 1, probeIntervalMs: 1000 });
    clock.jump(1000);
    assert.equal(cb.probeDue(), true);
  });
});

describe('health state machine', () => {
  const base = {
    now: 0,
    auth: 'ok' as const,
    circuit: { kind: 'closed' as const, consecutiveFailures: 0 },
    recentFailures: 0,
    recentTotal: 0,
  };

  test('precedence: needsKey > noBalance > down > rateLimited > degraded > healthy', () => {
    const open = { kind: 'open' as const, sinceMs: 0, nextProbeMs: 5000, lastError: 'rateLimited' as const };
    assert.deepEqual(computeHealth({ ...base, auth: 'needsKey', circuit: open, cooldownUntilMs: 10 }), {
      kind: 'needsKey',
    });
    assert.deepEqual(computeHealth({ ...base, auth: 'noBalance', circuit: open }), { kind: 'noBalance' });
    assert.deepEqual(
      computeHealth({ ...base, circuit: open, cooldownUntilMs: 10 }),
      {
        kind: 'down',
        reason: '429 storm',
        nextProbeMs: 10,
      },
      'a waiting request retries when the cooldown ends, before the probe: that is the countdown',
    );
    assert.deepEqual(
      computeHealth({ ...base, circuit: open, cooldownUntilMs: 9000 }),
      {
        kind: 'down',
        reason: '429 storm',
        nextProbeMs: 5000,
      },
      'a probe before the cooldown ends comes first',
    );
    assert.deepEqual(
      computeHealth({ ...base, now: 20, circuit: open, cooldownUntilMs: 10 }),
      {
        kind: 'down',
        reason: '429 storm',
        nextProbeMs: 5000,
      },
      'a cooldown that has ended no longer counts',
    );
    assert.deepEqual(computeHealth({ ...base, cooldownUntilMs: 10, recentFailures: 4, recentTotal: 4 }), {
      kind: 'rateLimited',
      untilMs: 10,
    });
    assert.deepEqual(computeHealth({ ...base, cooldownUntilMs: 0, recentFailures: 1, recentTotal: 4 }), {
      kind: 'degraded',
      reason: 'failing',
    });
    assert.deepEqual(computeHealth({ ...base, recentFailures: 1, recentTotal: 5 }), { kind: 'healthy' });
    assert.deepEqual(
      computeHealth({ ...base, recentFailures: 3, recentTotal: 3 }),
      { kind: 'healthy' },
      'too few samples',
    );
    assert.deepEqual(computeHealth({ ...base, completionP50Ms: 2000 }), { kind: 'degraded', reason: 'slow' });
  });

  test('unusable states', () => {
    assert.equal(isUnusable({ kind: 'down', reason: 'x', nextProbeMs: 0 }), true);
    assert.equal(isUnusable({ kind: 'needsKey' }), true);
    assert.equal(isUnusable({ kind: 'noBalance' }), true);
    assert.equal(isUnusable({ kind: 'rateLimited', untilMs: 1 }), false);
    assert.equal(isUnusable({ kind: 'degraded', reason: 'slow' }), false);
  });

  test('tracker: 401 -> needsKey until a success or a new key; 402 -> noBalance', () => {
    const clock = fakeClock();
    const t = new HealthTracker(clock);
    t.record({ ok: false, kind: 'needsKey' });
    assert.equal(t.state().kind, 'needsKey');
    assert.equal(t.probeDue(), false, 'no probe can fix a missing key');
    t.resetAuth();
    assert.equal(t.state().kind, 'healthy');
    t.record({ ok: false, kind: 'noBalance' });
    assert.equal(t.state().kind, 'noBalance');
    t.record({ ok: true, requestClass: 'chat', latencyMs: 10 });
    assert.equal(t.state().kind, 'healthy');
  });

  test('tracker: cooldown from the gate -> rateLimited until it ends; 429 retry-after too', () => {
    const clock = fakeClock();
    const t = new HealthTracker(clock);
    t.observeCooldown(clock.now() + 3000);
    assert.deepEqual(t.state(), { kind: 'rateLimited', untilMs: clock.now() + 3000 });
    clock.jump(3000);
    assert.equal(t.state().kind, 'healthy');
    t.record({ ok: false, kind: 'rateLimited', retryAfterMs: 4000 });
    assert.equal(t.state().kind, 'rateLimited');
  });

  test('tracker: a 429 storm opens the circuit (down), a probe that answers half-opens it', () => {
    const clock = fakeClock();
    const t = new HealthTracker(clock, { circuit: { failureThreshold: 3, probeIntervalMs: 2000 } });
    for (let i = 0; i < 3; i++) t.record({ ok: false, kind: 'rateLimited' });
    const s = t.state();
    assert.equal(s.kind, 'down');
    assert.equal(t.probeDue(), false);
    clock.jump(2000);
    assert.equal(t.probeDue(), true);
    t.probeStarted();
    assert.equal(t.probeResult(true), true, 'traffic may go back');
    assert.notEqual(t.state().kind, 'down');
    assert.equal(t.circuit.state.kind, 'halfOpen');
  });

  test('tracker: a long cooldown is probed every interval', () => {
    const clock = fakeClock();
    const t = new HealthTracker(clock, { circuit: { failureThreshold: 3, probeIntervalMs: 1000 } });
    t.observeCooldown(clock.now() + 30_000);
    assert.equal(t.probeDue(), true);
    t.probeStarted();
    t.probeResult(false, 'server');
    assert.equal(t.circuit.state.kind, 'closed');
    assert.equal(t.probeDue(), false);
    clock.jump(1000);
    assert.equal(t.probeDue(), true);
    t.probeStarted();
    assert.equal(t.probeResult(true), false);
    // /models answering says nothing about the rate limit: the cooldown (a Retry-After) runs on.
    assert.equal(t.state().kind, 'rateLimited');
  });

  test('tracker: a probe refused with 429 during a cooldown is a storm: the circuit opens at once', () => {
    const clock = fakeClock();
    const t = new HealthTracker(clock, { circuit: { failureThreshold: 3, probeIntervalMs: 1000 } });
    t.observeCooldown(clock.now() + 800);
    assert.equal(t.probeDue(), true);
    t.probeStarted();
    t.probeResult(false, 'rateLimited');
    assert.deepEqual(t.state(), { kind: 'down', reason: '429 storm', nextProbeMs: clock.now() + 800 });
    clock.jump(900);
    assert.deepEqual(t.state(), { kind: 'down', reason: '429 storm', nextProbeMs: clock.now() + 100 });
  });

  test('tracker: every new cooldown is probed at once, even right after another probe', () => {
    const clock = fakeClock();
    const t = new HealthTracker(clock, { circuit: { failureThreshold: 3, probeIntervalMs: 10_000 } });
    t.observeCooldown(clock.now() + 500);
    t.probeStarted();
    t.probeResult(true);
    assert.equal(t.probeDue(), false, 'one probe per cooldown, then per interval');
    clock.jump(600);
    t.observeCooldown(undefined);
    clock.jump(100);
    t.observeCooldown(clock.now() + 800);
    assert.equal(t.probeDue(), true, 'a new cooldown: probed at once');
  });

  test('tracker: a probe failing otherwise during a cooldown counts as one failure', () => {
    const clock = fakeClock();
    const t = new HealthTracker(clock, { circuit: { failureThreshold: 2, probeIntervalMs: 1000 } });
    t.observeCooldown(clock.now() + 5000);
    t.probeResult(false, 'server');
    assert.equal(t.circuit.state.kind, 'closed');
    t.probeResult(false, 'server');
    assert.equal(t.circuit.state.kind, 'open');
  });

  test('tracker: after a clean failback the outage no longer counts as "failing often"', () => {
    const clock = fakeClock();
    const t = new HealthTracker(clock, { circuit: { failureThreshold: 3, probeIntervalMs: 1000 } });
    for (let i = 0; i < 3; i++) t.record({ ok: false, kind: 'server' });
    assert.equal(t.state().kind, 'down');
    clock.jump(1000);
    t.probeResult(true);
    assert.equal(t.state().kind, 'healthy');
  });

  test('tracker: a late success while open does not close the circuit (only probes do)', () => {
    const clock = fakeClock();
    const t = new HealthTracker(clock, { circuit: { failureThreshold: 1, probeIntervalMs: 1000 } });
    t.record({ ok: false, kind: 'network' });
    t.record({ ok: true, requestClass: 'chat', latencyMs: 900 });
    assert.equal(t.state().kind, 'down');
  });

  test('tracker: failing often in the window -> degraded; old outcomes age out', () => {
    const clock = fakeClock();
    const t = new HealthTracker(clock, {
      windowMs: 10_000,
      circuit: { failureThreshold: 99, probeIntervalMs: 1000 },
    });
    for (let i = 0; i < 3; i++) t.record({ ok: true, requestClass: 'chat', latencyMs: 5 });
    t.record({ ok: false, kind: 'server' });
    assert.deepEqual(t.state(), { kind: 'degraded', reason: 'failing' });
    clock.jump(10_001);
    assert.equal(t.state().kind, 'healthy');
  });

  test('tracker: slow completions -> degraded slow', () => {
    const clock = fakeClock();
    const t = new HealthTracker(clock, {
      degrade: { failureShare: 0.5, minSamples: 3, slowCompletionMs: 800 },
    });
    for (const ms of [900, 1000, 1200]) t.record({ ok: true, requestClass: 'completion', latencyMs: ms });
    assert.deepEqual(t.state(), { kind: 'degraded', reason: 'slow' });
  });

  test('median', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 2, 3]), 2.5);
  });
});

// Through the router over two real emulators: a probe answered by a captive portal's HTML must not
// count as "the provider answers again", or traffic fails back to a provider that fails everything.
describe('never fails back to a provider hidden behind a captive portal', () => {
  let primary: Emulator;
  let fallback: Emulator;
  const routers: Router[] = [];

  before(async () => {
    primary = await startFastEmulator({ answerTokens: 12 });
    fallback = await startFastEmulator({ answerTokens: 12 });
  });
  after(async () => {
    for (const r of routers.splice(0)) r.dispose();
    await Promise.all([primary.close(), fallback.close()]);
  });

  function makeRouter(): Router {
    const router = testRouter(
      twoProviders(primary, fallback),
      { probeIntervalMs: 200 },
      {
        keys: new MemoryKeyStore({ deepseek: 'sk-test' }),
        service: {
          client: { chatWatchdog: { firstTokenMs: 5000, idleMs: 5000 } },
          gate: { retryBackoff: { baseMs: 50, capMs: 200 } },
        },
      },
    );
    routers.push(router);
    return router;
  }

  const chat: ChatRequest = { messages: [{ role: 'user', content: 'hello' }], model: 'deepseek-flash' };
  const healthOf = (router: Router, id: string) => router.state().providers.find((p) => p.id === id)!.health;
  const inference = (emu: Emulator) => {
    const by = emu.stats().requestsByPath;
    return (by['/chat/completions'] ?? 0) + (by['/beta/completions'] ?? 0);
  };

  test('once the primary answers /models with HTML, traffic stays on the fallback', async () => {
    const router = makeRouter();
    primary.setFault({ kind: 'overloaded' });
    assert.equal((await router.chat(chat)).providerId, 'backup');
    assert.equal(healthOf(router, 'deepseek').kind, 'down');

    // The network now puts a portal in front of the primary: every route answers 200 HTML.
    primary.setFault({ kind: 'html' });
    primary.resetStats();
    const served: string[] = [];
    const end = Date.now() + 1500; // several probe intervals
    while (Date.now() < end) {
      served.push((await router.chat(chat)).providerId);
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok((primary.stats().requestsByPath['/models'] ?? 0) >= 2, 'probes ran against the portal');
    assert.deepEqual([...new Set(served)], ['backup']);
    assert.equal(inference(primary), 0, 'no chat was sent into the portal');
    const health = healthOf(router, 'deepseek');
    assert.ok(health.kind === 'down' && /malformed/.test(health.reason), JSON.stringify(health));

    // The portal goes away: the next probe brings traffic back.
    primary.setFault({ kind: 'none' });
    const t0 = Date.now();
    while (healthOf(router, 'deepseek').kind !== 'healthy') {
      assert.ok(Date.now() - t0 < 3000, 'no failback after the portal went away');
      await router.chat(chat);
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal((await router.chat(chat)).providerId, 'deepseek');
  });

  test('a portal already there at start: discovery marks the primary down before any chat is sent', async () => {
    primary.setFault({ kind: 'html' });
    primary.resetStats();
    const router = makeRouter();
    await router.discover();
    assert.equal(healthOf(router, 'deepseek').kind, 'down');
    assert.equal((await router.chat(chat)).providerId, 'backup');
    assert.equal(inference(primary), 0);
  });
});
