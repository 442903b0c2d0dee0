// The router's state as one value: everything the status bar, its tooltip, the quick pick and
// `Show Usage` render. Produced by `routerStateOf()` (a pure function of the pool, the routes and
// the spend), never parsed back.
import type { DayUsage } from './cost';
import type { HealthState } from './health';
import type { RouterMember } from './routerMember';
import type { Route, RouteContext } from './routing';
import { primaryFor } from './routing';
import type { SpendStatus } from './spendLimit';

export interface ProviderStatus {
  id: string;
  label: string;
  health: HealthState;
  local: boolean;
  /** Where requests go (shown when a local server serves). */
  baseUrl?: string;
  /** Where the user tops up the balance (cloud providers that bill a prepaid account). */
  billingUrl?: string;
  paid: boolean;
  supportsFim: boolean;
  fitForCompletions: boolean;
  chatModel: string;
  completionModel: string;
  /** Model ids read from `/models`, when the provider answered it. */
  models?: string[];
  /** The gate's learned concurrency limit. */
  limit?: number;
  inFlight: number;
  queued: number;
  /** Since activation (the gate's counters). */
  requests: number;
  /** HTTP attempts (retries and failovers included), and those that failed other than with 429. */
  attempts?: number;
  attemptsFailed?: number;
  rateLimited: number;
  failed: number;
  p50Ms?: number;
  /** Today's tokens and estimated cost (the ledger). */
  today: DayUsage;
}

export interface RouterState {
  now: number;
  routing: 'automatic' | 'pinned';
  pinned: string;
  /** First choice per class (the pinned provider, or the head of the order). */
  primary: { chat?: string; completion?: string };
  /** Where a request of each class would go now. */
  route: { chat: Route; completion: Route };
  /** Enabled providers: chat order first, then the rest of the completion order. */
  providers: ProviderStatus[];
  spend: SpendStatus;
}

/** What the state is made of: the pool's members in order, where requests would go, the spend. */
export interface RouterStateInput {
  ctx: RouteContext;
  order: { chat: readonly string[]; completion: readonly string[] };
  member(id: string): RouterMember | undefined;
  route: { chat: Route; completion: Route };
  spend: SpendStatus;
  today(providerId: string): DayUsage;
}

/** The router's state from its parts, with nothing read twice or kept. */
export function routerStateOf(input: RouterStateInput): RouterState {
  const { ctx, order } = input;
  const pinned = ctx.routing === 'pinned' ? [ctx.pinned] : [];
  const ids = [...new Set([...order.chat, ...order.completion, ...pinned])];
  return {
    now: ctx.now,
    routing: ctx.routing,
    pinned: ctx.pinned,
    primary: {
      chat: primaryFor('chat', order.chat, ctx),
      completion: primaryFor('completion', order.completion, ctx),
    },
    route: input.route,
    providers: ids.flatMap((id) => {
      const m = input.member(id);
      return m ? [providerStatus(m, input.today(id))] : [];
    }),
    spend: input.spend,
  };
}

function providerStatus(m: RouterMember, today: DayUsage): ProviderStatus {
  const snap = m.service.snapshot();
  return {
    id: m.id,
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
    today,
  };
}
