// The router over two real emulators (primary "DeepSeek" and a fallback custom provider) through
// the real gate and openai SDK: failover per class, nothing lost, probes and failback, pinned
// routing, keys, the spend limit and cost accounting.
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PacerError } from '../../../../src/core/common/errors';
import type { ChatEvents, ChatRequest, FimRequest } from '../../../../src/core/providers/modelService';
import type { ProviderSettings } from '../../../../src/core/providers/catalog';
import { MemoryKeyStore } from '../../../../src/core/providers/keyStore';
import type { KeyNeeded, RouterSettings } from '../../../../src/core/providers/router';
import type { Router } from '../../../../src/core/providers/router';
import { RerouteToken } from '../../../../src/core/providers/rerouteToken';
import type { SpendStatus } from '../../../../src/core/providers/spendLimit';
import type { Emulator } from '../../../../tools/emulator/server';
import { startFastEmulator } from '../../../helpers/emulator';
import { waitFor } from '../../../helpers/waitFor';
import { testRouter, twoProviders } from '../../../helpers/routerFixture';

let primary: Emulator;
let fallback: Emulator;
let closedPort: string;
const routers: Router[] = [];
const keys = new MemoryKeyStore();

before(async () => {
  primary = await startFastEmulator({ answerTokens: 12 });
  fallback = await startFastEmulator({ answerTokens: 12 });
  // A port nobody listens on: a "local server that is not running".
  const tmp = await startFastEmulator();
  closedPort = tmp.url;
  await tmp.close();
});
after(async () => {
  await Promise.all([primary.close(), fallback.close()]);
});
beforeEach(() => {
  primary.setFault({ kind: 'none' });
  fallback.setFault({ kind: 'none' });
  primary.resetStats();
  fallback.resetStats();
  primary.setOptions({ retryAfterSeconds: undefined, requireKey: undefined, ttftMs: 20 });
  keys.reset();
});
afterEach(() => {
  for (const r of routers.splice(0)) r.dispose();
});

function providerSettings(patch: Partial<ProviderSettings> = {}): ProviderSettings {
  return twoProviders(primary, fallback, patch);
}

function makeRouter(patch: Partial<RouterSettings> = {}, providers: Partial<ProviderSettings> = {}): Router {
  const router = testRouter(providerSettings(providers), patch, {
    keys,
    // Short chat watchdogs keep a broken test from hanging for a minute; short waits between
    // retries after 5xx / network errors keep the file fast (429 pacing keeps its defaults).
    service: {
      client: { chatWatchdog: { firstTokenMs: 5000, idleMs: 5000 } },
      gate: { retryBackoff: { baseMs: 100, capMs: 400 } },
    },
  });
  routers.push(router);
  return router;
}

const chatRequest: ChatRequest = {
  messages: [{ role: 'user', content: 'How do I debounce a function in TypeScript?' }],
  model: 'deepseek-flash',
};
let fimCounter = 0;
/** A distinct FIM request each time, so the cache never answers. */
const fimRequest = (): FimRequest => ({
  prompt: `function add${fimCounter++}(a, b) {\n  return `,
  suffix: '\n}\n',
  maxTokens: 16,
});

function recorder() {
  const events = { providers: [] as Array<[string, boolean]>, restarts: 0, waits: [] as string[], text: '' };
  const handlers: ChatEvents = {
    onProvider: (id, isFallback) => events.providers.push([id, isFallback]),
    onRestart: () => {
      events.restarts++;
      events.text = '';
    },
    onWait: (info) => events.waits.push(`${info.providerId}:${info.reason}`),
    onContent: (d) => (events.text += d),
  };
  return { events, handlers };
}

const until = (what: string, check: () => boolean, timeoutMs = 5000) =>
  waitFor(check, { what, timeoutMs, intervalMs: 20 });

const healthOf = (router: Router, id: string) => router.state().providers.find((p) => p.id === id)!.health;

