// The router's providers: one RouterMember (service + health) per provider the settings want,
// rebuilt when its endpoint changes, retired once idle when replaced, and probed for failback.
import type { Clock } from '../common/clock';
import { Emitter } from '../common/event';
import { Disposable, toDisposable } from '../common/lifecycle';
import type { ProviderInfo } from './catalog';
import { orderFor, resolveProviders } from './catalog';
import type { MemberOptions, RouterLog } from './routerMember';
import { RouterMember } from './routerMember';
import type { RouterSettings } from './routerSettings';
import type { RouteClass } from './routing';
import { ProbeScheduler } from './probeScheduler';
import type { ProviderService } from './providerService';

export interface ProviderPoolOptions {
  createService(info: ProviderInfo): ProviderService;
  /** Hooks a new member's service to the router (retry guard, billing, send check). */
  wire(member: RouterMember): void;
  clock: Clock;
  log: RouterLog;
  /** Consecutive router-observed failures that open a circuit (default 3). */
  failureThreshold?: number;
  /** Consecutive 429 events (cooldowns with no success between) that make a storm (default 2). */
  stormEvents?: number;
}

export class ProviderPool extends Disposable {
  private readonly members = new Map<string, RouterMember>();
  /** Services replaced by a settings change, disposed once idle. */
  private readonly retiring = new Set<RouterMember>();
  private known: ProviderInfo[] = [];
  private orderByClass: Record<RouteClass, string[]> = { chat: [], completion: [] };
  private readonly changed = this._register(new Emitter<void>());
  readonly probes: ProbeScheduler;

  /** A member's health or gate changed, or a probe tick passed. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly options: ProviderPoolOptions) {
    super();
    this.probes = this._register(
      new ProbeScheduler(
        options.clock,
        () => this.members.values(),
        () => this.changed.fire(),
      ),
    );
    this._register(
      toDisposable(() => {
        for (const m of [...this.members.values(), ...this.retiring]) m.dispose();
        this.members.clear();
        this.retiring.clear();
      }),
    );
  }

  get(id: string): RouterMember | undefined {
    return this.members.get(id);
  }

  all(): IterableIterator<RouterMember> {
    return this.members.values();
  }

  /** Every provider the settings know (enabled or not). */
  knownProviders(): readonly ProviderInfo[] {
    return this.known;
  }

  order(cls: RouteClass): readonly string[] {
    return this.orderByClass[cls];
  }

  /**
   * New services are built before old ones go: a service that cannot be built (a bad value that
   * got this far) leaves its provider on the one it had, so a settings change never empties the
   * router. `rebuildAll`: replace every service (cache or gate sizes changed).
   */
  apply(settings: RouterSettings, rebuildAll = false): void {
    const known = resolveProviders(settings.providers);
    const order = {
      chat: orderFor('chat', settings.providers, known),
      completion: orderFor('completion', settings.providers, known),
    };
    const wanted = new Set([...order.chat, ...order.completion]);
    if (settings.providers.routing === 'pinned') wanted.add(settings.providers.pinned);
    const memberOptions: MemberOptions = {
      circuit: {
        failureThreshold: this.options.failureThreshold ?? 3,
        probeIntervalMs: settings.probeIntervalMs,
      },
      stormEvents: this.options.stormEvents ?? 2,
    };
    const built = new Map<string, RouterMember>();
    for (const id of wanted) {
      const info = known.find((p) => p.id === id);
      const current = this.members.get(id);
      if (!info || (current && !rebuildAll && sameEndpoint(current.info, info))) continue;
      try {
        const member = this.build(info, memberOptions);
        // Same server at the same URL (new cache or gate sizes): what was learnt about it stays.
        if (current && sameEndpoint(current.info, info)) {
          if (current.confirmed) member.markConfirmed();
          member.models = current.models;
        }
        built.set(id, member);
      } catch (e) {
        this.options.log.warn(
          `${info.label}: could not apply the new settings (${e instanceof Error ? e.message : String(e)}); ${current ? 'it keeps its previous ones' : 'it is left out'}`,
        );
      }
    }
    this.known = known;
    this.orderByClass = order;
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

  private build(info: ProviderInfo, memberOptions: MemberOptions): RouterMember {
    const service = this.options.createService(info);
    const member = new RouterMember(
      info,
      service,
      this.options.clock,
      memberOptions,
      () => this.onMemberChange(),
      this.options.log,
    );
    this.options.wire(member);
    return member;
  }

  /**
   * With somewhere to move to, a completion that fails once moves at once instead of the gate
   * retrying it on the same provider (its deadline is too short for both); alone or pinned, the
   * gate's one quick retry is its best chance.
   */
  private tuneGates(settings: RouterSettings): void {
    const fit = this.orderByClass.completion.filter(
      (id) => this.members.get(id)?.candidate().fitForCompletions,
    );
    const canMove = settings.providers.routing === 'automatic' && fit.length >= 2;
    for (const m of this.members.values())
      m.service.tune({ maxConcurrency: settings.maxConcurrency ?? 16, completionAttempts: canMove ? 1 : 2 });
  }

  /** A replaced service finishes what it is doing, then goes. */
  private retire(m: RouterMember): void {
    const idle = () => {
      const s = m.service.snapshot();
      // A probe too: its end is the request the usage history records.
      return s.inFlight === 0 && s.queued === 0 && s.probing === 0;
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

  private onMemberChange(): void {
    // A provider that just started cooling down is probed at once, not on the next tick.
    this.probes.probeDueNow();
    this.changed.fire();
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
