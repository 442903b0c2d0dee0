// The daily limit counts every request a provider bills: paid fallbacks (OpenRouter, OpenAI, a
// remote custom provider), chats stopped midway, streams restarted after partial output, and
// completions abandoned after they were sent. All through the router over the emulator with the
// real gate and openai SDK.
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { ChatRequest } from '../../../../src/core/providers/modelService';
import { createProviderService } from '../../../../src/core/providers/providerService';
import type { ProviderInfo, ProviderSettings } from '../../../../src/core/providers/catalog';
import { keyOrPlaceholder, resolveProviders, toEndpoint } from '../../../../src/core/providers/catalog';
import type { RouterSettings } from '../../../../src/core/providers/router';
import { Router } from '../../../../src/core/providers/router';
import { renderUsageReport } from '../../../../src/core/providers/usageReport';
import { parseUserPrices, resolvePrice } from '../../../../src/core/usage/prices';
import type { Emulator } from '../../../../tools/emulator/server';
import { startFastEmulator } from '../../../helpers/emulator';
import { waitFor } from '../../../helpers/waitFor';

let primary: Emulator;
let paid: Emulator;
const routers: Router[] = [];

before(async () => {
  primary = await startFastEmulator({ answerTokens: 12 });
  paid = await startFastEmulator({ answerTokens: 12 });
});
after(async () => {
  await Promise.all([primary.close(), paid.close()]);
});
beforeEach(() => {
  primary.setFault({ kind: 'none' });
  paid.setFault({ kind: 'none' });
  primary.setOptions({ ttftMs: 20, tokensPerSecond: 5000 });
  paid.setOptions({ ttftMs: 20, tokensPerSecond: 5000 });
});
afterEach(() => {
  for (const r of routers.splice(0)) r.dispose();
});

/** DeepSeek (the emulator) first, then a built-in cloud provider pointed at the other emulator. */
function settings(fallback: 'openrouter' | 'openai', patch: Partial<RouterSettings> = {}): RouterSettings {
  const providers: ProviderSettings = {
    enabled: ['deepseek', fallback],
    chatOrder: ['deepseek', fallback],
    completionOrder: ['deepseek', fallback],
    routing: 'automatic',
    pinned: 'deepseek',
    baseUrls: { deepseek: primary.url, [fallback]: paid.url },
    custom: [],
    // The emulator knows DeepSeek's model names only.
    models: { [fallback]: { chat: 'deepseek-flash', completion: 'deepseek-flash' } },
  };
  return {
    providers,
    failoverAfterMs: 2000,
    probeIntervalMs: 400,
    dailyLimitUsd: 0,
    chatDeadlineMs: 20_000,
    completionDeadlineMs: 3000,
    ...patch,
  };
}

function makeRouter(s: RouterSettings): Router {
  const router = new Router({
    settings: s,
    createService: (info: ProviderInfo) =>
      createProviderService(
        toEndpoint(info, async () => keyOrPlaceholder(undefined, info.baseUrl)),
        {
          client: { chatWatchdog: { firstTokenMs: 5000, idleMs: 5000 } },
          gate: {
            retryBackoff: { baseMs: 50, capMs: 100 },
            aimd: s.maxConcurrency ? { initial: s.maxConcurrency, max: s.maxConcurrency } : undefined,
          },
        },
      ),
  });
  routers.push(router);
  return router;
}

const today = (router: Router, id: string) => router.state().providers.find((p) => p.id === id)!.today;
const ask = (text: string): ChatRequest => ({
  messages: [{ role: 'user', content: text }],
  model: 'deepseek-flash',
});

