// #14: VS Code cancels a provider call only when it makes the next one, well after the key on a
// loaded extension host. The document change reaches the engine first (`noteEdit`): a call still
// waiting out its debounce for an older version then sends nothing.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CompletionEngine } from '../../../../src/core/completion/completionEngine';
import type { CompletionSettings } from '../../../../src/core/completion/completionTypes';
import type { KeyContext } from '../../../../src/core/completion/debounce';
import { FixedDebounce } from '../../../../src/core/completion/debounce';
import type { CompletionResult, FimRequest, ModelService } from '../../../../src/core/providers/modelService';
import { assertAskedAfter } from '../../../helpers/askedAfter';
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

function setup(debouncer = new FixedDebounce(300)) {
  const clock = new FakeClock();
  const model = new Model(clock);
  const engine = new CompletionEngine({ models: model, clock, debouncer, settings: SETTINGS });
  const provide = (text: string, version: number, signal = new AbortController().signal) =>
    engine.provide(
      { docKey: 'file:///a.ts', path: 'a.ts', languageId: 'typescript', text, offset: text.length, version },
      signal,
    );
  return { clock, model, engine, provide, asked: () => model.prompts.length };
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

/** A 300 ms wait that records when the engine says each key was typed. */
class RecordingDebounce extends FixedDebounce {
  readonly keyTimes: number[] = [];
  constructor() {
    super(300);
  }
  override observeKey(_docKey: string, now: number, _ctx: KeyContext): void {
    this.keyTimes.push(now);
  }
}

describe('a late call from VS Code does not add its delay to the wait', () => {
  test('a call on time (VS Code waits 50 ms after an edit) waits the whole debounce', async () => {
    const { clock, engine, provide, asked } = setup();
    engine.noteEdit('file:///a.ts', 2);
    await clock.advance(50);
    void provide('const ab', 2);
    await assertAskedAfter(clock, asked, 300);
  });

  test('a call that comes late (busy window) waits only the rest of the debounce', async () => {
    const { clock, engine, provide, asked } = setup();
    engine.noteEdit('file:///a.ts', 2);
    await clock.advance(150); // 100 ms later than VS Code's own wait
    const answer = provide('const ab', 2);
    // 50 + 300 ms after the key, not 300 ms after the call.
    await assertAskedAfter(clock, asked, 200);
    await clock.advance(100);
    assert.deepEqual(await answer, { text: 'answer', source: 'request' });
  });

  test('a call later than the whole wait asks at once', async () => {
    const { clock, model, engine, provide } = setup();
    engine.noteEdit('file:///a.ts', 2);
    await clock.advance(500);
    void provide('const ab', 2);
    await clock.advance(0);
    assert.equal(model.prompts.length, 1);
  });

  test('without a change heard for the version (an explicit call, a bench row) it counts from the call', async () => {
    const { clock, engine, provide, asked } = setup();
    engine.noteEdit('file:///a.ts', 1);
    await clock.advance(150);
    void provide('const ab', 2);
    await assertAskedAfter(clock, asked, 300);
  });

  test('a call again for the same version (the cursor moved, no key) waits from that call', async () => {
    const { clock, engine, provide, asked } = setup();
    engine.noteEdit('file:///a.ts', 2);
    await clock.advance(50);
    const first = new AbortController();
    void provide('const ab', 2, first.signal);
    await clock.advance(100);
    first.abort();
    await clock.advance(400); // long after the edit: no request at once for where the cursor moved
    void provide('const ab', 2);
    await assertAskedAfter(clock, asked, 300);
  });

  test('the debounce learns the gaps between the keys as heard, not between the calls', async () => {
    const debouncer = new RecordingDebounce();
    const { clock, engine, provide } = setup(debouncer);
    const start = clock.now();
    engine.noteEdit('file:///a.ts', 1);
    await clock.advance(120);
    const first = new AbortController();
    void provide('const a', 1, first.signal);
    await clock.advance(80);
    engine.noteEdit('file:///a.ts', 2);
    first.abort();
    await clock.advance(40);
    void provide('const ab', 2);
    assert.deepEqual(
      debouncer.keyTimes.map((t) => t - start),
      [0, 200],
      'the keys 200 ms apart, though VS Code called 120 ms after one and 40 ms after the other',
    );
  });
});
