// The emulator under load: the account-wide concurrency cap (DeepSeek's exact 429), Retry-After,
// busy mode keep-alives, and the in-flight counters the benchmark reads.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import type { Emulator } from '../../../../tools/emulator/server';
import { chatBody, chatClient, rawPost, startFastEmulator } from '../../../helpers/emulator';
import { waiter } from '../../../helpers/waitFor';

const HOLD = 60_000;

let emu: Emulator;
let client: OpenAI;

before(async () => {
  emu = await startFastEmulator();
  client = chatClient(emu);
});
after(() => emu.close());
beforeEach(async () => {
  emu.setOptions({ concurrencyCap: undefined, retryAfterSeconds: undefined, busyMs: 0, ttftMs: 20 });
  emu.setFault({ kind: 'none' });
  // A failed test may leave held requests behind; busyMs 0 releases them, let them finish.
  await waitFor(() => emu.stats().inFlight === 0);
  emu.resetStats();
});

describe('concurrency cap', () => {
  test('requests over the cap get the exact DeepSeek 429 at once, N = requests in flight', async () => {
    // busyMs holds admitted requests until the test releases them, whatever the machine's load.
    emu.setOptions({ concurrencyCap: 2, busyMs: HOLD });
    const settled = Promise.allSettled(
      Array.from({ length: 5 }, (_, i) => client.chat.completions.create(chatBody(`parallel ${i}`))),
    );
    await waitFor(() => emu.stats().requests === 5);
    assert.equal(emu.stats().inFlight, 2, 'the 429s came while both slots were still taken');
    emu.setOptions({ busyMs: 0 });
    const results = await settled;
    const ok = results.filter((r) => r.status === 'fulfilled');
    const limited = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    assert.equal(ok.length, 2);
    assert.equal(limited.length, 3);
    for (const e of limited) {
      assert.ok(e instanceof OpenAI.RateLimitError, String(e));
      assert.equal(e.status, 429);
      assert.deepEqual(e.error, {
        message: 'Too many requests. Please pace your requests reasonably. Your current concurrency: 2.',
        type: 'rate_limit_error',
        param: null,
        code: 'rate_limit_exceeded',
      });
      assert.equal(e.headers?.get('retry-after'), null, 'no Retry-After unless configured, like DeepSeek');
    }
    const stats = emu.stats();
    assert.equal(stats.sent429, 3);
    assert.equal(stats.maxInFlight, 2);
    assert.equal(stats.inFlight, 0);
    assert.equal(stats.completed, 2);
    assert.equal(stats.requestsByPath['/chat/completions'], 5);
    assert.deepEqual(stats.lastRequests.map((r) => r.status).sort(), [200, 200, 429, 429, 429]);
  });

  test('the 429 body matches byte for byte, comes at once, and carries Retry-After when configured', async () => {
    emu.setOptions({ concurrencyCap: 1, retryAfterSeconds: 2, busyMs: HOLD });
    const slow = rawPost(emu.url + '/chat/completions', chatBody('hold the slot'));
    await waitFor(() => emu.stats().inFlight === 1);
    const res = await rawPost(emu.url + '/chat/completions', chatBody('rejected'));
    assert.equal(emu.stats().inFlight, 1, 'the 429 did not wait for the slot');
    assert.equal(res.status, 429);
    assert.equal(res.headers.get('retry-after'), '2');
    assert.equal(
      res.text,
      '{"error":{"message":"Too many requests. Please pace your requests reasonably. Your current concurrency: 1.","type":"rate_limit_error","param":null,"code":"rate_limit_exceeded"}}',
    );
    await assert.rejects(client.chat.completions.create(chatBody('sdk')), (e: unknown) => {
      assert.ok(e instanceof OpenAI.RateLimitError);
      assert.equal(e.headers?.get('retry-after'), '2');
      return true;
    });
    emu.setOptions({ busyMs: 0 });
    assert.equal((await slow).status, 200);
    // A 429 never counted as in flight: once the slot is free, the next request passes.
    const after = await client.chat.completions.create(chatBody('now it fits'));
    assert.ok(after.choices[0]!.message.content);
  });

  test('the models list is not inference and is not capped', async () => {
    emu.setOptions({ concurrencyCap: 1, busyMs: HOLD });
    const slow = client.chat.completions.create(chatBody('hold the slot'));
    await waitFor(() => emu.stats().inFlight === 1);
    assert.equal((await client.models.list()).data.length, 3);
    emu.setOptions({ busyMs: 0 });
    await slow;
  });
});

describe('busy mode', () => {
  test('streaming: 200 headers at once, ": keep-alive" comments, then the answer', async () => {
    emu.setOptions({ busyMs: 300 });
    const res = await rawPost(emu.url + '/chat/completions', { ...chatBody('busy stream'), stream: true });
    assert.equal(res.status, 200);
    const keepAlives = res.text.split(': keep-alive\n\n').length - 1;
    // ~6 at 50 ms intervals; fewer when the machine is loaded and timers run late.
    assert.ok(keepAlives >= 1, `saw ${keepAlives} keep-alives`);
    assert.ok(res.text.startsWith(': keep-alive\n\n'), 'keep-alives come before any data');
    const firstData = res.pieces.find((p) => p.text.includes('data: {'))!;
    assert.ok(firstData.atMs >= 300, `first data after ${firstData.atMs} ms`);
    assert.ok(res.text.endsWith('data: [DONE]\n\n'));
  });

  test('non-streaming: blank lines, then a JSON body the SDK parses', async () => {
    emu.setOptions({ busyMs: 250 });
    const raw = await rawPost(emu.url + '/chat/completions', chatBody('busy json'));
    assert.equal(raw.status, 200);
    const blank = /^\n+/.exec(raw.text)![0].length;
    assert.ok(blank >= 1, `saw ${blank} blank lines`);
    assert.equal(JSON.parse(raw.text).object, 'chat.completion');

    const t0 = Date.now();
    const res = await client.chat.completions.create(chatBody('busy json via sdk'));
    assert.ok(Date.now() - t0 >= 250);
    assert.match(res.choices[0]!.message.content!, /```ts/);
  });

  test('the SDK stream sees only the answer (keep-alives are comments)', async () => {
    emu.setOptions({ busyMs: 200 });
    const stream = await client.chat.completions.create({ ...chatBody('busy sdk stream'), stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    assert.match(text, /^Here is a short answer/);
  });

  test('busy requests count as in flight, so the cap fills up with them', async () => {
    emu.setOptions({ busyMs: HOLD, concurrencyCap: 3 });
    const held = Array.from({ length: 3 }, (_, i) =>
      rawPost(emu.url + '/chat/completions', { ...chatBody(`held ${i}`), stream: true }),
    );
    await waitFor(() => emu.stats().inFlight === 3);
    await assert.rejects(client.chat.completions.create(chatBody('one too many')), (e: unknown) => {
      assert.ok(e instanceof OpenAI.RateLimitError);
      assert.match(e.message, /Your current concurrency: 3\./);
      return true;
    });
    emu.setOptions({ busyMs: 0 }); // lowering busyMs releases requests already held
    for (const r of await Promise.all(held)) assert.equal(r.status, 200);
    assert.equal(emu.stats().inFlight, 0);
  });
});

const waitFor = waiter({
  timeoutMs: 15_000,
  intervalMs: 5,
  detail: () => `stats: ${JSON.stringify({ ...emu.stats(), lastRequests: undefined })}`,
});
