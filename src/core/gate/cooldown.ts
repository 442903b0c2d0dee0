// ONE cooldown per provider: a 429 pauses every request to that provider, not just the one that
// failed. The wait is what the provider asked for (with a little jitter on top, so editors sharing
// an account do not all come back in the same millisecond), else exponential backoff with full
// jitter over the consecutive 429s. A hint of zero, in the past or under MIN_HINT_MS is no hint,
// and no wait is shorter than MIN_HINT_MS (full jitter may draw 0): a 429 always paces.
import type { Clock, TimerHandle } from '../common/clock';
import type { BackoffOptions } from './backoff';
import { fullJitterMs } from './backoff';
import { Emitter } from '../common/event';
import { Disposable, toDisposable } from '../common/lifecycle';
import { MIN_HINT_MS, usableHintMs } from './retryHints';

export type CooldownReason = 'retryAfter' | 'backoff' | 'budgetExhausted';

export interface CooldownOptions {
  clock: Clock;
  random: () => number;
  backoff: BackoffOptions;
  /** Extra random wait on top of a provider's hint, as a fraction of it (capped at 1 s). */
  hintJitter?: number;
}

export interface CooldownTrigger {
  /** What the provider asked for, in ms. */
  hintMs?: number;
  reason?: CooldownReason;
  /** When the refused request was sent; a 429 for a request sent before the current cooldown began is the same event. */
  sentAt?: number;
}

export class Cooldown extends Disposable {
  private untilMs = 0;
  private why: CooldownReason | undefined;
  private startedAt = -Infinity;
  private failures = 0;
  private timer: TimerHandle | undefined;
  private readonly changed = this._register(new Emitter<void>());
  readonly onDidChange = this.changed.event;

  constructor(private readonly options: CooldownOptions) {
    super();
    this._register(toDisposable(() => this.clearTimer()));
  }

  get until(): number {
    return this.untilMs;
  }

  get reason(): CooldownReason | undefined {
    return this.active ? this.why : undefined;
  }

  get active(): boolean {
    return this.untilMs > this.options.clock.now();
  }

  /** Consecutive 429 events (not individual responses) since the last success. */
  get consecutive(): number {
    return this.failures;
  }

  remainingMs(): number {
    return Math.max(0, this.untilMs - this.options.clock.now());
  }

  /** Starts or extends the cooldown; returns when it ends. */
  trigger({ hintMs: rawHintMs, reason, sentAt }: CooldownTrigger = {}): number {
    const hintMs = usableHintMs(rawHintMs);
    const now = this.options.clock.now();
    const stale = sentAt !== undefined && sentAt < this.startedAt;
    if (stale && hintMs === undefined) return this.untilMs; // already paused for this congestion event
    if (!stale) this.failures++;
    let delay: number;
    if (hintMs !== undefined) {
      const jitter = Math.min(1000, hintMs * (this.options.hintJitter ?? 0.1));
      delay = hintMs + this.options.random() * jitter;
    } else {
      delay = fullJitterMs(this.failures, this.options.backoff, this.options.random);
    }
    const until = now + Math.max(MIN_HINT_MS, delay);
    if (until <= this.untilMs) return this.untilMs;
    if (!this.active) this.startedAt = now;
    this.untilMs = until;
    this.why = reason ?? (hintMs !== undefined ? 'retryAfter' : 'backoff');
    this.schedule();
    this.changed.fire();
    return this.untilMs;
  }

  /** A request succeeded: the next 429 starts the backoff from the bottom again. */
  onSuccess(): void {
    this.failures = 0;
  }

  /** Ends the cooldown now (a probe showed the provider answers again, or the user asked). */
  clear(): void {
    if (this.untilMs === 0) return;
    this.untilMs = 0;
    this.why = undefined;
    this.clearTimer();
    this.changed.fire();
  }

  private clearTimer(): void {
    if (this.timer !== undefined) this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    if (this.timer !== undefined) this.options.clock.clearTimeout(this.timer);
    this.timer = this.options.clock.setTimeout(() => {
      this.timer = undefined;
      if (this.active) return this.schedule();
      this.changed.fire();
    }, this.remainingMs());
  }
}