describe('never spends past the limit: a paid fallback is counted', () => {
  for (const fallback of ['openrouter', 'openai'] as const) {
    test(`failover to ${fallback} costs money and the limit pauses it`, async () => {
      primary.setFault({ kind: 'rateLimited' });
      const router = makeRouter(settings(fallback, { dailyLimitUsd: 0.001 }));
      let served = 0;
      let refused = 0;
      for (let i = 0; i < 20; i++) {
        try {
          const r = await router.chat(ask(`question ${i}`), { deadlineMs: 3000 });
          if (r.providerId === fallback) served++;
        } catch {
          refused++;
        }
      }
      const spent = today(router, fallback);
      assert.ok(served > 0, 'the fallback served');
      assert.ok(spent.costUsd > 0, `${fallback}'s answers are priced (spent ${spent.costUsd})`);
      assert.equal(router.state().spend.kind, 'paused');
      assert.ok(refused > 0, 'the limit stopped the paid fallback');
    });
  }

  test('a custom provider on another machine is paid, with or without a key; only loopback is free', () => {
    const base: ProviderSettings = {
      enabled: [],
      chatOrder: [],
      completionOrder: [],
      routing: 'automatic',
      pinned: 'deepseek',
      baseUrls: {},
      models: {},
      custom: [
        { id: 'gateway', baseUrl: 'https://llm.example.com/v1', needsKey: false },
        { id: 'mine', baseUrl: 'http://127.0.0.1:9999/v1' },
      ],
    };
    const byId = new Map(resolveProviders(base).map((p) => [p.id, p]));
    assert.equal(byId.get('gateway')?.paid, true);
    assert.equal(byId.get('mine')?.paid, false);
    assert.equal(byId.get('openai')?.paid, true);
    assert.equal(byId.get('openrouter')?.paid, true);
  });
});

describe('never spends past the limit: billed requests are recorded', () => {
  test('a chat stopped midway is billed for what was sent and streamed', async () => {
    primary.setOptions({ ttftMs: 20, tokensPerSecond: 40 });
    const router = makeRouter(settings('openrouter'));
    const stop = new AbortController();
    let streamed = '';
    await assert.rejects(
      router.chat(
        { ...ask('a long answer please'), thinking: false },
        {
          signal: stop.signal,
          onContent: (d) => {
            streamed += d;
            if (streamed.length > 20) stop.abort();
          },
          onReasoning: (d) => {
            streamed += d;
            if (streamed.length > 20) stop.abort();
          },
        },
      ),
    );
    const ds = today(router, 'deepseek');
    assert.equal(ds.requests, 1, 'the stopped chat is one billed request');
    assert.ok(ds.completionTokens > 0, 'what streamed counts');
    assert.ok(ds.promptTokens > 0, 'what was sent counts');
    assert.ok(ds.costUsd > 0);
  });

  test('a stream that broke after partial output and was restarted is billed twice', async () => {
    primary.setFault({ kind: 'resetMidStream', count: 1, afterChunks: 3 });
    const router = makeRouter(settings('openrouter'));
    const r = await router.chat(ask('restart me'));
    assert.equal(r.providerId, 'deepseek');
    assert.ok(r.restarts >= 1, 'the stream restarted');
    assert.equal(today(router, 'deepseek').requests, 2, 'the broken attempt counts too');
  });

  test('a completion abandoned after it was sent is billed', async () => {
    primary.setOptions({ ttftMs: 400 });
    const router = makeRouter(settings('openrouter'));
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 150);
    await assert.rejects(
      router.complete(
        { prompt: 'function a() {\n  return ', suffix: '\n}\n', maxTokens: 16 },
        { signal: stop.signal },
      ),
    );
    // The caller is released at once; the aborted HTTP attempt settles (and is billed) just after.
    await waitFor(() => today(router, 'deepseek').requests > 0, 1000);
    const ds = today(router, 'deepseek');
    assert.equal(ds.requests, 1);
    assert.ok(ds.promptTokens > 0 && ds.costUsd > 0);
  });
});

describe('never spends past the limit: the overshoot is at most what was in flight', () => {
  test('requests queued when the limit is reached are never sent', async () => {
    primary.setOptions({ ttftMs: 200 });
    primary.resetStats();
    const s = settings('openrouter', { dailyLimitUsd: 1e-7, maxConcurrency: 1 });
    s.providers = {
      ...s.providers,
      enabled: ['deepseek'],
      chatOrder: ['deepseek'],
      completionOrder: ['deepseek'],
    };
    const router = makeRouter(s);
    // One in flight (the gate runs one at a time), two waiting in its queue.
    const outcomes = await Promise.allSettled([0, 1, 2].map((i) => router.chat(ask(`queued ${i}`))));
    assert.equal(outcomes[0]?.status, 'fulfilled');
    for (const o of outcomes.slice(1)) {
      assert.equal(o.status, 'rejected');
      assert.equal((o as PromiseRejectedResult).reason?.kind, 'budget');
    }
    assert.equal(
      primary.stats().requestsByPath['/chat/completions'],
      1,
      'only the request in flight was sent',
    );
    assert.equal(router.state().spend.kind, 'paused');
  });
});

