// The sentences a request that no provider could take ends with: each says what happened and
// what the user can do. Pure functions of the route and the first choice's health.
import { PacerError } from '../common/errors';
import { providerMessages } from '../common/messages/providers';
import type { ProviderInfo } from './catalog';
import type { HealthState } from './health';
import { UNREACHABLE } from './health';
import type { Route, RouteClass } from './routing';

export const BUDGET_MESSAGE = providerMessages.budget;

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
    message: providerMessages.notRunning(info.label, hostOf(info.baseUrl)),
    ...(cause ? { cause } : {}),
  });
}

export function deadlineError(cls: RouteClass, ms: number): PacerError {
  return new PacerError({
    kind: 'deadline',
    message: providerMessages.noProviderWithin(cls, ms),
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
        message: providerMessages.notFit(label),
      });
    case 'noProvider':
      return new PacerError({
        kind: 'unavailable',
        message: providerMessages.noProviderEnabled,
      });
    case 'rateLimited':
      return new PacerError({
        kind: 'rateLimited',
        providerId,
        retryAfterMs: health?.kind === 'rateLimited' ? Math.max(0, health.untilMs - now) : undefined,
        message: providerMessages.rateLimitedNoOther(label, what),
      });
    case 'unusable':
      if (health?.kind === 'needsKey')
        return new PacerError({
          kind: 'needsKey',
          providerId,
          message: providerMessages.needsKey(label),
        });
      if (health?.kind === 'noBalance')
        return new PacerError({
          kind: 'noBalance',
          providerId,
          message: providerMessages.noBalance(label, primary?.billingUrl),
        });
      if (primary && health?.kind === 'down' && health.reason === UNREACHABLE)
        return notRunningError(primary);
      return new PacerError({
        kind: 'unavailable',
        providerId,
        message: providerMessages.notAnswering(label, what),
      });
  }
}
