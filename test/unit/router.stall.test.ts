// #15 item 4: a provider whose answers stall until its circuit opens, then answers: the answer
// that arrives ends the alarm (the status must not turn red "down (not answering)" right after
// the user got the answer). A 429 storm keeps its rule: only a probe ends it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createProviderService } from '../../src/core/providers/providerService';
import type { ProviderInfo } from '../../src/core/providers/catalog';
import { keyOrPlaceholder, toEndpoint } from '../../src/core/providers/catalog';
import { Router } from '../../src/core/providers/router';
import type { Emulator } from '../../tools/emulator/server';
import { startFastEmulator } from '../helpers/emulator';

let emu: Emulator;
before(async () => {
  emu = await startFastEmulator({ answerTokens: 8 });
});
after(async () => {
  await emu.close();
});

function router(): Router {
  return new Router({
    settings: {
      providers: {
        enabled: ['deepseek'],
        chatOrder: ['deepseek'],
        completionOrder: ['deepseek'],
        routing: 'automatic',
        pinned: 'deepseek',
        baseUrls: { deepseek: emu.url },
        custom: [],
        models: {},
      },
      failoverAfterMs: 2000,
      probeIntervalMs: 60_000,
      dailyLimitUsd: 0,
      chatDeadlineMs: 20_000,
      completionDeadlineMs: 1500,
    },
    createService: (info: ProviderInfo) =>
      createProviderService(
        toEndpoint(info, async () => keyOrPlaceholder('sk-test', info.baseUrl)),
        {
          client: { chatWatchdog: { firstTokenMs: 300, idleMs: 300 } },
          gate: { retryBackoff: { baseMs: 50, capMs: 100 } },
        },
      ),
  });
}

describe('the status tells the truth: an answer ends a stall alarm', () => {
  test('three stalls open the circuit; the retry that answers closes it again', async () => {
    const r = router();
    try {
      emu.setFault({ kind: 'stall', count: 3, paths: ['/chat/completions'] });
      const result = await r.chat({
        messages: [{ role: 'user', content: 'hello' }],
        model: 'deepseek-flash',
      });
      assert.equal(result.providerId, 'deepseek');
      assert.ok((emu.stats().faultsInjected ?? 0) >= 3, 'the stalls happened');
      // The answer arrived: the provider is not shown as down.
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.notEqual(r.state().providers[0]!.health.kind, 'down');
    } finally {
      r.dispose();
      emu.setFault({ kind: 'none' });
    }
  });
});
