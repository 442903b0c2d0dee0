// The daily limit counts every request a provider bills: paid fallbacks (OpenRouter, OpenAI, a
// remote custom provider), chats stopped midway, streams restarted after partial output,
// completions abandoned after they were sent, and a coalesced completion once. All through the
// router over the emulator with the real gate and openai SDK.
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatRequest } from '../../src/core/modelService';
import { createProviderService } from '../../src/core/providerService';
import type { ProviderInfo, ProviderSettings } from '../../src/core/providers/catalog';
import { keyOrPlaceholder, resolveProviders, toEndpoint } from '../../src/core/providers/catalog';
import type { RouterSettings } from '../../src/core/providers/router';
import { Router } from '../../src/core/providers/router';
import type { Emulator } from '../../tools/emulator/server';
import { startFastEmulator } from './helpers/emulator';

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
          gate: { retryBackoff: { baseMs: 50, capMs: 100 } },
        },
      ),
  });
  routers.push(router);
  return router;
}

async function until(done: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!done() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
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
    await until(() => today(router, 'deepseek').requests > 0, 1000);
    const ds = today(router, 'deepseek');
    assert.equal(ds.requests, 1);
    assert.ok(ds.promptTokens > 0 && ds.costUsd > 0);
  });

  test('identical completions in flight share one request and are billed once', async () => {
    primary.setOptions({ ttftMs: 100 });
    const router = makeRouter(settings('openrouter'));
    const req = { prompt: 'const shared = ', suffix: ';\n', maxTokens: 16 };
    const answers = await Promise.all([router.complete(req), router.complete(req), router.complete(req)]);
    assert.equal(answers.length, 3);
    assert.equal(today(router, 'deepseek').requests, 1);
  });
});
