// The DeepSeek emulator's normal behaviour, seen through the real openai SDK: models, chat and FIM
// (streaming and not), usage with cache fields, thinking, validation errors, keys.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import OpenAI from 'openai';
import type { Emulator } from '../../../../tools/emulator/server';
import { FIXTURE_SOURCES, fixtureOracle, splitTokens } from '../../../../tools/emulator/content';
import { CACHE_UNIT_TOKENS, PrefixCache } from '../../../../tools/emulator/prefixCache';
import { chatBody, chatClient, fimClient, rawPost, startFastEmulator } from '../../../helpers/emulator';

const FIXTURES = new URL('../../../fixtures/workspace/src/', import.meta.url);

let emu: Emulator;
let client: OpenAI;
let fim: OpenAI;

before(async () => {
  emu = await startFastEmulator();
  client = chatClient(emu);
  fim = fimClient(emu);
});
after(() => emu.close());

describe('models', () => {
  test('lists the DeepSeek models in list format, also under /v1', async () => {
    const page = await client.models.list();
    const ids = page.data.map((m) => m.id);
    assert.deepEqual(ids, ['deepseek-flash', 'deepseek-v4-flash', 'deepseek-v4-pro']);
    assert.equal(page.data[0]!.object, 'model');
    assert.equal(page.data[0]!.owned_by, 'deepseek');
    const v1 = await new OpenAI({ baseURL: emu.url + '/v1', apiKey: 'sk-test', maxRetries: 0 }).models.list();
    assert.equal(v1.data.length, 3);
  });

  test('an unknown model gets a DeepSeek-style 400', async () => {
    const res = await rawPost(emu.url + '/chat/completions', { ...chatBody('hi'), model: 'deepseek-chat' });
    assert.equal(res.status, 400);
    assert.deepEqual(JSON.parse(res.text), {
      error: {
        message: 'Model Not Exist',
        type: 'invalid_request_error',
        param: null,
        code: 'invalid_request_error',
      },
    });
    await assert.rejects(
      client.chat.completions.create({ ...chatBody('hi'), model: 'gpt-4o' }),
      OpenAI.BadRequestError,
    );
  });
});

