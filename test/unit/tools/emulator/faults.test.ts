// Faults switched at run time, as the openai SDK sees them, plus the HTTP control endpoint, clean
// shutdown and the CLI.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import net from 'node:net';
import OpenAI from 'openai';
import { startEmulator } from '../../../../tools/emulator/server';
import type { Emulator, EmulatorStats, Fault } from '../../../../tools/emulator/server';
import { chatBody, chatClient, fimClient, rawPost, startFastEmulator } from '../../../helpers/emulator';
import { waiter } from '../../../helpers/waitFor';

let emu: Emulator;
let client: OpenAI;

before(async () => {
  emu = await startFastEmulator();
  client = chatClient(emu);
});
after(() => emu.close());
beforeEach(() => {
  emu.setFault({ kind: 'none' });
  emu.setOptions({ concurrencyCap: undefined });
  emu.resetStats();
});

const ask = (prompt = 'hello') => client.chat.completions.create(chatBody(prompt));

async function streamText(prompt: string, signal?: AbortSignal): Promise<{ text: string; chunks: number }> {
  const stream = await client.chat.completions.create({ ...chatBody(prompt), stream: true }, { signal });
  let text = '';
  let chunks = 0;
  for await (const chunk of stream) {
    chunks++;
    text += chunk.choices[0]?.delta.content ?? '';
  }
  return { text, chunks };
}

function connectOutcome(port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve('connected');
    });
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}

describe('error faults map to the SDK error classes', () => {
  const cases: {
    kind: Fault['kind'];
    status: number;
    cls: new (...a: never[]) => InstanceType<typeof OpenAI.APIError>;
    message: RegExp;
  }[] = [
    {
      kind: 'unauthorized',
      status: 401,
      cls: OpenAI.AuthenticationError,
      message: /Authentication Fails, Your api key: \*\*\*\*test is invalid/,
    },
    { kind: 'noBalance', status: 402, cls: OpenAI.APIError, message: /Insufficient Balance/ },
    { kind: 'badRequest', status: 400, cls: OpenAI.BadRequestError, message: /Invalid request body format/ },
    {
      kind: 'unprocessable',
      status: 422,
      cls: OpenAI.UnprocessableEntityError,
      message: /Invalid parameters/,
    },
    { kind: 'serverError', status: 500, cls: OpenAI.InternalServerError, message: /Server Error/ },
    { kind: 'overloaded', status: 503, cls: OpenAI.InternalServerError, message: /Server overloaded/ },
    {
      kind: 'rateLimited',
      status: 429,
      cls: OpenAI.RateLimitError,
      message: /Too many requests\. .*Your current concurrency: 0\./,
    },
  ];
  for (const c of cases) {
    test(`${c.kind} -> ${c.status} ${c.cls.name}`, async () => {
      emu.setFault({ kind: c.kind });
      await assert.rejects(ask(), (e: unknown) => {
        assert.ok(e instanceof c.cls, `got ${String(e)}`);
        assert.equal(e.status, c.status);
        assert.match(e.message, c.message);
        if (c.status === 402) {
          // 402 has no SDK subclass: callers must look at the status.
          assert.ok(!(e instanceof OpenAI.BadRequestError || e instanceof OpenAI.InternalServerError));
        }
        return true;
      });
      assert.equal(emu.stats().faultsInjected, 1);
      assert.equal(emu.stats().lastRequests.at(-1)!.status, c.status);
    });
  }
});

