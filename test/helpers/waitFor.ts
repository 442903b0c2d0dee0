// Polling for tests that wait on something real: an emulator's counters, a socket, a child
// process, an editor. (Code on an injected clock needs none of this: advance the FakeClock.)
import assert from 'node:assert/strict';

export interface WaitForOptions {
  /** Give up after this long; default 5 s. */
  timeoutMs?: number;
  /** Time between checks; default 10 ms. */
  intervalMs?: number;
  /** What is awaited, for the timeout message. */
  what?: string;
  /** Called once on timeout: more for the message (counters, last requests), or a screenshot. */
  detail?: () => string | void | Promise<string | void>;
}

/**
 * Resolves once `check()` is true (it may be async), with the milliseconds that took; fails the
 * test (an AssertionError) after `timeoutMs`. A number for `options` is the timeout.
 */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  options: WaitForOptions | number = {},
): Promise<number> {
  const {
    timeoutMs = 5000,
    intervalMs = 10,
    what,
    detail,
  } = typeof options === 'number' ? { timeoutMs: options } : options;
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) {
      const more = await detail?.();
      assert.fail(
        `timed out after ${timeoutMs} ms waiting for ${what ?? 'a condition'}${more ? `; ${more}` : ''}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  return Date.now() - start;
}

/** `waitFor` with this file's own defaults; options given at a call still win. */
export function waiter(defaults: WaitForOptions) {
  return (check: () => boolean | Promise<boolean>, options: WaitForOptions | number = {}): Promise<number> =>
    waitFor(check, { ...defaults, ...(typeof options === 'number' ? { timeoutMs: options } : options) });
}
