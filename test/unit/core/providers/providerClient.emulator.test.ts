// The provider service (gate + client + real openai SDK) against the DeepSeek emulator over real
// HTTP on the real clock: 429 storms, stalls behind keep-alives, resets, malformed chunks,
// cancellation, coalescing and the cache. Nothing may hang, and no promise may be left rejected.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { PacerError } from '../../../../src/core/common/errors';
import type { ProviderEndpoint } from '../../../../src/core/providers/providerEndpoint';
import { createDeepSeekEndpoint } from '../../../../src/core/providers/providerEndpoint';
import type { ProviderService, ProviderServiceOptions } from '../../../../src/core/providers/providerService';
import { createProviderService } from '../../../../src/core/providers/providerService';
import type { Emulator } from '../../../../tools/emulator/server';
import { startFastEmulator } from '../../../helpers/emulator';
import { waiter } from '../../../helpers/waitFor';

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
process.on('unhandledRejection', onUnhandled);

let emu: Emulator;
const services: ProviderService[] = [];

function endpoint(patch: Partial<ProviderEndpoint> = {}): ProviderEndpoint {
  return { ...createDeepSeekEndpoint({ baseUrl: emu.url, getApiKey: async () => 'sk-test' }), ...patch };
}

function service(
  options: ProviderServiceOptions = {},
  patch: Partial<ProviderEndpoint> = {},
): ProviderService {
  const s = createProviderService(endpoint(patch), {
    ...options,
    // Generous by default: a loaded CI machine must not turn a cold start into a "stall".
    client: { chatWatchdog: { firstTokenMs: 3000, idleMs: 3000 }, fimTimeoutMs: 3000, ...options.client },
    gate: {
      retryBackoff: { baseMs: 20, capMs: 100 },
      cooldownBackoff: { baseMs: 50, capMs: 400 },
      ...options.gate,
    },
  });
  services.push(s);
  return s;
}

const ask = (text: string) => ({ messages: [{ role: 'user' as const, content: text }] });
/** Short watchdogs for the tests that are about stalls. */
const impatient = { client: { chatWatchdog: { firstTokenMs: 300, idleMs: 300 } } };
const fim = (prompt: string) => ({ prompt, suffix: '\n}\n', maxTokens: 32 });

const waitFor = waiter({ timeoutMs: 2000 });

before(async () => {
  emu = await startFastEmulator();
  // Load the SDK's lazy modules and open a connection, so the first test does not pay for it.
  const warm = createProviderService(endpoint());
  services.push(warm);
  await warm.chat(ask('warm up'));
});

beforeEach(() => {
  emu.setFault({ kind: 'none' });
  emu.setOptions({
    concurrencyCap: undefined,
    retryAfterSeconds: undefined,
    busyMs: 0,
    requireKey: undefined,
  });
  emu.resetStats();
});

after(async () => {
  for (const s of services) s.dispose();
  await emu.close();
  process.off('unhandledRejection', onUnhandled);
});