describe('connection faults', () => {
  test('refuse: connections are refused until cleared, then the same port answers again', async () => {
    const port = emu.port;
    emu.setFault({ kind: 'refuse' });
    assert.equal(await connectOutcome(port), 'ECONNREFUSED');
    await assert.rejects(ask(), OpenAI.APIConnectionError);
    emu.setFault({ kind: 'none' });
    assert.equal(emu.port, port);
    assert.ok((await ask()).choices[0]!.message.content);
  });

  test('refuse with forMs re-listens by itself', async () => {
    const t0 = Date.now();
    emu.setFault({ kind: 'refuse', forMs: 800 });
    await assert.rejects(ask(), OpenAI.APIConnectionError);
    await waitFor(async () => (await connectOutcome(emu.port)) === 'connected');
    assert.ok(Date.now() - t0 >= 790);
    assert.ok((await ask()).choices[0]!.message.content);
  });

  test('reset: socket destroyed before any response -> APIConnectionError', async () => {
    emu.setFault({ kind: 'reset', count: 1 });
    await assert.rejects(ask(), OpenAI.APIConnectionError);
    assert.equal(emu.stats().lastRequests.at(-1)!.status, 0);
  });

  test('resetMidStream: chunks arrive, then iterating the stream throws', async () => {
    emu.setFault({ kind: 'resetMidStream', afterChunks: 3 });
    let chunks = 0;
    await assert.rejects(async () => {
      const stream = await client.chat.completions.create({ ...chatBody('cut me off'), stream: true });
      for await (const _chunk of stream) chunks++;
    });
    assert.equal(chunks, 3);
    // Non-streaming: half a body, then the connection dies.
    await assert.rejects(ask());
  });

  test('stall: headers, then nothing but keep-alives until the client aborts', async () => {
    emu.setFault({ kind: 'stall' });
    const ac = new AbortController();
    const t0 = Date.now();
    const timer = setTimeout(() => ac.abort(), 300);
    let chunks = -1;
    try {
      chunks = (await streamText('stall', ac.signal)).chunks;
    } catch (e) {
      assert.ok(e instanceof OpenAI.APIUserAbortError, String(e));
      chunks = 0;
    } finally {
      clearTimeout(timer);
    }
    assert.equal(chunks, 0);
    assert.ok(Date.now() - t0 >= 290);
    // The server noticed the client leaving: nothing left in flight.
    await waitFor(() => emu.stats().inFlight === 0);
    const raw = await readUntil(
      emu.url + '/chat/completions',
      { ...chatBody('stall raw'), stream: true },
      (t) => t.includes(': keep-alive\n\n'),
    );
    assert.match(raw, /^(: keep-alive\n\n)+$/);
  });

  test('malformed: a broken data line mid-stream makes iteration throw', async () => {
    emu.setFault({ kind: 'malformed', afterChunks: 1 });
    await assert.rejects(streamText('malformed'));
    await assert.rejects(ask(), (e: unknown) => e instanceof Error);
  });
});

describe('answers that are not the API: portal pages, oversized bodies and lines, redirects', () => {
  const raw = (path: string, init: RequestInit = {}) =>
    fetch(emu.url + path, { redirect: 'manual', ...init, headers: { authorization: 'Bearer sk-test' } });
  const post = (path: string, body: unknown) => raw(path, { method: 'POST', body: JSON.stringify(body) });
  const fimBody = { model: 'deepseek-flash', prompt: 'function f() {', suffix: '}', max_tokens: 8 };

  test('html: a 200 captive-portal page on /models and on inference routes', async () => {
    emu.setFault({ kind: 'html' });
    for (const res of [
      await raw('/models'),
      await post('/chat/completions', chatBody('hi')),
      await post('/v1/chat/completions', { ...chatBody('hi'), stream: true }),
      await post('/beta/completions', fimBody),
    ]) {
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
      assert.match(await res.text(), /<title>Sign in to Guest Wi-Fi<\/title>/);
    }
    // What makes it dangerous: the SDK takes the page for an (empty) model list.
    const page = await client.models.list();
    assert.deepEqual(page.data, []);
    assert.equal(emu.stats().lastRequests.at(-1)!.status, 200);
  });

  test('oversizedBody: a valid model list or answer of the given size, streamed with backpressure', async () => {
    emu.setFault({ kind: 'oversizedBody', bytes: 2_000_000 });
    const list = (await (await raw('/models')).json()) as { object: string; data: { id: string }[] };
    assert.equal(list.object, 'list');
    assert.ok(list.data.length > 20_000, `${list.data.length} models`);
    assert.ok(list.data.some((m) => m.id === 'deepseek-flash'));
    const fim = (await (await post('/beta/completions', fimBody)).json()) as { choices: { text: string }[] };
    assert.equal(fim.choices[0]!.text.length, 2_000_000);
    const chat = (await (await post('/chat/completions', chatBody('big'))).json()) as {
      choices: { message: { content: string } }[];
    };
    assert.equal(chat.choices[0]!.message.content.length, 2_000_000);
  });

  test('oversizedError: an error status whose JSON body is the given size', async () => {
    emu.setFault({ kind: 'oversizedError', bytes: 300_000, count: 1 });
    const res = await post('/chat/completions', chatBody('x'));
    assert.equal(res.status, 500);
    const body = (await res.json()) as { error: { message: string; code: string } };
    assert.ok(body.error.message.length >= 300_000);
    assert.equal(body.error.code, 'server_error');
  });

  test('oversizedLine: one SSE data line of the given size, then a normal end', async () => {
    emu.setFault({ kind: 'oversizedLine', bytes: 1_500_000 });
    const text = await (await post('/chat/completions', { ...chatBody('x'), stream: true })).text();
    const lines = text.split('\n').filter((l) => l.startsWith('data: '));
    assert.ok(lines[0]!.length > 1_500_000);
    assert.equal(
      (JSON.parse(lines[0]!.slice(6)) as { choices: { delta: { content: string } }[] }).choices[0]!.delta
        .content.length,
      1_500_000,
    );
    assert.equal(lines.at(-1), 'data: [DONE]');
    // Not streaming: an oversized JSON answer instead.
    const json = await (await post('/chat/completions', chatBody('x'))).json();
    assert.ok(JSON.stringify(json).length > 1_500_000);
  });

  test('a 50 MB body stops as soon as the client goes away', async () => {
    emu.setFault({ kind: 'oversizedBody' });
    const t0 = Date.now();
    const res = await post('/beta/completions', fimBody);
    let read = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      read += chunk.length;
      if (read > 1_000_000) break; // cancels the body: the connection closes
    }
    assert.ok(read < 5_000_000, `${read} bytes read`);
    emu.setFault({ kind: 'none' });
    // The emulator is not stuck writing the rest: it answers at once.
    await ask();
    assert.ok(Date.now() - t0 < 2000, `${Date.now() - t0} ms`);
  });

  test('redirect: a 307 to another origin (the other loopback name by default, or redirectTo)', async () => {
    emu.setFault({ kind: 'redirect' });
    const models = await raw('/v1/models');
    assert.equal(models.status, 307);
    assert.equal(models.headers.get('location'), `http://localhost:${emu.port}/v1/models`);
    emu.setFault({ kind: 'redirect', redirectTo: 'http://127.0.0.1:9/x' });
    const chat = await post('/chat/completions', chatBody('where to?'));
    assert.equal(chat.status, 307);
    assert.equal(chat.headers.get('location'), 'http://127.0.0.1:9/chat/completions');
    assert.equal(emu.stats().lastRequests.at(-1)!.status, 307);
  });

  test('the new kinds are accepted over the control endpoint', async () => {
    const res = await fetch(emu.url + '/_emulator/fault', {
      method: 'POST',
      body: JSON.stringify({ kind: 'oversizedLine', bytes: 10, count: 1 }),
    });
    assert.equal(res.status, 200);
    const text = await (await post('/chat/completions', { ...chatBody('x'), stream: true })).text();
    assert.match(text, /"content":"x{10}"/);
  });
});

