// One request's lifetime in the gate: the caller's signal, the request's deadline and the gate's
// shutdown. While the request waits, the scope needs no AbortSignal at all (one callback is told
// when it ends); the signals an attempt needs are made when it starts. Thousands of completions
// may wait through a cooldown, and an AbortSignal costs about 1 KB, so this object stays lean.
import type { Clock } from '../common/clock';
import type { PacerError } from '../common/errors';
import type { DeadlineScheduler, Expirable } from './deadlines';

/** Who makes the error a request ends with at its deadline (shared, so no closure per request). */
export interface DeadlineErrorSource {
  deadlineError(deadlineMs: number): PacerError;
}

interface Ending {
  reason: unknown;
}

export class RequestScope implements Expirable {
  readonly deadlineAt: number;
  /** Anything ended the request, the deadline included. */
  private ending: Ending | undefined;
  /** The caller gave up or the gate shut down. */
  private hardEnding: Ending | undefined;
  private soft: AbortController | undefined;
  private hard: AbortController | undefined;
  private onEnd: ((reason: unknown) => void) | undefined;
  private scheduled = false;
  private callerListener: (() => void) | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly caller: AbortSignal | undefined,
    startedAt: number,
    readonly deadlineMs: number,
    private readonly source: DeadlineErrorSource,
    private readonly deadlines: DeadlineScheduler,
  ) {
    this.deadlineAt = startedAt + deadlineMs;
    if (caller?.aborted) this.abort(caller.reason);
    else if (caller) {
      this.callerListener = () => this.abort(caller.reason);
      caller.addEventListener('abort', this.callerListener, { once: true });
    }
    if (!this.ending && Number.isFinite(this.deadlineAt)) {
      deadlines.schedule(this);
      this.scheduled = true;
    }
  }

  /** The deadline passed (called by the scheduler). */
  expire(): void {
    this.scheduled = false;
    this.end(this.source.deadlineError(this.deadlineMs));
  }

  get ended(): boolean {
    return this.ending !== undefined;
  }

  /** Why the request ended (its deadline's PacerError, the caller's reason...). */
  get reason(): unknown {
    return this.ending?.reason;
  }

  /** Aborted when the caller gives up, the gate shuts down or the deadline passes. */
  get signal(): AbortSignal {
    if (!this.soft) {
      this.soft = new AbortController();
      if (this.ending) this.soft.abort(this.ending.reason);
    }
    return this.soft.signal;
  }

  /** Aborted when the caller gives up or the gate shuts down, not by the deadline. */
  get hardSignal(): AbortSignal {
    if (!this.hard) {
      this.hard = new AbortController();
      if (this.hardEnding) this.hard.abort(this.hardEnding.reason);
    }
    return this.hard.signal;
  }

  /** The one callback told when the request ends (while it waits); undefined to stop listening. */
  setOnEnd(listener: ((reason: unknown) => void) | undefined): void {
    this.onEnd = listener;
  }

  /** Sleeps `delayMs` (before a retry); rejects with the reason if the request ends meanwhile. */
  sleep(delayMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      // The caller may have aborted inside onRetry/onWait, before the end listener below exists.
      if (this.ended) {
        reject(this.reason);
        return;
      }
      const timer = this.clock.setTimeout(() => {
        this.setOnEnd(undefined);
        resolve();
      }, delayMs);
      this.setOnEnd((reason) => {
        this.clock.clearTimeout(timer);
        reject(reason);
      });
    });
  }

  remainingMs(): number {
    return this.deadlineAt - this.clock.now();
  }

  /** The caller gave up, or the gate shuts down. */
  abort(reason: unknown): void {
    if (this.hardEnding) return;
    this.hardEnding = { reason };
    this.hard?.abort(reason);
    this.end(reason);
  }

  dispose(): void {
    if (this.scheduled) this.deadlines.cancel(this);
    this.scheduled = false;
    this.onEnd = undefined;
    if (this.callerListener) this.caller?.removeEventListener('abort', this.callerListener);
  }

  private end(reason: unknown): void {
    if (this.ending) return;
    this.ending = { reason };
    this.soft?.abort(reason);
    const listener = this.onEnd;
    this.onEnd = undefined;
    listener?.(reason);
  }
}
