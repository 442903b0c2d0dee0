// For code on the fake clock that asks a model after a wait: the request goes out exactly `ms`
// from now, not a millisecond sooner.
import assert from 'node:assert/strict';
import type { FakeClock } from './fakeClock';

/** `asked()` counts the requests so far; none may be made before `ms`, one at `ms`. */
export async function assertAskedAfter(clock: FakeClock, asked: () => number, ms: number): Promise<void> {
  await clock.advance(ms - 1);
  assert.equal(asked(), 0, `nothing asked before ${ms} ms`);
  await clock.advance(1);
  assert.equal(asked(), 1, `asked at ${ms} ms`);
}
