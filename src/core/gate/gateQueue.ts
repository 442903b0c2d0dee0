// The gate's waiting line: a priority queue (p-queue) of requests waiting for their turn. A request
// that ends while it waits leaves a tombstone that does nothing when its turn comes, which spares
// every waiting request an AbortSignal and p-queue's listener on it.
import PQueue from 'p-queue';
import type { RequestScope } from './requestScope';
import type { Waiter, Waiters } from './waiters';

const SETTLED: Promise<void> = Promise.resolve();

export class GateQueue {
  private readonly queue: PQueue;
  private waiting = 0;

  constructor(
    concurrency: number,
    private readonly waiters: Waiters,
    /** Called when the number waiting changed. */
    private readonly changed: () => void,
  ) {
    // A shared slot source may report 0 while it has no slots; p-queue throws on concurrency < 1.
    this.queue = new PQueue({ concurrency: Math.max(1, concurrency) });
  }

  /** Requests waiting for their turn (tombstones not counted). */
  get waitingCount(): number {
    return this.waiting;
  }

  setConcurrency(concurrency: number): void {
    this.queue.concurrency = Math.max(1, concurrency);
  }

  pause(): void {
    this.queue.pause();
  }

  start(): void {
    this.queue.start();
  }

  /** Drops what is queued (only tombstones once every scope has ended). */
  clear(): void {
    this.queue.clear();
  }

  /**
   * Resolves with `turn()`'s result once the request's turn comes; rejects with the scope's reason
   * if the request ends first. `waiter` hears about waits (cooldowns) while it is in the line.
   */
  enter<T>(
    scope: RequestScope,
    priority: number,
    waiter: Waiter | undefined,
    turn: () => Promise<T>,
  ): Promise<T> {
    if (scope.ended) return Promise.reject(scope.reason);
    return new Promise<T>((resolve, reject) => {
      let inLine = true;
      const leave = () => {
        inLine = false;
        this.waiting--;
        if (waiter) this.waiters.delete(waiter);
        scope.setOnEnd(undefined);
      };
      this.waiting++;
      scope.setOnEnd((reason) => {
        if (!inLine) return;
        leave();
        this.changed();
        reject(reason);
      });
      void this.queue.add(
        () => {
          if (!inLine) return SETTLED; // a tombstone: the request left while it waited
          leave();
          return turn().then(resolve, reject);
        },
        { priority },
      );
      if (inLine) {
        if (waiter) this.waiters.add(waiter);
        this.changed();
      }
    });
  }
}