describe('router: healthy primary', () => {
  test('chat and completions go to the primary; cost and tokens are counted', async () => {
    const router = makeRouter();
    const { events, handlers } = recorder();
    const chat = await router.chat(chatRequest, handlers);
    assert.equal(chat.providerId, 'deepseek');
    assert.deepEqual(events.providers, [['deepseek', false]]);
    assert.ok(chat.text.length > 0);
    assert.equal(events.text, chat.text);
    const fim = await router.complete(fimRequest());
    assert.equal(fim.providerId, 'deepseek');
    const s = router.state();
    const ds = s.providers.find((p) => p.id === 'deepseek')!;
    assert.equal(ds.today.requests, 2);
    assert.ok(ds.today.promptTokens > 0 && ds.today.completionTokens > 0);
    assert.ok(ds.today.costUsd > 0, 'DeepSeek prices apply');
    assert.equal(s.route.chat.kind === 'route' && s.route.chat.id, 'deepseek');
    assert.equal(s.spend.kind, 'off');
  });
});

describe('router: failover', () => {
  test('a completion moves at once on a 429', async () => {
    const router = makeRouter();
    primary.setFault({ kind: 'rateLimited', count: 1 });
    const t0 = Date.now();
    const fim = await router.complete(fimRequest());
    assert.equal(fim.providerId, 'backup');
    assert.ok(Date.now() - t0 < 1000, `took ${Date.now() - t0} ms`);
  });

  test('a completion moves on a 503 and on a refused connection', async () => {
    const router = makeRouter();
    primary.setFault({ kind: 'overloaded' });
    assert.equal((await router.complete(fimRequest())).providerId, 'backup');
    primary.setFault({ kind: 'refuse' });
    const other = makeRouter();
    assert.equal((await other.complete(fimRequest())).providerId, 'backup');
  });

  test('requests already in flight when the primary starts refusing are left to finish there', async () => {
    const router = makeRouter();
    primary.setOptions({ ttftMs: 400 });
    const chat = router.chat(chatRequest);
    const fim = router.complete(fimRequest());
    await until('both requests in flight at the primary', () => primary.stats().inFlight >= 2);
    primary.setFault({ kind: 'rateLimited' });
    // New traffic meets the storm and moves; the circuit opens.
    assert.equal((await router.complete(fimRequest())).providerId, 'backup');
    await until('circuit open', () => healthOf(router, 'deepseek').kind === 'down');
    assert.equal((await chat).providerId, 'deepseek', 'the streaming chat was not cut off');
    assert.equal((await fim).providerId, 'deepseek', 'the completion in flight was not thrown away');
  });

  test('chat stays through a short cooldown on the primary', async () => {
    const router = makeRouter();
    primary.setOptions({ retryAfterSeconds: 0.3 as number });
    primary.setFault({ kind: 'rateLimited', count: 1 });
    const { events, handlers } = recorder();
    const chat = await router.chat(chatRequest, handlers);
    assert.equal(chat.providerId, 'deepseek');
    assert.deepEqual(events.providers, [['deepseek', false]]);
    assert.ok(events.waits.includes('deepseek:rateLimited'), events.waits.join());
  });

  test('"Use Backup now": a chat waiting out a short cooldown moves at the user\'s request', async () => {
    const router = makeRouter();
    primary.setOptions({ retryAfterSeconds: 1.5 as number });
    primary.setFault({ kind: 'rateLimited', count: 1 });
    const { events, handlers } = recorder();
    let offered: string | undefined;
    const reroute = new RerouteToken();
    const t0 = Date.now();
    const chat = await router.chat(chatRequest, {
      ...handlers,
      reroute,
      onWait: (info) => {
        handlers.onWait?.(info);
        if (info.reason !== 'rateLimited') return;
        offered = info.alternative;
        reroute.trigger();
      },
    });
    assert.equal(offered, 'Backup');
    assert.equal(chat.providerId, 'backup');
    assert.ok(Date.now() - t0 < 1200, `moved before the 1.5 s cooldown ended (took ${Date.now() - t0} ms)`);
    assert.equal(events.text, chat.text);
  });

  test('a reroute token triggered while the answer streams leaves the chat where it is', async () => {
    const router = makeRouter();
    const reroute = new RerouteToken();
    const { events, handlers } = recorder();
    const chat = await router.chat(chatRequest, {
      ...handlers,
      reroute,
      onContent: (delta) => {
        handlers.onContent?.(delta);
        reroute.trigger();
      },
    });
    assert.equal(chat.providerId, 'deepseek');
    assert.equal(events.restarts, 0);
    assert.equal(events.text, chat.text);
  });

  test('pinned: a waiting chat has no alternative to offer', async () => {
    const router = makeRouter({}, { routing: 'pinned', pinned: 'deepseek' });
    primary.setOptions({ retryAfterSeconds: 0.3 as number });
    primary.setFault({ kind: 'rateLimited', count: 1 });
    const offered: Array<string | undefined> = [];
    const chat = await router.chat(chatRequest, {
      onWait: (info) => {
        if (info.reason === 'rateLimited') offered.push(info.alternative);
      },
    });
    assert.equal(chat.providerId, 'deepseek');
    assert.ok(offered.length > 0 && offered.every((a) => a === undefined), offered.join());
  });

  test('chat moves when the cooldown is longer than failoverAfterMs, and completes on the fallback', async () => {
    const router = makeRouter();
    primary.setOptions({ retryAfterSeconds: 30 });
    primary.setFault({ kind: 'rateLimited', count: 1 });
    const { events, handlers } = recorder();
    const t0 = Date.now();
    const chat = await router.chat(chatRequest, handlers);
    assert.equal(chat.providerId, 'backup');
    assert.ok(Date.now() - t0 < 1500, `took ${Date.now() - t0} ms`);
    assert.deepEqual(events.providers, [
      ['deepseek', false],
      ['backup', true],
    ]);
    assert.equal(events.text, chat.text, 'the caller saw exactly the fallback answer');
    assert.equal(healthOf(router, 'deepseek').kind, 'rateLimited');
    const s = router.state();
    assert.deepEqual(s.route.chat, { kind: 'route', id: 'backup', isFallback: true });
    assert.deepEqual(s.route.completion, { kind: 'route', id: 'backup', isFallback: true });
  });

  test('a 429 storm opens the circuit; chat fails over within a second; traffic fails back after the probe', async () => {
    const router = makeRouter();
    primary.setFault({ kind: 'rateLimited' });
    const t0 = Date.now();
    const chat = await router.chat(chatRequest);
    const chatMs = Date.now() - t0;
    assert.equal(chat.providerId, 'backup');
    assert.ok(chatMs < 2000, `chat failover took ${chatMs} ms`);
    assert.equal(healthOf(router, 'deepseek').kind, 'down');
    // While down, nothing is sent to the primary but the probes.
    const before = primary.stats().requestsByPath['/chat/completions'] ?? 0;
    assert.equal((await router.chat(chatRequest)).providerId, 'backup');
    assert.equal((await router.complete(fimRequest())).providerId, 'backup');
    assert.equal(primary.stats().requestsByPath['/chat/completions'] ?? 0, before);

    primary.setFault({ kind: 'none' });
    const back = await until(
      'failback',
      () =>
        router.state().route.chat.kind === 'route' &&
        (router.state().route.chat as { id: string }).id === 'deepseek',
    );
    assert.ok(back <= 400 + 1000, `failback took ${back} ms`);
    assert.equal((await router.chat(chatRequest)).providerId, 'deepseek');
    assert.equal(healthOf(router, 'deepseek').kind, 'healthy');
  });

  test('503s and refused connections open the circuit too; probes keep failing until it recovers', async () => {
    const router = makeRouter();
    primary.setFault({ kind: 'overloaded' });
    assert.equal((await router.chat(chatRequest)).providerId, 'backup');
    assert.equal(healthOf(router, 'deepseek').kind, 'down');
    primary.setFault({ kind: 'refuse' });
    await new Promise((r) => setTimeout(r, 600));
    assert.equal(healthOf(router, 'deepseek').kind, 'down', 'probes against a refused port fail');
    primary.setFault({ kind: 'none' });
    await until('failback', () => healthOf(router, 'deepseek').kind === 'healthy');
    assert.equal((await router.complete(fimRequest())).providerId, 'deepseek');
  });

  test('a chat that moved away and finds the fallback broken goes back to the primary: not lost', async () => {
    const router = makeRouter({ failoverAfterMs: 300 });
    primary.setOptions({ retryAfterSeconds: 1 });
    primary.setFault({ kind: 'rateLimited', count: 1, paths: ['/chat/completions'] });
    fallback.setFault({ kind: 'overloaded' });
    const { events, handlers } = recorder();
    const t0 = Date.now();
    const chat = await router.chat(chatRequest, handlers);
    assert.equal(chat.providerId, 'deepseek');
    assert.deepEqual(
      events.providers.map(([id]) => id),
      ['deepseek', 'backup', 'deepseek'],
    );
    // Back as soon as the fallback's circuit opened, not at the end of its retries.
    assert.ok(Date.now() - t0 < 8000, `took ${Date.now() - t0} ms`);
    assert.equal(events.text, chat.text);
  });

  test('a stream that keeps breaking midway moves to the fallback; the caller drops the partial text', async () => {
    const router = makeRouter();
    primary.setOptions({ ttftMs: 5 });
    primary.setFault({ kind: 'resetMidStream', afterChunks: 2 });
    const { events, handlers } = recorder();
    const chat = await router.chat(chatRequest, handlers);
    assert.equal(chat.providerId, 'backup');
    assert.ok(events.restarts >= 1);
    assert.equal(chat.restarts, events.restarts);
    assert.equal(events.text, chat.text, 'no partial text from the primary is left over');
  });

  test('401 on the primary: chat and completions move, the key is asked for, a new key brings it back', async () => {
    const router = makeRouter();
    const asked: KeyNeeded[] = [];
    router.onDidNeedKey((k) => asked.push(k));
    primary.setOptions({ requireKey: 'sk-right' });
    assert.equal((await router.chat(chatRequest)).providerId, 'backup');
    assert.equal(healthOf(router, 'deepseek').kind, 'needsKey');
    assert.deepEqual(
      asked.map((k) => [k.providerId, k.why]),
      [['deepseek', 'rejected']],
    );
    assert.equal((await router.complete(fimRequest())).providerId, 'backup');
    // Setting a key is one call: the router follows the key store.
    await keys.set('deepseek', 'sk-right');
    assert.equal((await router.chat(chatRequest)).providerId, 'deepseek');
  });

  test('a cloud provider without a stored key is skipped before any request and announced once', async () => {
    const router = makeRouter({}, { baseUrls: { deepseek: 'https://api.deepseek.com' } });
    const asked: KeyNeeded[] = [];
    router.onDidNeedKey((k) => asked.push(k));
    // What the editor's key store reports at start.
    router.setKeyPresent('deepseek', false);
    assert.equal((await router.chat(chatRequest)).providerId, 'backup');
    assert.equal((await router.complete(fimRequest())).providerId, 'backup');
    assert.equal(healthOf(router, 'deepseek').kind, 'needsKey');
    assert.deepEqual(
      asked.map((k) => [k.providerId, k.why]),
      [['deepseek', 'missing']],
    );
  });

  test('without the key store saying so, the first request finds the key missing (no HTTP sent)', async () => {
    const router = makeRouter({}, { baseUrls: { deepseek: 'https://api.deepseek.com' } });
    const asked: KeyNeeded[] = [];
    router.onDidNeedKey((k) => asked.push(k));
    assert.equal((await router.chat(chatRequest)).providerId, 'backup');
    assert.equal((await router.chat(chatRequest)).providerId, 'backup');
    assert.deepEqual(
      asked.map((k) => [k.providerId, k.why]),
      [['deepseek', 'missing']],
    );
  });

  test('nothing usable: a clear error that says what to do', async () => {
    const router = makeRouter(
      {},
      {
        enabled: ['deepseek'],
        chatOrder: ['deepseek'],
        completionOrder: ['deepseek'],
        baseUrls: { deepseek: 'https://api.deepseek.com' },
      },
    );
    await assert.rejects(
      router.chat(chatRequest),
      (e: unknown) => PacerError.is(e, 'needsKey') && /Set API Key/.test(e.message),
    );
    const none = makeRouter({}, { enabled: [], chatOrder: [], completionOrder: [] });
    await assert.rejects(none.complete(fimRequest()), (e: unknown) => PacerError.is(e, 'unavailable'));
  });

  test('the caller aborting ends the request without failover', async () => {
    const router = makeRouter();
    primary.setOptions({ ttftMs: 2000 });
    const ac = new AbortController();
    const { events, handlers } = recorder();
    const pending = router.chat(chatRequest, { ...handlers, signal: ac.signal });
    setTimeout(() => ac.abort(), 100);
    await assert.rejects(pending, (e: unknown) => PacerError.is(e, 'cancelled'));
    assert.deepEqual(events.providers, [['deepseek', false]]);
  });
});

