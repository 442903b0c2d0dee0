// What the router is told by the settings: the provider list, routing, deadlines and the limit.
import type { UserPrices } from '../usage/prices';
import type { ProviderSettings } from './catalog';

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
