// Builds the providers, their gates and the router, and registers the provider commands: keys,
// switching, usage, cache, spend limit. The router is the ModelService every feature uses.
import * as vscode from 'vscode';
import type { ModelService } from '../../core/providers/modelService';
import { createProviderService } from '../../core/providers/providerService';
import type { ProviderInfo } from '../../core/providers/catalog';
import { keyOrPlaceholder, toEndpoint } from '../../core/providers/catalog';
import type { LedgerSnapshot } from '../../core/providers/cost';
import type { SpendStatus } from '../../core/providers/spendLimit';
import { formatUsd } from '../../core/providers/statusView';
import type { RouterSettings } from '../../core/providers/router';
import { Router } from '../../core/providers/router';
import { renderUsageReport } from '../../core/providers/usageReport';
import { cacheOptions } from '../../core/settings/settingsChecks';
import { UsageStore } from '../../core/usage/usageStore';
import type { Logger } from '../log';
import type { PacerSettings } from '../settings';
import { onDidChangeSettings, readSettings } from '../settings';
import { ApiKeys } from './apiKeys';
import { BalanceNotices, topUpCommand } from './balanceNotice';
import { clearApiKeyCommand, keyNeededNotifier, setApiKeyCommand } from './keyPrompt';
import { ProxySettings } from './proxySettings';
import { switchProviderCommand } from './switchProvider';
import { Commands } from '../../core/common/commands';

export interface PacerServices {
  /** The router: failover between providers behind one ModelService. */
  models: ModelService;
  /** State, health, keys and cache of every provider (status, quick pick, "use X now"). */
  router: Router;
  /** Fires after `Pacer: Clear Cache`, so features drop their own caches of answers too. */
  onDidClearCache: vscode.Event<void>;
}

/** Where versions before the shared usage store kept today's totals (read once, then removed). */
const LEDGER_KEY = 'pacer.usageLedger';
const USAGE_URI = vscode.Uri.parse('pacer-usage:/Pacer%20usage.md');

export function routerSettings(s: PacerSettings): RouterSettings {
  return {
    providers: s.providers,
    failoverAfterMs: s.chat.failoverAfterMs,
    probeIntervalMs: s.health.probeIntervalMs,
    dailyLimitUsd: s.budget.dailyLimitUsd,
    chatDeadlineMs: s.chat.deadlineMs,
    completionDeadlineMs: s.completion.deadlineMs,
    maxConcurrency: s.gate.maxConcurrency,
    prices: s.budget.prices,
  };
}

