// The router: a ModelService over several providers (each its own ProviderService = gate +
// client). It picks a provider per request with the rules in routing.ts, moves a request to the
// next provider when its provider fails or stalls it (a chat request that moves completes on the
// fallback: nothing is lost), probes a provider that is down or cooling for failback, and keeps
// today's cost with the daily spend limit. Features never know which provider answered.
import type { Clock, TimerHandle } from '../common/clock';
import { realClock } from '../common/clock';
import { isAbandoned, PacerError } from '../common/errors';
import { abortReason } from '../gate/abort';
import type { Disposable } from '../common/event';
import { Emitter } from '../common/event';
import type {
  ChatEvents,
  ChatRequest,
  ChatResult,
  CompletionResult,
  FimRequest,
  ModelService,
  RequestClass,
  RequestOptions,
  WaitInfo,
} from './modelService';
import type { ProviderService } from './providerService';
import type { UserPrices } from '../usage/prices';
import { UsageStore } from '../usage/usageStore';
import type { ProviderInfo, ProviderSettings } from './catalog';
import { orderFor, resolveProviders } from './catalog';
import type { CircuitOptions } from './circuitBreaker';
import { UNREACHABLE } from './health';
import type { LedgerSnapshot } from './cost';
import type { RouterState } from './routerState';
import type { RouterLog } from './routerMember';
import { RouterMember } from './routerMember';
import type { Route, RouteClass, RouteContext } from './routing';
import { pickRoute, primaryFor, shouldMoveChat, usableFor } from './routing';
import { RouterSpend } from './routerSpend';
import { abortReasonOrWrap, MoveScope } from './moveScope';
import { deadlineError, noRouteError, notRunningError } from './routerErrors';

export interface RouterSettings {
  providers: ProviderSettings;
  /** Chat moves when its provider's cooldown lasts longer than this. */
  failoverAfterMs: number;
  probeIntervalMs: number;
  dailyLimitUsd: number;
  chatDeadlineMs: number;
  completionDeadlineMs: number;
  /** Upper bound of each gate's learned concurrency (pacer.gate.maxConcurrency); 16 by default. */
  maxConcurrency?: number;
  /** `pacer.budget.prices` from user settings: custom providers and models without a built-in price. */
  prices?: UserPrices;
}

export interface RouterOptions {
  settings: RouterSettings;
  /** Builds the gate + client for one provider (the caller supplies key lookup, proxy fetch, gate tuning). */
  createService(info: ProviderInfo): ProviderService;
  clock?: Clock;
  log?: RouterLog;
  /** Consecutive router-observed failures that open a circuit (default 3). */
  failureThreshold?: number;
  /** Consecutive 429 events (cooldowns with no success between) that make a storm (default 2). */
  stormEvents?: number;
  /** The spend ledger every window shares; one in memory when omitted. */
  usage?: UsageStore;
  /** Today's totals as older versions saved them (migrated into the store once). */
  ledger?: LedgerSnapshot;
}

export interface KeyNeeded {
  providerId: string;
  label: string;
  /** 'missing': no key stored; 'rejected': the provider answered 401. */
  why: 'missing' | 'rejected';
  requestClass: RouteClass;
}

export interface LocalServerUse {
  providerId: string;
  label: string;
  baseUrl: string;
}

const NO_LOG: RouterLog = { info: () => {}, warn: () => {}, debug: () => {} };
/** Provider hops one chat request may make (each a full try on one provider) before giving up. */
const MAX_CHAT_HOPS = 6;
const TICK_MS = 250;

export class Router implements ModelService, Disposable {
  private readonly clock: Clock;
  private readonly log: RouterLog;
  private readonly members = new Map<string, RouterMember>();
  /** Services replaced by a settings change, disposed once idle. */
  private readonly retiring = new Set<RouterMember>();
  private readonly usage: UsageStore;
  private readonly spend: RouterSpend;
  private settings: RouterSettings;
  private known: ProviderInfo[] = [];
  private order: Record<RouteClass, string[]> = { chat: [], completion: [] };
  private tick: TimerHandle | undefined;
  private changePending = false;
  private disposed = false;
  private readonly changed = new Emitter<void>();
  private readonly keyNeeded = new Emitter<KeyNeeded>();
  private readonly localUsed = new Emitter<LocalServerUse>();
  /** Local servers that received a request in this session. */
  private readonly announcedLocal = new Set<string>();
  /** Providers already announced as missing a key (until the key store changes). */
  private readonly announcedMissing = new Set<string>();
  /** Per provider, how to move each chat request now running on it ("Use X now"). */
  private readonly chatMovers = new Map<string, Set<() => void>>();

