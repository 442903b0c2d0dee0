// The health of one provider, computed from what its gate and the router see: the circuit
// breaker, the gate's cooldown, the last auth/balance answer and a short window of outcomes.
// `computeHealth` is a pure function of those inputs; `HealthTracker` keeps the inputs.
import { median } from '../common/stats';
import type { Clock } from '../common/clock';
import type { PacerErrorKind } from '../common/errors';
import type { CircuitOptions, CircuitState } from './circuitBreaker';
import { CircuitBreaker, countsAgainstProvider, DEFAULT_CIRCUIT } from './circuitBreaker';

export type HealthState =
  | { kind: 'healthy' }
  | { kind: 'rateLimited'; untilMs: number }
  | { kind: 'degraded'; reason: 'slow' | 'failing' }
  | { kind: 'down'; reason: string; nextProbeMs: number }
  | { kind: 'needsKey' }
  | { kind: 'noBalance' };

export type HealthKind = HealthState['kind'];

/** What the user must fix before the provider can serve again (no probe can fix it). */
export type AuthState = 'ok' | 'needsKey' | 'noBalance';

export interface HealthInputs {
  now: number;
  auth: AuthState;
  circuit: CircuitState;
  /** End of the gate's cooldown (clock ms), if one is running. */
  cooldownUntilMs?: number;
  /** Outcomes in the recent window: failures that count against the provider, and the total. */
  recentFailures: number;
  recentTotal: number;
  /** Median latency of recent successful completions (ms), when there are enough of them. */
  completionP50Ms?: number;
}

export interface DegradeRules {
  /** Failure share in the window above which the provider is "failing often". */
  failureShare: number;
  /** Fewest outcomes before the share means anything. */
  minSamples: number;
  /** Median completion latency above which the provider is "slow" for ghost text. */
  slowCompletionMs: number;
}

export const DEFAULT_DEGRADE: DegradeRules = { failureShare: 0.25, minSamples: 4, slowCompletionMs: 1500 };

/** The `down` reason of a provider nothing answers at (connection refused, no such host). */
export const UNREACHABLE = 'not reachable';

function describe(kind: PacerErrorKind | undefined): string {
  switch (kind) {
    case 'rateLimited':
      return '429 storm';
    case 'server':
      return 'server errors';
    case 'network':
      return UNREACHABLE;
    case 'timeout':
    case 'stalled':
      return 'not answering';
    case 'malformed':
      return 'malformed answers';
    default:
      return 'repeated failures';
  }
}

export function computeHealth(input: HealthInputs, rules: DegradeRules = DEFAULT_DEGRADE): HealthState {
  if (input.auth === 'needsKey') return { kind: 'needsKey' };
  if (input.auth === 'noBalance') return { kind: 'noBalance' };
  if (input.circuit.kind === 'open') {
    // In a 429 storm a waiting request retries when the gate's cooldown ends, which can come
    // before the next probe: the countdown shows whichever attempt comes first.
    const cooling = input.cooldownUntilMs !== undefined && input.cooldownUntilMs > input.now;
    return {
      kind: 'down',
      reason: describe(input.circuit.lastError),
      nextProbeMs: cooling
        ? Math.min(input.circuit.nextProbeMs, input.cooldownUntilMs as number)
        : input.circuit.nextProbeMs,
    };
  }
  if (input.cooldownUntilMs !== undefined && input.cooldownUntilMs > input.now) {
    return { kind: 'rateLimited', untilMs: input.cooldownUntilMs };
  }
  if (
    input.recentTotal >= rules.minSamples &&
    input.recentFailures / input.recentTotal >= rules.failureShare
  ) {
    return { kind: 'degraded', reason: 'failing' };
  }
  if (input.completionP50Ms !== undefined && input.completionP50Ms > rules.slowCompletionMs) {
    return { kind: 'degraded', reason: 'slow' };
  }
  return { kind: 'healthy' };
}

