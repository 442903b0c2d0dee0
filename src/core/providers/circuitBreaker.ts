// A circuit breaker per provider. Repeated failures (or a 429 storm: 429s with no success in
// between) open it; while open no traffic goes there and a cheap probe runs every interval; a
// probe that answers half-opens it, and the first real success closes it again (the first real
// failure re-opens it at once, so a provider that only answers /models cannot flap traffic back).
import type { Clock } from '../common/clock';
import type { PacerErrorKind } from '../common/errors';
import { isRetryable } from '../gate/classPolicy';

export type CircuitState =
  | { kind: 'closed'; consecutiveFailures: number }
  | { kind: 'open'; sinceMs: number; nextProbeMs: number; lastError?: PacerErrorKind }
  | { kind: 'halfOpen'; sinceMs: number };

export interface CircuitOptions {
  /** Consecutive provider failures (429, 5xx, network, timeouts) that open the circuit. */
  failureThreshold: number;
  /** Time between probes while open. */
  probeIntervalMs: number;
}

export const DEFAULT_CIRCUIT: CircuitOptions = { failureThreshold: 3, probeIntervalMs: 10_000 };

/**
 * Failures that say something about the provider (not about the request or the user): the same
 * kinds the gate retries, since what another attempt may fix is the provider's state.
 */
export function countsAgainstProvider(kind: PacerErrorKind): boolean {
  return isRetryable(kind);
}

export class CircuitBreaker {
  private current: CircuitState = { kind: 'closed', consecutiveFailures: 0 };

  constructor(
    private readonly clock: Clock,
    private options: CircuitOptions = DEFAULT_CIRCUIT,
  ) {}

  get state(): CircuitState {
    return this.current;
  }

  setOptions(options: CircuitOptions): void {
    this.options = options;
    if (this.current.kind === 'open') {
      // A shorter interval applies to the next probe at once.
      this.current = {
        ...this.current,
        nextProbeMs: Math.min(this.current.nextProbeMs, this.clock.now() + options.probeIntervalMs),
      };
    }
  }

  /** Whether real traffic may go to the provider (closed or half-open). */
  get allowsTraffic(): boolean {
    return this.current.kind !== 'open';
  }

  recordSuccess(): boolean {
    const changed = this.current.kind !== 'closed' || this.current.consecutiveFailures !== 0;
    this.current = { kind: 'closed', consecutiveFailures: 0 };
    return changed;
  }

  /** Returns true when this failure changed the state (opened the circuit). */
  recordFailure(kind: PacerErrorKind): boolean {
    if (!countsAgainstProvider(kind)) return false;
    const now = this.clock.now();
    switch (this.current.kind) {
      case 'open':
        return false;
      case 'halfOpen':
        this.open(now, kind);
        return true;
      case 'closed': {
        const failures = this.current.consecutiveFailures + 1;
        if (failures >= this.options.failureThreshold) {
          this.open(now, kind);
          return true;
        }
        this.current = { kind: 'closed', consecutiveFailures: failures };
        return false;
      }
    }
  }

  /** Opens the circuit now (e.g. the provider's cooldown is far longer than anyone will wait). */
  trip(kind: PacerErrorKind): boolean {
    if (this.current.kind === 'open') return false;
    this.open(this.clock.now(), kind);
    return true;
  }

  /** Whether a probe should run now. */
  probeDue(): boolean {
    return this.current.kind === 'open' && this.clock.now() >= this.current.nextProbeMs;
  }

  probeSucceeded(): boolean {
    if (this.current.kind !== 'open') return false;
    this.current = { kind: 'halfOpen', sinceMs: this.clock.now() };
    return true;
  }

  probeFailed(kind?: PacerErrorKind): void {
    const now = this.clock.now();
    if (this.current.kind === 'open') {
      this.current = {
        ...this.current,
        nextProbeMs: now + this.options.probeIntervalMs,
        lastError: kind ?? this.current.lastError,
      };
    } else if (this.current.kind === 'halfOpen') {
      this.open(now, kind);
    }
  }

  reset(): void {
    this.current = { kind: 'closed', consecutiveFailures: 0 };
  }

  private open(now: number, kind?: PacerErrorKind): void {
    this.current = {
      kind: 'open',
      sinceMs: now,
      nextProbeMs: now + this.options.probeIntervalMs,
      lastError: kind,
    };
  }
}