describe('fault scope', () => {
  test('count: the fault hits that many requests, then clears itself', async () => {
    emu.setFault({ kind: 'overloaded', count: 2 });
    await assert.rejects(ask(), OpenAI.InternalServerError);
    await assert.rejects(ask(), OpenAI.InternalServerError);
    assert.ok((await ask()).choices[0]!.message.content);
    assert.equal(emu.stats().faultsInjected, 2);
  });

  test('paths: only the listed paths fail (with or without /v1)', async () => {
    emu.setFault({ kind: 'serverError', paths: ['/v1/beta/completions'] });
    assert.ok((await ask()).choices[0]!.message.content);
    const fim = fimClient(emu);
    await assert.rejects(
      fim.completions.create({ model: 'deepseek-flash', prompt: 'x', max_tokens: 8 }),
      OpenAI.InternalServerError,
    );
    assert.equal(emu.stats().faultsInjected, 1);
  });

  test('forMs: any fault can expire by itself', async () => {
    const t0 = Date.now();
    emu.setFault({ kind: 'serverError', forMs: 800 });
    await assert.rejects(ask(), OpenAI.InternalServerError);
    await waitFor(() =>
      ask().then(
        () => true,
        () => false,
      ),
    );
    assert.ok(Date.now() - t0 >= 790);
  });
});

