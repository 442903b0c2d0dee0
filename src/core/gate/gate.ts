// The gate: every request to one provider passes here. A priority queue (gateQueue.ts) whose
// concurrency follows the slot source's adaptive limit, one cooldown that pauses the whole queue
// after a 429, per-class deadlines and retries, and end-to-end cancellation. The gate is generic:
// a task is "one HTTP attempt"; the gate decides when (and whether) to run it again.
import type { Clock } from '../common/clock';
import { realClock } from '../common/clock';
import { isAbandoned, PacerError } from '../common/errors';
import type { RequestClass, Usage } from '../providers/modelService';
import { abortReason, reasonToError, withLinkedSignal } from './abort';
import type { BackoffOptions } from './backoff';
import { DEFAULT_COOLDOWN_BACKOFF, DEFAULT_RETRY_BACKOFF, fullJitterMs } from './backoff';
import type { ClassPolicies, ClassPolicy } from './classPolicy';
import { isRetryable, mergePolicies } from './classPolicy';
import { Cooldown } from './cooldown';
import type { IDisposable } from '../common/lifecycle';
import { Disposable, toDisposable } from '../common/lifecycle';
import { Emitter } from '../common/event';
import { AttemptOutcomes } from './attemptOutcomes';
import { Metrics } from './metrics';
import { DeadlineScheduler } from './deadlines';
import { RequestScope } from './requestScope';
import type { RetryHints } from './retryHints';
import { usableHintMs } from './retryHints';
import type { SlotSource } from './slotSource';
import { LocalSlotSource } from './slotSource';
import type { Waiter } from './waiters';
import { Waiters } from './waiters';
import { GateQueue } from './gateQueue';
import type {
  AttemptContext,
  GateAttempt,
  GateOptions,
  GateSnapshot,
  RetryGuard,
  RunOptions,
} from './gateTypes';
import { gateErrors } from './gateErrors';

export type {
  AttemptContext,
  GateAttempt,
  GateOptions,
  GateSnapshot,
  RetryGuard,
  RunOptions,
} from './gateTypes';
export { DEFAULT_COOLDOWN_BACKOFF, DEFAULT_RETRY_BACKOFF } from './backoff';

export class Gate extends Disposable {
  readonly providerId: string;
  private readonly errors: ReturnType<typeof gateErrors>;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly slots: SlotSource;
  private readonly queue: GateQueue;
  private readonly cooldown: Cooldown;
  private readonly metrics = new Metrics();
  private readonly changed = this._register(new Emitter<void>());
  private readonly waiters: Waiters;
  private readonly deadlines: DeadlineScheduler;
  private readonly scopes = new Set<RequestScope>();
  private policies: ClassPolicies;
  private retryBackoff: BackoffOptions;
  private sleeping = 0;
  /** Probes sent and not ended (the snapshot's `probing`). */
  private probing = 0;
  private changePending = false;
  private lastError: GateSnapshot['lastError'];
  private retryGuard: RetryGuard | undefined;

  private readonly outcomes: AttemptOutcomes;
  /** Each HTTP attempt sent and each probe, once it ended (the usage history). */
  readonly onDidAttempt: AttemptOutcomes['onDidAttempt'];

  /** Fires (batched per microtask) whenever the snapshot may have changed. */
  readonly onDidChange = (listener: () => void): IDisposable => this.changed.event(listener);

  constructor(options: GateOptions) {
    super();
    this.providerId = options.providerId;
    this.errors = gateErrors(options.providerId, options.label ?? options.providerId);
    this.clock = options.clock ?? realClock;
    this.random = options.random ?? Math.random;
    this.policies = mergePolicies(options.policies);
    this.retryBackoff = options.retryBackoff ?? DEFAULT_RETRY_BACKOFF;
    this.deadlines = new DeadlineScheduler(this.clock);
    this.slots = options.slotSource ?? new LocalSlotSource({ clock: this.clock, ...options.aimd });
    this.cooldown = new Cooldown({
      clock: this.clock,
      random: this.random,
      backoff: options.cooldownBackoff ?? DEFAULT_COOLDOWN_BACKOFF,
      hintJitter: options.hintJitter,
    });
    this.waiters = new Waiters(this.providerId, this.cooldown);
    this.queue = new GateQueue(this.slots.limit, this.waiters, () => this.scheduleChange());
    this.outcomes = this._register(new AttemptOutcomes(this.clock, this.metrics, this.cooldown));
    this.onDidAttempt = this.outcomes.onDidAttempt;
    // Disposed in reverse: running and waiting requests end first, the emitter last.
    this._register(this.slots);
    this._register(this.cooldown);
    this._register(
      this.slots.onDidChangeLimit(() => {
        this.queue.setConcurrency(this.slots.limit);
        this.scheduleChange();
      }),
    );
    this._register(this.cooldown.onDidChange(() => this.onCooldownChange()));
    this._register(this.deadlines);
    this._register(
      toDisposable(() => {
        // Rejects every waiting and running request ('unavailable').
        for (const scope of [...this.scopes]) scope.abort(this.unavailable());
        this.queue.clear(); // only tombstones are left in it
      }),
    );
  }