describe('router: pinned', () => {
  test('a pinned provider is never switched: chat waits (here: until its deadline), completions fail fast', async () => {
    const router = makeRouter({ chatDeadlineMs: 1200 }, { routing: 'pinned', pinned: 'deepseek' });
    primary.setFault({ kind: 'rateLimited' });
    const { events, handlers } = recorder();
    await assert.rejects(
      router.chat(chatRequest, handlers),
      (e: unknown) => PacerError.is(e) && e.providerId === 'deepseek',
    );
    assert.deepEqual(events.providers, [['deepseek', false]]);
    await assert.rejects(
      router.complete(fimRequest()),
      (e: unknown) => PacerError.is(e) && e.providerId === 'deepseek',
    );
    assert.equal(fallback.stats().requests, 0);
  });

  test('pinned to a server that is not running: chat says so within seconds, with what to do (#15 item 3)', async () => {
    const router = makeRouter(
      { chatDeadlineMs: 60_000 },
      {
        routing: 'pinned',
        pinned: 'backup',
        custom: [{ id: 'backup', label: 'Backup', baseUrl: closedPort, needsKey: false, chatModel: 'm' }],
      },
    );
    const started = Date.now();
    await assert.rejects(router.chat(chatRequest), (e: unknown) => {
      assert.ok(PacerError.is(e, 'unavailable'), String(e));
      assert.match(e.message, /^Backup is not running at 127\.0\.0\.1:\d+: start it, or switch provider\.$/);
      return true;
    });
    assert.ok(
      Date.now() - started < 10_000,
      `gave up after ${Date.now() - started} ms, not the 60 s deadline`,
    );
    assert.equal(
      primary.stats().requestsByPath['/chat/completions'] ?? 0,
      0,
      'pinned: no chat went elsewhere',
    );
  });

  test('pinned to the fallback: everything goes there', async () => {
    const router = makeRouter({}, { routing: 'pinned', pinned: 'backup' });
    assert.equal((await router.chat(chatRequest)).providerId, 'backup');
    assert.equal((await router.complete(fimRequest())).providerId, 'backup');
    assert.deepEqual(router.state().route.chat, { kind: 'route', id: 'backup', isFallback: false });
  });

  test('switching settings at run time applies at once', async () => {
    const router = makeRouter();
    assert.equal((await router.chat(chatRequest)).providerId, 'deepseek');
    router.updateSettings({
      providers: providerSettings({ routing: 'pinned', pinned: 'backup' }),
      failoverAfterMs: 2000,
      probeIntervalMs: 400,
      dailyLimitUsd: 0,
      chatDeadlineMs: 20_000,
      completionDeadlineMs: 1500,
    });
    assert.equal((await router.chat(chatRequest)).providerId, 'backup');
  });
});