/** Whether the state lets no request through until the user acts or a probe answers. */
export function isUnusable(state: HealthState): boolean {
  return state.kind === 'down' || state.kind === 'needsKey' || state.kind === 'noBalance';
}

export interface HealthTrackerOptions {
  circuit?: CircuitOptions;
  degrade?: DegradeRules;
  /** How far back outcomes count for "failing often" / "slow". */
  windowMs?: number;
}

interface Outcome {
  atMs: number;
  failed: boolean;
  /** Latency of a successful completion (only those say whether ghost text is fast enough). */
  completionMs?: number;
}

export type OutcomeInput =
  | { ok: true; requestClass: 'chat' | 'completion' | 'background'; latencyMs: number }
  | { ok: false; kind: PacerErrorKind; retryAfterMs?: number };

export class HealthTracker {
  readonly circuit: CircuitBreaker;
  private auth: AuthState = 'ok';
  private outcomes: Outcome[] = [];
  private cooldownUntilMs: number | undefined;
  private lastProbeMs = -Infinity;
  /** When the key or the balance last failed (a recheck probe runs some time after). */
  private authFailedMs = -Infinity;
  private cooldownStartedMs = -Infinity;
  private readonly windowMs: number;
  private readonly degrade: DegradeRules;
  private probeIntervalMs: number;

  constructor(
    private readonly clock: Clock,
    options: HealthTrackerOptions = {},
  ) {
    const circuit = options.circuit ?? DEFAULT_CIRCUIT;
    this.circuit = new CircuitBreaker(clock, circuit);
    this.probeIntervalMs = circuit.probeIntervalMs;
    this.windowMs = options.windowMs ?? 60_000;
    this.degrade = options.degrade ?? DEFAULT_DEGRADE;
  }

  setCircuitOptions(options: CircuitOptions): void {
    this.probeIntervalMs = options.probeIntervalMs;
    this.circuit.setOptions(options);
  }

  /** Records a request's (or one attempt's) outcome. Returns true when the health may have changed. */
  record(outcome: OutcomeInput): boolean {
    const now = this.clock.now();
    this.prune(now);
    if (outcome.ok) {
      this.outcomes.push({
        atMs: now,
        failed: false,
        completionMs: outcome.requestClass === 'completion' ? outcome.latencyMs : undefined,
      });
      // A real answer proves the key and balance work again.
      this.auth = 'ok';
      // While open, a success is a request sent before the trouble finishing late: only a probe
      // decides when traffic may go back.
      if (this.circuit.state.kind !== 'open') this.circuit.recordSuccess();
      return true;
    }
    if (outcome.kind === 'needsKey' || outcome.kind === 'noBalance') {
      this.setAuth(outcome.kind);
      return true;
    }
    if (!countsAgainstProvider(outcome.kind)) return false;
    this.outcomes.push({ atMs: now, failed: true });
    if (outcome.kind === 'rateLimited' && outcome.retryAfterMs !== undefined) {
      this.observeCooldown(now + outcome.retryAfterMs);
    }
    this.circuit.recordFailure(outcome.kind);
    return true;
  }

  /** The gate's cooldown end as it reports it (undefined: no cooldown). */
  observeCooldown(untilMs: number | undefined): void {
    const now = this.clock.now();
    const wasCooling = this.cooldownUntilMs !== undefined && this.cooldownUntilMs > now;
    if (!wasCooling && untilMs !== undefined && untilMs > now) this.cooldownStartedMs = now;
    this.cooldownUntilMs = untilMs;
  }

  /** The user set a new key (or topped up and asked to retry): forget auth failures. */
  resetAuth(): void {
    this.auth = 'ok';
  }

  /** A manual switch or a settings change: start from a clean slate. */
  reset(): void {
    this.auth = 'ok';
    this.outcomes = [];
    this.cooldownUntilMs = undefined;
    this.circuit.reset();
  }

  /** Trips the circuit, e.g. when the cooldown is longer than anyone would wait. */
  trip(kind: PacerErrorKind): void {
    this.circuit.trip(kind);
  }

