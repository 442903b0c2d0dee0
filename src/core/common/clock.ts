// Time is injected everywhere in core/ so tests can run the gate, debounce and health logic on a
// fake clock instead of sleeping.
export type TimerHandle = { readonly __timer: unique symbol } | ReturnType<typeof setTimeout>;

export interface Clock {
  /**
   * Milliseconds on the epoch scale that never go backwards: the reading for every interval
   * (cooldowns, deadlines, probes, backoff). See `monotonicEpoch`.
   */
  now(): number;
  /**
   * The wall clock (Date.now()), which the user or NTP may step either way. Only for what is a
   * calendar fact: the spend ledger's day, and turning an HTTP date or a reset epoch from a
   * provider into a wait.
   */
  wallNow(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/**
 * A reading that advances with the monotonic clock (performance.now()), so a backwards step of
 * the wall clock extends no cooldown or deadline, yet stays on the epoch scale: it jumps forward
 * with the wall clock when that runs ahead (the machine slept, the clock was set forward), so a
 * time shown to the user or stored with a chat stays right after a laptop's night asleep. After
 * a backwards step it runs ahead of the wall clock by the step until the wall clock catches up.
 */
export function monotonicEpoch(readWall: () => number, readMonotonic: () => number): () => number {
  let anchorEpoch = readWall();
  let anchorMonotonic = readMonotonic();
  return () => {
    const monotonic = readMonotonic();
    const wall = readWall();
    let t = anchorEpoch + (monotonic - anchorMonotonic);
    if (wall > t) {
      anchorEpoch = wall;
      anchorMonotonic = monotonic;
      t = wall;
    }
    return t;
  };
}

const realNow = monotonicEpoch(
  () => Date.now(),
  () => performance.now(),
);

export const realClock: Clock = {
  // Whole ms like Date.now() (stored chats validate their times as integers); flooring a
  // non-decreasing value keeps it non-decreasing.
  now: () => Math.floor(realNow()),
  wallNow: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t: unknown = setTimeout(fn, ms);
    // Timers of the gate must never keep a CLI, test or benchmark process alive by themselves.
    // (Node's timers have unref(); a browser's are numbers: this module is browser-safe.)
    (t as { unref?: () => void }).unref?.();
    return t as TimerHandle;
  },
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/** Resolves after `ms` on the given clock; rejects with the signal's reason when aborted. */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clock.clearTimeout(handle);
      reject(signal?.reason);
    };
    const handle = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
