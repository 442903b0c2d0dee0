// What stands between Pacer and the provider is not always the provider: a captive portal or a
// proxy login answering 200 with HTML, a body far larger than any real answer, a redirect to
// another server. The real ProviderClient and openai SDK against the emulator's hostile faults
// (and a tiny raw server for answers of the wrong shape), over real HTTP.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PacerError } from '../../../../src/core/common/errors';
import { ProviderClient } from '../../../../src/core/providers/providerClient';
import type { ProviderEndpoint } from '../../../../src/core/providers/providerEndpoint';
import { createDeepSeekEndpoint } from '../../../../src/core/providers/providerEndpoint';
import { createProviderService } from '../../../../src/core/providers/providerService';
import type { Emulator } from '../../../../tools/emulator/server';
import { startFastEmulator } from '../../../helpers/emulator';

let emu: Emulator;

before(async () => {
  emu = await startFastEmulator();
});
after(() => emu.close());
beforeEach(() => {
  emu.setFault({ kind: 'none' });
  emu.resetStats();
});

function endpoint(baseUrl = emu.url, patch: Partial<ProviderEndpoint> = {}): ProviderEndpoint {
  return { ...createDeepSeekEndpoint({ baseUrl, getApiKey: async () => 'sk-test' }), ...patch };
}

function client(baseUrl = emu.url, patch: Partial<ProviderEndpoint> = {}): ProviderClient {
  return new ProviderClient(endpoint(baseUrl, patch), {
    chatWatchdog: { firstTokenMs: 10_000, idleMs: 10_000 },
    fimTimeoutMs: 10_000,
    probeTimeoutMs: 10_000,
  });
}

const chat = { messages: [{ role: 'user' as const, content: 'hello' }] };
const fim = { prompt: 'function add(a, b) {\n  return ', suffix: '\n}\n', maxTokens: 16 };

/** Rejects with a PacerError of `kind` whose message matches every pattern. */
async function failsAs(promise: Promise<unknown>, kind: string, ...patterns: RegExp[]): Promise<PacerError> {
  let caught: unknown;
  await promise.then(
    (value) => assert.fail(`expected a ${kind} error, got ${JSON.stringify(value).slice(0, 200)}`),
    (e: unknown) => (caught = e),
  );
  assert.ok(PacerError.is(caught), `not a PacerError: ${String(caught).slice(0, 200)}`);
  assert.equal(caught.kind, kind, caught.message);
  for (const p of patterns) assert.match(caught.message, p);
  return caught;
}

describe("never takes a captive portal for the provider: only the API's JSON counts", () => {
  test('a 200 HTML page on /models fails the probe as malformed, saying what arrived and what to do', async () => {
    emu.setFault({ kind: 'html' });
    const e = await failsAs(
      client().listModels(),
      'malformed',
      /DeepSeek answered with an HTML page \("Sign in to Guest Wi-Fi"\), not the API/,
      /proxy or captive portal may be in the way/,
      /sign in .*browser|base URL/i,
    );
    assert.ok(e.providerId === 'deepseek');
  });

  test('a 200 HTML page on chat, FIM and FIM-via-chat is malformed too', async () => {
    emu.setFault({ kind: 'html' });
    await failsAs(client().streamChat(chat), 'malformed', /HTML page/);
    await failsAs(client().fim(fim), 'malformed', /HTML page/);
    await failsAs(client().fimViaChat(fim), 'malformed', /HTML page/);
  });

  test('through the service, a probe answered by HTML rejects (it never counts as "up")', async () => {
    emu.setFault({ kind: 'html' });
    const service = createProviderService(endpoint());
    try {
      await failsAs(service.probe(), 'malformed', /HTML page/);
    } finally {
      service.dispose();
    }
  });
});

// A raw server for answers the emulator never gives: JSON of the wrong shape.
interface Canned {
  status?: number;
  type: string;
  body: string;
}
let raw: http.Server;
let rawUrl: string;
const canned = new Map<string, Canned | ((res: http.ServerResponse) => void)>();

