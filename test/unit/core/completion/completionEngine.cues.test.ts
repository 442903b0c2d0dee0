// #14: where the user is likely to stop (a line just finished, a suggestion just accepted), the
// engine asks after the debounce's shortest wait instead of its learned one, so ghost text is
// there soon after the pause begins. Whether a mark finishes a line is read from the lines above
// it. Strategies without cues (a fixed debounce) are unchanged.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CompletionEngine } from '../../../../src/core/completion/completionEngine';
import type { CompletionOutput, CompletionSettings } from '../../../../src/core/completion/completionTypes';
import type { Debouncer } from '../../../../src/core/completion/debounce';
import { AdaptiveDebounce, FixedDebounce } from '../../../../src/core/completion/debounce';
import type { CompletionResult, FimRequest, ModelService } from '../../../../src/core/providers/modelService';
import { PacerError } from '../../../../src/core/common/errors';
import { assertAskedAfter } from '../../../helpers/askedAfter';
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

// Five statements, each on its own line: in this document `;` ends lines.
const STATEMENTS = 'let a = 1;\nlet b = 2;\nlet c = 3;\nlet d = 4;\nlet e = 5;\n';

describe('asking early where the user is likely to stop', () => {
  test('a line just finished with ; is asked for after the shortest wait', async () => {
    const { clock, model, type } = setup(adaptive(), `${STATEMENTS}let f = 6|`);
    void type(';');
    await clock.advance(20);
    assert.equal(model.calls.length, 1, 'asked 20 ms after the ; (not 210)');
  });

  test('a mark that never ends a line in this document waits the learned time', async () => {
    // Here `,` only separates arguments: typing one at the end of the document is no line end.
    const calls = 'f(a, b);\nf(c, d);\nf(e, g);\nf(h, i);\nf(j, k);\n';
    const { clock, model, type } = setup(adaptive(), `${calls}f(l|`);
    void type(',');
    await assertAskedAfter(clock, () => model.calls.length, 210);
  });

  test('a , that ends the lines of this document (one item a line) is asked for early', async () => {
    const list = 'const xs = [\n  1,\n  2,\n  3,\n  4,\n  5,\n';
    const { clock, model, type } = setup(adaptive(), `${list}  6|`);
    void type(',');
    await clock.advance(20);
    assert.equal(model.calls.length, 1);
  });

  test('the same character in the middle of a line waits the learned time', async () => {
    const { clock, model, type } = setup(adaptive(), 'f(a|b)\n');
    void type(',');
    await assertAskedAfter(clock, () => model.calls.length, 210);
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
    const { clock, model, type } = setup(new FixedDebounce(350), `${STATEMENTS}let f = 6|`);
    void type(';');
    await assertAskedAfter(clock, () => model.calls.length, 350);
  });
});

describe('cues are learned', () => {
  // 30 lines: the last key of each, a gap, then the line break (a key on the next line).
  const train = (gapMs: number) => {
    const d = new AdaptiveDebounce({ minMs: 20, maxMs: 400, initialLatencyMs: 300 });
    let t = 0;
    for (let line = 0; line < 30; line++) {
      d.observeKey('doc', t, 'afterPunct', undefined, line * 20);
      t += gapMs;
      d.observeKey('doc', t, 'lineStart', undefined, (line + 1) * 20);
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

  test('where the text makes a line end unlikely, even such a user gets none', () => {
    assert.equal(train(1500).cueDelayMs('lineEnd', 0.9), 20);
    assert.equal(train(1500).cueDelayMs('lineEnd', 0.3), undefined);
  });

  test('only the gap before a new line counts as a line end, not long gaps within a line', () => {
    const d = new AdaptiveDebounce({ minMs: 20, maxMs: 400, initialLatencyMs: 300 });
    // Long gaps inside one line, then quick line breaks: the line ends are where it types on.
    let t = 0;
    for (let line = 0; line < 30; line++) {
      d.observeKey('doc', t, 'afterPunct', undefined, line * 20);
      t += 1500;
      d.observeKey('doc', t, 'word', undefined, line * 20);
      t += 150;
      d.observeKey('doc', t, 'lineStart', undefined, (line + 1) * 20);
      t += 150;
    }
    assert.equal(d.cueDelayMs('lineEnd'), undefined);
  });

  test('with nothing learned yet, a cue is worth asking early', () => {
    assert.equal(new AdaptiveDebounce({ minMs: 20, maxMs: 400 }).cueDelayMs('accepted'), 20);
  });
});
