// One request's lifetime in the gate: the caller's signal plus the request's deadline, as signals
// whose reason says which of the two ended it. AbortControllers are not free (each costs an
// EventTarget), so the one that ignores the deadline is only made for classes that need it.
import type { Clock, TimerHandle } from '../clock';
import type { PacerError } from '../errors';

export class RequestScope {
  /** Caller abort, gate disposal or the deadline. */
  private readonly soft = new AbortController();
  /** Caller abort or gate disposal only; created on first use. */
  private hard: AbortController | undefined;
  private hardAborted = false;
  private hardReason: unknown;
  private timer: TimerHandle | undefined;
  private readonly onCallerAbort = () => this.abort(this.caller?.reason);
  readonly deadlineAt: number;

  constructor(
    private readonly clock: Clock,
    private readonly caller: AbortSignal | undefined,
    startedAt: number,
    readonly deadlineMs: number,
    deadlineError: () => PacerError,
  ) {
    this.deadlineAt = startedAt + deadlineMs;
    if (caller?.aborted) this.abort(caller.reason);
    else caller?.addEventListener('abort', this.onCallerAbort, { once: true });
    if (!this.soft.signal.aborted && Number.isFinite(this.deadlineAt)) {
      this.timer = clock.setTimeout(
        () => {
          this.timer = undefined;
          if (!this.soft.signal.aborted) this.soft.abort(deadlineError());
        },
        Math.max(0, this.deadlineAt - clock.now()),
      );
    }
  }

  /** Aborted when the caller gives up, the gate shuts down or the deadline passes. */
  get signal(): AbortSignal {
    return this.soft.signal;
  }

  /** Aborted when the caller gives up or the gate shuts down, not by the deadline. */
  get hardSignal(): AbortSignal {
    if (!this.hard) {
      this.hard = new AbortController();
      if (this.hardAborted) this.hard.abort(this.hardReason);
    }
    return this.hard.signal;
  }

  remainingMs(): number {
    return this.deadlineAt - this.clock.now();
  }

  abort(reason: unknown): void {
    if (this.hardAborted) return;
    this.hardAborted = true;
    this.hardReason = reason;
    this.hard?.abort(reason);
    if (!this.soft.signal.aborted) this.soft.abort(reason);
  }

  dispose(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.caller?.removeEventListener('abort', this.onCallerAbort);
  }
}