describe('chat', () => {
  test('non-streaming: markdown paragraph + fenced code, about answerTokens long, deterministic', async () => {
    const prompt = 'How do I debounce a function in TypeScript?';
    const a = await client.chat.completions.create(chatBody(prompt));
    const b = await client.chat.completions.create(chatBody(prompt));
    const content = a.choices[0]!.message.content!;
    assert.equal(a.object, 'chat.completion');
    assert.equal(a.choices[0]!.finish_reason, 'stop');
    assert.match(content, /^[^#\n][^\n]+\n\n```ts\n[\s\S]+\n```$/);
    assert.equal(content, b.choices[0]!.message.content);
    const tokens = splitTokens(content).length;
    assert.ok(tokens >= 50 && tokens <= 80, `about 60 tokens, got ${tokens}`);
    assert.equal(a.usage!.completion_tokens, tokens);
    const other = await client.chat.completions.create(chatBody('Explain closures in Python'));
    assert.match(other.choices[0]!.message.content!, /```python\n/);
  });

  test('streaming: chunks, [DONE], usage in the last chunk with cache fields', async () => {
    const raw = await rawPost(emu.url + '/chat/completions', {
      ...chatBody('stream me something'),
      stream: true,
    });
    assert.equal(raw.status, 200);
    assert.match(raw.headers.get('content-type')!, /^text\/event-stream/);
    assert.ok(raw.text.endsWith('data: [DONE]\n\n'));
    assert.ok(!raw.text.includes('"usage"'), 'no usage unless stream_options.include_usage');

    const stream = await client.chat.completions.create({
      ...chatBody('stream me something'),
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let chunks = 0;
    let last: OpenAI.Chat.Completions.ChatCompletionChunk | undefined;
    for await (const chunk of stream) {
      chunks++;
      assert.equal(chunk.object, 'chat.completion.chunk');
      text += chunk.choices[0]?.delta.content ?? '';
      last = chunk;
    }
    assert.ok(chunks > 10);
    assert.match(text, /```ts/);
    assert.equal(last!.choices[0]!.finish_reason, 'stop');
    const usage = last!.usage as OpenAI.CompletionUsage & {
      prompt_cache_hit_tokens: number;
      prompt_cache_miss_tokens: number;
    };
    assert.equal(usage.completion_tokens, splitTokens(text).length);
    assert.equal(usage.total_tokens, usage.prompt_tokens + usage.completion_tokens);
    assert.equal(usage.prompt_cache_hit_tokens + usage.prompt_cache_miss_tokens, usage.prompt_tokens);
  });

  test('a repeated long prompt hits the prefix cache in 64-token units', async () => {
    const system = 'You are a careful assistant. '.repeat(60); // ~1740 chars, ~435 tokens
    const body = {
      ...chatBody('first question'),
      messages: [
        { role: 'system' as const, content: system },
        { role: 'user' as const, content: 'first question' },
      ],
    };
    type CacheUsage = {
      prompt_cache_hit_tokens: number;
      prompt_cache_miss_tokens: number;
      prompt_tokens: number;
    };
    const first = (await client.chat.completions.create(body)).usage as unknown as CacheUsage;
    assert.equal(first.prompt_cache_hit_tokens, 0);
    assert.equal(first.prompt_cache_miss_tokens, first.prompt_tokens);
    const again = (await client.chat.completions.create(body)).usage as unknown as CacheUsage;
    assert.ok(again.prompt_cache_hit_tokens >= 384, `hits ${again.prompt_cache_hit_tokens}`);
    assert.equal(again.prompt_cache_hit_tokens % 64, 0);
    assert.equal(again.prompt_cache_hit_tokens + again.prompt_cache_miss_tokens, again.prompt_tokens);
    // Same system prompt, different question: the shared prefix still hits.
    body.messages[1] = { role: 'user', content: 'a different question' };
    const other = (await client.chat.completions.create(body)).usage as unknown as CacheUsage;
    assert.ok(other.prompt_cache_hit_tokens >= 384);
  });

  test('the prefix cache stays bounded, evicting the oldest units', () => {
    const cache = new PrefixCache(2);
    const text = 'y'.repeat(CACHE_UNIT_TOKENS * 4 * 4); // 4 units
    assert.equal(cache.lookupAndStore('m', text), 0);
    // Only the last 2 units survive; without unit 1 no prefix can hit.
    assert.equal(cache.lookupAndStore('m', text), 0);
    const small = new PrefixCache();
    small.lookupAndStore('m', text);
    assert.equal(small.lookupAndStore('m', text + 'tail'), 4 * CACHE_UNIT_TOKENS);
    assert.equal(small.lookupAndStore('other-model', text), 0);
  });

  test('thinking is on by default (reasoning_content first), off when disabled', async () => {
    const { thinking: _off, ...thinkingBody } = chatBody('Why is the sky blue?');
    const stream = await client.chat.completions.create({ ...thinkingBody, stream: true });
    const order: string[] = [];
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta as
        { content?: string | null; reasoning_content?: string | null } | undefined;
      if (delta?.reasoning_content) order.push('r');
      if (delta?.content) order.push('c');
    }
    const firstContent = order.indexOf('c');
    assert.ok(order[0] === 'r' && firstContent > 0, 'reasoning streams before content');
    assert.ok(!order.slice(firstContent).includes('r'), 'no reasoning after content started');

    const full = await client.chat.completions.create(thinkingBody);
    const msg = full.choices[0]!.message as { reasoning_content?: string };
    assert.ok(msg.reasoning_content && msg.reasoning_content.length > 10);
    assert.ok((full.usage!.completion_tokens_details?.reasoning_tokens ?? 0) > 0);

    const off = await client.chat.completions.create({ ...chatBody('Why is the sky blue?'), stream: true });
    for await (const chunk of off) {
      assert.equal((chunk.choices[0]?.delta as { reasoning_content?: string }).reasoning_content, undefined);
    }
  });

  test('chatScript answers verbatim; answerTokens and max_tokens change the length', async () => {
    emu.setOptions({
      chatScript: [{ match: 'magic word', answer: 'Scripted **answer**.\n\n```js\nx()\n```' }],
    });
    try {
      const res = await client.chat.completions.create(chatBody('say the magic word please'));
      assert.equal(res.choices[0]!.message.content, 'Scripted **answer**.\n\n```js\nx()\n```');
    } finally {
      emu.setOptions({ chatScript: undefined });
    }
    emu.setOptions({ answerTokens: 200 });
    try {
      const long = await client.chat.completions.create(chatBody('a long one'));
      const n = splitTokens(long.choices[0]!.message.content!).length;
      assert.ok(n >= 190 && n <= 230, `about 200 tokens, got ${n}`);
    } finally {
      emu.setOptions({ answerTokens: undefined });
    }
    const cut = await client.chat.completions.create(chatBody('a long one', { max_tokens: 5 }));
    assert.equal(cut.choices[0]!.finish_reason, 'length');
    assert.equal(cut.usage!.completion_tokens, 5);
  });

  test('time to first token and tokens per second are honoured', async () => {
    emu.setOptions({ ttftMs: 120, tokensPerSecond: 400, answerTokens: 40 });
    try {
      const raw = await rawPost(emu.url + '/chat/completions', { ...chatBody('timing'), stream: true });
      const first = raw.pieces.find((p) => p.text.includes('"content"'))!;
      const total = raw.pieces.at(-1)!.atMs;
      assert.ok(first.atMs >= 110, `first token after ${first.atMs} ms`);
      // ~40 tokens at 400/s = ~100 ms of generation after the first token. Only lower bounds:
      // a loaded machine makes everything later, never earlier.
      assert.ok(total >= 120 + 90, `whole answer after ${total} ms`);
    } finally {
      emu.setOptions({ ttftMs: 20, tokensPerSecond: 5000, answerTokens: undefined });
    }
  });
});

describe('FIM (/beta/completions)', () => {
  test('answers fixture positions with the code that is really there', async () => {
    const file = readFileSync(new URL('math.ts', FIXTURES), 'utf8');
    const cursor = file.indexOf('return fibonacci(n - 1)') + 'return fib'.length;
    const res = await fim.completions.create({
      model: 'deepseek-flash',
      prompt: file.slice(0, cursor),
      suffix: file.slice(cursor).replace(/^[^\n]*/, ''),
      max_tokens: 64,
    });
    assert.equal(res.object, 'text_completion');
    assert.equal(res.choices[0]!.text, 'onacci(n - 1) + fibonacci(n - 2);');
    const usage = res.usage as OpenAI.CompletionUsage & {
      prompt_cache_hit_tokens: number;
      prompt_cache_miss_tokens: number;
    };
    assert.equal(usage.prompt_cache_hit_tokens + usage.prompt_cache_miss_tokens, usage.prompt_tokens);
  });

  test('streams text_completion chunks for Python and Go positions', async () => {
    const py = readFileSync(new URL('greet.py', FIXTURES), 'utf8');
    const pyCursor = py.indexOf('def factorial(n: int) -> int:') + 'def factorial(n: int) -> int:'.length;
    const stream = await fim.completions.create({
      model: 'deepseek-flash',
      prompt: py.slice(0, pyCursor),
      suffix: '\n',
      max_tokens: 64,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let sawUsage = false;
    for await (const chunk of stream) {
      assert.equal(chunk.object, 'text_completion');
      text += chunk.choices[0]?.text ?? '';
      if (chunk.usage) sawUsage = true;
    }
    assert.equal(text, '\n    if n <= 1:');
    assert.ok(sawUsage);

    const go = readFileSync(new URL('server.go', FIXTURES), 'utf8');
    const goCursor = go.indexOf('\treturn strings.ToUpper') + '\treturn '.length;
    const goRes = await fim.completions.create({
      model: 'deepseek-flash',
      prompt: go.slice(0, goCursor),
      suffix: '\n}\n',
      max_tokens: 64,
    });
    assert.equal(goRes.choices[0]!.text, 'strings.ToUpper(s) + "!"');
  });

  test('an empty line after a known line gets the next line; unknown input gets a fitting default', () => {
    assert.equal(
      fixtureOracle.answer('def greet(name: str) -> str:\n    ', '\n'),
      'return f"Hello, {name}!"',
    );
    assert.equal(
      fixtureOracle.answer('export function add(a: number, b: number): number {\n', '\n}'),
      '  return a + b;',
    );
    assert.equal(fixtureOracle.answer('const zebra = 1;\n', ''), '// TODO: handle this case');
    assert.equal(
      fixtureOracle.answer('import os\n\ndef unknown_thing():\n    ', ''),
      '# TODO: handle this case',
    );
    assert.equal(fixtureOracle.answer('package main\n\nfunc main() {\n\tx := compute', '\n}'), ' // TODO');
    // The rest of the line after the cursor is not repeated.
    assert.equal(
      fixtureOracle.answer('export function add(a: number, b: number): number {\n  return a +', ';\n}'),
      ' b',
    );
  });

  test('every oracle line is in the fixture files (no drift)', () => {
    const files = ['math.ts', 'greet.py', 'server.go'].map((f) => readFileSync(new URL(f, FIXTURES), 'utf8'));
    for (const [i, src] of FIXTURE_SOURCES.entries()) {
      for (const line of src.text.split('\n'))
        assert.ok(files[i]!.split('\n').includes(line), `fixture lacks: ${line}`);
    }
  });

  test('rejects thinking enabled and max_tokens above 4096 with 400', async () => {
    const base = { model: 'deepseek-flash', prompt: 'x', suffix: '' };
    await assert.rejects(fim.completions.create({ ...base, max_tokens: 5000 }), (e: unknown) => {
      assert.ok(e instanceof OpenAI.BadRequestError);
      assert.match(e.message, /max_tokens/);
      return true;
    });
    await assert.rejects(
      fim.completions.create({
        ...base,
        max_tokens: 16,
        thinking: { type: 'enabled' },
      } as OpenAI.CompletionCreateParamsNonStreaming),
      OpenAI.BadRequestError,
    );
    const ok = await fim.completions.create({
      ...base,
      max_tokens: 16,
      thinking: { type: 'disabled' },
    } as OpenAI.CompletionCreateParamsNonStreaming);
    assert.equal(ok.choices.length, 1);
  });

  test('FIM lives under /beta only: a doubled or missing /beta is a 404', async () => {
    const missing = await rawPost(emu.url + '/completions', { model: 'deepseek-flash', prompt: 'x' });
    assert.equal(missing.status, 404);
    const doubled = await rawPost(emu.url + '/beta/beta/completions', {
      model: 'deepseek-flash',
      prompt: 'x',
    });
    assert.equal(doubled.status, 404);
  });
});

describe('keys and body validation', () => {
  test('requireKey: a wrong key gets 401 with the key masked like DeepSeek', async () => {
    emu.setOptions({ requireKey: 'sk-right-key' });
    try {
      await assert.rejects(
        chatClient(emu, 'sk-wrong-abcd').chat.completions.create(chatBody('hi')),
        (e: unknown) => {
          assert.ok(e instanceof OpenAI.AuthenticationError);
          assert.equal(e.status, 401);
          assert.equal(e.message, '401 Authentication Fails, Your api key: ****abcd is invalid');
          return true;
        },
      );
      const ok = await chatClient(emu, 'sk-right-key').chat.completions.create(chatBody('hi'));
      assert.ok(ok.choices[0]!.message.content);
    } finally {
      emu.setOptions({ requireKey: undefined });
    }
  });

  test('a body that is not JSON is a 400, a missing field a 422', async () => {
    const bad = await fetch(emu.url + '/chat/completions', { method: 'POST', body: '{oops' });
    assert.equal(bad.status, 400);
    await bad.text();
    const missing = await rawPost(emu.url + '/chat/completions', { model: 'deepseek-flash' });
    assert.equal(missing.status, 422);
    assert.match(JSON.parse(missing.text).error.message, /missing field `messages`/);
  });
});
