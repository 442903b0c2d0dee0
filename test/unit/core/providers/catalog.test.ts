import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProviderSettings } from '../../../../src/core/providers/catalog';
import {
  BUILT_IN_PROVIDER_IDS,
  fitForCompletions,
  isLoopbackUrl,
  keyOrPlaceholder,
  orderFor,
  resolveProviders,
  toEndpoint,
} from '../../../../src/core/providers/catalog';

function settings(patch: Partial<ProviderSettings> = {}): ProviderSettings {
  return {
    enabled: ['deepseek', 'openrouter', 'openai', 'ollama', 'lmstudio', 'llamacpp'],
    chatOrder: ['deepseek', 'openrouter', 'openai', 'ollama', 'lmstudio', 'llamacpp'],
    completionOrder: ['deepseek', 'ollama', 'llamacpp', 'lmstudio', 'openrouter', 'openai'],
    routing: 'automatic',
    pinned: 'deepseek',
    baseUrls: {},
    custom: [],
    models: {},
    ...patch,
  };
}

describe('provider catalog', () => {
  test('built-ins have the documented base URLs, DeepSeek FIM on /beta', () => {
    const byId = new Map(resolveProviders(settings()).map((p) => [p.id, p]));
    assert.deepEqual([...byId.keys()], [...BUILT_IN_PROVIDER_IDS]);
    assert.equal(byId.get('deepseek')?.baseUrl, 'https://api.deepseek.com');
    assert.equal(byId.get('deepseek')?.fimBaseUrl, 'https://api.deepseek.com/beta');
    assert.equal(byId.get('deepseek')?.supportsFim, true);
    assert.equal(byId.get('deepseek')?.needsKey, true);
    assert.equal(byId.get('deepseek')?.paid, true);
    assert.equal(byId.get('ollama')?.baseUrl, 'http://127.0.0.1:11434/v1');
    assert.equal(byId.get('lmstudio')?.baseUrl, 'http://127.0.0.1:1234/v1');
    assert.equal(byId.get('llamacpp')?.baseUrl, 'http://127.0.0.1:8080/v1');
    for (const id of ['ollama', 'lmstudio', 'llamacpp']) {
      assert.equal(byId.get(id)?.needsKey, false, id);
      assert.equal(byId.get(id)?.paid, false, id);
      assert.equal(byId.get(id)?.local, true, id);
    }
    assert.equal(byId.get('openrouter')?.fimBaseUrl, undefined);
    assert.equal(fitForCompletions(byId.get('openai')!), false);
  });

  test('a base URL override pointing at /beta is not doubled, and loopback needs no key', () => {
    const [ds] = resolveProviders(settings({ baseUrls: { deepseek: 'http://127.0.0.1:9999/beta/' } }));
    assert.equal(ds.baseUrl, 'http://127.0.0.1:9999');
    assert.equal(ds.fimBaseUrl, 'http://127.0.0.1:9999/beta');
    assert.equal(ds.needsKey, false);
    assert.equal(ds.local, true);
    // Still a paid provider: the emulator stands in for the real, billed API.
    assert.equal(ds.paid, true);
  });

  test('invalid override URLs are ignored', () => {
    const [ds] = resolveProviders(settings({ baseUrls: { deepseek: 'file:///etc/passwd' } }));
    assert.equal(ds.baseUrl, 'https://api.deepseek.com');
  });

  test('custom providers and model overrides', () => {
    const list = resolveProviders(
      settings({
        custom: [
          {
            id: 'backup',
            label: 'Backup',
            baseUrl: 'http://127.0.0.1:7000/beta',
            supportsFim: true,
            chatModel: 'deepseek-flash',
          },
          { id: 'deepseek', baseUrl: 'https://evil.example' },
          { id: '', baseUrl: 'https://x.example' },
          { id: 'cloud', baseUrl: 'https://llm.example/v1' },
        ],
        models: { openrouter: { chat: 'some/model' } },
      }),
    );
    const backup = list.find((p) => p.id === 'backup')!;
    assert.equal(backup.label, 'Backup');
    assert.equal(backup.supportsFim, true);
    assert.equal(backup.needsKey, false);
    assert.equal(backup.completionModel, 'deepseek-flash');
    assert.equal(
      list.filter((p) => p.id === 'deepseek').length,
      1,
      'a custom entry cannot replace a built-in',
    );
    assert.equal(list.find((p) => p.id === 'deepseek')!.baseUrl, 'https://api.deepseek.com');
    const cloud = list.find((p) => p.id === 'cloud')!;
    assert.equal(cloud.needsKey, true);
    assert.equal(cloud.paid, true);
    const or = list.find((p) => p.id === 'openrouter')!;
    assert.equal(or.chatModel, 'some/model');
    assert.deepEqual(or.modelsPinnedByUser, { chat: true, completion: false });
  });

  test('order: configured order, then enabled leftovers, never disabled ones', () => {
    const s = settings({
      enabled: ['deepseek', 'backup', 'ollama'],
      chatOrder: ['ollama', 'openai', 'deepseek'],
      custom: [{ id: 'backup', baseUrl: 'http://127.0.0.1:1/v1' }],
    });
    const known = resolveProviders(s);
    assert.deepEqual(orderFor('chat', s, known), ['ollama', 'deepseek', 'backup']);
    assert.deepEqual(orderFor('completion', s, known), ['deepseek', 'ollama', 'backup']);
  });

  test('loopback detection', () => {
    for (const url of [
      'http://127.0.0.1:1/v1',
      'http://localhost:3',
      'http://[::1]:8/v1',
      'http://127.5.6.7',
    ]) {
      assert.equal(isLoopbackUrl(url), true, url);
    }
    for (const url of [
      'https://api.deepseek.com',
      'http://10.0.0.1',
      'http://127.0.0.1.evil.com',
      'not a url',
    ]) {
      assert.equal(isLoopbackUrl(url), false, url);
    }
  });

  test('placeholder key only for loopback', () => {
    assert.equal(keyOrPlaceholder('sk-real', 'http://127.0.0.1:1'), 'sk-real');
    assert.ok(keyOrPlaceholder(undefined, 'http://127.0.0.1:1'));
    assert.equal(keyOrPlaceholder(undefined, 'https://api.deepseek.com'), undefined);
  });

  test('toEndpoint carries the gate fields', async () => {
    const [ds] = resolveProviders(settings());
    const fetchImpl = (() => Promise.reject(new Error('unused'))) as unknown as typeof fetch;
    const ep = toEndpoint(ds, async () => 'k', fetchImpl);
    assert.equal(ep.fimBaseUrl, 'https://api.deepseek.com/beta');
    assert.equal(ep.thinkingToggle, true);
    assert.equal(ep.fetch, fetchImpl);
    assert.equal(await ep.getApiKey(), 'k');
    assert.ok(ep.pricing?.['deepseek-flash']);
  });
});
