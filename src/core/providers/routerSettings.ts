// What the router is given: its settings (the provider list, routing, deadlines, the limit) and
// the parts it is built from.
import type { Clock } from '../common/clock';
import type { UserPrices } from '../usage/prices';
import type { UsageStore } from '../usage/usageStore';
import type { ProviderInfo, ProviderSettings } from './catalog';
import type { LedgerSnapshot } from './cost';
import type { KeyStore } from './keyStore';
import type { ProviderService } from './providerService';
import type { RouterLog } from './routerMember';

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
  /** Which keys exist: the router follows its changes (a provider without a key is skipped). */
  keys?: KeyStore;
}
