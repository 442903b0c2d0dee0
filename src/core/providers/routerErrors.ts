// The sentences a request that no provider could take ends with: each says what happened and
// what the user can do. Pure functions of the route and the first choice's health.
import { PacerError } from '../common/errors';
import type { ProviderInfo } from './catalog';
import type { HealthState } from './health';
import { UNREACHABLE } from './health';
import type { Route, RouteClass } from './routing';

export const BUDGET_MESSAGE =
  "Today's spend limit is reached, so paid providers are paused. Run 'Pacer: Lift Today's Spend Limit' or raise pacer.budget.dailyLimitUsd.";

/** `127.0.0.1:11434` from a base URL, for sentences; the URL as written when it does not parse. */
function hostOf(baseUrl: string): string {
  try {
    return new URL(baseUrl).host;
  } catch {
    return baseUrl;
  }
}

/** Nothing answers where the provider should be (a local server not started). */
export function notRunningError(info: ProviderInfo, cause?: PacerError): PacerError {
  return new PacerError({
    kind: 'unavailable',
    providerId: info.id,
    message: `${info.label} is not running at ${hostOf(info.baseUrl)}: start it, or switch provider.`,
    ...(cause ? { cause } : {}),
  });
}

export function deadlineError(cls: RouteClass, ms: number): PacerError {
  return new PacerError({
    kind: 'deadline',
    message: `No provider answered the ${cls === 'chat' ? 'chat request' : 'completion'} within ${Math.round(ms / 100) / 10} s.`,
  });
}

/** Why no provider could take a request of this class, from the route and the first choice. */
export function noRouteError(
  cls: RouteClass,
  route: Extract<Route, { kind: 'none' }>,
  primary: ProviderInfo | undefined,
  health: HealthState | undefined,
  now: number,
): PacerError {
  const label = primary?.label ?? 'The provider';
  const what = cls === 'chat' ? 'chat' : 'completions';
  const providerId = route.primaryId;
  switch (route.reason) {
    case 'budget':
      return new PacerError({ kind: 'budget', providerId, message: BUDGET_MESSAGE });
    case 'notFit':
      return new PacerError({
        kind: 'unavailable',
        providerId,
        message: `${label} cannot serve inline completions (no FIM and no fast chat model). Pick another provider with 'Pacer: Switch Provider'.`,
      });
    case 'noProvider':
      return new PacerError({
        kind: 'unavailable',
        message: "No provider is enabled. Check pacer.providers.enabled or run 'Pacer: Switch Provider'.",
      });
    case 'rateLimited':
      return new PacerError({
        kind: 'rateLimited',
        providerId,
        retryAfterMs: health?.kind === 'rateLimited' ? Math.max(0, health.untilMs - now) : undefined,
        message: `${label} is rate-limited and no other provider can take ${what} right now.`,
      });
    case 'unusable':
      if (health?.kind === 'needsKey')
        return new PacerError({
          kind: 'needsKey',
          providerId,
          message: `${label} needs an API key: run 'Pacer: Set API Key'.`,
        });
      if (health?.kind === 'noBalance')
        return new PacerError({
          kind: 'noBalance',
          providerId,
          message: `${label} is out of balance: top up${primary?.billingUrl ? ` at ${primary.billingUrl}` : ''}, or switch provider with 'Pacer: Switch Provider'.`,
        });
      if (primary && health?.kind === 'down' && health.reason === UNREACHABLE)
        return notRunningError(primary);
      return new PacerError({
        kind: 'unavailable',
        providerId,
        message: `${label} is not answering and no other provider can take ${what}. Pacer keeps checking; or switch provider with 'Pacer: Switch Provider'.`,
      });
  }
}
