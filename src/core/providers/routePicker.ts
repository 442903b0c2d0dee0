// Where a request goes: the routing rules (routing.ts) applied to the pool's members, their
// health and the spend limit; also the gate's retry guard and the sentence when nothing can serve.
import type { Clock } from '../common/clock';
import type { PacerError } from '../common/errors';
import type { RequestClass } from './modelService';
import { UNREACHABLE } from './health';
import type { KeyAnnouncer } from './keyAnnouncer';
import type { ProviderPool } from './providerPool';
import { noRouteError } from './routerErrors';
import type { RouterSettings } from './routerSettings';
import type { RouterSpend } from './routerSpend';
import type { Route, RouteClass, RouteContext } from './routing';
import { pickRoute, primaryFor, usableFor } from './routing';

export class RoutePicker {
  constructor(
    private readonly pool: ProviderPool,
    private readonly spend: RouterSpend,
    private readonly keys: KeyAnnouncer,
    private readonly settings: () => RouterSettings,
    private readonly clock: Clock,
  ) {}

  context(): RouteContext {
    const settings = this.settings();
    return {
      now: this.clock.now(),
      routing: settings.providers.routing,
      pinned: settings.providers.pinned,
      failoverAfterMs: settings.failoverAfterMs,
      budgetPaused: this.spend.paused,
    };
  }

  /** `forRequest`: a request will go there (a first choice without a key is announced). */
  pick(cls: RouteClass, tried: ReadonlySet<string>, forRequest = true): Route {
    const candidates = new Map([...this.pool.all()].map((m) => [m.id, m.candidate()]));
    const ctx = this.context();
    const route = pickRoute(cls, this.pool.order(cls), candidates, ctx, tried);
    if (forRequest && tried.size === 0) {
      const primary = primaryFor(cls, this.pool.order(cls), ctx);
      const m = primary ? this.pool.get(primary) : undefined;
      if (m) this.keys.firstChoiceWithoutKey(m, cls);
    }
    return route;
  }

  hasUsableAlternative(cls: RouteClass, tried: ReadonlySet<string>, current: string): boolean {
    const route = this.pick(cls, new Set([...tried, current]), false);
    if (route.kind !== 'route') return false;
    const m = this.pool.get(route.id);
    return !!m && usableFor(cls, m.health(), this.clock.now(), this.settings().failoverAfterMs);
  }

  /** The provider a chat waiting on `providerId` would move to now, if one is usable. */
  chatFallbackLabel(providerId: string): string | undefined {
    if (this.settings().providers.routing === 'pinned') return undefined;
    if (!this.hasUsableAlternative('chat', new Set(), providerId)) return undefined;
    const route = this.pick('chat', new Set([providerId]), false);
    return route.kind === 'route' ? this.pool.get(route.id)?.info.label : undefined;
  }

  /** The gate's RetryGuard: no retry on a provider that is down while another can take the request. */
  mayRetryOn(id: string, cls: RequestClass): boolean {
    const m = this.pool.get(id);
    if (!m || cls === 'background') return true;
    if (this.settings().providers.routing === 'pinned') {
      // Pinned to a server that nothing answers at (a local server not started): say so now
      // rather than retry for the whole chat deadline. Other failures are waited out as usual.
      const h = m.health();
      return !(h.kind === 'down' && h.reason === UNREACHABLE);
    }
    return m.health().kind !== 'down' || !this.hasUsableAlternative(cls, new Set(), id);
  }

  /** What a request that no provider can take ends with. */
  exhausted(
    cls: RouteClass,
    route: Extract<Route, { kind: 'none' }>,
    lastError: PacerError | undefined,
  ): PacerError {
    if (lastError) return lastError;
    const primary = route.primaryId ? this.pool.get(route.primaryId) : undefined;
    return noRouteError(cls, route, primary?.info, primary?.health(), this.clock.now());
  }
}
