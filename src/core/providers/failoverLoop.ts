// The one failover loop chat and completions share: pick a provider, run the request there under
// a MoveScope, and on a failure (or a move) try the next one until the deadline. What differs per
// request class (when to move, what ends the request, what to tell the caller) is its policy.
import type { Clock } from '../common/clock';
import { PacerError } from '../common/errors';
import type { IDisposable } from '../common/lifecycle';
import { abortReason } from '../gate/abort';
import type { KeyAnnouncer } from './keyAnnouncer';
import type { LocalUseAnnouncer } from './localUseAnnouncer';
import { abortReasonOrWrap, MoveScope } from './moveScope';
import type { ProviderPool } from './providerPool';
import type { RoutePicker } from './routePicker';
import type { RouterLog, RouterMember } from './routerMember';
import type { RouterSettings } from './routerSettings';
import type { RouteClass } from './routing';

export interface FailoverDeps {
  readonly clock: Clock;
  readonly log: RouterLog;
  readonly pool: ProviderPool;
  readonly picker: RoutePicker;
  readonly keys: KeyAnnouncer;
  readonly localUse: LocalUseAnnouncer;
  settings(): RouterSettings;
  /** The router's state changed (a probe may open a circuit while a request waits). */
  onDidChange(listener: () => void): IDisposable;
  /** A request was answered; `isFallback` when not by the first choice (the usage history). */
  served?(providerId: string, cls: RouteClass, isFallback: boolean): void;
}

/** One provider hop of a request. */
export interface Hop {
  readonly number: number;
  readonly member: RouterMember;
  readonly scope: MoveScope;
  readonly remainingMs: number;
  readonly isFallback: boolean;
  /** Providers this request left (cleared when a chat goes round again). */
  readonly tried: ReadonlySet<string>;
  /** Providers no wait can fix for this request (key, balance). */
  readonly hopeless: ReadonlySet<string>;
}

export interface FailoverPolicy<R> {
  readonly cls: RouteClass;
  readonly deadlineMs: number;
  /** Hops within which the request goes round the providers again once all were tried (0: never). */
  readonly roundHops: number;
  /** What the request ends with when its deadline passed before the next hop. */
  pastDeadline(lastError: PacerError | undefined): PacerError;
  /** The hop starts: announce it and watch for reasons to move it; disposed when the hop ends. */
  begin(hop: Hop): IDisposable;
  attempt(hop: Hop): Promise<R>;
  succeeded(hop: Hop, result: R, latencyMs: number): R;
  /** A failure the router did not cause: the error that ends the request, or undefined to move on. */
  ends(hop: Hop, error: PacerError): PacerError | undefined;
  /** The request left this provider for the next one. */
  left(hop: Hop, error: PacerError): void;
}

export async function runWithFailover<R>(
  deps: FailoverDeps,
  policy: FailoverPolicy<R>,
  signal: AbortSignal | undefined,
): Promise<R> {
  const { clock } = deps;
  const deadlineAt = clock.now() + policy.deadlineMs;
  const tried = new Set<string>();
  const hopeless = new Set<string>();
  let lastError: PacerError | undefined;
  for (let number = 1; ; number++) {
    if (signal?.aborted) throw abortReason(signal);
    let route = deps.picker.pick(policy.cls, tried);
    if (route.kind === 'none' && number <= policy.roundHops && tried.size > hopeless.size) {
      // Every provider was tried once. A chat request is not lost for that while its deadline
      // lasts: go round again (the gate waits out a cooldown; a provider that moved us away
      // because of a long one may be the best bet now).
      tried.clear();
      for (const id of hopeless) tried.add(id);
      route = deps.picker.pick(policy.cls, tried);
    }
    if (route.kind === 'none') throw deps.picker.exhausted(policy.cls, route, lastError);
    const member = deps.pool.get(route.id)!;
    deps.localUse.noteUse(member);
    const remainingMs = deadlineAt - clock.now();
    if (remainingMs <= 0) throw policy.pastDeadline(lastError);
    const scope = new MoveScope(signal);
    const hop: Hop = { number, member, scope, remainingMs, isFallback: route.isFallback, tried, hopeless };
    const watch = policy.begin(hop);
    const started = clock.now();
    try {
      const result = await policy.attempt(hop);
      deps.served?.(member.id, policy.cls, hop.isFallback);
      return policy.succeeded(hop, result, clock.now() - started);
    } catch (caught) {
      const error =
        caught instanceof PacerError ? caught : abortReasonOrWrap(caught, scope.signal, member.id);
      if (signal?.aborted) throw abortReason(signal, member.id);
      if (!scope.moved) {
        member.observe({ ok: false, kind: error.kind });
        if (error.kind === 'needsKey') deps.keys.failed(member, policy.cls, error);
        const end = policy.ends(hop, error);
        if (end) throw end;
      }
      lastError = scope.moved ?? error;
      tried.add(member.id);
      if (!scope.moved && (error.kind === 'needsKey' || error.kind === 'noBalance')) hopeless.add(member.id);
      policy.left(hop, lastError);
    } finally {
      watch.dispose();
      scope.dispose();
    }
  }
}
