// The emulator's raw retry hints: `retryHeaders` go out on every 429 (the cap's and the
// `rateLimited` fault's), set in process or over POST /_emulator/options, with {date±S} and
// {epoch±S} filled in at the moment of each response.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Emulator } from '../../../../tools/emulator/server';
import { chatBody, rawPost, startFastEmulator } from '../../../helpers/emulator';

let emu: Emulator;

before(async () => {
  emu = await startFastEmulator();
});
after(() => emu.close());
beforeEach(() => {
  emu.setFault({ kind: 'none' });
  emu.setOptions({ concurrencyCap: undefined, busyMs: undefined, retryHeaders: undefined });
});

const ask = () => rawPost(emu.url + '/chat/completions', chatBody('hello'));
const setOptions = (body: unknown) =>
  fetch(emu.url + '/_emulator/options', { method: 'POST', body: JSON.stringify(body) });

describe('emulator sends raw retry hints with its 429s', () => {
  test('Retry-After: 0 on the rateLimited fault, set over HTTP; null removes it', async () => {
    assert.equal((await setOptions({ retryHeaders: { 'Retry-After': '0' } })).status, 200);
    emu.setFault({ kind: 'rateLimited' });
    const res = await ask();
    assert.equal(res.status, 429);
    assert.equal(res.headers.get('retry-after'), '0');
    await setOptions({ retryHeaders: null });
    assert.equal((await ask()).headers.get('retry-after'), null);
  });

  test('an HTTP date one second in the past, filled in per response', async () => {
    emu.setOptions({ retryHeaders: { 'retry-after': '{date-1}' } });
    emu.setFault({ kind: 'rateLimited' });
    const res = await ask();
    const date = Date.parse(res.headers.get('retry-after') ?? '');
    assert.ok(Number.isFinite(date), `an HTTP date: ${res.headers.get('retry-after')}`);
    assert.match(res.headers.get('retry-after')!, /GMT$/);
    const lag = Date.now() - date;
    assert.ok(lag > 0 && lag <= 2100, `about a second in the past (${lag} ms)`);
  });

  test("a past x-ratelimit-reset-requests epoch on the concurrency cap's 429", async () => {
    emu.setOptions({
      concurrencyCap: 1,
      busyMs: 60_000,
      retryHeaders: { 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '{epoch-5}' },
    });
    const held = ask();
    while (emu.stats().inFlight < 1) await new Promise((r) => setTimeout(r, 10));
    const res = await ask();
    assert.equal(res.status, 429);
    assert.equal(res.headers.get('x-ratelimit-remaining-requests'), '0');
    const epoch = Number(res.headers.get('x-ratelimit-reset-requests'));
    const ago = Date.now() / 1000 - epoch;
    assert.ok(ago >= 4 && ago <= 7, `about five seconds ago (${ago} s)`);
    emu.setOptions({ busyMs: 0 });
    assert.equal((await held).status, 200, 'answers other than 429 carry no hint');
    assert.equal((await held).headers.get('x-ratelimit-reset-requests'), null);
  });

  test('a malformed value is refused over HTTP', async () => {
    assert.equal((await setOptions({ retryHeaders: { 'retry-after': 0 } })).status, 400);
    assert.equal((await setOptions({ retryHeaders: 'retry-after: 0' })).status, 400);
    assert.equal((await setOptions({ retryHeaders: { 'bad header': '1' } })).status, 400);
  });
});