describe('provider service on the emulator', () => {
  test('chat streams through the gate; FIM goes to /beta; models list works as a probe', async () => {
    const s = service();
    const deltas: string[] = [];
    const providers: string[] = [];
    const answer = await s.chat(ask('hello'), {
      onContent: (d) => deltas.push(d),
      onProvider: (id) => providers.push(id),
    });
    assert.ok(answer.text.length > 20);
    assert.equal(deltas.join(''), answer.text);
    assert.equal(answer.finishReason, 'stop');
    assert.ok(answer.usage && answer.usage.promptTokens > 0);
    assert.deepEqual(providers, ['deepseek']);
    const completion = await s.complete(fim('function add(a, b) {\n  return '));
    assert.ok(completion.text.length > 0);
    assert.deepEqual(await s.probe(), ['deepseek-flash', 'deepseek-v4-flash', 'deepseek-v4-pro']);
    const stats = emu.stats();
    assert.equal(stats.requestsByPath['/beta/completions'], 1);
    assert.equal(stats.requestsByPath['/chat/completions'], 1);
    assert.ok(s.snapshot().stats.tokens.prompt > 0);
  });

  test('a provider without FIM gets a chat prompt for the missing middle', async () => {
    const s = service({}, { id: 'plain', supportsFim: false, thinkingToggle: false });
    const completion = await s.complete(fim('const x = '));
    assert.equal(typeof completion.text, 'string');
    assert.equal(emu.stats().requestsByPath['/chat/completions'], 1);
    assert.equal(emu.stats().requestsByPath['/beta/completions'], undefined);
  });

  test('429 storm: three editors on an account capped at 2 all finish, and learn to send less', async () => {
    emu.setOptions({ concurrencyCap: 2 });
    const editors = [0, 1, 2].map(() => service({ gate: { aimd: { initial: 4, max: 8 } } }));
    const results = await Promise.allSettled(
      editors.flatMap((s, i) =>
        [0, 1, 2, 3, 4].map((j) => s.chat(ask(`q${i}-${j}`), { deadlineMs: 15_000 })),
      ),
    );
    assert.deepEqual(
      results
        .filter((r) => r.status === 'rejected')
        .map((r) => ((r as PromiseRejectedResult).reason as PacerError).message),
      [],
    );
    const stats = emu.stats();
    assert.ok(stats.sent429 > 0, 'the storm happened');
    assert.ok(stats.maxInFlight <= 2);
    for (const s of editors) {
      const snap = s.snapshot();
      assert.ok(
        snap.limit < 4 || snap.stats.rateLimited === 0,
        `limit ${snap.limit} after ${snap.stats.rateLimited} 429s`,
      );
      assert.equal(snap.inFlight, 0);
      assert.equal(snap.queued, 0);
    }
  });

  test('Retry-After from the server is honoured: no attempt before it', async () => {
    emu.setOptions({ retryAfterSeconds: 1 });
    emu.setFault({ kind: 'rateLimited', count: 1 });
    const s = service({ random: () => 0 });
    const waits: number[] = [];
    const t0 = Date.now();
    const answer = await s.chat(ask('patient'), { onWait: (w) => waits.push((w.untilMs ?? 0) - t0) });
    assert.ok(answer.text.length > 0);
    assert.ok(Date.now() - t0 >= 990, `took ${Date.now() - t0} ms`);
    assert.equal(waits.length, 1);
    assert.ok(waits[0]! >= 990 && waits[0]! < 3000);
    assert.equal(emu.stats().requestsByPath['/chat/completions'], 2);
  });

  test('a stream kept alive without tokens is a stall: retried, then answered', async () => {
    emu.setFault({ kind: 'stall', count: 1 });
    const s = service(impatient);
    const waits: string[] = [];
    const answer = await s.chat(ask('stall once'), {
      onWait: (w) => waits.push(`${w.reason}:${w.error?.kind}`),
    });
    assert.ok(answer.text.length > 0);
    assert.deepEqual(waits, ['retrying:stalled']);
  });

  test('busy keep-alives past the first-token watchdog end in a clear "stalled" error at the deadline, no hang', async () => {
    emu.setOptions({ busyMs: 5000 });
    const s = service(impatient);
    const t0 = Date.now();
    await assert.rejects(s.chat(ask('busy'), { deadlineMs: 1000 }), (e: PacerError) => {
      assert.equal(e.kind, 'stalled');
      assert.match(e.message, /sent no answer within/);
      return true;
    });
    assert.ok(Date.now() - t0 < 5000, 'ends soon after the deadline');
    await waitFor(() => emu.stats().inFlight === 0);
  });

  test('a stream reset midway restarts: the caller drops its partial text and gets the whole answer', async () => {
    emu.setFault({ kind: 'resetMidStream', count: 1, afterChunks: 3 });
    const s = service();
    let shown = '';
    const restarts: string[] = [];
    const answer = await s.chat(ask('reset me'), {
      onContent: (d) => (shown += d),
      onRestart: (r) => {
        restarts.push(r.error.kind);
        shown = '';
      },
    });
    assert.deepEqual(restarts, ['network']);
    assert.equal(answer.restarts, 1);
    assert.equal(shown, answer.text);
  });

  test('malformed chunks restart the stream; a provider that keeps sending them fails with "malformed"', async () => {
    emu.setFault({ kind: 'malformed', count: 1 });
    const s = service();
    const answer = await s.chat(ask('garbled once'));
    assert.equal(answer.restarts, 1);
    emu.setFault({ kind: 'malformed' });
    await assert.rejects(
      s.chat(ask('garbled always'), { deadlineMs: 800 }),
      (e: PacerError) => e.kind === 'malformed',
    );
  });

  test('connection reset and refused: network errors, retried, clear when persistent', async () => {
    emu.setFault({ kind: 'reset', count: 2 });
    const s = service();
    assert.ok((await s.chat(ask('reset twice'))).text.length > 0);
    emu.setFault({ kind: 'refuse', forMs: 600 });
    await assert.rejects(
      s.chat(ask('refused'), { deadlineMs: 300 }),
      (e: PacerError) => e.kind === 'network',
    );
    await new Promise((r) => setTimeout(r, 700));
    assert.ok((await s.chat(ask('back'))).text.length > 0);
  });

  test('permanent errors come back typed, at once, with what to do', async () => {
    const s = service();
    const cases: Array<['unauthorized' | 'noBalance' | 'badRequest' | 'unprocessable', string]> = [
      ['unauthorized', 'needsKey'],
      ['noBalance', 'noBalance'],
      ['badRequest', 'badRequest'],
      ['unprocessable', 'badRequest'],
    ];
    for (const [fault, kind] of cases) {
      emu.setFault({ kind: fault, count: 1 });
      await assert.rejects(s.chat(ask(fault)), (e: PacerError) => e.kind === kind);
    }
    assert.equal(emu.stats().requestsByPath['/chat/completions'], 4, 'no retries');
    const noKey = service({}, { getApiKey: async () => undefined });
    await assert.rejects(
      noKey.chat(ask('no key')),
      (e: PacerError) => e.kind === 'needsKey' && /Set API Key/.test(e.message),
    );
    assert.equal(emu.stats().requestsByPath['/chat/completions'], 4, 'no request without a key');
  });

  test('cancelling a running chat closes the HTTP connection', async () => {
    emu.setOptions({ busyMs: 3000 });
    const s = service({ client: { chatWatchdog: { firstTokenMs: 10_000, idleMs: 10_000 } } });
    const controller = new AbortController();
    const pending = s.chat(ask('cancel me'), { signal: controller.signal });
    await waitFor(() => emu.stats().inFlight === 1);
    controller.abort();
    await assert.rejects(pending, (e: PacerError) => e.kind === 'cancelled');
    await waitFor(() => emu.stats().inFlight === 0, 1000);
  });

  test('a completion is sent as asked: caching and sharing in flight are the completion engine’s (#11)', async () => {
    const s = service();
    await Promise.all([s.complete(fim('let total = ')), s.complete(fim('let total = '))]);
    assert.equal(emu.stats().requestsByPath['/beta/completions'], 2);
  });

  test('a stalled completion is dropped at its deadline and its connection closed', async () => {
    emu.setFault({ kind: 'stall' });
    const s = service();
    const t0 = Date.now();
    await assert.rejects(
      s.complete(fim('stall '), { deadlineMs: 300 }),
      (e: PacerError) => e.kind === 'deadline',
    );
    assert.ok(Date.now() - t0 < 1000);
    await waitFor(() => emu.stats().inFlight === 0);
  });

  test('no unhandled promise rejection in any of the above', async () => {
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(unhandled, []);
  });
});