export function registerProviders(context: vscode.ExtensionContext, log: Logger): PacerServices {
  const keys = new ApiKeys(context.secrets);
  const proxy = new ProxySettings(log.child('proxy'));
  const cacheCleared = new vscode.EventEmitter<void>();
  context.subscriptions.push(keys, proxy, cacheCleared);

  // Settings notices are src/vscode/settingsNotices.ts's, a contribution of their own.
  let settings = readSettings();
  const createService = (info: ProviderInfo) =>
    createProviderService(
      toEndpoint(info, async () => keyOrPlaceholder(await keys.get(info.id), info.baseUrl), proxy.fetch),
      {
        gate: { aimd: { initial: settings.gate.initialConcurrency, max: settings.gate.maxConcurrency } },
        cache: cacheOptions(settings.cache),
      },
    );
  // One ledger for every window of this profile: globalStorageUri is shared by all of them.
  const usageLog = log.child('usage');
  const usageStore = new UsageStore({
    dir: vscode.Uri.joinPath(context.globalStorageUri, 'usage').fsPath,
    log: usageLog,
  });
  const legacyLedger = context.globalState.get<LedgerSnapshot>(LEDGER_KEY);
  const router = new Router({
    settings: routerSettings(settings),
    createService,
    log: log.child('router'),
    usage: usageStore,
    ledger: legacyLedger,
  });
  if (legacyLedger) void context.globalState.update(LEDGER_KEY, undefined);
  context.subscriptions.push(router, usageStore);

  // Key presence first, so a provider without a key is skipped (and announced) before any request.
  const syncKeys = async () => {
    await keys.load(router.knownProviders().map((p) => p.id));
    for (const p of router.knownProviders())
      if (p.needsKey) router.setKeyPresent(p.id, keys.has(p.id) ?? false);
  };
  // SecretStorage rejects when the OS keyring is unavailable: say so instead of failing silently.
  const syncKeysThenDiscover = () =>
    syncKeys()
      .then(() => router.discover())
      .catch((e: unknown) => log.warn(`could not read API keys from SecretStorage: ${errorText(e)}`));
  void importKeyFromEnvironment(context, keys, log)
    .catch((e: unknown) => log.warn(`could not store DEEPSEEK_API_KEY in SecretStorage: ${errorText(e)}`))
    .then(syncKeysThenDiscover);
  context.subscriptions.push(
    keys.onDidChange((id) => router.setKeyPresent(id, keys.has(id) ?? false)),
    keyNeededNotifier(router, keys, log),
  );
  const balance = new BalanceNotices(log);

  // Balance notices follow the router's state (the status bar is StatusBarController's).
  // Under heavy traffic the gates change many times a second: look at most every 100 ms.
  let renderTimer: ReturnType<typeof setTimeout> | undefined;
  context.subscriptions.push(
    router.onDidChange(() => {
      renderTimer ??= setTimeout(() => {
        renderTimer = undefined;
        balance.update(router.state());
      }, 100);
    }),
    { dispose: () => clearTimeout(renderTimer) },
  );

  // A local server gets the user's code the first time: say so once per provider and profile.
  context.subscriptions.push(
    router.onDidSendToLocalServer((use) => {
      const key = `pacer.localServerAnnounced.${use.providerId}`;
      if (context.globalState.get<boolean>(key)) return;
      void context.globalState.update(key, true);
      void vscode.window.showInformationMessage(
        `Pacer: ${use.label} on this machine (${use.baseUrl}) now receives your code as a provider. To stop that, remove "${use.providerId}" from pacer.providers.enabled.`,
      );
    }),
  );

  context.subscriptions.push(router.onDidCrossSpendLimit((s) => void announceSpend(s)));
  async function announceSpend(s: SpendStatus): Promise<void> {
    if (s.kind === 'warning') {
      void vscode.window.showWarningMessage(
        `Pacer: ${formatUsd(s.spentUsd)} spent today, over 80 % of your ${formatUsd((s as { limitUsd: number }).limitUsd)} limit.`,
      );
    } else if (s.kind === 'paused') {
      const choice = await vscode.window.showWarningMessage(
        `Pacer: today's spend limit (${formatUsd(s.limitUsd)}) is reached. Paid providers are paused; local ones still serve.`,
        "Lift Today's Limit",
      );
      if (choice)
        await vscode.commands.executeCommand(Commands.liftSpendLimit).then(undefined, () => undefined);
    }
  }

  // Settings apply without a reload. Cache and gate sizes need fresh services. A change that
  // cannot be applied leaves the previous settings in force (the router builds new services
  // before it retires old ones), and the user is told.
  context.subscriptions.push(
    onDidChangeSettings(() => {
      try {
        const next = readSettings();
        const rebuild =
          JSON.stringify([next.cache, next.gate.initialConcurrency]) !==
          JSON.stringify([settings.cache, settings.gate.initialConcurrency]);
        // Only a change of providers can change which keys matter or what /models says.
        const providersChanged = JSON.stringify(next.providers) !== JSON.stringify(settings.providers);
        // createService reads `settings` (gate and cache sizes) when the router builds services.
        settings = next;
        router.updateSettings(routerSettings(next));
        if (rebuild) router.recreateServices();
        if (providersChanged) void syncKeysThenDiscover();
      } catch (e) {
        log.error(`settings change not applied, the previous settings stay in force: ${errorText(e)}`);
      }
    }),
  );

  const usage = new (class implements vscode.TextDocumentContentProvider {
    readonly changed = new vscode.EventEmitter<vscode.Uri>();
    readonly onDidChange = this.changed.event;
    provideTextDocumentContent(): string {
      return renderUsageReport(router.state());
    }
  })();
  // While the usage page is open it follows the router (at most every 2 s), so nothing on it goes
  // stale: a provider that fails again shows its new counts without reopening the page.
  let usageTimer: ReturnType<typeof setTimeout> | undefined;
  const usageOpen = () =>
    vscode.workspace.textDocuments.some((d) => d.uri.toString() === USAGE_URI.toString());
  context.subscriptions.push(
    usage.changed,
    vscode.workspace.registerTextDocumentContentProvider('pacer-usage', usage),
    router.onDidChange(() => {
      usageTimer ??= setTimeout(() => {
        usageTimer = undefined;
        if (usageOpen()) usage.changed.fire(USAGE_URI);
      }, 2000);
    }),
    { dispose: () => clearTimeout(usageTimer) },
  );

  context.subscriptions.push(
    vscode.commands.registerCommand(Commands.switchProvider, () => switchProviderCommand(router, keys, log)),
    vscode.commands.registerCommand(Commands.setApiKey, (id?: unknown) =>
      setApiKeyCommand(router, keys, log, id),
    ),
    vscode.commands.registerCommand(Commands.clearApiKey, (id?: unknown) =>
      clearApiKeyCommand(router, keys, log, id),
    ),
    vscode.commands.registerCommand(Commands.showUsage, async () => {
      usage.changed.fire(USAGE_URI);
      const doc = await vscode.workspace.openTextDocument(USAGE_URI);
      await vscode.commands
        .executeCommand('markdown.showPreview', doc.uri)
        .then(undefined, () => vscode.window.showTextDocument(doc));
    }),
    vscode.commands.registerCommand(Commands.clearCache, () => {
      router.clearCache();
      cacheCleared.fire();
      log.info('answer cache cleared');
      void vscode.window.showInformationMessage('Pacer: cached answers cleared.');
    }),
    vscode.commands.registerCommand(Commands.topUp, () => topUpCommand(router)),
    vscode.commands.registerCommand(Commands.liftSpendLimit, () => {
      router.liftSpendLimit();
      void vscode.window.showInformationMessage(
        "Pacer: today's spend limit is lifted; paid providers serve again until midnight.",
      );
    }),
  );

  return { models: router, router, onDidClearCache: cacheCleared.event };
}

const ENV_KEY_IMPORTED = 'pacer.envKeyImported';

/**
 * `DEEPSEEK_API_KEY=… npm start` hands the key to the extension host's environment; it is moved
 * into SecretStorage once per profile (never into settings), so the usual key handling takes over
 * and `Pacer: Clear API Key` is not undone by the next start.
 */
async function importKeyFromEnvironment(
  context: vscode.ExtensionContext,
  keys: ApiKeys,
  log: Logger,
): Promise<void> {
  const fromEnv = process.env.DEEPSEEK_API_KEY?.trim();
  if (!fromEnv || context.globalState.get<boolean>(ENV_KEY_IMPORTED)) return;
  if (!(await keys.get('deepseek'))) {
    await keys.set('deepseek', fromEnv);
    log.info('stored the DeepSeek key from DEEPSEEK_API_KEY in SecretStorage');
  }
  await context.globalState.update(ENV_KEY_IMPORTED, true);
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
