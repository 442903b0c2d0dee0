// A Clock whose time moves only when a test says so. `advance(ms)` runs every timer that falls due
// on the way, in order, and lets the promise callbacks they trigger settle before the next one.
// `stepWall(ms)` moves the wall clock alone (NTP, the user setting the clock), as a real machine
// can: `now()` then behaves as the real clock's does (monotonicEpoch), timers do not move.
// `jump(ms)` moves time at once and runs nothing, for synchronous tests of code that only reads
// the clock (a circuit breaker, a health tracker).
import type { Clock, TimerHandle } from '../../src/core/common/clock';
import { monotonicEpoch } from '../../src/core/common/clock';

interface Timer {
  id: number;
  at: number;
  fn: () => void;
}

/** Lets every queued microtask (and microtasks they queue) run. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

export class FakeClock implements Clock {
  /** The monotonic time: what timers run on. */
  private time: number;
  private wallOffset = 0;
  private nextId = 1;
  private readonly timers = new Map<number, Timer>();
  private readonly reading: () => number;

  constructor(start = 1_700_000_000_000) {
    this.time = start;
    this.reading = monotonicEpoch(
      () => this.wallNow(),
      () => this.time,
    );
  }

  now(): number {
    return this.reading();
  }

  wallNow(): number {
    return this.time + this.wallOffset;
  }

  /** Steps the wall clock by `ms` (negative: backwards) without time passing. */
  stepWall(ms: number): void {
    this.wallOffset += ms;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    this.timers.set(id, { id, at: this.time + Math.max(0, ms), fn });
    return id as unknown as TimerHandle;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers.delete(handle as unknown as number);
  }

  /** Timers not yet run or cleared. */
  get pendingTimers(): number {
    return this.timers.size;
  }

  /** Moves time forward by `ms` at once, running no timer (due ones stay pending). Synchronous. */
  jump(ms: number): void {
    this.time += ms;
  }

  /** Moves time forward by `ms`, running due timers in order and settling promises after each. */
  async advance(ms: number): Promise<void> {
    const target = this.time + ms;
    await flush();
    for (;;) {
      let next: Timer | undefined;
      for (const timer of this.timers.values()) {
        if (
          timer.at <= target &&
          (!next || timer.at < next.at || (timer.at === next.at && timer.id < next.id))
        )
          next = timer;
      }
      if (!next) break;
      this.timers.delete(next.id);
      this.time = Math.max(this.time, next.at);
      next.fn();
      await flush();
    }
    this.time = target;
    await flush();
  }
}
