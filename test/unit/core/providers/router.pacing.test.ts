// Pacing under hostile retry hints, through the real router over two real emulators (real time):
// a primary that answers every request with 429 and a zero or past hint (`Retry-After: 0`, an
// HTTP date a second ago, a reset epoch already passed) must not be hammered, and chat must be
// answered, by the fallback when there is one, else after the gate's own backoff.
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PacerError } from '../../../../src/core/common/errors';
import type { ChatRequest } from '../../../../src/core/providers/modelService';
import type { RouterSettings } from '../../../../src/core/providers/router';
import type { Router } from '../../../../src/core/providers/router';
import type { Emulator } from '../../../../tools/emulator/server';
import { startFastEmulator } from '../../../helpers/emulator';
import { testRouter, twoProviders } from '../../../helpers/routerFixture';

let primary: Emulator;
let fallback: Emulator;
const routers: Router[] = [];

before(async () => {
  primary = await startFastEmulator({ answerTokens: 12 });
  fallback = await startFastEmulator({ answerTokens: 12 });
});
after(async () => {
  await Promise.all([primary.close(), fallback.close()]);
});
beforeEach(() => {
  primary.setFault({ kind: 'none' });
  primary.setOptions({ retryHeaders: undefined });
  primary.resetStats();
  fallback.resetStats();
});
afterEach(() => {
  for (const r of routers.splice(0)) r.dispose();
});

const HINTS: Record<string, Record<string, string>> = {
  'Retry-After: 0': { 'retry-after': '0' },
  'an HTTP date a second ago': { 'retry-after': '{date-1}' },
  'a past x-ratelimit-reset-requests epoch': {
    'x-ratelimit-remaining-requests': '0',
    'x-ratelimit-reset-requests': '{epoch-5}',
  },
};

function makeRouter(enabled: string[], patch: Partial<RouterSettings> = {}): Router {
  const providers = twoProviders(primary, fallback, {
    enabled,
    chatOrder: enabled,
    completionOrder: enabled,
  });
  // The gates keep their default 429 pacing: that is what is under test.
  const router = testRouter(providers, { probeIntervalMs: 1000, chatDeadlineMs: 180_000, ...patch });
  routers.push(router);
  return router;
}

let n = 0;
const chatRequest = (): ChatRequest => ({
  messages: [{ role: 'user', content: `Question ${n++}: how do I debounce a function?` }],
  model: 'deepseek-flash',
});

describe('never hammers a provider: a zero or past retry hint is no hint (router, real time)', () => {
  test('Retry-After: 0 forever on the primary: chats one after another for 10 s are answered by the fallback; the primary gets at most 20 requests', async (t) => {
    const router = makeRouter(['deepseek', 'backup']);
    primary.setOptions({ retryHeaders: HINTS['Retry-After: 0'] });
    primary.setFault({ kind: 'rateLimited' });
    const servedBy: Record<string, number> = {};
    let failures = 0;
    const end = Date.now() + 10_000;
    while (Date.now() < end) {
      try {
        const r = await router.chat(chatRequest(), { deadlineMs: Math.max(1, end - Date.now()) + 5000 });
        servedBy[r.providerId] = (servedBy[r.providerId] ?? 0) + 1;
      } catch (e) {
        failures++;
        assert.ok(PacerError.is(e), String(e));
      }
    }
    const toPrimary = primary.stats().requests;
    t.diagnostic(`primary ${toPrimary} requests; served ${JSON.stringify(servedBy)}; failures ${failures}`);
    assert.ok(toPrimary <= 20, `the primary got ${toPrimary} requests in 10 s (probes included)`);
    assert.equal(failures, 0);
    assert.equal(servedBy.deepseek ?? 0, 0);
    assert.ok((servedBy.backup ?? 0) >= 10, `the fallback answered ${servedBy.backup} chats`);
  });

  test('a chat waiting out a short cooldown moves as soon as a probe finds the primary down; no retry goes there', async () => {
    const router = makeRouter(['deepseek', 'backup'], { probeIntervalMs: 60_000 });
    primary.setOptions({ retryHeaders: { 'retry-after': '1' } });
    primary.setFault({ kind: 'rateLimited' });
    const t0 = Date.now();
    const chat = await router.chat(chatRequest());
    const took = Date.now() - t0;
    assert.equal(chat.providerId, 'backup');
    assert.equal(primary.stats().requestsByPath['/chat/completions'], 1, 'no retry on the open circuit');
    assert.ok(took < 900, `moved before the 1 s cooldown ended (took ${took} ms)`);
  });

  for (const [name, headers] of Object.entries(HINTS)) {
    test(`${name}, no fallback: a 4 s chat sends a paced handful of requests, not hundreds`, async (t) => {
      const router = makeRouter(['deepseek']);
      primary.setOptions({ retryHeaders: headers });
      primary.setFault({ kind: 'rateLimited' });
      const t0 = Date.now();
      await assert.rejects(router.chat(chatRequest(), { deadlineMs: 4000 }), (e: unknown) =>
        PacerError.is(e),
      );
      const took = Date.now() - t0;
      const sent = primary.stats().requests;
      t.diagnostic(`${sent} requests in ${took} ms`);
      // The gate's own 429 schedule (U(0,6 s), U(0,3 s), then U(0,2 s), never under 250 ms)
      // allows at most 16 attempts in 4 s; probes at most one a second on top.
      assert.ok(sent <= 20, `${sent} requests in ${took} ms`);
      assert.ok(sent >= 1);
    });
  }
});
