// The CompletionEngine on a fake clock with a scripted model: debounce, reuse (typeahead, in
// flight, cache), privacy (languages, exclusions, context), errors and cancellation.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CompletionEngine } from '../../../../src/core/completion/completionEngine';
import type {
  CompletionInput,
  CompletionOutput,
  CompletionSettings,
  EngineEvent,
} from '../../../../src/core/completion/completionTypes';
import { AdaptiveDebounce, FixedDebounce } from '../../../../src/core/completion/debounce';
import { createExclusionMatcher } from '../../../../src/core/completion/exclusions';
import { PacerError } from '../../../../src/core/common/errors';
import type { CompletionResult, FimRequest, ModelService } from '../../../../src/core/providers/modelService';
import { FakeClock } from '../../../helpers/fakeClock';

const SETTINGS: CompletionSettings = {
  languages: { '*': true, plaintext: false },
  exclude: ['**/.env*', '**/secrets/**'],
  model: 'deepseek-flash',
  maxTokens: 128,
  deadlineMs: 1500,
  contextFromOpenEditors: true,
};

interface Call {
  request: FimRequest;
  signal?: AbortSignal;
}

/** A model that answers after `latencyMs` on the fake clock, honouring the abort signal. */
class ScriptedModel implements ModelService {
  readonly calls: Call[] = [];
  constructor(
    private readonly clock: FakeClock,
    public answer: (r: FimRequest) => string | PacerError,
    public latencyMs = 200,
  ) {}
  async chat(): Promise<never> {
    throw new Error('not used');
  }
  complete(request: FimRequest, options: { signal?: AbortSignal } = {}): Promise<CompletionResult> {
    this.calls.push({ request, signal: options.signal });
    return new Promise((resolve, reject) => {
      const h = this.clock.setTimeout(() => {
        const a = this.answer(request);
        if (a instanceof PacerError) reject(a);
        else resolve({ text: a, providerId: 'scripted', model: 'm' });
      }, this.latencyMs);
      options.signal?.addEventListener('abort', () => {
        this.clock.clearTimeout(h);
        reject(new PacerError({ kind: 'cancelled', message: 'aborted' }));
      });
    });
  }
}

/** Plays an editor: each keystroke cancels the previous call's token, then calls the engine. */
class Editor {
  text: string;
  offset: number;
  version = 1;
  private current: AbortController | undefined;
  readonly results: (CompletionOutput | undefined)[] = [];
  constructor(
    private readonly engine: CompletionEngine,
    text: string,
    readonly path = 'src/app.ts',
    readonly languageId = 'typescript',
    public otherDocs?: CompletionInput['otherDocs'],
  ) {
    const at = text.indexOf('|');
    this.text = text.replace('|', '');
    this.offset = at;
  }
  call(explicit = false): Promise<CompletionOutput | undefined> {
    this.current?.abort();
    const ac = new AbortController();
    this.current = ac;
    const p = this.engine.provide(
      {
        docKey: 'file:///' + this.path,
        path: this.path,
        languageId: this.languageId,
        text: this.text,
        offset: this.offset,
        version: this.version,
        explicit,
        otherDocs: this.otherDocs,
      },
      ac.signal,
    );
    void p.then((r) => this.results.push(r));
    return p;
  }
  type(chars: string): Promise<CompletionOutput | undefined> {
    this.text = this.text.slice(0, this.offset) + chars + this.text.slice(this.offset);
    this.offset += chars.length;
    this.version++;
    return this.call();
  }
  backspace(): Promise<CompletionOutput | undefined> {
    this.text = this.text.slice(0, this.offset - 1) + this.text.slice(this.offset);
    this.offset--;
    this.version++;
    return this.call();
  }
}

function setup(answer: (r: FimRequest) => string | PacerError = () => 'return a + b;', debounceMs = 100) {
  const clock = new FakeClock();
  const model = new ScriptedModel(clock, answer);
  const events: EngineEvent[] = [];
  const warnings: string[] = [];
  const engine = new CompletionEngine({
    models: model,
    clock,
    debouncer: new FixedDebounce(debounceMs),
    settings: SETTINGS,
    log: { debug: () => {}, warn: (m) => warnings.push(m) },
    onEvent: (e) => events.push(e),
  });
  return { clock, model, engine, events, warnings };
}

