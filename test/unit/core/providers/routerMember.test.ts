// Which model a router member picks when the configured one is missing from `/models`: a local
// server serves what is loaded; a cloud provider keeps the configured model (its list starts
// with embedding, audio or costly models).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createProviderService } from '../../../../src/core/providers/providerService';
import type { ProviderSettings } from '../../../../src/core/providers/catalog';
import { resolveProviders, toEndpoint } from '../../../../src/core/providers/catalog';
import { DEFAULT_CIRCUIT } from '../../../../src/core/providers/circuitBreaker';
import { RouterMember } from '../../../../src/core/providers/routerMember';
import { FakeClock } from '../../../helpers/fakeClock';

const settings: ProviderSettings = {
  enabled: ['openai', 'ollama', 'deepseek'],
  chatOrder: ['openai', 'ollama'],
  completionOrder: ['ollama', 'openai'],
  routing: 'automatic',
  pinned: 'openai',
  baseUrls: {},
  custom: [],
  models: {},
};

function member(id: string): RouterMember {
  const info = resolveProviders(settings).find((p) => p.id === id)!;
  const clock = new FakeClock();
  const service = createProviderService(
    toEndpoint(info, () => Promise.resolve('sk-test')),
    { clock },
  );
  const quiet = { info() {}, warn() {}, debug() {} };
  return new RouterMember(
    info,
    service,
    clock,
    { circuit: DEFAULT_CIRCUIT, stormEvents: 3 },
    () => {},
    quiet,
  );
}

describe('router member: model choice against /models', () => {
  test('a cloud provider keeps its configured model when /models does not list it', () => {
    const m = member('openai');
    try {
      assert.equal(m.info.local, false);
      const configured = m.info.chatModel;
      m.models = ['text-embedding-3-large', 'whisper-1'];
      assert.equal(m.modelFor('chat', undefined), configured);
      assert.equal(m.modelFor('completion', undefined), m.info.completionModel);
    } finally {
      m.dispose();
    }
  });

  test('a local server falls back to the first model it has loaded', () => {
    const m = member('ollama');
    try {
      assert.equal(m.info.local, true);
      m.models = ['qwen2.5-coder:1.5b', 'llama3.2:3b'];
      assert.equal(m.modelFor('chat', undefined), 'qwen2.5-coder:1.5b');
    } finally {
      m.dispose();
    }
  });

  test('never spends on a model the user did not choose for that provider (o1-pro is listed, not used)', () => {
    // The generic pacer.chat.model / completion.model name DeepSeek models; passed to a paid
    // fallback that happens to list it, `o1-pro` would be billed at its price.
    for (const id of ['openai', 'ollama']) {
      const m = member(id);
      try {
        m.models = ['o1-pro', m.info.chatModel, m.info.completionModel];
        assert.equal(m.modelFor('chat', 'o1-pro'), m.info.chatModel, id);
        assert.equal(m.modelFor('completion', 'o1-pro'), m.info.completionModel, id);
      } finally {
        m.dispose();
      }
    }
  });

  test("the user's model for that provider (pacer.providers.models) is used", () => {
    const info = resolveProviders({ ...settings, models: { openai: { chat: 'o1-pro' } } }).find(
      (p) => p.id === 'openai',
    )!;
    assert.equal(info.chatModel, 'o1-pro');
    assert.equal(info.modelsPinnedByUser.chat, true);
  });

  test('DeepSeek takes the requested DeepSeek model', () => {
    const m = member('deepseek');
    try {
      m.models = ['deepseek-flash', 'deepseek-v4-pro'];
      assert.equal(m.modelFor('chat', 'deepseek-v4-pro'), 'deepseek-v4-pro');
    } finally {
      m.dispose();
    }
  });
});
