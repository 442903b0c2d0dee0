// The providers and the router: settings in, a router (the ModelService every feature uses) out.
// Settings apply without a reload; keys are read from SecretStorage after activation returns and
// then the providers are asked for their models.
import type * as vscode from 'vscode';
import { Disposable } from '../../core/common/lifecycle';
import { createRouter } from '../../core/providers/createRouter';
import type { Router, RouterSettings } from '../../core/providers/router';
import type { Logger } from '../log';
import type { SettingKey } from '../../core/settings/settingsTable';
import { SETTING_KEYS } from '../../core/settings/settingsTable';
import type { PacerSettings, Settings } from '../settings';
import { ApiKeys } from './apiKeys';
import type { LedgerPersistence } from './ledgerPersistence';
import { ProxySettings } from './proxySettings';
import { TeamMode } from '../team/teamMode';

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

const ENV_KEY_IMPORTED = 'pacer.envKeyImported';

/** Settings whose change needs new provider services (their gates are sized by them). */
const SERVICE_KEYS: readonly SettingKey[] = ['gate.initialConcurrency'];

export class Providers extends Disposable {
  readonly keys: ApiKeys;
  readonly router: Router;
  readonly team: TeamMode;
  private settings: PacerSettings;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly allSettings: Settings,
    ledger: LedgerPersistence,
    private readonly log: Logger,
  ) {
    super();
    this.keys = this._register(new ApiKeys(context.secrets));
    const proxy = this._register(new ProxySettings(log.child('proxy')));
    const team = (this.team = this._register(new TeamMode(context.secrets, this.keys, log.child('team'))));
    // Settings problems are reported by SettingsNotices, a contribution of its own.
    this.settings = allSettings.snapshot();
    this.router = this._register(
      createRouter({
        settings: routerSettings(this.settings),
        keys: this.keys,
        fetch: () => proxy.fetch,
        // Read when a service is (re)built: gate sizes follow the settings of the moment.
        serviceOptions: (info) => ({
          gate: {
            aimd: { initial: this.settings.gate.initialConcurrency, max: this.settings.gate.maxConcurrency },
            // Team mode (pacer.team.*): DeepSeek's slots come from the team's queue in Redis.
            slotSource: team.slotSourceFor(
              info.id,
              info.chatModel,
              this.settings.gate.initialConcurrency,
              this.settings.gate.maxConcurrency,
            ),
          },
        }),
        log: log.child('router'),
        usage: ledger.usage,
        ledger: ledger.legacy,
      }),
    );
    this._register(team.onDidNeedRebuild(() => this.router.recreateServices()));
    ledger.forgetLegacy();
    // Key presence first, so a provider without a key is skipped (and announced) before any request.
    void this.importKeyFromEnvironment()
      .catch((e: unknown) => log.warn(`could not store DEEPSEEK_API_KEY in SecretStorage: ${errorText(e)}`))
      .then(() => this.loadKeysThenDiscover());
    this._register(allSettings.onDidChange(SETTING_KEYS, (changed) => this.applySettings(changed)));
  }

  // SecretStorage rejects when the OS keyring is unavailable: say so instead of failing silently.
  private loadKeysThenDiscover(): Promise<void> {
    return this.router
      .loadKeys()
      .then(() => this.router.discover())
      .catch((e: unknown) => this.log.warn(`could not read API keys from SecretStorage: ${errorText(e)}`));
  }

  /**
   * Gate sizes need fresh services. A change that cannot be applied leaves the previous
   * settings in force (the router builds new services before it retires old ones), and the user is told.
   */
  private applySettings(changed: ReadonlySet<SettingKey>): void {
    try {
      const next = this.allSettings.snapshot();
      const rebuild = SERVICE_KEYS.some((k) => changed.has(k));
      // Only a change of providers can change which keys matter or what /models says.
      const providersChanged = [...changed].some((k) => k.startsWith('providers.'));
      // serviceOptions reads `settings` (gate sizes) when the router builds services.
      this.settings = next;
      this.router.updateSettings(routerSettings(next));
      if (rebuild) this.router.recreateServices();
      if (providersChanged) void this.loadKeysThenDiscover();
    } catch (e) {
      this.log.error(`settings change not applied, the previous settings stay in force: ${errorText(e)}`);
    }
  }

  /**
   * `DEEPSEEK_API_KEY=… npm start` hands the key to the extension host's environment; it is moved
   * into SecretStorage once per profile (never into settings), so the usual key handling takes over
   * and `Pacer: Clear API Key` is not undone by the next start.
   */
  private async importKeyFromEnvironment(): Promise<void> {
    const fromEnv = process.env.DEEPSEEK_API_KEY?.trim();
    if (!fromEnv || this.context.globalState.get<boolean>(ENV_KEY_IMPORTED)) return;
    if (!(await this.keys.get('deepseek'))) {
      await this.keys.set('deepseek', fromEnv);
      this.log.info('stored the DeepSeek key from DEEPSEEK_API_KEY in SecretStorage');
    }
    await this.context.globalState.update(ENV_KEY_IMPORTED, true);
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
