// The pure parts of a chat turn: the delta batcher (tokens gathered into frames, numbered without a
// gap, cut under the protocol's limit) and the presenter's wait line (the fallback button, or the
// hint when there is none).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LIMITS } from '../../../../src/core/common/chatProtocol';
import type { Clock, TimerHandle } from '../../../../src/core/common/clock';
import { PacerError } from '../../../../src/core/common/errors';
import { NO_FALLBACK_HINT } from '../../../../src/core/common/messages/chat';
import { DeltaBatcher, toFrames, type DeltaFrame } from '../../../../src/core/chat/deltaBatcher';
import { waitMessage } from '../../../../src/core/chat/chatPresenter';

/** Timers that run only when the test says so. */
function manualClock() {
  const timers = new Map<number, () => void>();
  let next = 1;
  const clock: Clock = {
    now: () => 1_000,
    wallNow: () => 1_000,
    setTimeout: (fn) => {
      timers.set(next, fn);
      return next++ as unknown as TimerHandle;
    },
    clearTimeout: (h) => void timers.delete(h as unknown as number),
  };
  const fire = () => {
    const due = [...timers.values()];
    timers.clear();
    for (const fn of due) fn();
  };
  return { clock, fire, pending: () => timers.size };
}

describe('delta batcher', () => {
  test('tokens within one frame go out as one delta, numbered from 0', () => {
    const { clock, fire, pending } = manualClock();
    const frames: DeltaFrame[] = [];
    const b = new DeltaBatcher('a1', clock, 16, (f) => frames.push(f));
    b.add('Hel', '');
    b.add('lo', 'think');
    assert.equal(frames.length, 0);
    assert.equal(pending(), 1, 'one timer for the frame');
    fire();
    assert.deepEqual(frames, [
      { type: 'delta', messageId: 'a1', seq: 0, content: 'Hello', reasoning: 'think' },
    ]);
    b.add(' there', '');
    b.flush();
    assert.deepEqual(
      frames.map((f) => f.seq),
      [0, 1],
    );
    assert.equal(pending(), 0, 'flush cancels the timer');
  });

  test('with no coalescing each token goes at once; dropped text never goes', () => {
    const { clock } = manualClock();
    const frames: DeltaFrame[] = [];
    const b = new DeltaBatcher('a1', clock, 0, (f) => frames.push(f));
    b.add('a', '');
    b.add('b', '');
    assert.deepEqual(
      frames.map((f) => f.content),
      ['a', 'b'],
    );
    const c = new DeltaBatcher('a2', clock, 16, (f) => frames.push(f));
    c.add('gone', '');
    c.drop();
    c.flush();
    assert.equal(frames.length, 2);
    assert.equal(c.seq, 0);
  });

  test('a whole answer at once is cut into pieces under the protocol limit', () => {
    const big = 'x'.repeat(250_000);
    const frames = toFrames('a1', 3, big, '');
    assert.equal(frames.length, 3);
    assert.deepEqual(
      frames.map((f) => f.seq),
      [3, 4, 5],
    );
    assert.ok(frames.every((f) => (f.content ?? '').length <= LIMITS.delta));
    assert.equal(frames.map((f) => f.content).join(''), big);
  });
});

describe('presenter: the wait line', () => {
  const info = { providerId: 'deepseek', reason: 'rateLimited' as const, attempt: 2, untilMs: 4_200 };

  test('with somewhere to go it offers the fallback; with nowhere, the hint', () => {
    const moved = waitMessage('a1', info, { provider: 'DeepSeek', fallback: 'Team Gateway', nowMs: 1_000 });
    assert.deepEqual(moved, {
      type: 'wait',
      messageId: 'a1',
      reason: 'rateLimited',
      provider: 'DeepSeek',
      attempt: 2,
      delayMs: 3_200,
      fallback: 'Team Gateway',
    });
    const stuck = waitMessage('a1', info, { provider: 'DeepSeek', fallback: undefined, nowMs: 1_000 });
    assert.equal(stuck.type === 'wait' && stuck.hint, NO_FALLBACK_HINT);
  });

  test('a retry says what went wrong in plain words, with the detail behind it', () => {
    const error = new PacerError({ kind: 'server', message: 'DeepSeek answered 500' });
    const m = waitMessage(
      'a1',
      { providerId: 'deepseek', reason: 'retrying', attempt: 3, error },
      { provider: 'DeepSeek', fallback: undefined, nowMs: 0 },
    );
    assert.equal(m.type === 'wait' && m.why, 'had a server error');
    assert.equal(m.type === 'wait' && m.detail, 'DeepSeek answered 500');
    assert.equal(m.type === 'wait' && m.hint, undefined, 'the hint is for rate limits only');
  });
});