before(async () => {
  raw = http.createServer((req, res) => {
    req.resume();
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const c = canned.get(path);
    if (!c) {
      res.writeHead(404).end();
      return;
    }
    if (typeof c === 'function') return c(res);
    res.writeHead(c.status ?? 200, { 'content-type': c.type }).end(c.body);
  });
  await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
  rawUrl = `http://127.0.0.1:${(raw.address() as AddressInfo).port}`;
});
after(
  () =>
    new Promise<void>((resolve) => {
      raw.closeAllConnections();
      raw.close(() => resolve());
    }),
);

describe('never takes an answer of the wrong shape for the API', () => {
  const json = 'application/json';
  const sse = 'text/event-stream';

  test('a model list must be {object: "list", data: [{id: string}]}', async () => {
    for (const body of [
      '{}',
      '{"object":"list","data":"x"}',
      '{"object":"list","data":[{"name":"x"}]}',
      '[]',
      '"ok"',
    ]) {
      canned.set('/models', { type: json, body });
      await failsAs(client(rawUrl).listModels(), 'malformed', /model list/);
    }
    canned.set('/models', { type: 'text/plain', body: 'OK' });
    await failsAs(client(rawUrl).listModels(), 'malformed', /text\/plain/);
    canned.set('/models', { type: json, body: '{"object":"list","data":[{"id":"m1","object":"model"}]}' });
    assert.deepEqual(await client(rawUrl).listModels(), ['m1']);
  });

  test('a FIM or chat answer must carry choices', async () => {
    canned.set('/beta/completions', { type: json, body: '{"status":"ok"}' });
    await failsAs(client(rawUrl).fim(fim), 'malformed', /completion/);
    canned.set('/chat/completions', { type: json, body: '{"status":"ok"}' });
    await failsAs(client(rawUrl).fimViaChat(fim), 'malformed', /chat answer/);
  });

  test('stream chunks must be chat completion chunks', async () => {
    canned.set('/chat/completions', {
      type: sse,
      body: 'data: {"hello":"world"}\n\ndata: [DONE]\n\n',
    });
    await failsAs(client(rawUrl).streamChat(chat), 'malformed', /stream chunk/);
    canned.set('/chat/completions', { type: sse, body: 'data: [1,2]\n\ndata: [DONE]\n\n' });
    await failsAs(client(rawUrl).streamChat(chat), 'malformed', /stream chunk/);
  });

  test('a 511 (network authentication required) is a captive portal, not a server error', async () => {
    canned.set('/models', { status: 511, type: 'text/html', body: '<html><title>Login</title></html>' });
    await failsAs(client(rawUrl).listModels(), 'malformed', /captive portal/);
  });
});