  /**
   * Runs `task` (one HTTP attempt) under the gate's pacing: queued by class priority, paused by
   * the provider's cooldown, retried per class policy until the deadline. Rejects with a PacerError.
   */
  async run<T>(task: (ctx: AttemptContext) => Promise<T>, options: RunOptions): Promise<T> {
    if (this.isDisposed) throw this.unavailable();
    const policy = this.policies[options.cls];
    const deadlineMs = options.deadlineMs ?? policy.deadlineMs;
    const scope = new RequestScope(
      this.clock,
      options.signal,
      this.clock.now(),
      deadlineMs,
      this,
      this.deadlines,
    );
    this.scopes.add(scope);
    this.metrics.count('requests');
    let lastError: PacerError | undefined;
    try {
      for (let attempt = 1; ; attempt++) {
        if (this.cooldown.active && this.cooldown.until >= scope.deadlineAt) {
          // Waiting cannot help this request: say so now, so the router can try another provider.
          throw this.coolingPastDeadline(lastError);
        }
        try {
          const value = await this.enqueue(
            task,
            scope,
            attempt,
            policy,
            options.onWait,
            lastError,
            options.cls,
          );
          this.metrics.count('succeeded');
          return value;
        } catch (caught) {
          const error = this.asPacerError(caught, scope);
          if (isAbandoned(error.kind) || !isRetryable(error.kind) || attempt >= policy.maxAttempts)
            throw error;
          // A chat answer that failed after its deadline passed is not tried again.
          if (scope.ended) throw error;
          if (this.retryGuard && !this.retryGuard(options.cls)) throw error;
          lastError = error;
          await this.beforeRetry(error, scope, attempt + 1, options);
        }
      }
    } catch (caught) {
      const error = this.asPacerError(caught, scope);
      if (isAbandoned(error.kind)) this.metrics.count('dropped');
      else {
        this.metrics.count('failed');
        this.lastError = { kind: error.kind, message: error.message, atMs: this.clock.now() };
      }
      throw error;
    } finally {
      scope.dispose();
      this.scopes.delete(scope);
      this.scheduleChange();
    }
  }

  /**
   * Runs a health probe now: no queue, no cooldown, no slot (probes exist to find out whether the
   * cooldown can end). Failures come back as PacerErrors and do not touch the gate's state.
   */
  probe<T>(task: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
    const sentAt = this.clock.now();
    this.probing++;
    const ended = (outcome: GateAttempt['outcome']) => {
      this.probing--;
      this.outcomes.probed(outcome, sentAt);
      this.scheduleChange();
    };
    return withLinkedSignal(signal, (linked) =>
      task(linked).then(
        (value) => {
          ended('answered');
          return value;
        },
        (caught: unknown) => {
          const error = this.asPacerError(caught, linked);
          ended(error.kind);
          throw error;
        },
      ),
    );
  }

  /** Adds a finished request's tokens to the metrics (its cost is the spend tracker's). */
  recordUsage(usage: Usage): void {
    this.metrics.usage(usage);
    this.scheduleChange();
  }

  /** Ends the cooldown now (a probe succeeded, or the user asked to retry now). */
  clearCooldown(): void {
    this.cooldown.clear();
  }

  configure(options: {
    initialConcurrency?: number;
    maxConcurrency?: number;
    policies?: GateOptions['policies'];
  }): void {
    // Onto the current policies, not the defaults: a settings change must keep the constructor's.
    if (options.policies) this.policies = mergePolicies(options.policies, this.policies);
    this.slots.configure?.({ initial: options.initialConcurrency, max: options.maxConcurrency });
  }

  /** See RetryGuard; undefined: always retry (per class policy). */
  setRetryGuard(guard: RetryGuard | undefined): void {
    this.retryGuard = guard;
  }

  setRetryBackoff(backoff: BackoffOptions): void {
    this.retryBackoff = backoff;
  }

  snapshot(): GateSnapshot {
    const active = this.cooldown.active;
    return {
      providerId: this.providerId,
      queued: this.queue.waitingCount + this.sleeping,
      inFlight: this.slots.inFlight,
      probing: this.probing,
      limit: this.slots.limit,
      cooldownUntil: active ? this.cooldown.until : undefined,
      cooldownReason: this.cooldown.reason,
      cooldownRemainingMs: this.cooldown.remainingMs(),
      consecutive429: this.cooldown.consecutive,
      reportedConcurrency: this.outcomes.reportedConcurrency,
      lastError: this.lastError,
      stats: this.metrics.snapshot(),
    };
  }

