// Local providers (Ollama, LM Studio, llama.cpp) live on well-known loopback ports where any dev
// server may listen. Over real HTTP against the emulator, which answers `/v1/models` like any
// OpenAI-style server and poses as each local server only when asked to.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ProviderSettings } from '../../../../src/core/providers/catalog';
import { createRouter } from '../../../../src/core/providers/createRouter';
import { MemoryKeyStore } from '../../../../src/core/providers/keyStore';
import { emptyDayUsage } from '../../../../src/core/providers/cost';
import type { LocalServerKind } from '../../../../src/core/providers/localIdentity';
import { identifyLocalServer } from '../../../../src/core/providers/localIdentity';
import type { LocalServerUse } from '../../../../src/core/providers/router';
import type { Router } from '../../../../src/core/providers/router';
import type { ProviderStatus, RouterState } from '../../../../src/core/providers/routerState';
import { renderStatus } from '../../../../src/core/providers/statusView';
import type { Emulator } from '../../../../tools/emulator/server';
import { startFastEmulator } from '../../../helpers/emulator';

const KINDS: LocalServerKind[] = ['ollama', 'lmstudio', 'llamacpp'];
let devServer: Emulator;
const posing = new Map<LocalServerKind, Emulator>();
let closedUrl: string;

before(async () => {
  devServer = await startFastEmulator({ answerTokens: 6 });
  for (const kind of KINDS) posing.set(kind, await startFastEmulator({ answerTokens: 6, poseAs: kind }));
  const tmp = await startFastEmulator();
  closedUrl = tmp.url;
  await tmp.close();
});
after(async () => {
  await Promise.all([devServer.close(), ...[...posing.values()].map((e) => e.close())]);
});

function routerFor(id: LocalServerKind, url: string, probeIntervalMs = 60_000): Router {
  const providers: ProviderSettings = {
    enabled: [id],
    chatOrder: [id],
    completionOrder: [id],
    routing: 'automatic',
    pinned: id,
    baseUrls: { [id]: `${url}/v1` },
    custom: [],
    models: {},
  };
  return createRouter({
    settings: {
      providers,
      failoverAfterMs: 2000,
      probeIntervalMs,
      dailyLimitUsd: 0,
      chatDeadlineMs: 3000,
      completionDeadlineMs: 1500,
    },
    keys: new MemoryKeyStore(),
  });
}

const ask = { messages: [{ role: 'user' as const, content: 'secret code here' }], model: 'deepseek-flash' };
const chatRequests = (e: Emulator) => e.stats().requestsByPath['/chat/completions'] ?? 0;

describe('never sends code to a local port before the server there is confirmed', () => {
  for (const kind of KINDS) {
    test(`${kind}: its identity route confirms it; another server on the port is "other"`, async () => {
      assert.equal(await identifyLocalServer(kind, `${posing.get(kind)!.url}/v1`), 'confirmed');
      assert.equal(await identifyLocalServer(kind, `${devServer.url}/v1`), 'other');
      assert.equal(await identifyLocalServer(kind, `${closedUrl}/v1`), 'unreachable');
      const otherKind = KINDS.find((k) => k !== kind)!;
      assert.equal(await identifyLocalServer(kind, `${posing.get(otherKind)!.url}/v1`), 'other');
    });
  }

  test('a dev server on the port gets no prompt, even after discovery', async () => {
    for (const kind of KINDS) {
      const router = routerFor(kind, devServer.url);
      try {
        const before = chatRequests(devServer);
        await router.discover();
        await assert.rejects(router.chat(ask));
        // Before: the prompt went to whatever answered /v1/models on the port.
        assert.equal(chatRequests(devServer), before, `${kind}: the dev server received a prompt`);
      } finally {
        router.dispose();
      }
    }
  });

  test('a confirmed server serves; the first request to it is announced once', async () => {
    const emu = posing.get('ollama')!;
    const router = routerFor('ollama', emu.url);
    const uses: LocalServerUse[] = [];
    router.onDidSendToLocalServer((u) => uses.push(u));
    try {
      await assert.rejects(router.chat(ask), 'unconfirmed before discovery');
      assert.equal(chatRequests(emu), 0);
      await router.discover();
      assert.ok((await router.chat(ask)).text.length > 0);
      await router.chat(ask);
      assert.equal(chatRequests(emu), 2);
      assert.deepEqual(
        uses.map((u) => u.providerId),
        ['ollama'],
      );
      assert.equal(uses[0].baseUrl, `${emu.url}/v1`);
      // New cache or gate sizes keep the confirmation (same server, same URL).
      router.recreateServices();
      await router.chat(ask);
      assert.equal(chatRequests(emu), 3);
    } finally {
      router.dispose();
    }
  });
});

describe('a local server that starts later is confirmed by a later probe', () => {
  test('down at start, confirmed and served once Ollama answers on its port', async () => {
    const port = Number(new URL(closedUrl).port);
    const router = routerFor('ollama', closedUrl, 200);
    let emu: Emulator | undefined;
    try {
      await router.discover();
      assert.equal(router.state().providers[0]?.health.kind, 'down');
      emu = await startFastEmulator({ answerTokens: 6, poseAs: 'ollama', port });
      const deadline = Date.now() + 10_000;
      while (router.state().providers[0]?.health.kind !== 'healthy' && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      assert.ok((await router.chat(ask)).text.length > 0);
      assert.equal(chatRequests(emu), 1);
    } finally {
      router.dispose();
      await emu?.close();
    }
  });
});

describe('the status tooltip says when a local fallback receives code', () => {
  test('failed over to Ollama: the tooltip names the local server and its URL', () => {
    const base = {
      health: { kind: 'healthy' as const },
      supportsFim: true,
      fitForCompletions: true,
      chatModel: 'm',
      completionModel: 'm',
      inFlight: 0,
      queued: 0,
      requests: 0,
      rateLimited: 0,
      failed: 0,
      today: emptyDayUsage(),
    };
    const ds: ProviderStatus = {
      ...base,
      id: 'deepseek',
      label: 'DeepSeek',
      local: false,
      paid: true,
      health: { kind: 'down', reason: 'server errors', nextProbeMs: 5000 },
    };
    const ollama: ProviderStatus = {
      ...base,
      id: 'ollama',
      label: 'Ollama',
      local: true,
      paid: false,
      baseUrl: 'http://127.0.0.1:11434/v1',
    };
    const state: RouterState = {
      now: 0,
      routing: 'automatic',
      pinned: 'deepseek',
      primary: { chat: 'deepseek', completion: 'deepseek' },
      route: {
        chat: { kind: 'route', id: 'ollama', isFallback: true },
        completion: { kind: 'route', id: 'ollama', isFallback: true },
      },
      providers: [ds, ollama],
      spend: { kind: 'off', spentUsd: 0 },
    };
    const view = renderStatus(state, { kind: 'on' });
    assert.match(
      view.tooltip,
      /Your code goes to the local server Ollama at http:\/\/127\.0\.0\.1:11434\/v1/,
    );
    const back: RouterState = {
      ...state,
      route: {
        chat: { kind: 'route', id: 'deepseek', isFallback: false },
        completion: { kind: 'route', id: 'deepseek', isFallback: false },
      },
      providers: [{ ...ds, health: { kind: 'healthy' } }, ollama],
    };
    assert.doesNotMatch(renderStatus(back, { kind: 'on' }).tooltip, /local server/);
  });
});