/** Runs `fn` while sampling heap + array buffers; the peak growth over the start, in MB. */
async function measured<T>(fn: () => Promise<T>): Promise<{ ms: number; peakMb: number; outcome: unknown }> {
  const use = () => {
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  const start = use();
  let peak = start;
  const timer = setInterval(() => (peak = Math.max(peak, use())), 2);
  const t0 = Date.now();
  let outcome: unknown;
  try {
    outcome = await fn();
  } catch (e) {
    outcome = e;
  } finally {
    clearInterval(timer);
  }
  peak = Math.max(peak, use());
  return { ms: Date.now() - t0, peakMb: (peak - start) / 2 ** 20, outcome };
}

describe('never reads an unbounded body: 50 MB answers fail fast as malformed', () => {
  const cases: {
    name: string;
    fault: 'oversizedBody' | 'oversizedError' | 'oversizedLine';
    run: () => Promise<unknown>;
    what: RegExp;
  }[] = [
    {
      name: 'model list (cap 1 MB)',
      fault: 'oversizedBody',
      run: () => client().listModels(),
      what: /model list larger than 1 MB/,
    },
    {
      name: 'FIM answer (cap 4 MB)',
      fault: 'oversizedBody',
      run: () => client().fim(fim),
      what: /answer larger than 4 MB/,
    },
    {
      name: 'error body (cap 64 KB)',
      fault: 'oversizedError',
      run: () => client().fim(fim),
      what: /error body larger than 64 KB/,
    },
    {
      name: 'one SSE line (cap 1 MB)',
      fault: 'oversizedLine',
      run: () => client().streamChat(chat),
      what: /stream line longer than 1 MB/,
    },
  ];
  for (const c of cases) {
    test(c.name, async (t) => {
      emu.setFault({ kind: c.fault, bytes: 50 * 2 ** 20 });
      const { ms, peakMb, outcome } = await measured(c.run);
      t.diagnostic(`${c.name}: failed after ${ms} ms, memory peak +${peakMb.toFixed(1)} MB`);
      assert.ok(PacerError.is(outcome), `not a PacerError: ${String(outcome).slice(0, 200)}`);
      assert.equal(outcome.kind, 'malformed', outcome.message);
      assert.match(outcome.message, c.what);
      assert.ok(ms < 5000, `took ${ms} ms`);
      assert.ok(peakMb < 32, `memory grew by ${peakMb.toFixed(1)} MB`);
    });
  }

  test('a declared Content-Length past the cap fails at the headers, without waiting for the body', async () => {
    canned.set('/models', (res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(8 * 2 ** 20) });
      res.write('{"object":"list","data":['); // and nothing more: a read would hang
    });
    const t0 = Date.now();
    await failsAs(client(rawUrl).listModels(), 'malformed', /model list larger than 1 MB/);
    assert.ok(Date.now() - t0 < 1000);
  });

  test('answers under the caps still work (a 3 MB FIM answer, a 60 KB error body)', async () => {
    emu.setFault({ kind: 'oversizedBody', bytes: 3 * 2 ** 20, count: 1 });
    assert.equal((await client().fim(fim)).text.length, 3 * 2 ** 20);
    emu.setFault({ kind: 'oversizedError', bytes: 60_000, count: 1 });
    await failsAs(client().fim(fim), 'server', /HTTP 500/);
  });
});

describe('never sends a prompt to another server: redirects', () => {
  test('a 307 to another origin is refused, naming both URLs; the prompt is not re-sent', async () => {
    emu.setFault({ kind: 'redirect' });
    const other = `http://localhost:${emu.port}`;
    await failsAs(
      client().streamChat(chat),
      'malformed',
      new RegExp(`${emu.url}/chat/completions redirected to ${other}/chat/completions`.replace(/\./g, '\\.')),
      /not followed/,
    );
    assert.equal(emu.stats().requests, 1, 'the redirect target (the same emulator) saw no second request');
    await failsAs(client().listModels(), 'malformed', /redirected to/);
    await failsAs(client().fim(fim), 'malformed', /redirected to/);
  });

  test('a same-origin redirect is followed with the same request', async () => {
    emu.setFault({ kind: 'redirect', redirectTo: emu.url, count: 1 });
    const answer = await client().streamChat(chat);
    assert.ok(answer.text.length > 0);
    assert.equal(emu.stats().requests, 2);
    assert.equal(emu.stats().lastRequests.at(-1)!.prompt, 'hello');
  });
});

describe('never follows a redirect loop or a redirect without a target', () => {
  test('same-origin redirects stop after 3; a redirect without Location fails', async () => {
    let hits = 0;
    canned.set('/models', (res) => {
      hits++;
      res.writeHead(302, { location: '/models' }).end();
    });
    await failsAs(client(rawUrl).listModels(), 'malformed', /redirected to .*\/models more than 3 times/);
    assert.equal(hits, 4);
    canned.set('/models', (res) => res.writeHead(301).end());
    await failsAs(client(rawUrl).listModels(), 'malformed', /HTTP 301 without a usable Location/);
  });
});
