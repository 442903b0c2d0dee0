// The adaptive debounce: learns the user's gaps between keystrokes per place in the line and the
// recent model latency, and waits until a pause is likely to outlast the request.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AdaptiveDebounce, FixedDebounce, classifyContext } from '../../../../src/core/completion/debounce';
import type { KeyContext } from '../../../../src/core/completion/debounce';

/** Feeds keystrokes with the given gaps (all in one context) into the debounce. */
function feed(d: AdaptiveDebounce, ctx: KeyContext, gaps: number[], doc = 'doc', start = 0): number {
  let t = start;
  d.observeKey(doc, t, ctx);
  for (const g of gaps) {
    t += g;
    d.observeKey(doc, t, ctx);
  }
  return t;
}

/** Deterministic pseudo-random numbers in [0, 1). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('context classes', () => {
  test('line start, after punctuation or space, inside a word', () => {
    assert.equal(classifyContext('    '), 'lineStart');
    assert.equal(classifyContext(''), 'lineStart');
    assert.equal(classifyContext('  foo('), 'afterPunct');
    assert.equal(classifyContext('  return '), 'afterPunct');
    assert.equal(classifyContext('  retu'), 'word');
  });
});

describe('fixed debounce', () => {
  test('always the same wait', () => {
    const d = new FixedDebounce(350);
    d.observeLatency(5000);
    assert.equal(d.delayMs(), 350);
  });
});

describe('adaptive debounce', () => {
  test('with no history: the middle of the bounds', () => {
    const d = new AdaptiveDebounce({ minMs: 60, maxMs: 400 });
    assert.equal(d.delayMs('word'), 230);
  });

  /** Gaps of a typist: usually `lo`-`hi` ms, and every 10th gap a 1-3 s pause. */
  function typist(seed: number, lo: number, hi: number, n = 60): number[] {
    const r = rng(seed);
    return Array.from({ length: n }, (_, i) => (i % 10 === 9 ? 1000 + r() * 2000 : lo + r() * (hi - lo)));
  }

  test('a fast typist who sometimes stops gets a wait just past their usual gap', () => {
    const d = new AdaptiveDebounce({ minMs: 60, maxMs: 400 });
    const gaps = typist(1, 100, 140);
    feed(d, 'word', gaps);
    d.observeLatency(300);
    const usual = Math.max(...gaps.filter((g) => g < 1000));
    const delay = d.delayMs('word');
    assert.ok(delay > usual, `delay ${delay} must exceed every usual gap (${usual})`);
    assert.ok(delay <= usual + 2, `delay ${delay} should not wait much beyond them`);
  });

  test('a slower typist gets a longer wait', () => {
    const fast = new AdaptiveDebounce({ minMs: 60, maxMs: 600 });
    const slow = new AdaptiveDebounce({ minMs: 60, maxMs: 600 });
    feed(fast, 'word', typist(2, 110, 150));
    feed(slow, 'word', typist(2, 260, 340));
    assert.ok(slow.delayMs('word') > fast.delayMs('word') + 100);
  });

  test('without evidence of real pauses it waits the maximum', () => {
    const d = new AdaptiveDebounce({ minMs: 60, maxMs: 400 });
    const r = rng(5);
    feed(
      d,
      'afterPunct',
      Array.from({ length: 60 }, () => 150 + r() * 150),
    );
    assert.equal(d.delayMs('afterPunct'), 400);
  });

  test('where the user often stops to think, it fires right after their usual gap', () => {
    const r = rng(3);
    const d = new AdaptiveDebounce({ minMs: 60, maxMs: 400 });
    // Half of the line starts are thinking pauses of 1-3 s, the others 150-200 ms.
    const gaps = Array.from({ length: 40 }, (_, i) => (i % 2 ? 1000 + r() * 2000 : 150 + r() * 50));
    feed(d, 'lineStart', gaps);
    d.observeLatency(300);
    const usual = gaps.filter((g) => g < 1000).sort((a, b) => a - b);
    const delay = d.delayMs('lineStart');
    // Past most of the usual gaps (4 in 5 of the remaining waits are thinking pauses)...
    assert.ok(delay > usual[Math.floor(usual.length * 0.75)]!, `delay ${delay}`);
    // ...and no later than just past all of them, far below the 400 ms maximum.
    assert.ok(delay <= usual.at(-1)! + 1, `delay ${delay}`);
  });

  test('an even threshold asks whenever the answer would still be seen', () => {
    const r = rng(3);
    const d = new AdaptiveDebounce({ minMs: 60, maxMs: 400, threshold: 0.5 });
    feed(
      d,
      'lineStart',
      Array.from({ length: 40 }, (_, i) => (i % 2 ? 1000 + r() * 2000 : 150 + r() * 50)),
    );
    d.observeLatency(300);
    assert.equal(d.delayMs('lineStart'), 60);
  });

  test('a slow provider makes it wait for surer pauses', () => {
    const make = (latency: number) => {
      const r = rng(4);
      const d = new AdaptiveDebounce({ minMs: 0, maxMs: 2000 });
      feed(
        d,
        'afterPunct',
        Array.from({ length: 64 }, () => 150 + r() * 1200),
      );
      for (let i = 0; i < 5; i++) d.observeLatency(latency);
      return d.delayMs('afterPunct');
    };
    const quick = make(100);
    const slow = make(900);
    assert.ok(slow > quick, `slow provider ${slow} ms vs quick ${quick} ms`);
  });

  test('stays within the bounds', () => {
    const d = new AdaptiveDebounce({ minMs: 80, maxMs: 250 });
    feed(
      d,
      'word',
      Array.from({ length: 30 }, () => 600),
    );
    d.observeLatency(2000);
    assert.equal(d.delayMs('word'), 250);
    const e = new AdaptiveDebounce({ minMs: 80, maxMs: 250 });
    feed(
      e,
      'word',
      Array.from({ length: 30 }, () => 5000),
    );
    assert.equal(e.delayMs('word'), 80);
  });

  test('each context learns its own rhythm; a context without samples uses all of them', () => {
    const d = new AdaptiveDebounce({ minMs: 0, maxMs: 1000, threshold: 0.5 });
    const t = feed(
      d,
      'word',
      Array.from({ length: 40 }, () => 120),
    );
    feed(
      d,
      'afterPunct',
      Array.from({ length: 40 }, () => 450),
      'doc',
      t + 1,
    );
    d.observeLatency(1000);
    assert.ok(d.delayMs('word') <= 125, `word ${d.delayMs('word')}`);
    assert.ok(d.delayMs('afterPunct') > 450, `afterPunct ${d.delayMs('afterPunct')}`);
    const pooled = d.delayMs('lineStart');
    assert.ok(pooled > 450, `pooled ${pooled}`);
  });

  test('switching documents is not a gap', () => {
    const d = new AdaptiveDebounce({ minMs: 0, maxMs: 1000, minSamples: 1, threshold: 0.5 });
    d.observeKey('a', 0, 'word');
    d.observeKey('b', 5000, 'word');
    d.observeKey('b', 5100, 'word');
    assert.equal(d.delayMs('word'), 101);
  });
});
