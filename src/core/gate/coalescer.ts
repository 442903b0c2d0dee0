// Identical requests in flight share one HTTP request. Each caller waits with its own signal: one
// caller giving up leaves the shared request running for the others, and only when the last
// waiting caller gives up is the shared request aborted (its connection closed).
//
// Memory matters here (thousands of completions can wait through a cooldown), so a caller without
// a signal costs one promise, and the shared request gets an AbortController only when its first
// caller can leave at all: a first caller without a signal waits to the end, so nothing can abandon it.
import { abortReason } from './abort';

interface Shared<T> {
  promise: Promise<T>;
  controller: AbortController | undefined;
  waiters: number;
}

export interface Coalesced<T> {
  value: T;
  /** True when this caller joined a request another caller started. */
  shared: boolean;
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
    start: (signal: AbortSignal | undefined) => Promise<T>,
  ): Promise<Coalesced<T>> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    const existing = this.inFlight.get(key);
    const shared = existing !== undefined;
    const entry = existing ?? this.start(key, signal !== undefined, start);
    entry.waiters++;
    if (!signal) {
      return entry.promise.then(
        (value) => {
          entry.waiters--;
          return { value, shared };
        },
        (error: unknown) => {
          entry.waiters--;
          throw error;
        },
      );
    }
    return new Promise((resolve, reject) => {
      let settled = false;
      const leave = () => {
        settled = true;
        signal.removeEventListener('abort', onAbort);
        entry.waiters--;
      };
      const onAbort = () => {
        if (settled) return;
        leave();
        if (entry.waiters === 0) {
          // Nobody waits any more: stop the shared request and let a new caller start afresh.
          if (this.inFlight.get(key) === entry) this.inFlight.delete(key);
          entry.controller?.abort(signal.reason);
        }
        reject(abortReason(signal));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      entry.promise.then(
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

  private start(
    key: string,
    abandonable: boolean,
    start: (signal: AbortSignal | undefined) => Promise<T>,
  ): Shared<T> {
    const controller = abandonable ? new AbortController() : undefined;
    const entry: Shared<T> = { controller, waiters: 0, promise: undefined as unknown as Promise<T> };
    const forget = () => {
      if (this.inFlight.get(key) === entry) this.inFlight.delete(key);
    };
    entry.promise = start(controller?.signal);
    // Forget the entry when it settles; this branch also keeps a rejection nobody waits for handled.
    entry.promise.then(forget, forget);
    this.inFlight.set(key, entry);
    return entry;
  }
}