  /** Waits for the queue to run the attempt (see GateQueue for a request that ends while it waits). */
  private enqueue<T>(
    task: (ctx: AttemptContext) => Promise<T>,
    scope: RequestScope,
    attempt: number,
    policy: ClassPolicy,
    onWait: RunOptions['onWait'],
    lastError: PacerError | undefined,
    cls: RequestClass,
  ): Promise<T> {
    const queuedAt = this.clock.now();
    const waiter: Waiter | undefined = onWait ? { onWait, attempt, error: lastError } : undefined;
    return this.queue.enter(scope, policy.priority, waiter, () => {
      // The provider may have gone down while this retry waited (a probe opened its circuit).
      if (lastError && this.retryGuard && !this.retryGuard(cls)) return Promise.reject(lastError);
      return this.execute(task, scope, attempt, policy, queuedAt, cls);
    });
  }

  private async execute<T>(
    task: (ctx: AttemptContext) => Promise<T>,
    scope: RequestScope,
    attempt: number,
    policy: ClassPolicy,
    queuedAt: number,
    cls: RequestClass,
  ): Promise<T> {
    const signal = policy.deadlineAbortsRunning ? scope.signal : scope.hardSignal;
    if (signal.aborted) throw abortReason(signal, this.providerId);
    // Too late for a useful attempt (a backlog draining at its deadline): drop it without a request.
    if (policy.minStartMs > 0 && scope.remainingMs() < policy.minStartMs)
      throw this.deadlineError(scope.deadlineMs);
    const slot = await this.slots.acquire({
      signal,
      waiting: this.queue.waitingCount,
      cls,
      deadlineAt: scope.deadlineAt,
    });
    const times = { queuedAt, sentAt: this.clock.now() };
    this.metrics.count('attempts');
    this.scheduleChange();
    let sent = false;
    try {
      const value = await task({
        signal,
        attempt,
        reportHints: (hints) => this.applySuccessHints(hints),
        sent: () => {
          sent = true;
        },
      });
      this.outcomes.succeeded(slot, cls, times);
      return value;
    } catch (caught) {
      const error = this.asPacerError(caught, signal);
      this.outcomes.failed(slot, error, sent, cls, times);
      throw error;
    } finally {
      this.scheduleChange();
    }
  }

  /** Waits before attempt `next`; throws when that wait cannot end before the deadline. */
  private async beforeRetry(
    error: PacerError,
    scope: RequestScope,
    next: number,
    options: RunOptions,
  ): Promise<void> {
    if (error.kind === 'rateLimited') {
      // The cooldown this 429 started pauses the queue; the next attempt simply queues behind it.
      if (this.cooldown.active && this.cooldown.until >= scope.deadlineAt)
        throw this.coolingPastDeadline(error);
      options.onRetry?.({ attempt: next, error });
      return;
    }
    const delay = usableHintMs(error.retryAfterMs) ?? fullJitterMs(next - 1, this.retryBackoff, this.random);
    if (this.clock.now() + delay >= scope.deadlineAt) throw error;
    options.onRetry?.({ attempt: next, error });
    options.onWait?.({
      providerId: this.providerId,
      reason: 'retrying',
      untilMs: this.clock.now() + delay,
      attempt: next,
      error,
    });
    this.sleeping++;
    this.scheduleChange();
    try {
      await scope.sleep(delay);
    } finally {
      this.sleeping--;
      this.scheduleChange();
    }
  }

  private applySuccessHints(hints: RetryHints): void {
    // A provider that says "0 requests left until <reset>" will refuse the next one: pause first.
    if (hints.remainingRequests === 0 && usableHintMs(hints.retryAfterMs) !== undefined) {
      this.cooldown.trigger({ hintMs: hints.retryAfterMs, reason: 'budgetExhausted' });
    }
  }

  private onCooldownChange(): void {
    if (this.cooldown.active) {
      this.queue.pause();
      this.waiters.notifyAll();
    } else if (!this.isDisposed) {
      this.queue.start();
    }
    this.scheduleChange();
  }

  private scheduleChange(): void {
    if (this.changePending || !this.changed.hasListeners) return;
    this.changePending = true;
    queueMicrotask(() => {
      this.changePending = false;
      this.changed.fire();
    });
  }

  private asPacerError(caught: unknown, ended: AbortSignal | RequestScope): PacerError {
    if (caught instanceof PacerError) return caught;
    if (ended instanceof RequestScope ? ended.ended : ended.aborted)
      return reasonToError(ended.reason, this.providerId);
    // Tasks throw PacerErrors; anything else is a bug, which no retry fixes.
    return this.errors.internal(caught);
  }

  private coolingPastDeadline(lastError: PacerError | undefined): PacerError {
    return this.errors.coolingPastDeadline(this.cooldown.remainingMs(), lastError);
  }

  /** The error a request ends with at its deadline (the RequestScope asks). */
  deadlineError(deadlineMs: number): PacerError {
    return this.errors.deadline(deadlineMs);
  }

  private unavailable(): PacerError {
    return this.errors.shutDown();
  }
}