  /** The state may have changed (batched per microtask). */
  readonly onDidChange = this.changed.event;
  /** The spend crossed 80 % or 100 % of the daily limit (once per day each). */
  readonly onDidCrossSpendLimit: RouterSpend['onDidCross'];
  /** A request wanted a provider that has no (valid) key. */
  readonly onDidNeedKey = this.keyNeeded.event;
  /** A built-in local server (Ollama, LM Studio, llama.cpp) receives code for the first time this session. */
  readonly onDidSendToLocalServer = this.localUsed.event;

  constructor(private readonly options: RouterOptions) {
    this.clock = options.clock ?? realClock;
    this.log = options.log ?? NO_LOG;
    this.settings = options.settings;
    this.usage = options.usage ?? new UsageStore({ clock: this.clock });
    this.usage.importLegacy(options.ledger);
    this.spend = new RouterSpend(this.usage, options.settings.dailyLimitUsd, this.clock, this.log, () =>
      this.scheduleChange(),
    );
    this.onDidCrossSpendLimit = this.spend.onDidCross;
    this.applySettings(options.settings);
  }

  // ---------------------------------------------------------------------------------------------
  // ModelService

  async chat(request: ChatRequest, options: RequestOptions & ChatEvents = {}): Promise<ChatResult> {
    const deadlineAt = this.clock.now() + (options.deadlineMs ?? this.settings.chatDeadlineMs);
    const tried = new Set<string>();
    let lastError: PacerError | undefined;
    let shownPartial = false;
    let restarts = 0;
    // Providers that cannot serve this request whatever the wait (key, balance).
    const hopeless = new Set<string>();
    for (let hop = 1; ; hop++) {
      if (options.signal?.aborted) throw abortReason(options.signal);
      let route = this.pick('chat', tried);
      if (route.kind === 'none' && hop <= MAX_CHAT_HOPS && tried.size > hopeless.size) {
        // Every provider was tried once. A chat request is not lost for that while its deadline
        // lasts: go round again (the gate waits out a cooldown; a provider that moved us away
        // because of a long one may be the best bet now).
        tried.clear();
        for (const id of hopeless) tried.add(id);
        route = this.pick('chat', tried);
      }
      if (route.kind === 'none') throw this.exhausted('chat', route, lastError);
      const member = this.members.get(route.id)!;
      this.noteLocalUse(member);
      const remaining = deadlineAt - this.clock.now();
      if (remaining <= 0)
        throw lastError ?? deadlineError('chat', options.deadlineMs ?? this.settings.chatDeadlineMs);
      if (route.isFallback) this.log.info(`chat → ${member.info.label} (fallback)`);
      options.onProvider?.(member.id, route.isFallback);

      const scope = new MoveScope(options.signal);
      const moveIfBetterElsewhere = (reason: string) => {
        if (scope.moved || this.settings.providers.routing === 'pinned') return;
        // A provider tried earlier counts again once usable (its long cooldown may be short now);
        // only those no wait can fix are out.
        if (!this.hasUsableAlternative('chat', hopeless, member.id)) return;
        scope.move(
          new PacerError({
            kind: 'unavailable',
            providerId: member.id,
            message: `${member.info.label} ${reason}; moved to another provider.`,
          }),
        );
      };
      // Only a request that is WAITING on this provider (cooling down, sleeping before a retry) is
      // moved when the provider goes down; one in flight may still answer and is left alone.
      const moveIfDownWhileWaiting = () => {
        const h = member.health();
        if (!scope.isWaiting(this.clock.now())) return;
        if (h.kind === 'down') moveIfBetterElsewhere('is down');
        else if (h.kind === 'needsKey' || h.kind === 'noBalance') moveIfBetterElsewhere('needs the user');
      };
      const watch = member.service.onDidChange(moveIfDownWhileWaiting);
      // A probe may open the circuit while the request waits out a cooldown: move at once.
      const watchHealth = this.onDidChange(moveIfDownWhileWaiting);
      const moveAtUserRequest = () => {
        if (scope.isWaiting(this.clock.now())) moveIfBetterElsewhere('was skipped at your request');
      };
      const movers = this.chatMovers.get(member.id) ?? new Set<() => void>();
      this.chatMovers.set(member.id, movers.add(moveAtUserRequest));
      const started = this.clock.now();
      try {
        const result = await member.service.chat(
          { ...request, model: member.modelFor('chat', request.model) },
          {
            signal: scope.signal,
            deadlineMs: remaining,
            onContent: (delta) => {
              shownPartial = true;
              scope.noteStarted();
              options.onContent?.(delta);
            },
            onReasoning: (delta) => {
              shownPartial = true;
              scope.noteStarted();
              options.onReasoning?.(delta);
            },
            onRestart: (info) => {
              shownPartial = false;
              restarts++;
              options.onRestart?.(info);
            },
            onWait: (info: WaitInfo) => {
              scope.noteWait(info);
              options.onWait?.(info);
              if (info.reason === 'retrying' && info.error)
                member.observe({ ok: false, kind: info.error.kind });
              if (
                info.reason === 'rateLimited' &&
                shouldMoveChat(info.untilMs, this.clock.now(), this.settings.failoverAfterMs)
              ) {
                moveIfBetterElsewhere(
                  `is rate-limited for ${Math.ceil(((info.untilMs ?? 0) - this.clock.now()) / 1000)} s`,
                );
              } else {
                moveIfDownWhileWaiting();
              }
            },
          },
        );
        // Cost was counted per attempt as the provider billed it (onDidBill), stopped ones included.
        member.observe({ ok: true, requestClass: 'chat', latencyMs: this.clock.now() - started });
        return { ...result, restarts: result.restarts + restarts };
      } catch (caught) {
        const error =
          caught instanceof PacerError ? caught : abortReasonOrWrap(caught, scope.signal, member.id);
        if (options.signal?.aborted) throw abortReason(options.signal, member.id);
        if (!scope.moved) {
          member.observe({ ok: false, kind: error.kind });
          if (error.kind === 'needsKey') this.keyFailure(member, 'chat', error);
          if (this.settings.providers.routing === 'pinned') throw this.pinnedFailure(member, error);
          if (isAbandoned(error.kind) || error.kind === 'badRequest') throw error;
        }
        lastError = scope.moved ?? error;
        tried.add(member.id);
        if (!scope.moved && (error.kind === 'needsKey' || error.kind === 'noBalance'))
          hopeless.add(member.id);
        if (shownPartial) {
          // The next provider answers from the start: the caller drops the partial text.
          shownPartial = false;
          restarts++;
          options.onRestart?.({ providerId: member.id, attempt: hop + 1, error: lastError });
        }
        this.log.info(`chat left ${member.info.label}: ${lastError.message}`);
      } finally {
        watch.dispose();
        watchHealth.dispose();
        movers.delete(moveAtUserRequest);
        scope.dispose();
      }
    }
  }

