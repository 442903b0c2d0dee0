// Requests waiting in a gate's queue that asked to hear why: queued behind others, or paused by
// the provider's cooldown (told again at each cooldown change, so a countdown stays right).
import type { PacerError } from '../common/errors';
import type { WaitInfo } from '../providers/modelService';
import type { Cooldown } from './cooldown';

export interface Waiter {
  onWait(info: WaitInfo): void;
  attempt: number;
  error?: PacerError;
}

export class Waiters {
  private readonly waiting = new Set<Waiter>();

  constructor(
    private readonly providerId: string,
    private readonly cooldown: Cooldown,
  ) {}

  /** Starts waiting, and says why at once. */
  add(waiter: Waiter): void {
    this.waiting.add(waiter);
    this.notify(waiter);
  }

  delete(waiter: Waiter): void {
    this.waiting.delete(waiter);
  }

  notifyAll(): void {
    for (const waiter of this.waiting) this.notify(waiter);
  }

  private notify(waiter: Waiter): void {
    const cooling = this.cooldown.active;
    waiter.onWait({
      providerId: this.providerId,
      reason: cooling ? 'rateLimited' : 'queued',
      untilMs: cooling ? this.cooldown.until : undefined,
      attempt: waiter.attempt,
      error: waiter.error,
    });
  }
}
