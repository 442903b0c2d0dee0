// The router's state as one value: everything the status bar, its tooltip, the quick pick and
// `Show Usage` render. Produced by `Router.state()`, never parsed back.
import type { DayUsage } from './cost';
import type { HealthState } from './health';
import type { Route } from './routing';
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