describe('router: spend limit and discovery', () => {
  test('the daily limit pauses paid providers (fallback is free) until lifted', async () => {
    const router = makeRouter({ dailyLimitUsd: 1e-7 });
    const crossings: SpendStatus[] = [];
    router.onDidCrossSpendLimit((s) => crossings.push(s));
    assert.equal((await router.chat(chatRequest)).providerId, 'deepseek');
    assert.deepEqual(
      crossings.map((c) => c.kind),
      ['paused'],
    );
    assert.equal(router.state().spend.kind, 'paused');
    assert.equal((await router.chat(chatRequest)).providerId, 'backup');
    router.liftSpendLimit();
    assert.equal(router.state().spend.kind, 'lifted');
    assert.equal((await router.chat(chatRequest)).providerId, 'deepseek');
  });

  test('only paid providers left: a budget error', async () => {
    const router = makeRouter(
      { dailyLimitUsd: 1e-7 },
      { enabled: ['deepseek'], chatOrder: ['deepseek'], completionOrder: ['deepseek'] },
    );
    await router.chat(chatRequest);
    await assert.rejects(router.chat(chatRequest), (e: unknown) => PacerError.is(e, 'budget'));
  });

  test('discovery reads /models and marks a local server that is not running as down', async () => {
    const router = makeRouter(
      {},
      {
        enabled: ['deepseek', 'backup', 'ollama'],
        chatOrder: ['deepseek', 'ollama', 'backup'],
        baseUrls: { deepseek: primary.url, ollama: `${closedPort}/v1` },
      },
    );
    await router.discover();
    const s = router.state();
    assert.deepEqual(s.providers.find((p) => p.id === 'deepseek')!.models, [
      'deepseek-flash',
      'deepseek-v4-flash',
      'deepseek-v4-pro',
    ]);
    const ollama = s.providers.find((p) => p.id === 'ollama')!;
    assert.equal(ollama.health.kind, 'down');
    assert.ok(ollama.health.kind === 'down' && /not reachable/.test(ollama.health.reason));
    primary.setFault({ kind: 'overloaded' });
    // Chat skips the dead local server and reaches the fallback behind it.
    assert.equal((await router.chat(chatRequest)).providerId, 'backup');
  });
});

