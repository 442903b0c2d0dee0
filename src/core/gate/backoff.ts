// Exponential backoff with FULL jitter (AWS architecture blog, "Exponential Backoff and Jitter"):
// the wait is uniform in [0, ceiling]. Editors sharing one account then spread their retries over
// the whole window instead of retrying in lockstep.

export interface BackoffOptions {
  baseMs: number;
  capMs: number;
  /**
   * How the ceiling moves with the failure count. 'grow' (default): base, 2*base, .. up to cap.
   * 'shrink': cap, cap/2, .. down to base. Priority aging: among editors that cannot see each
   * other, a growing window makes the unlucky wait longer and lose again (capture); a shrinking
   * one lets a request that keeps losing come back sooner, which evens out who gets served.
   */
  schedule?: 'grow' | 'shrink';
}

/** The wait before retry number `failures` (1 after the first failure). `random` returns [0, 1). */
export function fullJitterMs(failures: number, options: BackoffOptions, random: () => number): number {
  return random() * backoffCeilingMs(failures, options);
}

/** The upper bound of the jittered wait. */
export function backoffCeilingMs(failures: number, { baseMs, capMs, schedule }: BackoffOptions): number {
  const exponent = Math.min(Math.max(failures, 1) - 1, 30);
  if (schedule === 'shrink') return Math.max(baseMs, capMs / 2 ** exponent);
  return Math.min(capMs, baseMs * 2 ** exponent);
}

/**
 * After a 429 without hints: U(0, 6 s), then U(0, 3 s), then U(0, 2 s) for every later one.
 * DeepSeek's 429 comes at once and says the ACCOUNT is full, so editors sharing it must spread
 * their retries out; a shorter window buys a little throughput for many more refusals. The window
 * shrinks rather than grows so that a request that keeps losing is not starved by the lucky ones
 * (a growing 4 s..8 s window had about the same refusals and throughput but a Jain index near
 * 0.82; see `frontier` in bench-results.json).
 */
export const DEFAULT_COOLDOWN_BACKOFF: BackoffOptions = { baseMs: 2000, capMs: 6000, schedule: 'shrink' };
export const DEFAULT_RETRY_BACKOFF: BackoffOptions = { baseMs: 500, capMs: 8000 };
