// Answers served without a new request: the suggestion on screen (typeahead), recent answers
// (cache with forwarding), and a request already on its way (in-flight reuse with a grace).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AnswerCache } from '../../../../src/core/completion/answerCache';
import { InflightRequests } from '../../../../src/core/completion/inflight';
import { Typeahead } from '../../../../src/core/completion/typeahead';
import { PacerError } from '../../../../src/core/common/errors';
import { FakeClock } from '../../../helpers/fakeClock';

const SUFFIX = '\n}\n';

describe('typeahead', () => {
  test('typing characters that match the suggestion serves the rest', () => {
    const t = new Typeahead();
    const prefix = 'function add(a: number, b: number) {\n  ';
    t.show('doc', prefix, SUFFIX, 'return a + b;');
    assert.deepEqual(t.match('doc', prefix + 'r', SUFFIX), { text: 'eturn a + b;', typed: 1 });
    assert.deepEqual(t.match('doc', prefix + 'return a', SUFFIX), { text: ' + b;', typed: 8 });
  });
  test('a different character, another document, another suffix or the whole suggestion typed: nothing', () => {
    const t = new Typeahead();
    const prefix = 'x = ';
    t.show('doc', prefix, SUFFIX, 'compute(1)');
    assert.equal(t.match('doc', prefix + 'cx', SUFFIX), undefined);
    assert.equal(t.match('other', prefix + 'c', SUFFIX), undefined);
    assert.equal(t.match('doc', prefix + 'c', '\nelse'), undefined);
    assert.equal(t.match('doc', prefix + 'compute(1)', SUFFIX), undefined);
    assert.equal(t.match('doc', 'x =', SUFFIX), undefined, 'backspace past the start');
  });
});

describe('answer cache', () => {
  test('exact hit and forwarding over typed characters', () => {
    const clock = new FakeClock();
    const c = new AnswerCache(clock);
    c.put('doc', 'let total = ', SUFFIX, 'values.length;');
    assert.deepEqual(c.lookup('doc', 'let total = ', SUFFIX), { text: 'values.length;', typed: 0 });
    assert.deepEqual(c.lookup('doc', 'let total = val', SUFFIX), { text: 'ues.length;', typed: 3 });
    assert.equal(c.lookup('doc', 'let total = vax', SUFFIX), undefined);
    assert.equal(c.lookup('doc', 'let total = ', '\n// other suffix'), undefined);
  });
  test('an empty answer is remembered for its exact position only', () => {
    const c = new AnswerCache(new FakeClock());
    c.put('doc', 'a', SUFFIX, '');
    assert.deepEqual(c.lookup('doc', 'a', SUFFIX), { text: '', typed: 0 });
    assert.equal(c.lookup('doc', 'ab', SUFFIX), undefined);
  });
  test('entries expire after the TTL', async () => {
    const clock = new FakeClock();
    const c = new AnswerCache(clock, {
      maxBytes: 1e6,
      maxEntries: 10,
      ttlMs: 1000,
      maxForward: 8,
      prefixKeyChars: 100,
      suffixKeyChars: 100,
    });
    c.put('doc', 'p', SUFFIX, 'answer');
    await clock.advance(999);
    assert.ok(c.lookup('doc', 'p', SUFFIX));
    await clock.advance(2);
    assert.equal(c.lookup('doc', 'p', SUFFIX), undefined);
    assert.equal(c.size, 0);
  });
  test('least recently used entries go first', () => {
    const c = new AnswerCache(new FakeClock(), {
      maxBytes: 1e6,
      maxEntries: 2,
      ttlMs: 1e9,
      maxForward: 8,
      prefixKeyChars: 100,
      suffixKeyChars: 100,
    });
    c.put('doc', 'a', SUFFIX, '1');
    c.put('doc', 'b', SUFFIX, '2');
    c.lookup('doc', 'a', SUFFIX);
    c.put('doc', 'c', SUFFIX, '3');
    assert.ok(c.lookup('doc', 'a', SUFFIX));
    assert.equal(c.lookup('doc', 'b', SUFFIX), undefined);
  });
  test('the settings bound its memory, and 0 turns it off (#11: the one completion cache)', () => {
    const c = new AnswerCache(new FakeClock());
    c.put('doc', 'a', SUFFIX, 'x'.repeat(100));
    c.put('doc', 'b', SUFFIX, 'y'.repeat(100));
    const one = c.bytes / 2;
    c.setLimits({ maxBytes: Math.ceil(one * 1.5), ttlMs: 60_000 });
    assert.equal(c.size, 1, 'the least recently used answer went');
    assert.ok(c.lookup('doc', 'b', SUFFIX));
    c.setLimits({ maxBytes: 0, ttlMs: 60_000 });
    assert.equal(c.size, 0);
    c.put('doc', 'c', SUFFIX, 'z');
    assert.equal(c.lookup('doc', 'c', SUFFIX), undefined, 'off: nothing kept');
    assert.equal(c.bytes, 0);
  });
});

