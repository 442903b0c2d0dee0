// The routing rules as pure functions of the providers' health, so they are easy to test and
// the status bar can show "where would a request go now" without sending one.
//
// - A completion never waits: it goes only to a provider that answers now (no cooldown, circuit
//   not open) and is fit for completions (FIM, or a chat model marked fast enough); it moves on
//   any failure.
// - A chat request stays through short cooldowns (the gate waits and retries) and moves when the
//   cooldown would last longer than `failoverAfterMs` or the circuit is open.
// - Pinned routing never switches by itself.
import type { HealthState } from './health';

export type RouteClass = 'chat' | 'completion';

export interface RouteCandidate {
  id: string;
  health: HealthState;
  fitForCompletions: boolean;
  paid: boolean;
  /** A local server not yet confirmed to be what it claims (localIdentity.ts): never routed to. */
  unconfirmed?: boolean;
}

export interface RouteContext {
  now: number;
  routing: 'automatic' | 'pinned';
  pinned: string;
  failoverAfterMs: number;
  /** The daily spend limit paused paid providers. */
  budgetPaused: boolean;
}

export type Route =
  | { kind: 'route'; id: string; isFallback: boolean }
  | {
      kind: 'none';
      reason: 'notFit' | 'budget' | 'unusable' | 'rateLimited' | 'noProvider';
      primaryId?: string;
    };

/** Whether a provider in this state can take a request of this class right now. */
export function usableFor(
  cls: RouteClass,
  health: HealthState,
  now: number,
  failoverAfterMs: number,
): boolean {
  switch (health.kind) {
    case 'healthy':
    case 'degraded':
      return true;
    case 'rateLimited':
      // Completions never wait out a cooldown; chat waits out a short one on the same provider.
      return cls === 'chat' && health.untilMs - now <= failoverAfterMs;
    default:
      return false;
  }
}

/** The first choice for a class: the pinned provider, or the first one in the order. */
export function primaryFor(cls: RouteClass, order: readonly string[], ctx: RouteContext): string | undefined {
  if (ctx.routing === 'pinned') return ctx.pinned;
  void cls;
  return order[0];
}

/**
 * Where a request of class `cls` goes now. `order` holds enabled provider ids in failover
 * order; `excluded` those this request already tried.
 */
export function pickRoute(
  cls: RouteClass,
  order: readonly string[],
  candidates: ReadonlyMap<string, RouteCandidate>,
  ctx: RouteContext,
  excluded: ReadonlySet<string> = new Set(),
): Route {
  const primaryId = primaryFor(cls, order, ctx);

  if (ctx.routing === 'pinned') {
    const pinned = candidates.get(ctx.pinned);
    if (!pinned || excluded.has(pinned.id)) return { kind: 'none', reason: 'noProvider', primaryId };
    if (pinned.unconfirmed) return { kind: 'none', reason: 'unusable', primaryId };
    if (cls === 'completion' && !pinned.fitForCompletions)
      return { kind: 'none', reason: 'notFit', primaryId };
    if (pinned.paid && ctx.budgetPaused) return { kind: 'none', reason: 'budget', primaryId };
    // Pinned: the gate waits out cooldowns; only a completion gives up at once rather than wait.
    if (cls === 'completion' && !usableFor(cls, pinned.health, ctx.now, ctx.failoverAfterMs)) {
      return {
        kind: 'none',
        reason: pinned.health.kind === 'rateLimited' ? 'rateLimited' : 'unusable',
        primaryId,
      };
    }
    return { kind: 'route', id: pinned.id, isFallback: false };
  }

  let sawBudget = false;
  let sawFit = false;
  let sawRateLimited = false;
  const eligible: RouteCandidate[] = [];
  for (const id of order) {
    const c = candidates.get(id);
    if (!c || excluded.has(id) || c.unconfirmed) continue;
    if (cls === 'completion' && !c.fitForCompletions) continue;
    sawFit = true;
    if (c.paid && ctx.budgetPaused) {
      sawBudget = true;
      continue;
    }
    if (c.health.kind === 'rateLimited') sawRateLimited = true;
    eligible.push(c);
  }
  const usable = eligible.find((c) => usableFor(cls, c.health, ctx.now, ctx.failoverAfterMs));
  if (usable) return { kind: 'route', id: usable.id, isFallback: usable.id !== primaryId };

  if (cls === 'chat') {
    // Nothing answers now. A chat request is not lost for that: it waits on the provider whose
    // cooldown ends first (the gate retries until the deadline), else tries the primary if it is
    // merely down (its circuit may be wrong; the user is waiting anyway). A fallback known to be
    // down is never a last resort: the user would wait on a server Pacer shows as down.
    const cooling = eligible
      .filter(
        (c): c is RouteCandidate & { health: { kind: 'rateLimited'; untilMs: number } } =>
          c.health.kind === 'rateLimited',
      )
      .sort((a, b) => a.health.untilMs - b.health.untilMs)[0];
    const fallback = cooling ?? eligible.find((c) => c.health.kind === 'down' && c.id === primaryId);
    if (fallback) return { kind: 'route', id: fallback.id, isFallback: fallback.id !== primaryId };
  } else {
    // No provider answers now and none cools down: an open circuit exists to move traffic
    // elsewhere, and there is no elsewhere. Keep asking the primary (each completion fails fast or
    // gets through) instead of going silent until the next probe; never a fallback that is down.
    const down = eligible.find((c) => c.health.kind === 'down' && c.id === primaryId);
    if (down && !sawRateLimited) return { kind: 'route', id: down.id, isFallback: down.id !== primaryId };
  }
  if (!sawFit) return { kind: 'none', reason: cls === 'completion' ? 'notFit' : 'noProvider', primaryId };
  if (eligible.length === 0 && sawBudget) return { kind: 'none', reason: 'budget', primaryId };
  return { kind: 'none', reason: sawRateLimited ? 'rateLimited' : 'unusable', primaryId };
}

/**
 * Whether a chat request that is waiting on its provider should move now: the wait is longer
 * than the threshold and somewhere else could take it.
 */
export function shouldMoveChat(
  waitUntilMs: number | undefined,
  now: number,
  failoverAfterMs: number,
): boolean {
  return waitUntilMs !== undefined && waitUntilMs - now > failoverAfterMs;
}
