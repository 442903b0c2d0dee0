// The router: a ModelService over several providers. It picks a provider per request, moves a
// request to the next one when its provider fails or stalls it, probes providers that are down for
// failback and keeps today's spend under the daily limit. This file only assembles the parts:
// ProviderPool (members, probes), RoutePicker (rules), runWithFailover with a ChatPolicy or a
// CompletionPolicy, RouterSpend (the only cost accounting) and routerStateOf (the UI state).
import { realClock } from '../common/clock';
import { silentLogger } from '../common/logger';
import { Emitter } from '../common/event';
import { Disposable, toDisposable } from '../common/lifecycle';
import { historyClassOf, UsageStore } from '../usage/usageStore';
import { ChatPolicy } from './chatPolicy';
import { CompletionPolicy } from './completionPolicy';
import type { FailoverDeps } from './failoverLoop';
import type { ProviderInfo } from './catalog';
import type { KeyStore } from './keyStore';
import { runWithFailover } from './failoverLoop';
import { KeyAnnouncer } from './keyAnnouncer';
import { LocalUseAnnouncer } from './localUseAnnouncer';
import type { ChatEvents, ChatRequest, ChatResult, CompletionResult } from './modelService';
import type { FimRequest, ModelService, RequestOptions } from './modelService';
import { ProviderPool } from './providerPool';
import { RoutePicker } from './routePicker';
import type { RouterMember } from './routerMember';
import type { RouterOptions, RouterSettings } from './routerSettings';
import { RouterSpend } from './routerSpend';
import type { RouterState } from './routerState';
import { routerStateOf } from './routerState';

export type { RouterOptions, RouterSettings } from './routerSettings';
export type { KeyNeeded } from './keyAnnouncer';
export type { LocalServerUse } from './localUseAnnouncer';

export class Router extends Disposable implements ModelService {
  private settings: RouterSettings;
  private readonly spend: RouterSpend;
  private readonly pool: ProviderPool;
  private readonly picker: RoutePicker;
  private readonly keys = this._register(new KeyAnnouncer());
  private readonly localUse: LocalUseAnnouncer;
  private readonly failover: FailoverDeps;
  private readonly changed = this._register(new Emitter<void>());
  private changePending = false;
  private readonly keyStore: KeyStore | undefined;
  private readonly usage: UsageStore;

  /** The state may have changed (batched per microtask). */
  readonly onDidChange = this.changed.event;
  /** The spend crossed 80 % or 100 % of the daily limit (once per day each). */
  readonly onDidCrossSpendLimit: RouterSpend['onDidCross'];
  /** A request wanted a provider that has no (valid) key. */
  readonly onDidNeedKey = this.keys.onDidNeedKey;
  /** A built-in local server (Ollama, LM Studio, llama.cpp) receives code for the first time this session. */
  readonly onDidSendToLocalServer: LocalUseAnnouncer['onDidSendToLocalServer'];

  constructor(options: RouterOptions) {
    super();
    const clock = options.clock ?? realClock;
    const log = options.log ?? silentLogger;
    this.settings = options.settings;
    const usage = options.usage ?? this._register(new UsageStore({ clock }));
    this.usage = usage;
    usage.importLegacy(options.ledger);
    // Disposed after the pool (the store goes in reverse): retiring services bill their last requests.
    this.spend = new RouterSpend(usage, options.settings.dailyLimitUsd, clock, log, () =>
      this.scheduleChange(),
    );
    this.onDidCrossSpendLimit = this.spend.onDidCross;
    this.localUse = this._register(new LocalUseAnnouncer(log));
    this.onDidSendToLocalServer = this.localUse.onDidSendToLocalServer;
    this.pool = new ProviderPool({ ...options, clock, log, wire: (m) => this.wire(m) });
    this.picker = new RoutePicker(this.pool, this.spend, this.keys, () => this.settings, clock);
    this.failover = {
      clock,
      log,
      pool: this.pool,
      picker: this.picker,
      keys: this.keys,
      localUse: this.localUse,
      settings: () => this.settings,
      onDidChange: this.onDidChange,
      served: (providerId, cls, isFallback) => {
        if (isFallback) usage.history.recordFallback(providerId, cls);
      },
    };
    this._register(this.pool.onDidChange(() => this.scheduleChange()));
    this._register(toDisposable(() => this.spend.dispose()));
    this._register(this.pool);
    this.pool.apply(options.settings);
    const { keys } = options;
    this.keyStore = keys;
    if (keys) this._register(keys.onDidChange((id) => this.setKeyPresent(id, keys.has(id) ?? false)));
  }