  /**
   * Whether a probe should run now: circuit open and due, a long cooldown running, or a key or
   * balance failure old enough to check again (a top-up or a fixed key elsewhere heals it without
   * the user pinning or re-entering anything).
   */
  probeDue(): boolean {
    const now = this.clock.now();
    if (this.auth !== 'ok')
      return now - Math.max(this.authFailedMs, this.lastProbeMs) >= this.authRecheckMs();
    if (this.circuit.state.kind === 'open') return this.circuit.probeDue();
    const cooling = this.cooldownUntilMs !== undefined && this.cooldownUntilMs > now;
    // Each new cooldown gets one probe at once (a storm or a blip?), then one per interval.
    return (
      cooling && (this.lastProbeMs < this.cooldownStartedMs || now - this.lastProbeMs >= this.probeIntervalMs)
    );
  }

  probeStarted(): void {
    this.lastProbeMs = this.clock.now();
  }

  /**
   * Records a probe's answer. Returns true when traffic may go back now (the circuit half-opened):
   * the caller then ends the gate's cooldown too. A probe that answers while the circuit is
   * closed and the provider merely cools down proves nothing about the rate limit (DeepSeek
   * never rate-limits `/models`): the cooldown, and any Retry-After, runs its course.
   */
  probeResult(ok: boolean, kind?: PacerErrorKind): boolean {
    if (ok && this.auth !== 'ok') {
      // The key or the balance works again: traffic goes back at once.
      this.auth = 'ok';
      this.cooldownUntilMs = undefined;
      this.circuit.probeSucceeded();
      return true;
    }
    if (ok) {
      if (!this.circuit.probeSucceeded()) return false;
      // The failures that opened the circuit belong to the outage that just ended; keeping them
      // would show "failing often" for a minute after a clean failback.
      this.outcomes = [];
      this.cooldownUntilMs = undefined;
      return true;
    }
    if (kind === 'needsKey' || kind === 'noBalance') {
      this.setAuth(kind);
      return false;
    }
    if (this.circuit.state.kind === 'closed' && kind !== undefined) {
      // A probe runs while the provider cools down. If even that cheap request is refused with a
      // 429, the provider refuses everything: a storm, not a blip; other failures count as usual.
      if (kind === 'rateLimited') this.circuit.trip(kind);
      else this.circuit.recordFailure(kind);
      return false;
    }
    this.circuit.probeFailed(kind);
    return false;
  }

  /** The key or balance state, for the probe to know what to check. */
  get authState(): AuthState {
    return this.auth;
  }

  private setAuth(kind: 'needsKey' | 'noBalance'): void {
    this.auth = kind;
    this.authFailedMs = this.clock.now();
  }

  /** Key and balance failures are rechecked every 3 probe intervals (30 s by default). */
  private authRecheckMs(): number {
    return this.probeIntervalMs * 3;
  }

  state(): HealthState {
    const now = this.clock.now();
    this.prune(now);
    let failures = 0;
    const latencies: number[] = [];
    for (const o of this.outcomes) {
      if (o.failed) failures++;
      else if (o.completionMs !== undefined) latencies.push(o.completionMs);
    }
    return computeHealth(
      {
        now,
        auth: this.auth,
        circuit: this.circuit.state,
        cooldownUntilMs: this.cooldownUntilMs,
        recentFailures: failures,
        recentTotal: this.outcomes.length,
        completionP50Ms: latencies.length >= this.degrade.minSamples ? median(latencies) : undefined,
      },
      this.degrade,
    );
  }

  private prune(now: number): void {
    const from = now - this.windowMs;
    let drop = 0;
    while (drop < this.outcomes.length && this.outcomes[drop].atMs < from) drop++;
    if (drop > 0) this.outcomes.splice(0, drop);
    // Bound memory under very heavy traffic: the share over the last 200 is as good as any.
    if (this.outcomes.length > 200) this.outcomes.splice(0, this.outcomes.length - 200);
  }
}
