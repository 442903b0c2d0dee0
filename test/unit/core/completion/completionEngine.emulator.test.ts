// The completion engine against the DeepSeek emulator over real HTTP, through the real gate and
// openai SDK: FIM answers become suggestions, typing through one sends nothing, cancellation
// reaches the server, a 429 ends quietly. Also the typing benchmark's oracle behind the emulator.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { realClock } from '../../../../src/core/common/clock';
import { CompletionEngine } from '../../../../src/core/completion/completionEngine';
import type { CompletionInput } from '../../../../src/core/completion/completionTypes';
import { FixedDebounce } from '../../../../src/core/completion/debounce';
import { createDeepSeekEndpoint } from '../../../../src/core/providers/providerEndpoint';
import { createProviderService } from '../../../../src/core/providers/providerService';
import type { ProviderService } from '../../../../src/core/providers/providerService';
import type { Emulator } from '../../../../tools/emulator/server';
import { TypingOracle } from '../../../../tools/emulator/typingOracle';
import { fimClient, startFastEmulator } from '../../../helpers/emulator';

const MATH = readFileSync(new URL('../../../fixtures/workspace/src/math.ts', import.meta.url), 'utf8');

let emu: Emulator;
let service: ProviderService;
const warnings: string[] = [];

before(async () => {
  emu = await startFastEmulator();
  service = createProviderService(
    createDeepSeekEndpoint({ baseUrl: emu.url, getApiKey: async () => 'sk-test' }),
  );
});
after(async () => {
  service.dispose();
  await emu.close();
});
beforeEach(() => {
  emu.setFault({ kind: 'none' });
  emu.setOptions({ ttftMs: 20 });
  emu.resetStats();
  warnings.length = 0;
});

function engine(): CompletionEngine {
  return new CompletionEngine({
    models: service,
    clock: realClock,
    debouncer: new FixedDebounce(0),
    settings: {
      languages: { '*': true },
      exclude: ['**/.env*'],
      maxTokens: 64,
      deadlineMs: 1500,
      contextFromOpenEditors: false,
    },
    log: { debug: () => {}, warn: (m) => warnings.push(m) },
  });
}

/** math.ts with the rest of the line after `marker` removed, cursor at its end. */
function typedUpTo(marker: string): CompletionInput {
  const at = MATH.indexOf(marker) + marker.length;
  const eol = MATH.indexOf('\n', at);
  const text = MATH.slice(0, at) + MATH.slice(eol);
  return {
    docKey: 'file:///ws/src/math.ts',
    path: 'src/math.ts',
    languageId: 'typescript',
    text,
    offset: at,
  };
}

const fimCount = () => emu.stats().requestsByPath['/beta/completions'] ?? 0;

describe('engine over the emulator', () => {
  test('an answer from FIM, then typing through it sends no request', async () => {
    const e = engine();
    const input = typedUpTo('  return Math.');
    const first = await e.provide(input, new AbortController().signal);
    assert.deepEqual(first, { text: 'min(Math.max(value, min), max);', source: 'request' });
    assert.equal(fimCount(), 1);
    const prompt = emu.stats().lastRequests.at(-1)?.prompt ?? '';
    assert.ok(prompt.startsWith('// Path: src/math.ts\n// Language: typescript\n'), prompt.slice(0, 80));
    for (const typed of ['m', 'mi', 'min(']) {
      const text = input.text.slice(0, input.offset) + typed + input.text.slice(input.offset);
      const r = await e.provide(
        { ...input, text, offset: input.offset + typed.length },
        new AbortController().signal,
      );
      assert.equal(r?.source, 'typeahead');
      assert.equal(typed + r!.text, 'min(Math.max(value, min), max);');
    }
    assert.equal(fimCount(), 1);
  });

  test('an excluded file reaches no server', async () => {
    const e = engine();
    const r = await e.provide(
      { ...typedUpTo('  return Math.'), path: '.env.local' },
      new AbortController().signal,
    );
    assert.equal(r, undefined);
    assert.equal(emu.stats().requests, 0);
  });

  test('a cancelled completion is aborted on the wire', async () => {
    emu.setOptions({ ttftMs: 3000 });
    const e = engine();
    const ac = new AbortController();
    const started = Date.now();
    const p = e.provide(typedUpTo('  if (n < '), ac.signal);
    while (emu.stats().inFlight === 0 && Date.now() - started < 2000)
      await new Promise((r) => setTimeout(r, 10));
    assert.equal(emu.stats().inFlight, 1);
    ac.abort();
    assert.equal(await p, undefined);
    while (emu.stats().inFlight > 0 && Date.now() - started < 2500)
      await new Promise((r) => setTimeout(r, 10));
    assert.equal(emu.stats().inFlight, 0, 'the server saw the client go away');
    assert.ok(Date.now() - started < 2500, 'well before the answer was due');
    assert.equal(emu.stats().completed, 0);
  });

  test('with the emulator answering 429 the engine returns nothing, quickly, and logs it', async () => {
    emu.setFault({ kind: 'rateLimited' });
    const e = engine();
    const started = Date.now();
    const r = await e.provide(typedUpTo('  return fibonacci('), new AbortController().signal);
    assert.equal(r, undefined);
    assert.ok(Date.now() - started <= 2000, `took ${Date.now() - started} ms`);
    assert.ok(emu.stats().sent429 >= 1);
    assert.equal(warnings.length, 1);
    emu.setFault({ kind: 'none' });
  });
});

describe('typing oracle', () => {
  const files = ['lruCache.ts', 'textstats.py', 'ratelimit.go'].map((name) => ({
    path: `typing/${name}`,
    text: readFileSync(new URL(`../../../fixtures/typing/${name}`, import.meta.url), 'utf8'),
  }));

  test('answers the true rest of the line for about 35 % of positions, plausible misses otherwise', () => {
    const oracle = new TypingOracle(files, { seed: 7 });
    let truths = 0;
    let sharedStart = 0;
    let n = 0;
    for (let f = 0; f < files.length; f++) {
      const text = files[f]!.text;
      for (let pos = 200; pos < text.length; pos += 37) {
        const answer = oracle.answer('// Path: x\n' + text.slice(0, pos), '');
        const truth = oracle.truth(f, pos);
        n++;
        if (answer === truth) truths++;
        else if (answer.length > 2 && truth.startsWith(answer.slice(0, 2))) sharedStart++;
      }
    }
    assert.equal(oracle.stats.located, n);
    assert.ok(truths / n > 0.28 && truths / n < 0.42, `truth share ${(truths / n).toFixed(2)}`);
    assert.ok(sharedStart > 0, 'some misses start right and end wrong');
  });

  test('plugs into the emulator as its FIM source', async () => {
    const oracle = new TypingOracle(files, { accuracy: 1 });
    const e2 = await startFastEmulator({ fimAnswer: oracle.answer });
    try {
      const text = files[2]!.text;
      const pos = text.indexOf('missing := ') + 'missing := '.length;
      const res = await fimClient(e2).completions.create({
        model: 'deepseek-flash',
        prompt: text.slice(0, pos),
        suffix: '',
        max_tokens: 64,
      });
      assert.equal(res.choices[0]?.text, '1 - b.tokens');
    } finally {
      await e2.close();
    }
  });
});
