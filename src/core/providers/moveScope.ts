// The signal of one provider hop: aborted by the caller, or by the router moving the request to
// another provider ("Use X now", a long cooldown, a circuit that opened while it waited).
import { PacerError } from '../common/errors';
import { abortReason } from '../gate/abort';
import type { WaitInfo } from './modelService';

/** A child signal per provider hop: aborted by the caller, or by the router moving the request. */
export class MoveScope {
  private readonly controller = new AbortController();
  private movedError: PacerError | undefined;
  private readonly onParentAbort = () => this.controller.abort(this.parent?.reason);

  constructor(private readonly parent: AbortSignal | undefined) {
    if (parent?.aborted) this.onParentAbort();
    else parent?.addEventListener('abort', this.onParentAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get moved(): PacerError | undefined {
    return this.movedError;
  }

  private lastWait: WaitInfo | undefined;

  /** The gate said the request waits (it notifies only waiting requests, at each cooldown change). */
  noteWait(info: WaitInfo): void {
    this.lastWait = info;
  }

  /** Tokens arrived: the request is in flight. */
  noteStarted(): void {
    this.lastWait = undefined;
  }

  /**
   * Whether the request is surely waiting now: paused by a cooldown that is still running, or
   * sleeping before a retry that has not come yet. ('queued' may have started since.)
   */
  isWaiting(now: number): boolean {
    const w = this.lastWait;
    return !!w && (w.reason === 'rateLimited' || w.reason === 'retrying') && (w.untilMs ?? 0) > now;
  }

  move(reason: PacerError): void {
    if (this.movedError || this.controller.signal.aborted) return;
    this.movedError = reason;
    // Deferred: the gate may be in the middle of notifying waiters when we decide.
    queueMicrotask(() =>
      this.controller.abort(
        new PacerError({
          kind: 'cancelled',
          providerId: reason.providerId,
          message: reason.message,
          cause: reason,
        }),
      ),
    );
  }

  dispose(): void {
    this.parent?.removeEventListener('abort', this.onParentAbort);
  }
}

export function abortReasonOrWrap(caught: unknown, signal: AbortSignal, providerId: string): PacerError {
  if (signal.aborted) return abortReason(signal, providerId);
  const message = caught instanceof Error ? caught.message : String(caught);
  return new PacerError({
    kind: 'badRequest',
    providerId,
    message: `Internal error: ${message}`,
    cause: caught,
  });
}