const DOC = 'export function add(a: number, b: number): number {\n  |\n}\n';

describe('debounce and request', () => {
  test('asks once the debounce has passed, with the path and language first', async () => {
    const { clock, model, engine } = setup();
    const ed = new Editor(engine, DOC);
    const result = ed.call();
    await clock.advance(99);
    assert.equal(model.calls.length, 0);
    await clock.advance(1);
    assert.equal(model.calls.length, 1);
    const { request } = model.calls[0]!;
    assert.ok(request.prompt.startsWith('// Path: src/app.ts\n// Language: typescript\n'));
    assert.ok(request.prompt.endsWith('number {\n  '));
    assert.equal(request.suffix, '\n}\n');
    await clock.advance(200);
    assert.deepEqual(await result, { text: 'return a + b;', source: 'request' });
  });

  test('a keystroke within the debounce sends nothing for the older position', async () => {
    const { clock, model, engine } = setup();
    const ed = new Editor(engine, DOC);
    const first = ed.call();
    await clock.advance(50);
    void ed.type('r');
    assert.equal(await first, undefined);
    await clock.advance(100);
    assert.equal(model.calls.length, 1);
    assert.ok(model.calls[0]!.request.prompt.endsWith('  r'));
  });

  test('an explicit request skips the debounce', async () => {
    const { clock, model, engine } = setup();
    const ed = new Editor(engine, DOC);
    void ed.call(true);
    await clock.advance(0);
    assert.equal(model.calls.length, 1);
  });

  test('an adaptive debounce learns the rhythm from the calls it gets', async () => {
    const clock = new FakeClock();
    const model = new ScriptedModel(clock, () => 'x');
    const debouncer = new AdaptiveDebounce({ minMs: 20, maxMs: 400 });
    const engine = new CompletionEngine({ models: model, clock, debouncer, settings: SETTINGS });
    const ed = new Editor(engine, 'const s = "|";');
    assert.equal(debouncer.delayMs('word'), 210, 'no history yet: the middle of the bounds');
    for (let i = 0; i < 40; i++) {
      void ed.type('a');
      // Steady 120 ms gaps inside a word, and every 8th a 2 s pause.
      await clock.advance(i % 8 === 7 ? 2000 : 120);
    }
    // A pause is anything longer than the usual gap: the wait is just past 120 ms.
    assert.equal(debouncer.delayMs('word'), 121);
    // Requests went out in the pauses only (5 of them), none between steady keystrokes.
    assert.equal(model.calls.length, 5);
  });
});

describe('answers without a new request', () => {
  test('typeahead: typing what the suggestion says serves its rest', async () => {
    const { clock, model, engine, events } = setup();
    const ed = new Editor(engine, DOC);
    void ed.call();
    await clock.advance(300);
    for (const ch of 'retu') {
      const r = await ed.type(ch);
      assert.equal(r?.source, 'typeahead');
    }
    assert.equal(ed.results.at(-1)?.text, 'rn a + b;');
    await clock.advance(1000);
    assert.equal(model.calls.length, 1);
    assert.equal(events.filter((e) => e.type === 'served' && e.source === 'typeahead').length, 4);
  });

  test('in flight: typing while the request is on its way reuses it', async () => {
    const { clock, model, engine } = setup();
    const ed = new Editor(engine, DOC);
    void ed.call();
    await clock.advance(150); // request sent at 100, answer due at 300
    void ed.type('r');
    await clock.advance(60);
    void ed.type('e');
    await clock.advance(200);
    assert.equal(model.calls.length, 1);
    assert.equal(model.calls[0]!.signal?.aborted, false);
    assert.deepEqual(ed.results.at(-1), { text: 'turn a + b;', source: 'inflight' });
  });

  test('in flight, but the answer does not fit what was typed: one more request', async () => {
    const { clock, model, engine } = setup((r) => (r.prompt.endsWith('x') ? 'yz;' : 'return a + b;'));
    const ed = new Editor(engine, DOC);
    void ed.call();
    await clock.advance(150);
    void ed.type('x');
    await clock.advance(500);
    assert.equal(model.calls.length, 2);
    assert.deepEqual(ed.results.at(-1), { text: 'yz;', source: 'request' });
  });

  test('cache: backspace and retype is served from recent answers', async () => {
    const { clock, model, engine } = setup((r) => (r.prompt.endsWith('q') ? 'uit();' : 'return a + b;'));
    const ed = new Editor(engine, DOC);
    void ed.call();
    await clock.advance(300);
    void ed.type('q');
    await clock.advance(300);
    assert.equal(model.calls.length, 2);
    const back = await ed.backspace();
    assert.deepEqual(back, { text: 'return a + b;', source: 'cache' });
    assert.equal(model.calls.length, 2);
  });

  test('a recent empty answer at the same place is not asked again', async () => {
    const { clock, model, engine } = setup(() => '   ');
    const ed = new Editor(engine, DOC);
    void ed.call();
    await clock.advance(300);
    assert.equal(ed.results.at(-1), undefined);
    void ed.call();
    await clock.advance(300);
    assert.equal(model.calls.length, 1);
  });
});