  chat(request: ChatRequest, options: RequestOptions & ChatEvents = {}): Promise<ChatResult> {
    return runWithFailover(this.failover, new ChatPolicy(this.failover, request, options), options.signal);
  }

  complete(request: FimRequest, options: RequestOptions = {}): Promise<CompletionResult> {
    return runWithFailover(
      this.failover,
      new CompletionPolicy(this.failover, request, options),
      options.signal,
    );
  }

  state(): RouterState {
    return routerStateOf({
      ctx: this.picker.context(),
      order: { chat: this.pool.order('chat'), completion: this.pool.order('completion') },
      member: (id) => this.pool.get(id),
      route: {
        chat: this.picker.pick('chat', new Set(), false),
        completion: this.picker.pick('completion', new Set(), false),
      },
      spend: this.spend.status(),
      today: (id) => this.spend.today(id),
    });
  }

  /** The provider chat is pinned to when that is not DeepSeek, and the model it answers with. */
  pinnedChatTarget(): { label: string; chatModel: string } | undefined {
    const { routing, pinned } = this.settings.providers;
    const m = routing === 'pinned' && pinned !== 'deepseek' ? this.pool.get(pinned) : undefined;
    return m && { label: m.info.label, chatModel: m.modelFor('chat', undefined) };
  }

  /** Every provider the settings know (enabled or not), for the quick pick and key commands. */
  knownProviders(): readonly ProviderInfo[] {
    return this.pool.knownProviders();
  }

  updateSettings(settings: RouterSettings): void {
    this.settings = settings;
    this.spend.setLimit(settings.dailyLimitUsd);
    this.pool.apply(settings);
    this.scheduleChange();
  }

  /** Builds every provider's service anew (cache or gate sizes changed); running requests finish on the old ones. */
  recreateServices(): void {
    this.pool.apply(this.settings, true);
    this.scheduleChange();
  }

  /** Reads from the key store which providers have a key, before any request goes out. */
  async loadKeys(): Promise<void> {
    const keys = this.keyStore;
    if (!keys) return;
    const known = this.pool.knownProviders();
    await keys.load(known.map((p) => p.id));
    for (const p of known) if (p.needsKey) this.setKeyPresent(p.id, keys.has(p.id) ?? false);
  }

  /** Whether a key is stored (from the key store; a change also clears 401/402 states). */
  setKeyPresent(providerId: string, present: boolean): void {
    this.keys.forget(providerId);
    this.pool.get(providerId)?.setKeyPresent(present);
  }

  /** Forget failures of one provider (all when omitted): a manual switch means "try it". */
  resetHealth(providerId?: string): void {
    for (const m of this.pool.all()) if (!providerId || m.id === providerId) m.resetHealth();
    this.pool.probes.ensureTicking();
  }

  /** Reads `/models` from every enabled provider that can answer: model lists and reachability. */
  async discover(): Promise<void> {
    await Promise.all([...this.pool.all()].filter((m) => m.hasKey).map((m) => m.probe('discovery')));
    this.pool.probes.ensureTicking();
  }

  liftSpendLimit(): void {
    this.spend.lift();
  }

  /** Hooks a new provider's service to the router: retry guard, billing, the spend limit. */
  private wire(member: RouterMember): void {
    const { service } = member;
    service.setRetryGuard((cls) => this.picker.mayRetryOn(member.id, cls));
    // Lives as long as the service (also while it retires): its last requests are billed too.
    service.onDidBill((attempt) => this.spend.account(member.info, attempt, this.settings.prices));
    service.setSendCheck(() => this.spend.refusal(member.info));
    const { history } = this.usage;
    service.onDidAttempt((a) =>
      history.recordAttempt({
        provider: member.id,
        cls: historyClassOf(a.cls),
        outcome: a.outcome,
        latencyMs: a.latencyMs,
        waitMs: a.cls === 'probe' ? undefined : a.waitMs,
      }),
    );
  }

  private scheduleChange(): void {
    if (this.changePending || this.isDisposed) return;
    this.changePending = true;
    queueMicrotask(() => {
      this.changePending = false;
      if (!this.isDisposed) this.changed.fire();
    });
  }
}
