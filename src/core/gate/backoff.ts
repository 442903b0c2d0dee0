// Exponential backoff with FULL jitter (AWS architecture blog, "Exponential Backoff and Jitter"):
// the wait is uniform in [0, min(cap, base * 2^(n-1))]. Editors sharing one account then spread
// their retries over the whole window instead of retrying in lockstep.

export interface BackoffOptions {
  baseMs: number;
  capMs: number;
}

/** The wait before retry number `failures` (1 after the first failure). `random` returns [0, 1). */
export function fullJitterMs(failures: number, options: BackoffOptions, random: () => number): number {
  return random() * backoffCeilingMs(failures, options);
}

/** The upper bound of the jittered wait. */
export function backoffCeilingMs(failures: number, { baseMs, capMs }: BackoffOptions): number {
  const exponent = Math.min(Math.max(failures, 1) - 1, 30);
  return Math.min(capMs, baseMs * 2 ** exponent);
}