describe('privacy', () => {
  test('excluded files and languages that are off send nothing', async () => {
    const { clock, model, engine, events } = setup();
    for (const [path, lang] of [
      ['.env.local', 'dotenv'],
      ['config/secrets/prod.ts', 'typescript'],
      ['notes.txt', 'plaintext'],
    ] as const) {
      const ed = new Editor(engine, DOC, path, lang);
      void ed.call(true);
    }
    await clock.advance(1000);
    assert.equal(model.calls.length, 0);
    assert.deepEqual(
      events.filter((e) => e.type === 'skipped').map((e) => (e as { reason: string }).reason),
      ['excluded', 'excluded', 'language'],
    );
  });

  test('excluded open editors never reach the prompt as context', async () => {
    const { clock, model, engine } = setup();
    const other = (path: string, secret: string) => ({
      path,
      languageId: 'typescript',
      text: `export function add(a: number, b: number): number {\n  return a + b; // ${secret}\n}\n`,
    });
    const ed = new Editor(engine, DOC, 'src/app.ts', 'typescript', () => [
      other('src/helpers.ts', 'HELPER_MARK'),
      other('.env', 'API_KEY_LEAK'),
      other('deploy/secrets/add.ts', 'SECRET_LEAK'),
    ]);
    void ed.call();
    await clock.advance(400);
    const prompt = model.calls[0]!.request.prompt;
    assert.ok(prompt.includes('HELPER_MARK'), 'allowed editor used as context');
    assert.ok(!prompt.includes('LEAK'), 'excluded editors left out');
    assert.ok(prompt.indexOf('Compare this snippet') > prompt.indexOf('// Language: typescript'));
  });

  test('a context source that does not answer in time is left out', async () => {
    const { clock, model, engine } = setup();
    const ed = new Editor(engine, DOC, 'src/app.ts', 'typescript', () => new Promise(() => {}));
    void ed.call();
    await clock.advance(100 + 99);
    assert.equal(model.calls.length, 0);
    await clock.advance(1);
    assert.equal(model.calls.length, 1);
  });
});

describe('faults and cancellation', () => {
  test('a 429 never throws: nothing is shown and the log says it once', async () => {
    const { clock, engine, warnings, events } = setup(
      () =>
        new PacerError({
          kind: 'rateLimited',
          message: 'DeepSeek is rate-limiting requests',
          providerId: 'deepseek',
          status: 429,
        }),
    );
    const ed = new Editor(engine, DOC);
    void ed.call();
    await clock.advance(300);
    void ed.type('x');
    await clock.advance(300);
    assert.deepEqual(ed.results, [undefined, undefined]);
    assert.equal(events.filter((e) => e.type === 'error').length, 2);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /rateLimited/);
  });

  test('completions resume by themselves after the fault clears', async () => {
    let failing = true;
    const { clock, engine } = setup(() =>
      failing ? new PacerError({ kind: 'server', message: '503' }) : 'ok();',
    );
    const ed = new Editor(engine, DOC);
    void ed.call();
    await clock.advance(300);
    failing = false;
    void ed.type('d');
    await clock.advance(300);
    assert.deepEqual(ed.results.at(-1), { text: 'ok();', source: 'request' });
  });

  test('a cancelled call aborts its request when no keystroke adopts it', async () => {
    const { clock, model, engine } = setup();
    model.latencyMs = 5000;
    const ed = new Editor(engine, DOC);
    const ac = new AbortController();
    const p = engine.provide(
      { docKey: 'd', path: 'src/app.ts', languageId: 'typescript', text: ed.text, offset: ed.offset },
      ac.signal,
    );
    await clock.advance(150);
    assert.equal(model.calls.length, 1);
    ac.abort();
    assert.equal(await p, undefined);
    await clock.advance(149);
    assert.equal(model.calls[0]!.signal?.aborted, false, 'kept for a keystroke that may adopt it');
    await clock.advance(2);
    assert.equal(model.calls[0]!.signal?.aborted, true);
  });

  test('a keystroke to another position supersedes the request at once', async () => {
    const { clock, model, engine } = setup();
    model.latencyMs = 5000;
    const ed = new Editor(engine, DOC);
    void ed.call();
    await clock.advance(150);
    void ed.backspace();
    await clock.advance(0);
    assert.equal(model.calls[0]!.signal?.aborted, true);
  });
});

