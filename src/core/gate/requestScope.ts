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
  private timer: TimerHandle | undefined;
  private readonly onCallerAbort = () => this.abort(this.caller?.reason);

  constructor(
    private readonly clock: Clock,
    private readonly caller: AbortSignal | undefined,
    readonly deadlineAt: number,
    deadlineError: () => PacerError,
  ) {
    if (caller?.aborted) this.abort(caller.reason);
    else caller?.addEventListener('abort', this.onCallerAbort, { once: true });
    if (!this.soft.signal.aborted && Number.isFinite(deadlineAt)) {
      this.timer = clock.setTimeout(() => {
        this.timer = undefined;
        if (!this.soft.signal.aborted) this.soft.abort(deadlineError());
      }, Math.max(0, deadlineAt - clock.now()));
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
      // Aborted before the deadline passed: the reason is the caller's (or the gate's), so share it.
      if (this.soft.signal.aborted && !this.deadlinePassed) this.hard.abort(this.soft.signal.reason);
    }
    return this.hard.signal;
  }

  get deadlinePassed(): boolean {
    return this.clock.now() >= this.deadlineAt;
  }

  remainingMs(): number {
    return this.deadlineAt - this.clock.now();
  }

  abort(reason: unknown): void {
    if (this.hard && !this.hard.signal.aborted) this.hard.abort(reason);
    if (!this.soft.signal.aborted) this.soft.abort(reason);
    else if (!this.hard) {
      // Deadline already passed; a chat attempt created later must still see the caller's abort.
      this.hard = new AbortController();
      this.hard.abort(reason);
    }
  }

  dispose(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.caller?.removeEventListener('abort', this.onCallerAbort);
  }
}