describe('in-flight requests', () => {
  /** A request that goes out at once (`sentAfterMs` 0) or that long after it starts. */
  function pending(clock: FakeClock, ms: number, text: string) {
    const seen: { aborted: boolean } = { aborted: false };
    const run = (signal: AbortSignal) =>
      new Promise<string | undefined>((resolve, reject) => {
        const h = clock.setTimeout(() => resolve(text), ms);
        signal.addEventListener('abort', () => {
          seen.aborted = true;
          clock.clearTimeout(h);
          reject(signal.reason);
        });
      });
    return { run, seen };
  }

  test('a caller typing past the position adopts the pending request', async () => {
    const clock = new FakeClock();
    const inflight = new InflightRequests(clock, 150);
    const { run, seen } = pending(clock, 300, 'return a + b;');
    const req = inflight.start('doc', 'p', SUFFIX, run);
    const first = new AbortController();
    void inflight.attach(req, first.signal);
    await clock.advance(100);
    first.abort(); // VS Code cancels on the next keystroke...
    const found = inflight.find('doc', 'pre', SUFFIX); // ...and calls again 50 ms later
    assert.equal(found?.typed, 're');
    await clock.advance(50);
    const second = inflight.attach(found!.request, new AbortController().signal);
    await clock.advance(200);
    assert.equal(await second, 'return a + b;');
    assert.equal(seen.aborted, false);
  });

  test('nobody re-attaches within the grace: the request is aborted', async () => {
    const clock = new FakeClock();
    const inflight = new InflightRequests(clock, 150);
    const { run, seen } = pending(clock, 1000, 'x');
    const req = inflight.start('doc', 'p', SUFFIX, run);
    const caller = new AbortController();
    const result = inflight.attach(req, caller.signal);
    caller.abort();
    assert.equal(await result, undefined);
    await clock.advance(149);
    assert.equal(seen.aborted, false);
    await clock.advance(2);
    assert.equal(seen.aborted, true);
    assert.equal(inflight.size, 0);
  });

  test('without a grace the cancellation aborts at once; a new position supersedes orphans', async () => {
    const clock = new FakeClock();
    const now = new InflightRequests(clock, 0);
    const a = pending(clock, 1000, 'x');
    const caller = new AbortController();
    void now.attach(now.start('doc', 'p', SUFFIX, a.run), caller.signal);
    caller.abort();
    await clock.advance(0);
    assert.equal(a.seen.aborted, true);

    const graced = new InflightRequests(clock, 10_000);
    const b = pending(clock, 1000, 'x');
    const c2 = new AbortController();
    void graced.attach(graced.start('doc', 'p', SUFFIX, b.run), c2.signal);
    c2.abort();
    graced.supersedeOrphans('doc');
    await clock.advance(0);
    assert.equal(b.seen.aborted, true);
  });

  test('a failing request resolves to undefined, never rejects', async () => {
    const clock = new FakeClock();
    const inflight = new InflightRequests(clock, 150);
    const req = inflight.start('doc', 'p', SUFFIX, async () => {
      throw new PacerError({ kind: 'rateLimited', message: '429' });
    });
    assert.equal(await inflight.attach(req, new AbortController().signal), undefined);
    assert.equal(inflight.find('doc', 'p', SUFFIX), undefined);
  });

  test('only positions typed past (same suffix, within reach) match', () => {
    const clock = new FakeClock();
    const inflight = new InflightRequests(clock, 150, 4);
    inflight.start('doc', 'abc', SUFFIX, () => new Promise(() => {}));
    assert.ok(inflight.find('doc', 'abcd', SUFFIX));
    assert.equal(inflight.find('doc', 'ab', SUFFIX), undefined);
    assert.equal(inflight.find('doc', 'abx', SUFFIX), undefined);
    assert.equal(inflight.find('doc', 'abcdefgh', SUFFIX), undefined);
    assert.equal(inflight.find('doc', 'abcd', 'other'), undefined);
    inflight.abortAll();
  });
});
