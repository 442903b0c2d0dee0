// #14: VS Code cancels a provider call only when it makes the next one, well after the key on a
// loaded extension host. The document change reaches the engine first (`noteEdit`): a call still
// waiting out its debounce for an older version then sends nothing.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CompletionEngine } from '../../../../src/core/completion/completionEngine';
import type { CompletionSettings } from '../../../../src/core/completion/completionTypes';
import { FixedDebounce } from '../../../../src/core/completion/debounce';
import type { CompletionResult, FimRequest, ModelService } from '../../../../src/core/providers/modelService';
import { FakeClock } from '../../../helpers/fakeClock';

const SETTINGS: CompletionSettings = {
  languages: { '*': true },
  maxTokens: 64,
  deadlineMs: 1500,
  contextFromOpenEditors: false,
};

class Model implements ModelService {
  readonly prompts: string[] = [];
  constructor(private readonly clock: FakeClock) {}
  async chat(): Promise<never> {
    throw new Error('not used');
  }
  complete(request: FimRequest): Promise<CompletionResult> {
    this.prompts.push(request.prompt);
    return new Promise((resolve) =>
      this.clock.setTimeout(() => resolve({ text: 'answer', providerId: 'p', model: 'm' }), 100),
    );
  }
}

function setup() {
  const clock = new FakeClock();
  const model = new Model(clock);
  const engine = new CompletionEngine({
    models: model,
    clock,
    debouncer: new FixedDebounce(300),
    settings: SETTINGS,
  });
  const provide = (text: string, version: number, signal = new AbortController().signal) =>
    engine.provide(
      { docKey: 'file:///a.ts', path: 'a.ts', languageId: 'typescript', text, offset: text.length, version },
      signal,
    );
  return { clock, model, engine, provide };
}

describe('typing on before VS Code asks again', () => {
  test('a change of the document ends an older version’s wait: nothing is sent for it', async () => {
    const { clock, model, engine, provide } = setup();
    // VS Code has not cancelled this call yet (its token is still live) when the next key lands.
    const stale = provide('const a', 1);
    await clock.advance(200);
    engine.noteEdit('file:///a.ts', 2);
    await clock.advance(200);
    assert.equal(await stale, undefined);
    assert.equal(model.prompts.length, 0, 'no request for the text typed past');
  });

  test('the call for the new version still asks after its own wait', async () => {
    const { clock, model, engine, provide } = setup();
    engine.noteEdit('file:///a.ts', 2);
    const fresh = provide('const ab', 2);
    await clock.advance(300 + 100);
    assert.deepEqual(await fresh, { text: 'answer', source: 'request' });
    assert.equal(model.prompts.length, 1);
  });

  test('a call made after the document moved on sends nothing', async () => {
    const { clock, model, engine, provide } = setup();
    engine.noteEdit('file:///a.ts', 3);
    const late = provide('const a', 2);
    await clock.advance(400);
    assert.equal(await late, undefined);
    assert.equal(model.prompts.length, 0);
  });
});