/** An OpenRouter-like server: one streamed answer whose last chunk reports `usage.cost`. */
async function costReportingServer(cost: number): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const chunk = (o: unknown) => res.write(`data: ${JSON.stringify(o)}\n\n`);
      const base = {
        id: 'gen-1',
        object: 'chat.completion.chunk',
        created: 0,
        model: 'deepseek/deepseek-chat',
      };
      chunk({
        ...base,
        choices: [{ index: 0, delta: { role: 'assistant', content: 'Hello' }, finish_reason: null }],
      });
      chunk({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
      chunk({
        ...base,
        choices: [],
        usage: { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12, cost },
      });
      res.end('data: [DONE]\n\n');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/api/v1`,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

describe('never spends past the limit: every paid provider has a price', () => {
  test("OpenRouter's reported usage.cost is what counts", async () => {
    const server = await costReportingServer(0.0123);
    try {
      const s = settings('openrouter');
      s.providers = {
        ...s.providers,
        enabled: ['openrouter'],
        chatOrder: ['openrouter'],
        completionOrder: ['openrouter'],
        baseUrls: { openrouter: server.url },
        models: {},
      };
      const router = makeRouter(s);
      const r = await router.chat(ask('hi'));
      assert.equal(r.providerId, 'openrouter');
      const spent = today(router, 'openrouter');
      assert.equal(spent.costUsd, 0.0123);
      assert.equal(spent.estimatedUsd, 0, 'a reported cost is no estimate');
    } finally {
      await server.close();
    }
  });

  test('an unknown model of a paid provider costs the high default, marked as an estimate; a user price replaces it', async () => {
    primary.setFault({ kind: 'rateLimited' });
    const router = makeRouter(settings('openai'));
    await router.chat(ask('priced by default'));
    const byDefault = today(router, 'openai');
    assert.ok(byDefault.costUsd > 0);
    assert.equal(byDefault.estimatedUsd, byDefault.costUsd);
    const report = renderUsageReport(router.state());
    assert.match(report, /\| OpenAI \|.*\$[0-9.]+ \* \|/);
    assert.match(report, /Includes \$[0-9.]+ of estimates/);
    assert.match(report, /pacer\.budget\.prices/);

    const priced = makeRouter(
      settings('openai', {
        prices: parseUserPrices({ 'openai/deepseek-flash': { inputPerMTok: 1, outputPerMTok: 2 } }),
      }),
    );
    await priced.chat(ask('priced by the user'));
    const byUser = today(priced, 'openai');
    assert.ok(byUser.costUsd > 0 && byUser.costUsd < byDefault.costUsd);
    assert.equal(byUser.estimatedUsd, 0);
  });

  test('prices: table by longest prefix, user entries, a default that is never 0, free providers free', () => {
    const openai = resolveProviders({
      enabled: [],
      chatOrder: [],
      completionOrder: [],
      routing: 'automatic',
      pinned: 'deepseek',
      baseUrls: {},
      custom: [{ id: 'corp', baseUrl: 'https://llm.corp.example/v1' }],
      models: {},
    });
    const info = (id: string) => openai.find((p) => p.id === id)!;
    assert.equal(resolvePrice(info('openai'), 'gpt-4.1-mini-2025-04-14')?.pricing.output, 1.6);
    assert.equal(resolvePrice(info('openai'), 'gpt-4.1-2025-04-14')?.pricing.output, 8);
    assert.equal(resolvePrice(info('openai'), 'o1-pro')?.pricing.output, 600);
    const unknown = resolvePrice(info('openai'), 'some-new-model');
    assert.equal(unknown?.source, 'default');
    assert.ok(unknown!.pricing.cacheMiss > 0 && unknown!.pricing.output > 0);
    assert.equal(resolvePrice(info('corp'), 'x')?.source, 'default');
    const user = parseUserPrices({
      corp: { inputPerMTok: 0.5, outputPerMTok: 1 },
      'openai/gpt-4.1': { inputPerMTok: 9, outputPerMTok: 9 },
      bad: { inputPerMTok: -1, outputPerMTok: 1 },
      worse: 'free',
    });
    assert.deepEqual(Object.keys(user).sort(), ['corp', 'openai/gpt-4.1']);
    assert.equal(resolvePrice(info('corp'), 'x', user)?.pricing.output, 1);
    assert.equal(resolvePrice(info('openai'), 'gpt-4.1', user)?.pricing.output, 9);
    assert.equal(resolvePrice(info('ollama'), 'qwen', user), undefined);
  });
});
