// One provider as the router sees it: its ProviderService (gate + client), its health tracker
// fed from the gate's snapshots and from what the router observes, its `/models` list and its
// failback probes.
import type { Clock } from '../common/clock';
import type { PacerErrorKind } from '../common/errors';
import { PacerError } from '../common/errors';
import { Disposable } from '../common/lifecycle';
import type { ProviderService } from './providerService';
import type { ProviderInfo } from './catalog';
import { fitForCompletions } from './catalog';
import type { CircuitOptions } from './circuitBreaker';
import type { HealthState, OutcomeInput } from './health';
import { HealthTracker } from './health';
import { identifyLocalServer } from './localIdentity';
import type { RouteCandidate } from './routing';

export interface MemberOptions {
  circuit: CircuitOptions;
  /** Consecutive 429 events (the gate's count, one per cooldown) that make a "429 storm". */
  stormEvents: number;
}

export interface RouterLog {
  info(message: string): void;
  warn(message: string): void;
  debug(message: string): void;
}

export class RouterMember extends Disposable {
  readonly tracker: HealthTracker;
  models: string[] | undefined;
  /** False when the provider needs a key and none is stored (known before any request). */
  private keyPresent = true;
  private last = { rateLimited: 0, succeeded: 0, consecutive429: 0 };
  private probing: Promise<void> | undefined;
  /** False for a built-in local server until its identity check passed (localIdentity.ts). */
  private identified: boolean;

  constructor(
    public info: ProviderInfo,
    readonly service: ProviderService,
    clock: Clock,
    private options: MemberOptions,
    private readonly onChange: () => void,
    private readonly log: RouterLog,
  ) {
    super();
    this._register(service);
    this.tracker = new HealthTracker(clock, { circuit: options.circuit });
    this.identified = !info.identity;
    const snap = service.snapshot();
    this.last = {
      rateLimited: snap.stats.rateLimited,
      succeeded: snap.stats.succeeded,
      consecutive429: snap.consecutive429,
    };
    this._register(service.onDidChange(() => this.onGateChange()));
  }

  get id(): string {
    return this.info.id;
  }

  setOptions(options: MemberOptions): void {
    this.options = options;
    this.tracker.setCircuitOptions(options.circuit);
  }

  health(): HealthState {
    if (this.info.needsKey && !this.keyPresent) return { kind: 'needsKey' };
    return this.tracker.state();
  }

  candidate(): RouteCandidate {
    return {
      id: this.id,
      health: this.health(),
      fitForCompletions: fitForCompletions(this.info),
      paid: this.info.paid,
      unconfirmed: !this.identified,
    };
  }

  /** Whether this provider may receive code: not a built-in local server, or one confirmed as such. */
  get confirmed(): boolean {
    return this.identified;
  }

  /** A replacement of a confirmed member at the same URL (new cache or gate sizes) needs no new check. */
  markConfirmed(): void {
    this.identified = true;
  }

  setKeyPresent(present: boolean): void {
    this.keyPresent = present;
    // A new key may fix a 401 or a 402 (another account): let the next request find out.
    this.tracker.resetAuth();
    this.onChange();
  }

  get hasKey(): boolean {
    return !this.info.needsKey || this.keyPresent;
  }

  /**
   * The model a request of this class uses here: the user's choice for this provider
   * (pacer.providers.models), else the feature's model on DeepSeek only. The feature's model
   * names a DeepSeek model; another provider never takes it, because a paid fallback that lists
   * the name (`o1-pro`) would bill it at its own price.
   */
  modelFor(cls: 'chat' | 'completion', requested: string | undefined): string {
    const pinned =
      cls === 'chat' ? this.info.modelsPinnedByUser.chat : this.info.modelsPinnedByUser.completion;
    const configured = cls === 'chat' ? this.info.chatModel : this.info.completionModel;
    if (pinned) return configured;
    if (requested && this.id === 'deepseek' && (this.models?.includes(requested) ?? true)) return requested;
    // A local server (Ollama, LM Studio) serves whatever is loaded: use that. A cloud provider's
    // list holds embedding, audio and expensive models, so there its configured model stays.
    if (this.info.local && this.models && this.models.length > 0 && !this.models.includes(configured))
      return this.models[0];
    return configured;
  }

  observe(outcome: OutcomeInput): void {
    // 429s are counted from the gate's snapshots (per response), not here, so none is counted twice.
    if (!outcome.ok && outcome.kind === 'rateLimited') return;
    const before = this.health().kind;
    this.tracker.record(outcome);
    this.afterChange(before);
  }

  /** Runs a failback (or discovery) probe unless one is running; never throws. */
  probe(reason: 'failback' | 'discovery'): Promise<void> {
    if (this.probing || this.isDisposed) return this.probing ?? Promise.resolve();
    if (this.info.needsKey && !this.keyPresent) return Promise.resolve();
    this.tracker.probeStarted();
    this.probing = this.runProbe(reason).finally(() => {
      this.probing = undefined;
    });
    return this.probing;
  }

  probeDue(): boolean {
    return !this.probing && this.hasKey && this.tracker.probeDue();
  }

