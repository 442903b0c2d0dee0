// Which model a router member picks when the configured one is missing from `/models`: a local
// server serves what is loaded; a cloud provider keeps the configured model (its list starts
// with embedding, audio or costly models).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createProviderService } from '../../src/core/providerService';
import type { ProviderSettings } from '../../src/core/providers/catalog';
import { resolveProviders, toEndpoint } from '../../src/core/providers/catalog';
import { DEFAULT_CIRCUIT } from '../../src/core/providers/circuitBreaker';
import { RouterMember } from '../../src/core/providers/routerMember';
import { FakeClock } from './helpers/fakeClock';

const settings: ProviderSettings = {
  enabled: ['openai', 'ollama'],
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

  test('a listed requested model still wins on a cloud provider', () => {
    const m = member('openai');
    try {
      m.models = ['text-embedding-3-large', 'gpt-4.1'];
      assert.equal(m.modelFor('chat', 'gpt-4.1'), 'gpt-4.1');
    } finally {
      m.dispose();
    }
  });
});