  async complete(request: FimRequest, options: RequestOptions = {}): Promise<CompletionResult> {
    const deadlineMs = options.deadlineMs ?? this.settings.completionDeadlineMs;
    const deadlineAt = this.clock.now() + deadlineMs;
    const tried = new Set<string>();
    let lastError: PacerError | undefined;
    for (;;) {
      if (options.signal?.aborted) throw abortReason(options.signal);
      const route = this.pick('completion', tried);
      if (route.kind === 'none') throw this.exhausted('completion', route, lastError);
      const member = this.members.get(route.id)!;
      this.noteLocalUse(member);
      const remaining = deadlineAt - this.clock.now();
      if (remaining <= 0) throw deadlineError('completion', deadlineMs);

      const scope = new MoveScope(options.signal);
      // A completion never waits out a cooldown or an open circuit when another provider answers
      // now. In flight during a cooldown it is left to finish (the provider accepted it); when the
      // circuit opens it moves wherever it is (queued behind chat, or in flight on a failing
      // provider): it is cheap, and its deadline is short.
      const moveIfStuck = () => {
        if (scope.moved || this.settings.providers.routing === 'pinned') return;
        const h = member.health();
        if (usableFor('completion', h, this.clock.now(), this.settings.failoverAfterMs)) return;
        if (h.kind === 'rateLimited' && !scope.isWaiting(this.clock.now())) return;
        if (!this.hasUsableAlternative('completion', tried, member.id)) return;
        scope.move(
          new PacerError({
            kind: 'unavailable',
            providerId: member.id,
            message: `${member.info.label} cannot answer now.`,
          }),
        );
      };
      const watch = member.service.onDidChange(moveIfStuck);
      const started = this.clock.now();
      try {
        const result = await member.service.complete(
          { ...request, model: member.modelFor('completion', request.model) },
          {
            signal: scope.signal,
            deadlineMs: remaining,
            onWait: (info) => {
              scope.noteWait(info);
              moveIfStuck();
            },
          },
        );
        if (!result.fromCache)
          member.observe({ ok: true, requestClass: 'completion', latencyMs: this.clock.now() - started });
        return result;
      } catch (caught) {
        const error =
          caught instanceof PacerError ? caught : abortReasonOrWrap(caught, scope.signal, member.id);
        if (options.signal?.aborted) throw abortReason(options.signal, member.id);
        if (!scope.moved) {
          member.observe({ ok: false, kind: error.kind });
          if (error.kind === 'needsKey') this.keyFailure(member, 'completion', error);
          // Abandoned (deadline, superseded) ends the request; any provider failure moves it.
          if (this.settings.providers.routing === 'pinned' || isAbandoned(error.kind)) throw error;
        }
        lastError = scope.moved ?? error;
        tried.add(member.id);
      } finally {
        watch.dispose();
        scope.dispose();
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // State, settings, commands

  state(): RouterState {
    const now = this.clock.now();
    const ctx = this.routeContext();
    const pinned = ctx.routing === 'pinned' ? [ctx.pinned] : [];
    const ids = [...new Set([...this.order.chat, ...this.order.completion, ...pinned])];
    return {
      now,
      routing: ctx.routing,
      pinned: ctx.pinned,
      primary: {
        chat: primaryFor('chat', this.order.chat, ctx),
        completion: primaryFor('completion', this.order.completion, ctx),
      },
      route: {
        chat: this.pick('chat', new Set(), false),
        completion: this.pick('completion', new Set(), false),
      },
      providers: ids.flatMap((id) => {
        const m = this.members.get(id);
        if (!m) return [];
        const snap = m.service.snapshot();
        return [
          {
            id,
            label: m.info.label,
            health: m.health(),
            local: m.info.local,
            baseUrl: m.info.baseUrl,
            ...(m.info.billingUrl ? { billingUrl: m.info.billingUrl } : {}),
            paid: m.info.paid,
            supportsFim: m.info.supportsFim,
            fitForCompletions: m.candidate().fitForCompletions,
            chatModel: m.modelFor('chat', undefined),
            completionModel: m.modelFor('completion', undefined),
            models: m.models,
            limit: snap.limit,
            inFlight: snap.inFlight,
            queued: snap.queued,
            requests: snap.stats.requests,
            attempts: snap.stats.attempts,
            attemptsFailed: snap.stats.attemptsFailed,
            rateLimited: snap.stats.rateLimited,
            failed: snap.stats.failed,
            p50Ms: snap.stats.latencyP50Ms,
            today: this.spend.today(id),
          },
        ];
      }),
      spend: this.spend.status(),
    };
  }

  /** Every provider the settings know (enabled or not), for the quick pick and key commands. */
  /** The provider a chat waiting on `providerId` would move to now, if one is usable. */
  chatFallbackLabel(providerId: string): string | undefined {
    if (this.settings.providers.routing === 'pinned') return undefined;
    if (!this.hasUsableAlternative('chat', new Set(), providerId)) return undefined;
    const route = this.pick('chat', new Set([providerId]), false);
    return route.kind === 'route' ? this.members.get(route.id)?.info.label : undefined;
  }

  /** "Use X now" in the chat panel: chat requests waiting on this provider move on at once. */
  moveWaitingChats(providerId: string): void {
    for (const move of [...(this.chatMovers.get(providerId) ?? [])]) move();
  }

  /** The provider chat is pinned to when that is not DeepSeek, and the model it answers with. */
  pinnedChatTarget(): { label: string; chatModel: string } | undefined {
    const { routing, pinned } = this.settings.providers;
    const m = routing === 'pinned' && pinned !== 'deepseek' ? this.members.get(pinned) : undefined;
    return m && { label: m.info.label, chatModel: m.modelFor('chat', undefined) };
  }

  knownProviders(): readonly ProviderInfo[] {
    return this.known;
  }

  updateSettings(settings: RouterSettings): void {
    this.settings = settings;
    this.spend.setLimit(settings.dailyLimitUsd);
    this.applySettings(settings);
    this.scheduleChange();
  }

  /** Builds every provider's service anew (cache or gate sizes changed); running requests finish on the old ones. */
  recreateServices(): void {
    this.applySettings(this.settings, true);
    this.scheduleChange();
  }

  /** The secret store says whether a key is stored (a change also clears 401/402 states). */
  setKeyPresent(providerId: string, present: boolean): void {
    this.announcedMissing.delete(providerId);
    this.members.get(providerId)?.setKeyPresent(present);
  }

  /** Forget failures of one provider (all when omitted): a manual switch means "try it". */
  resetHealth(providerId?: string): void {
    for (const m of this.members.values()) if (!providerId || m.id === providerId) m.resetHealth();
    this.ensureTicking();
  }

  /** Reads `/models` from every enabled provider that can answer: model lists and reachability. */
  async discover(): Promise<void> {
    await Promise.all([...this.members.values()].filter((m) => m.hasKey).map((m) => m.probe('discovery')));
    this.ensureTicking();
  }

  liftSpendLimit(): void {
    this.spend.lift();
  }

  clearCache(): void {
    for (const m of this.members.values()) m.service.clearCache();
  }

  /** The single-provider service, e.g. for a test or a "use this one now" action. */
  service(providerId: string): ProviderService | undefined {
    return this.members.get(providerId)?.service;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.tick !== undefined) this.clock.clearTimeout(this.tick);
    for (const m of [...this.members.values(), ...this.retiring]) m.dispose();
    this.members.clear();
    this.retiring.clear();
    this.spend.dispose();
    if (!this.options.usage) this.usage.dispose();
    this.changed.dispose();
    this.keyNeeded.dispose();
    this.localUsed.dispose();
  }

  private noteLocalUse(member: RouterMember): void {
    if (!member.info.identity || this.announcedLocal.has(member.id)) return;
    this.announcedLocal.add(member.id);
    this.log.info(`${member.info.label} at ${member.info.baseUrl} receives code from now on`);
    this.localUsed.fire({ providerId: member.id, label: member.info.label, baseUrl: member.info.baseUrl });
  }

  // ---------------------------------------------------------------------------------------------

  /**
   * New services are built before old ones go: a service that cannot be built (a bad value that
   * got this far) leaves its provider on the one it had, so a settings change never empties the
   * router. `rebuildAll`: replace every service (cache or gate sizes changed).
   */
  private applySettings(settings: RouterSettings, rebuildAll = false): void {
    const known = resolveProviders(settings.providers);
    const order = {
      chat: orderFor('chat', settings.providers, known),
      completion: orderFor('completion', settings.providers, known),
    };
    const wanted = new Set([...order.chat, ...order.completion]);
    if (settings.providers.routing === 'pinned') wanted.add(settings.providers.pinned);
    const memberOptions = {
      circuit: this.circuitOptions(),
      stormEvents: this.options.stormEvents ?? 2,
    };
    const built = new Map<string, RouterMember>();
    for (const id of wanted) {
      const info = known.find((p) => p.id === id);
      const current = this.members.get(id);
      if (!info || (current && !rebuildAll && sameEndpoint(current.info, info))) continue;
      try {
        const service = this.options.createService(info);
        service.gate.setRetryGuard((cls) => this.mayRetryOn(id, cls));
        const member = new RouterMember(
          info,
          service,
          this.clock,
          memberOptions,
          () => this.onMemberChange(),
          this.log,
        );
        // Lives as long as the service (also while it retires): its last requests are billed too.
        service.onDidBill((attempt) => this.spend.account(member.info, attempt, this.settings.prices));
        service.setSendCheck(() => this.spend.refusal(member.info));
        // Same server at the same URL (new cache or gate sizes): what was learnt about it stays.
        if (current && sameEndpoint(current.info, info)) {
          if (current.confirmed) member.markConfirmed();
          member.models = current.models;
        }
        built.set(id, member);
      } catch (e) {
        this.log.warn(
          `${info.label}: could not apply the new settings (${e instanceof Error ? e.message : String(e)}); ${current ? 'it keeps its previous ones' : 'it is left out'}`,
        );
      }
    }
    this.known = known;
    this.order = order;
    for (const [id, m] of this.members) {
      const info = known.find((p) => p.id === id);
      const replacement = built.get(id);
      if (replacement || !info || !wanted.has(id)) {
        this.members.delete(id);
        this.retire(m);
      } else if (sameEndpoint(m.info, info) || rebuildAll) {
        if (sameEndpoint(m.info, info)) m.info = info;
        m.setOptions(memberOptions);
      }
      // else: its new service could not be built; it keeps serving as it was.
    }
    for (const [id, m] of built) this.members.set(id, m);
    this.tuneGates(settings);
  }

  /**
   * With somewhere to move to, a completion that fails once moves at once instead of the gate
   * retrying it on the same provider (its deadline is too short for both); alone or pinned, the
   * gate's one quick retry is its best chance.
   */
  private tuneGates(settings: RouterSettings): void {
    const fit = this.order.completion.filter((id) => this.members.get(id)?.candidate().fitForCompletions);
    const canMove = settings.providers.routing === 'automatic' && fit.length >= 2;
    for (const m of this.members.values()) {
      const gate = m.service.gate;
      gate.configure({
        // configure() needs both bounds; the current learned limit stays as it is.
        initialConcurrency: gate.snapshot().limit,
        maxConcurrency: settings.maxConcurrency ?? 16,
        policies: { completion: { maxAttempts: canMove ? 1 : 2 } },
      });
    }
  }

  private circuitOptions(): CircuitOptions {
    return {
      failureThreshold: this.options.failureThreshold ?? 3,
      probeIntervalMs: this.settings.probeIntervalMs,
    };
  }

  /** A replaced service finishes what it is doing, then goes. */
  private retire(m: RouterMember): void {
    const idle = () => {
      const s = m.service.snapshot();
      return s.inFlight === 0 && s.queued === 0;
    };
    if (idle()) return m.dispose();
    this.retiring.add(m);
    const sub = m.service.onDidChange(() => {
      if (!idle()) return;
      sub.dispose();
      this.retiring.delete(m);
      m.dispose();
    });
  }

  private routeContext(): RouteContext {
    return {
      now: this.clock.now(),
      routing: this.settings.providers.routing,
      pinned: this.settings.providers.pinned,
      failoverAfterMs: this.settings.failoverAfterMs,
      budgetPaused: this.spend.paused,
    };
  }

  private pick(cls: RouteClass, tried: ReadonlySet<string>, forRequest = true): Route {
    const candidates = new Map([...this.members].map(([id, m]) => [id, m.candidate()]));
    const ctx = this.routeContext();
    const route = pickRoute(cls, this.order[cls], candidates, ctx, tried);
    if (forRequest) {
      // "Asked for on first use": the first choice has no key yet.
      const primary = primaryFor(cls, this.order[cls], ctx);
      const m = primary ? this.members.get(primary) : undefined;
      if (m && !m.hasKey && tried.size === 0 && !this.announcedMissing.has(m.id)) {
        this.announcedMissing.add(m.id);
        this.fireKeyNeeded(m, cls, 'missing');
      }
    }
    return route;
  }

  /** The gate's RetryGuard: no retry on a provider that is down while another can take the request. */
  private mayRetryOn(id: string, cls: RequestClass): boolean {
    const m = this.members.get(id);
    if (!m || cls === 'background') return true;
    if (this.settings.providers.routing === 'pinned') {
      // Pinned to a server that nothing answers at (a local server not started): say so now
      // rather than retry for the whole chat deadline. Other failures are waited out as usual.
      const h = m.health();
      return !(h.kind === 'down' && h.reason === UNREACHABLE);
    }
    return m.health().kind !== 'down' || !this.hasUsableAlternative(cls, new Set(), id);
  }

  /** What a pinned provider's failure tells the user: where it is and what to do. */
  private pinnedFailure(member: RouterMember, error: PacerError): PacerError {
    return error.kind === 'network' ? notRunningError(member.info, error) : error;
  }

  private hasUsableAlternative(cls: RouteClass, tried: ReadonlySet<string>, current: string): boolean {
    const route = this.pick(cls, new Set([...tried, current]), false);
    if (route.kind !== 'route') return false;
    const m = this.members.get(route.id);
    return !!m && usableFor(cls, m.health(), this.clock.now(), this.settings.failoverAfterMs);
  }

  private exhausted(
    cls: RouteClass,
    route: Extract<Route, { kind: 'none' }>,
    lastError: PacerError | undefined,
  ): PacerError {
    if (lastError) return lastError;
    const primary = route.primaryId ? this.members.get(route.primaryId) : undefined;
    return noRouteError(cls, route, primary?.info, primary?.health(), this.clock.now());
  }

  /** A 401 (the key was rejected) or the client finding no key at all (no HTTP status). */
  private keyFailure(member: RouterMember, cls: RouteClass, error: PacerError): void {
    if (error.status !== undefined) return this.fireKeyNeeded(member, cls, 'rejected');
    member.setKeyPresent(false);
    if (this.announcedMissing.has(member.id)) return;
    this.announcedMissing.add(member.id);
    this.fireKeyNeeded(member, cls, 'missing');
  }

  private fireKeyNeeded(member: RouterMember, cls: RouteClass, why: KeyNeeded['why']): void {
    this.keyNeeded.fire({ providerId: member.id, label: member.info.label, why, requestClass: cls });
  }

  private onMemberChange(): void {
    // A provider that just started cooling down is probed at once, not on the next tick: a probe
    // refused too tells a 429 storm from a blip before waiting chats sit out the cooldown.
    for (const m of this.members.values()) if (m.probeDue()) void m.probe('failback');
    this.ensureTicking();
    this.scheduleChange();
  }

  /** Probes run from a short timer while any provider is down or cooling; idle otherwise. */
  private ensureTicking(): void {
    if (this.disposed || this.tick !== undefined) return;
    if (![...this.members.values()].some((m) => m.needsTicks())) return;
    this.tick = this.clock.setTimeout(() => {
      this.tick = undefined;
      for (const m of this.members.values()) if (m.probeDue()) void m.probe('failback');
      // Countdowns in the status bar and cooldowns that ended by themselves.
      this.scheduleChange();
      this.ensureTicking();
    }, TICK_MS);
  }

  private scheduleChange(): void {
    if (this.changePending || this.disposed) return;
    this.changePending = true;
    queueMicrotask(() => {
      this.changePending = false;
      if (!this.disposed) this.changed.fire();
    });
  }
}

function sameEndpoint(a: ProviderInfo, b: ProviderInfo): boolean {
  return (
    a.baseUrl === b.baseUrl &&
    a.fimBaseUrl === b.fimBaseUrl &&
    a.supportsFim === b.supportsFim &&
    a.needsKey === b.needsKey &&
    a.chatModel === b.chatModel &&
    a.completionModel === b.completionModel &&
    a.label === b.label
  );
}