describe('never sends an excluded file: the open-editor snippet memo', () => {
  const helper = (mark: string, key = 'file:///src/helpers.ts') => ({
    key,
    path: 'src/helpers.ts',
    languageId: 'typescript',
    text: `export function add(a: number, b: number): number {\n  return a + b; // ${mark}\n}\n`,
  });

  /** Two requests on the same block of lines (same memo entry), with `between` run in between. */
  async function twoRequests(
    docs: () => ReturnType<typeof helper>[],
    between: (engine: CompletionEngine) => void,
    exclusionsFor?: (docKey: string) => ReturnType<typeof createExclusionMatcher>,
  ): Promise<string[]> {
    const clock = new FakeClock();
    const model = new ScriptedModel(clock, () => 'zzz');
    const engine = new CompletionEngine({
      models: model,
      clock,
      debouncer: new FixedDebounce(100),
      settings: SETTINGS,
      ...(exclusionsFor ? { exclusionsFor } : {}),
    });
    const ed = new Editor(engine, DOC, 'src/app.ts', 'typescript', docs);
    void ed.call();
    await clock.advance(400);
    between(engine);
    void ed.type('r');
    await clock.advance(400);
    assert.equal(model.calls.length, 2);
    return model.calls.map((c) => c.request.prompt);
  }

  test('a file excluded since the last request is not sent again (settings change)', async () => {
    const [first, second] = await twoRequests(
      () => [helper('HELPER_MARK')],
      (engine) => engine.configure({ ...SETTINGS, exclude: [...(SETTINGS.exclude ?? []), '**/helpers.ts'] }),
    );
    assert.ok(first!.includes('HELPER_MARK'), 'sent before the exclusion (the check can fail)');
    assert.ok(!second!.includes('HELPER_MARK'), 'not sent after it');
  });

  test("a file excluded since by its folder's settings is not sent again", async () => {
    let scoped = createExclusionMatcher([]);
    const [first, second] = await twoRequests(
      () => [helper('HELPER_MARK')],
      () => (scoped = createExclusionMatcher(['helpers.ts'])),
      () => scoped,
    );
    assert.ok(first!.includes('HELPER_MARK'));
    assert.ok(!second!.includes('HELPER_MARK'));
  });

  test('a closed file is not sent again', async () => {
    let open = [helper('HELPER_MARK')];
    const [first, second] = await twoRequests(
      () => open,
      () => (open = []),
    );
    assert.ok(first!.includes('HELPER_MARK'));
    assert.ok(!second!.includes('HELPER_MARK'));
  });

  test('text deleted from an open file, or remembered before the cache was cleared, is not sent again', async () => {
    let open = [helper('OLD_MARK')];
    const [first, second] = await twoRequests(
      () => open,
      (engine) => {
        open = [helper('NEW_MARK')];
        engine.clearCache();
      },
    );
    assert.ok(first!.includes('OLD_MARK'));
    assert.ok(!second!.includes('OLD_MARK'), 'the old text is gone');
    assert.ok(second!.includes('NEW_MARK'), 'the file is still context');
  });
});
