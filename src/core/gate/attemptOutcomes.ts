// What the end of one HTTP attempt means for the gate: its slot goes back with the outcome, the
// counters move, a 429 starts the provider's cooldown (and remembers the concurrency DeepSeek
// reported), and listeners of `onDidAttempt` (the usage history) hear of it. Probes are reported
// here too, without a slot.
import type { Clock } from '../common/clock';
import type { PacerError } from '../common/errors';
import { isAbandoned } from '../common/errors';
import { Emitter } from '../common/event';
import { Disposable } from '../common/lifecycle';
import type { RequestClass } from '../providers/modelService';
import type { Cooldown } from './cooldown';
import type { GateAttempt } from './gateTypes';
import type { Metrics } from './metrics';
import type { Slot } from './slotSource';

/** When the attempt was queued and sent (clock ms), for its latency and queue wait. */
export interface AttemptTimes {
  queuedAt: number;
  sentAt: number;
}

export class AttemptOutcomes extends Disposable {
  private readonly attempts = this._register(new Emitter<GateAttempt>());
  /** Each HTTP attempt sent and each probe, once it ended. */
  readonly onDidAttempt = this.attempts.event;
  /** DeepSeek's account-wide concurrency from the last 429 that reported it. */
  reportedConcurrency: number | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly metrics: Metrics,
    private readonly cooldown: Cooldown,
  ) {
    super();
  }

  succeeded(slot: Slot, cls: RequestClass, times: AttemptTimes): void {
    slot.release({ kind: 'success' });
    this.cooldown.onSuccess();
    this.metrics.latency(this.clock.now() - times.sentAt);
    this.report(cls, 'answered', times);
  }

  /** `sent`: the request left (an answer with a status says so too); else it never reached the provider. */
  failed(slot: Slot, error: PacerError, sent: boolean, cls: RequestClass, times: AttemptTimes): void {
    if (sent || error.status !== undefined) this.report(cls, error.kind, times);
    if (error.kind === 'rateLimited') {
      this.metrics.count('rateLimited');
      if (error.reportedConcurrency) this.reportedConcurrency = error.reportedConcurrency;
      slot.release({ kind: 'rateLimited', reportedConcurrency: error.reportedConcurrency });
      this.cooldown.trigger({ hintMs: error.retryAfterMs, sentAt: times.sentAt });
    } else {
      if (!isAbandoned(error.kind)) this.metrics.count('attemptsFailed');
      slot.release({ kind: isAbandoned(error.kind) ? 'aborted' : 'failed' });
    }
  }

  probed(outcome: GateAttempt['outcome'], sentAt: number): void {
    this.report('probe', outcome, { queuedAt: sentAt, sentAt });
  }

  private report(cls: GateAttempt['cls'], outcome: GateAttempt['outcome'], times: AttemptTimes): void {
    if (!this.attempts.hasListeners) return;
    const latencyMs = this.clock.now() - times.sentAt;
    this.attempts.fire({ cls, outcome, latencyMs, waitMs: times.sentAt - times.queuedAt });
  }
}