describe('control endpoint over HTTP', () => {
  const control = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(emu.url + '/_emulator/' + path, {
      method,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  test('options, fault, stats and reset', async () => {
    const opts = await control('POST', 'options', { concurrencyCap: 1, busyMs: 60_000 });
    assert.equal(opts.status, 200);
    assert.equal(opts.body.concurrencyCap, 1);
    const slow = ask('slow');
    await waitFor(() => emu.stats().inFlight === 1);
    await assert.rejects(ask(), OpenAI.RateLimitError);
    await control('POST', 'options', { busyMs: 0 }); // releases the held request
    await slow;
    const uncapped = await control('POST', 'options', { concurrencyCap: null });
    assert.equal(uncapped.body.concurrencyCap, null, 'null = Infinity = no cap');

    assert.equal((await control('POST', 'fault', { kind: 'overloaded', count: 1 })).status, 200);
    await assert.rejects(ask(), OpenAI.InternalServerError);
    await ask();

    const stats = (await control('GET', 'stats')).body as unknown as EmulatorStats;
    assert.equal(stats.requests, 4, 'control calls are not counted');
    assert.deepEqual(stats.requestsByPath, { '/chat/completions': 4 });
    assert.equal(stats.sent429, 1);
    assert.equal(stats.faultsInjected, 1);
    assert.equal(stats.completed, 2);
    assert.equal(stats.lastRequests.length, 4);
    assert.equal(stats.lastRequests[0]!.prompt, 'slow');
    assert.equal(stats.lastRequests[0]!.model, 'deepseek-flash');

    const long = chatBody('a long prompt that fills several cache units. '.repeat(30));
    const hits = async () =>
      ((await client.chat.completions.create(long)).usage as unknown as { prompt_cache_hit_tokens: number })
        .prompt_cache_hit_tokens;
    await hits();
    assert.ok((await hits()) > 0);
    await control('POST', 'fault', { kind: 'serverError' });
    assert.equal((await control('POST', 'reset')).status, 200);
    assert.equal(emu.stats().requests, 0);
    assert.equal(await hits(), 0, 'reset also empties the prompt cache');
  });

  test('bad input is rejected: unknown kind, unknown option, refuse without forMs', async () => {
    assert.equal((await control('POST', 'fault', { kind: 'explode' })).status, 400);
    assert.equal((await control('POST', 'options', { bogus: 1 })).status, 400);
    const refuse = await control('POST', 'fault', { kind: 'refuse' });
    assert.equal(refuse.status, 400);
    assert.match(String(refuse.body.error), /forMs/);
    assert.equal((await control('GET', 'nothing')).status, 404);
  });

  test('refuse over HTTP with forMs closes the port, then it comes back', async () => {
    assert.equal((await control('POST', 'fault', { kind: 'refuse', forMs: 600 })).status, 200);
    await waitFor(async () => (await connectOutcome(emu.port)) === 'ECONNREFUSED');
    await assert.rejects(ask(), OpenAI.APIConnectionError);
    await waitFor(async () => (await connectOutcome(emu.port)) === 'connected');
    assert.ok((await ask()).choices[0]!.message.content);
  });
});

describe('lifecycle', () => {
  test('close() ends stalls and busy requests at once and never hangs', async () => {
    const own = await startFastEmulator({ busyMs: 10_000 });
    // Settle at once so the rejection that close() causes is never "unhandled".
    const outcome = (p: Promise<unknown>) =>
      p.then(
        () => 'completed',
        (e: unknown) => (e instanceof Error ? e.message : String(e)),
      );
    const busy = outcome(rawPost(own.url + '/chat/completions', { ...chatBody('busy'), stream: true }));
    await waitFor(() => own.stats().inFlight === 1);
    own.setFault({ kind: 'stall', paths: ['/beta/completions'] });
    const stalled = outcome(
      rawPost(own.url + '/beta/completions', { model: 'deepseek-flash', prompt: 'x', stream: true }),
    );
    await waitFor(() => own.stats().inFlight === 2);
    const t0 = Date.now();
    await own.close();
    assert.ok(Date.now() - t0 < 1500, `close took ${Date.now() - t0} ms`);
    assert.equal(await busy, 'terminated');
    assert.equal(await stalled, 'terminated');
    await own.close(); // idempotent
  });

  test('close() works while refusing', async () => {
    const own = await startEmulator({ ttftMs: 10 });
    own.setFault({ kind: 'refuse', forMs: 60_000 });
    await own.close();
  });

  test('CLI prints its URL, serves, and exits 0 on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'tools/emulator/main.ts',
        '--port',
        '0',
        '--cap',
        '1',
        '--ttft',
        '5',
        '--tps',
        '5000',
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('\n')) resolve(out.trim());
        });
        child.once('exit', (code) => reject(new Error(`exited ${code}`)));
      });
      const m = /^DeepSeek emulator listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
      assert.ok(m, line);
      const cli = new OpenAI({ baseURL: m[1], apiKey: 'sk-test', maxRetries: 0 });
      assert.equal((await cli.models.list()).data.length, 3);
      const options = (await (await fetch(m[1] + '/_emulator/options')).json()) as { concurrencyCap: number };
      assert.equal(options.concurrencyCap, 1);
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});

const waitFor = waiter({ timeoutMs: 15_000 });

/** Reads a streaming response until `done(text)` (or 5 s), then aborts; returns what arrived. */
async function readUntil(url: string, body: unknown, done: (text: string) => boolean): Promise<string> {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), 5000);
  let text = '';
  try {
    const res = await fetch(url, { method: 'POST', body: JSON.stringify(body), signal: ac.signal });
    const decoder = new TextDecoder();
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      text += decoder.decode(chunk, { stream: true });
      if (done(text)) break;
    }
  } catch {
    // aborted by the 5 s guard: the assertion on `text` tells what was missing
  } finally {
    clearTimeout(timer);
    ac.abort();
  }
  return text;
}
