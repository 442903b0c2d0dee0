// Settings changes on the router over a real emulator: a change that cannot be applied (a
// service that cannot be built from it) keeps the last good state instead of emptying the router.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createProviderService } from '../../../../src/core/providers/providerService';
import type { ProviderInfo, ProviderSettings } from '../../../../src/core/providers/catalog';
import { keyOrPlaceholder, toEndpoint } from '../../../../src/core/providers/catalog';
import type { RouterSettings } from '../../../../src/core/providers/router';
import { Router } from '../../../../src/core/providers/router';
import { UsageStore } from '../../../../src/core/usage/usageStore';
import type { Emulator } from '../../../../tools/emulator/server';
import { startFastEmulator } from '../../../helpers/emulator';

let emu: Emulator;
let other: Emulator;
before(async () => {
  emu = await startFastEmulator({ answerTokens: 8 });
  other = await startFastEmulator({ answerTokens: 8 });
});
after(async () => {
  await Promise.all([emu.close(), other.close()]);
});

function settings(baseUrl: string): RouterSettings {
  const providers: ProviderSettings = {
    enabled: ['deepseek'],
    chatOrder: ['deepseek'],
    completionOrder: ['deepseek'],
    routing: 'automatic',
    pinned: 'deepseek',
    baseUrls: { deepseek: baseUrl },
    custom: [],
    models: {},
  };
  return {
    providers,
    failoverAfterMs: 2000,
    probeIntervalMs: 1000,
    dailyLimitUsd: 0,
    chatDeadlineMs: 10_000,
    completionDeadlineMs: 1500,
  };
}

const ask = { messages: [{ role: 'user' as const, content: 'hello there' }], model: 'deepseek-flash' };

describe('malformed settings never leave the router empty: the last good state stays', () => {
  test('a new service that cannot be built leaves the old one serving', async () => {
    let broken = false;
    const router = new Router({
      settings: settings(emu.url),
      createService: (info: ProviderInfo) => {
        if (broken) throw new Error('maxSize must be a positive integer if specified');
        return createProviderService(toEndpoint(info, async () => keyOrPlaceholder(undefined, info.baseUrl)));
      },
    });
    try {
      assert.ok((await router.chat(ask)).text.length > 0);
      broken = true;
      // Before: the old member was retired first, then the throw escaped and nothing served.
      assert.doesNotThrow(() => router.updateSettings(settings(other.url)));
      assert.doesNotThrow(() => router.recreateServices());
      const before = emu.stats().requests;
      const answer = await router.chat(ask);
      assert.ok(answer.text.length > 0);
      assert.equal(emu.stats().requests, before + 1, 'served by the previous service');
      // Once the settings can be applied, they are.
      broken = false;
      router.updateSettings(settings(other.url));
      const otherBefore = other.stats().requests;
      await router.chat(ask);
      assert.equal(other.stats().requests, otherBefore + 1);
    } finally {
      router.dispose();
    }
  });
});

describe('a replaced service finishes its probes before it goes', () => {
  test('a probe out when the settings change still ends, and the usage history records it', async () => {
    // A provider whose /models answers after 300 ms: the discovery probe is out during the change.
    const slow = createServer((_req, res) => {
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ object: 'list', data: [{ id: 'deepseek-chat', object: 'model' }] }));
      }, 300);
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    const slowUrl = `http://127.0.0.1:${(slow.address() as AddressInfo).port}`;
    const usage = new UsageStore({});
    const router = new Router({
      usage,
      settings: settings(slowUrl),
      createService: (info: ProviderInfo) =>
        createProviderService(toEndpoint(info, async () => keyOrPlaceholder(undefined, info.baseUrl))),
    });
    const probes: string[] = [];
    usage.history.onDidRecord((r) => r.cls === 'probe' && probes.push(Object.keys(r.added)[0]!));
    try {
      const discovered = router.discover();
      await new Promise((resolve) => setTimeout(resolve, 50));
      // Before: the old service looked idle (probes were not counted), was disposed at once, and
      // the probe's end was never recorded.
      router.updateSettings({ ...settings(slowUrl), probeIntervalMs: 2000 });
      router.recreateServices();
      await discovered;
      assert.deepEqual(probes, ['answered']);
    } finally {
      router.dispose();
      usage.dispose();
      slow.close();
    }
  });
});