  /** Whether the router's timer must keep ticking for this member (probe or countdown pending). */
  needsTicks(): boolean {
    const kind = this.health().kind;
    // A rejected key or a used-up balance is rechecked by a probe now and then (a stored key
    // that is missing altogether waits for the user instead).
    return (
      kind === 'down' ||
      kind === 'rateLimited' ||
      kind === 'noBalance' ||
      (kind === 'needsKey' && this.hasKey)
    );
  }

  /** Manual switch / settings change: forget what we learnt about failures. */
  resetHealth(): void {
    this.tracker.reset();
    this.service.endCooldown();
    this.onChange();
  }

  private async runProbe(reason: 'failback' | 'discovery'): Promise<void> {
    // 'failback': the circuit is open or a cooldown runs; 'discovery': models and reachability at start.
    const before = this.health().kind;
    if (!this.identified && this.info.identity) {
      const result = await identifyLocalServer(
        this.info.identity,
        this.info.baseUrl,
        this.service.endpoint.fetch ?? fetch,
      );
      if (this.isDisposed) return;
      if (result !== 'confirmed') {
        // Down until a later probe confirms it: not reachable, or another server on the port.
        this.tracker.probeResult(false, result === 'unreachable' ? 'network' : 'malformed');
        this.tracker.trip(result === 'unreachable' ? 'network' : 'malformed');
        if (result === 'other')
          this.log.warn(
            `${this.info.label}: the server at ${this.info.baseUrl} is not ${this.info.label} (its identity check failed); Pacer sends it nothing`,
          );
        else this.log.debug(`${this.info.label} ${reason} probe: nothing answers at ${this.info.baseUrl}`);
        this.afterChange(before);
        return;
      }
      this.identified = true;
      this.log.info(`${this.info.label} confirmed at ${this.info.baseUrl}`);
    }
    try {
      // After a 402 the model list answers whatever the balance: ask the balance where we can.
      if (this.tracker.authState === 'noBalance' && (await this.service.balanceAvailable()) === false) {
        if (this.isDisposed) return;
        this.tracker.probeResult(false, 'noBalance');
        this.log.debug(`${this.info.label}: the balance is still used up`);
        this.afterChange(before);
        return;
      }
      const models = await this.service.probe();
      if (this.isDisposed) return;
      this.models = models;
      if (this.tracker.probeResult(true)) {
        // The circuit half-opened: end the gate's cooldown so trial traffic goes now.
        this.service.endCooldown();
        this.log.info(`${this.info.label} answers again: traffic fails back to it`);
      }
    } catch (caught) {
      if (this.isDisposed) return;
      const kind: PacerErrorKind = PacerError.is(caught) ? caught.kind : 'network';
      if (kind === 'cancelled') return;
      this.tracker.probeResult(false, kind);
      // A local server that is not running, or a provider behind a captive portal (its answer is
      // not the API), is down from the start, not after three failures.
      if (reason === 'discovery' && (kind === 'network' || kind === 'timeout' || kind === 'malformed'))
        this.tracker.trip(kind);
      this.log.debug(`${this.info.label} ${reason} probe failed: ${kind}`);
    }
    this.afterChange(before);
  }

  private onGateChange(): void {
    if (this.isDisposed) return;
    const before = this.health().kind;
    const snap = this.service.snapshot();
    this.tracker.observeCooldown(snap.cooldownUntil);
    const new429 = snap.stats.rateLimited - this.last.rateLimited;
    const newSuccesses = snap.stats.succeeded - this.last.succeeded;
    const newEvent = snap.consecutive429 > this.last.consecutive429;
    this.last = {
      rateLimited: snap.stats.rateLimited,
      succeeded: snap.stats.succeeded,
      consecutive429: snap.consecutive429,
    };
    const circuit = this.tracker.circuit;
    if (new429 > 0 && circuit.state.kind === 'halfOpen') {
      // The trial traffic after a probe is refused again: back to open, probe later.
      circuit.recordFailure('rateLimited');
    } else if (newEvent && snap.consecutive429 >= this.options.stormEvents) {
      if (circuit.trip('rateLimited')) {
        this.log.warn(
          `${this.info.label}: ${snap.consecutive429} rate-limit events in a row: circuit open, failing over`,
        );
      }
    } else if (newSuccesses > 0 && circuit.state.kind !== 'open') {
      circuit.recordSuccess();
    } else if (
      newSuccesses > 0 &&
      circuit.state.kind === 'open' &&
      circuit.state.lastError !== 'rateLimited'
    ) {
      // Open after stalls, timeouts or errors, and an answer just arrived: the provider answers
      // again, and showing it as down would contradict what the user sees. (After a 429 storm a
      // success is a request sent before it finishing late: only probes decide that failback.)
      circuit.probeSucceeded();
      circuit.recordSuccess();
      this.log.info(`${this.info.label} answered again: circuit closed`);
    }
    this.afterChange(before);
  }

  private afterChange(before: HealthState['kind']): void {
    const after = this.health();
    if (after.kind !== before) {
      const detail = after.kind === 'down' ? ` (${after.reason})` : '';
      this.log.info(`${this.info.label}: ${before} → ${after.kind}${detail}`);
    }
    this.onChange();
  }
}
