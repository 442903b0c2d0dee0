// Identical requests in flight share one HTTP request. Each caller waits with its own signal: one
// caller giving up leaves the shared request running for the others, and only when the last
// waiting caller gives up is the shared request aborted (its connection closed).
import { abortReason } from './abort';

interface Shared<T> {
  promise: Promise<T>;
  controller: AbortController;
  waiters: number;
}

export class Coalescer<T> {
  private readonly inFlight = new Map<string, Shared<T>>();

  get size(): number {
    return this.inFlight.size;
  }

  /** Runs `start` for the first caller of `key`; later callers with the same key join it. */
  run(
    key: string,
    signal: AbortSignal | undefined,
    start: (signal: AbortSignal) => Promise<T>,
  ): Promise<{ value: T; shared: boolean }> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    let entry = this.inFlight.get(key);
    const shared = entry !== undefined;
    if (!entry) {
      const controller = new AbortController();
      const created: Shared<T> = { controller, waiters: 0, promise: undefined as unknown as Promise<T> };
      created.promise = start(controller.signal).finally(() => {
        if (this.inFlight.get(key) === created) this.inFlight.delete(key);
      });
      // Every waiter may have left; the shared promise's rejection is then nobody's to handle.
      created.promise.catch(() => undefined);
      this.inFlight.set(key, created);
      entry = created;
    }
    const current = entry;
    current.waiters++;
    return new Promise((resolve, reject) => {
      let settled = false;
      const leave = () => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        current.waiters--;
      };
      const onAbort = () => {
        leave();
        if (current.waiters === 0) {
          // Nobody waits any more: stop the shared request and let a new caller start afresh.
          if (this.inFlight.get(key) === current) this.inFlight.delete(key);
          current.controller.abort(signal?.reason);
        }
        reject(abortReason(signal as AbortSignal));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      current.promise.then(
        (value) => {
          if (settled) return;
          leave();
          resolve({ value, shared });
        },
        (error: unknown) => {
          if (settled) return;
          leave();
          reject(error);
        },
      );
    });
  }
}