describe('router: a key or balance error heals by itself (#15)', () => {
  test('402: chat says so, the provider stays out while the balance is used up, then comes back without the user pinning', async () => {
    await keys.set('deepseek', 'sk-test');
    const router = makeRouter(
      {},
      { enabled: ['deepseek'], chatOrder: ['deepseek'], completionOrder: ['deepseek'] },
    );
    primary.setFault({ kind: 'noBalance' });
    await assert.rejects(router.chat(chatRequest), (e: unknown) => PacerError.is(e, 'noBalance'));
    assert.equal(router.state().providers[0]!.health.kind, 'noBalance');
    // Rechecks (every 3 probe intervals: 1.2 s here) ask the balance, not a paid request.
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(router.state().providers[0]!.health.kind, 'noBalance');
    const chatsWhileEmpty = primary.stats().requestsByPath['/chat/completions'] ?? 0;
    assert.equal(chatsWhileEmpty, 1, 'no chat request was spent on checking the balance');
    // Topped up: the next recheck finds it and chat works again, in Automatic mode.
    primary.setFault({ kind: 'none' });
    const started = Date.now();
    while (router.state().providers[0]!.health.kind !== 'healthy') {
      assert.ok(Date.now() - started < 3000, 'healed within 3 s of the top-up');
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal((await router.chat(chatRequest)).providerId, 'deepseek');
  });

  test('401: a key that works again (fixed on the account) is found by a probe', async () => {
    await keys.set('deepseek', 'sk-test');
    primary.setOptions({ requireKey: 'sk-other' });
    const router = makeRouter();
    const r = await router.chat(chatRequest);
    assert.equal(r.providerId, 'backup');
    assert.equal(router.state().providers[0]!.health.kind, 'needsKey');
    primary.setOptions({ requireKey: 'sk-test' });
    const started = Date.now();
    while (router.state().providers[0]!.health.kind !== 'healthy') {
      assert.ok(Date.now() - started < 3000, 'healed within 3 s');
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal((await router.chat(chatRequest)).providerId, 'deepseek');
  });
});
