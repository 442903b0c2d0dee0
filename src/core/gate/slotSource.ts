// Where a gate gets permission to send a request. The local source is an AIMD limiter for this
// editor alone; a source shared by many editors (a Redis-backed semaphore, say) can replace it
// without touching the gate's callers: the gate only asks for a slot and reports how it went.
import type { Clock } from '../common/clock';
import type { RequestClass } from '../providers/modelService';
import type { AimdOptions } from './aimdLimiter';
import { AimdLimiter, DEFAULT_AIMD } from './aimdLimiter';
import type { Disposable } from '../common/event';
import { Emitter } from '../common/event';

export type SlotOutcome =
  | { kind: 'success' }
  /** HTTP 429; `reportedConcurrency` is DeepSeek's account-wide count from the body. */
  | { kind: 'rateLimited'; reportedConcurrency?: number }
  /** Failed for a reason that says nothing about capacity (5xx, network, bad request). */
  | { kind: 'failed' }
  /** The caller gave up; the provider's answer is unknown. */
  | { kind: 'aborted' };

export interface Slot {
  /** Call exactly once; later calls are ignored. */
  release(outcome: SlotOutcome): void;
}

export interface AcquireOptions {
  signal?: AbortSignal;
  /** Requests still waiting in the gate's queue behind this one (demand beyond the limit). */
  waiting: number;
  /** The request's class: a shared source serves chat before completions before background. */
  cls?: RequestClass;
  /** Clock time the request's deadline passes: a shared source drops a completion's place then. */
  deadlineAt?: number;
}

export interface SlotSource {
  /** How many requests this gate should run at once (the gate's queue concurrency). */
  readonly limit: number;
  readonly inFlight: number;
  onDidChangeLimit(listener: () => void): Disposable;
  /**
   * Resolves with a slot; a shared source may make the caller wait for one (and keeps the slot's
   * lease renewed until it is released). Rejects with the signal's reason when it aborts.
   */
  acquire(options: AcquireOptions): Slot | Promise<Slot>;
  configure?(options: { initial?: number; max?: number }): void;
  dispose(): void;
}

export interface LocalSlotSourceOptions extends Partial<AimdOptions> {
  clock: Clock;
  /** How long DeepSeek's reported account concurrency bounds our limit; default 10 minutes. */
  hintTtlMs?: number;
}

/** The per-editor source: an AIMD limiter that counts requests in flight. */
export class LocalSlotSource implements SlotSource {
  private readonly limiter: AimdLimiter;
  private readonly changed = new Emitter<void>();
  private readonly clock: Clock;
  private readonly hintTtlMs: number;
  private hintExpiresAt = 0;
  private running = 0;

  constructor(options: LocalSlotSourceOptions) {
    this.clock = options.clock;
    this.hintTtlMs = options.hintTtlMs ?? 10 * 60_000;
    const { clock: _clock, hintTtlMs: _ttl, ...aimd } = options;
    // Undefined values (an empty setting) keep the defaults; spread as-is they would make NaN limits.
    const defined = Object.fromEntries(Object.entries(aimd).filter(([, v]) => v !== undefined));
    this.limiter = new AimdLimiter({ ...DEFAULT_AIMD, ...defined });
  }

  get limit(): number {
    return this.limiter.limit;
  }

  get inFlight(): number {
    return this.running;
  }

  readonly onDidChangeLimit = (listener: () => void): Disposable => this.changed.event(listener);

  acquire({ waiting }: AcquireOptions): Slot {
    this.running++;
    this.expireHint();
    const saturated = this.running >= this.limiter.limit || waiting > 0;
    const epoch = this.limiter.epoch;
    let released = false;
    return {
      release: (outcome) => {
        if (released) return;
        released = true;
        this.running--;
        let changed = false;
        if (outcome.kind === 'success') changed = this.limiter.onSuccess(saturated, epoch);
        else if (outcome.kind === 'rateLimited') {
          if (outcome.reportedConcurrency !== undefined && outcome.reportedConcurrency > 0) {
            this.hintExpiresAt = this.clock.now() + this.hintTtlMs;
            changed = this.limiter.setHintCeiling(outcome.reportedConcurrency) || changed;
          }
          changed = this.limiter.onRateLimited(epoch) || changed;
        }
        if (changed) this.changed.fire();
      },
    };
  }

  configure(options: { initial?: number; max?: number }): void {
    if (this.limiter.configure(options)) this.changed.fire();
  }

  dispose(): void {
    this.changed.dispose();
  }

  private expireHint(): void {
    if (this.hintExpiresAt !== 0 && this.clock.now() >= this.hintExpiresAt) {
      this.hintExpiresAt = 0;
      if (this.limiter.setHintCeiling(undefined)) this.changed.fire();
    }
  }
}
