// #14: where the user is likely to stop (a line just finished, a suggestion just accepted), the
// engine asks after the debounce's shortest wait instead of its learned one, so ghost text is
// there soon after the pause begins. Strategies without cues (a fixed debounce) are unchanged.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CompletionEngine } from '../../../../src/core/completion/completionEngine';
import type { CompletionOutput, CompletionSettings } from '../../../../src/core/completion/completionTypes';
import type { Debouncer } from '../../../../src/core/completion/debounce';
import { AdaptiveDebounce, FixedDebounce, lineEndCue } from '../../../../src/core/completion/debounce';
import type { CompletionResult, FimRequest, ModelService } from '../../../../src/core/providers/modelService';
import { PacerError } from '../../../../src/core/common/errors';
import { FakeClock } from '../../../helpers/fakeClock';

const SETTINGS: CompletionSettings = {
  languages: { '*': true },
  model: 'deepseek-flash',
  maxTokens: 128,
  deadlineMs: 1500,
  contextFromOpenEditors: false,
};

class Model implements ModelService {
  readonly calls: Array<{ at: number; request: FimRequest }> = [];
  constructor(
    private readonly clock: FakeClock,
    public answer: (r: FimRequest) => string,
  ) {}
  async chat(): Promise<never> {
    throw new Error('not used');
  }
  complete(request: FimRequest, options: { signal?: AbortSignal } = {}): Promise<CompletionResult> {
    this.calls.push({ at: this.clock.now(), request });
    return new Promise((resolve, reject) => {
      const h = this.clock.setTimeout(
        () => resolve({ text: this.answer(request), providerId: 'p', model: 'm' }),
        200,
      );
      options.signal?.addEventListener('abort', () => {
        this.clock.clearTimeout(h);
        reject(new PacerError({ kind: 'cancelled', message: 'aborted' }));
      });
    });
  }
}

function setup(debouncer: Debouncer, text: string, answer: (r: FimRequest) => string = () => 'x') {
  const clock = new FakeClock();
  const model = new Model(clock, answer);
  const engine = new CompletionEngine({ models: model, clock, debouncer, settings: SETTINGS });
  let doc = text.replace('|', '');
  let offset = text.indexOf('|');
  let version = 1;
  let current: AbortController | undefined;
  const call = (): Promise<CompletionOutput | undefined> => {
    current?.abort();
    current = new AbortController();
    return engine.provide(
      { docKey: 'file:///a.ts', path: 'a.ts', languageId: 'typescript', text: doc, offset, version },
      current.signal,
    );
  };
  const type = (chars: string) => {
    doc = doc.slice(0, offset) + chars + doc.slice(offset);
    offset += chars.length;
    version++;
    return call();
  };
  return { clock, model, call, type };
}

// No rhythm learned yet: the adaptive debounce waits the middle of its bounds (210 ms).
const adaptive = () => new AdaptiveDebounce({ minMs: 20, maxMs: 400 });

describe('asking early where the user is likely to stop', () => {
  test('a line just finished with ; is asked for after the shortest wait', async () => {
    const { clock, model, type } = setup(adaptive(), 'let a = 1|\n');
    void type(';');
    await clock.advance(20);
    assert.equal(model.calls.length, 1, 'asked 20 ms after the ; (not 210)');
  });

  test('the same character in the middle of a line waits the learned time', async () => {
    const { clock, model, type } = setup(adaptive(), 'f(a|b)\n');
    void type(',');
    await clock.advance(100);
    assert.equal(model.calls.length, 0);
    await clock.advance(110);
    assert.equal(model.calls.length, 1);
  });

  test('right after a suggestion is accepted, the next one is asked for at once', async () => {
    const { clock, model, call, type } = setup(adaptive(), 'const total = |\n', (r) =>
      r.prompt.endsWith('= ') ? 'price * count' : 'ignored',
    );
    const first = call();
    await clock.advance(210 + 200);
    assert.equal((await first)?.text, 'price * count');
    // Tab: the whole suggestion lands at once; it ends in a word, not at a line-end character.
    void type('price * count');
    await clock.advance(20);
    assert.equal(model.calls.length, 2, 'asked 20 ms after the accept');
    assert.ok(model.calls[1]!.request.prompt.endsWith('price * count'));
  });

  test('a fixed debounce (the bench rows that are not Pacer) has no cues', async () => {
    const { clock, model, type } = setup(new FixedDebounce(350), 'let a = 1|\n');
    void type(';');
    await clock.advance(349);
    assert.equal(model.calls.length, 0);
    await clock.advance(1);
    assert.equal(model.calls.length, 1);
  });
});

describe('lineEndCue', () => {
  test('the end of a line after : { } ) ; , is a cue; elsewhere it is not', () => {
    for (const p of ['if x:', 'function f() {', '}', 'call(a)', 'x = 1;', '  a,'])
      assert.equal(lineEndCue(p, ''), 'lineEnd', p);
    for (const [p, s] of [
      ['x = 1;', ' y = 2;'],
      ['call(a', ''],
      ['x = 1; ', ''],
      ['name', ''],
      ['', ''],
    ] as const)
      assert.equal(lineEndCue(p, s), undefined, `${p}|${s}`);
  });
});

describe('cues are learned', () => {
  const train = (gapMs: number) => {
    const d = new AdaptiveDebounce({ minMs: 20, maxMs: 400, initialLatencyMs: 300 });
    let t = 0;
    for (let i = 0; i < 30; i++) {
      d.observeKey('doc', t, 'afterPunct', 'lineEnd');
      t += gapMs;
      d.observeKey('doc', t, 'lineStart');
      t += 150;
    }
    return d;
  };

  test('a user who types straight on after line ends gets no early request there', () => {
    assert.equal(train(200).cueDelayMs('lineEnd'), undefined);
  });

  test('a user who often stops at line ends gets one after the shortest wait', () => {
    assert.equal(train(1500).cueDelayMs('lineEnd'), 20);
  });

  test('with nothing learned yet, a cue is worth asking early', () => {
    assert.equal(new AdaptiveDebounce({ minMs: 20, maxMs: 400 }).cueDelayMs('accepted'), 20);
  });
});
