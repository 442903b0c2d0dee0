// Guards one HTTP attempt: aborts it when the first token does not come in time, when tokens
// stop coming, or when the whole (non-streaming) request takes too long. The SDK drops SSE
// `: keep-alive` comments and blank lines, so a provider that only keeps the connection alive
// produces no progress here and the watchdog fires: exactly what we want.
import type { Clock, TimerHandle } from '../common/clock';
import { PacerError } from '../common/errors';

export interface WatchdogLimits {
  /** From sending the request to the first content/reasoning token (headers are not progress). */
  firstTokenMs?: number;
  /** Longest silence between two tokens. */
  idleMs?: number;
  /** Whole request (for non-streaming calls, whose body may be padded with keep-alive blank lines). */
  totalMs?: number;
}

export class StreamWatchdog {
  private readonly controller = new AbortController();
  private timer: TimerHandle | undefined;
  private totalTimer: TimerHandle | undefined;
  private gotToken = false;
  private readonly onParentAbort = () => this.abort(this.parent?.reason);
  /** The error the watchdog aborted with, if it fired. */
  fired: PacerError | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly limits: WatchdogLimits,
    private readonly parent: AbortSignal | undefined,
    private readonly providerId: string,
    private readonly label: string,
  ) {
    if (parent?.aborted) this.controller.abort(parent.reason);
    else parent?.addEventListener('abort', this.onParentAbort, { once: true });
    if (limits.firstTokenMs !== undefined) this.arm(limits.firstTokenMs, 'firstToken');
    if (limits.totalMs !== undefined) {
      this.totalTimer = clock.setTimeout(() => this.fire('total'), limits.totalMs);
    }
  }

  /** The signal to hand to the SDK: aborted by the caller or by the watchdog. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** A token arrived. */
  progress(): void {
    this.gotToken = true;
    if (this.limits.idleMs !== undefined) this.arm(this.limits.idleMs, 'idle');
    else if (this.timer !== undefined) {
      this.clock.clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  get sawToken(): boolean {
    return this.gotToken;
  }

  dispose(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    if (this.totalTimer !== undefined) this.clock.clearTimeout(this.totalTimer);
    this.timer = this.totalTimer = undefined;
    this.parent?.removeEventListener('abort', this.onParentAbort);
  }

  private arm(ms: number, why: 'firstToken' | 'idle'): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = this.clock.setTimeout(() => this.fire(why), ms);
  }

  private fire(why: 'firstToken' | 'idle' | 'total'): void {
    if (this.controller.signal.aborted) return;
    const seconds = (ms: number | undefined) => `${Math.round((ms ?? 0) / 100) / 10} s`;
    this.fired =
      why === 'total'
        ? new PacerError({
            kind: 'timeout',
            providerId: this.providerId,
            message: `${this.label} did not finish the answer within ${seconds(this.limits.totalMs)}.`,
          })
        : new PacerError({
            kind: 'stalled',
            providerId: this.providerId,
            message:
              why === 'firstToken'
                ? `${this.label} sent no answer within ${seconds(this.limits.firstTokenMs)} (the provider may be overloaded).`
                : `${this.label} stopped sending the answer for ${seconds(this.limits.idleMs)}.`,
          });
    this.abort(this.fired);
  }

  private abort(reason: unknown): void {
    this.dispose();
    if (!this.controller.signal.aborted) this.controller.abort(reason);
  }
}
