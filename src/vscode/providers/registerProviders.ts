// The provider contributions, in the order they depend on each other. extension.ts may list these
// classes itself; this function builds them and hands the features what they use.
import type * as vscode from 'vscode';
import type { ModelService } from '../../core/providers/modelService';
import type { Router } from '../../core/providers/router';
import type { UsageStore } from '../../core/usage/usageStore';
import type { Logger } from '../log';
import type { Settings } from '../settings';
import { BalanceWatcher } from './balanceWatcher';
import { ClearCacheCommand } from './clearCacheCommand';
import { KeyCommands } from './keyCommands';
import { LedgerPersistence } from './ledgerPersistence';
import { LocalServerNotice } from './localServerNotice';
import { Providers } from './providers';
import { SpendNotifier } from './spendNotifier';
import type { TeamMode } from '../team/teamMode';

export { routerSettings } from './providers';

export interface PacerServices {
  /** The router: failover between providers behind one ModelService. */
  models: ModelService;
  /** State, health, keys and cache of every provider (status, quick pick, "use X now"). */
  router: Router;
  /** Fires after `Pacer: Clear Cache`, so features drop their own caches of answers too. */
  onDidClearCache: vscode.Event<void>;
  /** Team mode: the shared queue in Redis (status bar). */
  team: TeamMode;
  /** The usage store every window shares: today's spend and the history the dashboard draws. */
  usage: UsageStore;
}

export function registerProviders(
  context: vscode.ExtensionContext,
  settings: Settings,
  log: Logger,
): PacerServices {
  const ledger = new LedgerPersistence(context, log.child('usage'));
  const providers = new Providers(context, settings, ledger, log);
  const { router, keys } = providers;
  const cache = new ClearCacheCommand(log);
  // The router goes before the ledger it writes to.
  context.subscriptions.push(
    providers,
    ledger,
    new BalanceWatcher(router, log),
    new KeyCommands(router, keys, log),
    new SpendNotifier(router),
    new LocalServerNotice(context, router),
    cache,
  );
  return {
    models: router,
    router,
    onDidClearCache: cache.onDidClear,
    team: providers.team,
    usage: ledger.usage,
  };
}
