// The typed reader of every `pacer.*` setting: `get(key)` reads one value as of now (defaults,
// types, bounds and scopes from package.json, through src/core/settings), `onDidChange(keys)`
// tells a listener when one of its keys changed. Callers re-read instead of caching, so a change
// applies without a reload.
import * as vscode from 'vscode';
import packageJson from '../../package.json';
import { Disposable } from '../core/common/lifecycle';
import type { IDisposable } from '../core/common/lifecycle';
import { Emitter } from '../core/common/event';
import type { ProviderSettings } from '../core/providers/catalog';
import { providerSettingsIssues } from '../core/providers/catalog';
import type { UserPrices } from '../core/usage/prices';
import { parseUserPrices } from '../core/usage/prices';
import { changedSettings } from '../core/settings/changedSettings';
import type { JsonSchema } from '../core/settings/settingSchema';
import { layersAt } from '../core/settings/settingLayers';
import type { SettingIssue, SettingLayers } from '../core/settings/settingsReader';
import { SettingsReader } from '../core/settings/settingsReader';
import { orderBounds } from '../core/settings/settingsChecks';
import type { SettingKey, SettingValues } from '../core/settings/settingsTable';
import { ORDERED_BOUNDS } from '../core/settings/settingsTable';

export type { SettingIssue } from '../core/settings/settingsReader';
export type { SettingKey, SettingValues } from '../core/settings/settingsTable';

/** package.json's declaration of every `pacer.*` setting: the one home of types, bounds, scopes and defaults. */
const SETTINGS_SCHEMA = (
  packageJson as unknown as { contributes: { configuration: { properties: Record<string, JsonSchema> } } }
).contributes.configuration.properties;

/** Every layer of the `pacer` section in one `inspect()` call (see settingLayers.ts for why). */
function inspectSection(): SettingLayers | undefined {
  return vscode.workspace.getConfiguration().inspect<Record<string, unknown>>('pacer');
}

/** Objects and lists are copied out, so a caller that changes one cannot change the cached layers. */
function detached<T>(value: T): T {
  return typeof value === 'object' && value !== null ? structuredClone(value) : value;
}

function read<K extends SettingKey>(r: SettingsReader, key: K): SettingValues[K] {
  const pair = ORDERED_BOUNDS.find((p) => p.min === key);
  if (pair) {
    const bounds = { min: r.value<number>(pair.min, 0), max: r.value<number>(pair.max, 0) };
    return orderBounds(bounds, pair, (k, m) => r.note(k, m)).min as SettingValues[K];
  }
  // package.json declares a default for every key (a unit test checks it), so none is needed here.
  return r.value<SettingValues[K]>(key, undefined as unknown as SettingValues[K]);
}

export class Settings extends Disposable {
  private readonly changed = this._register(new Emitter<ReadonlySet<SettingKey>>());
  /** The section's layers, read at most once between two configuration changes. */
  private layers: { section: SettingLayers | undefined } | undefined;

  constructor() {
    super();
    // Any change may move a layer (a folder added, trust granted): read afresh after each one.
    this._register(vscode.workspace.onDidGrantWorkspaceTrust(() => (this.layers = undefined)));
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        this.layers = undefined;
        if (!e.affectsConfiguration('pacer')) return;
        const keys = changedSettings((id) => e.affectsConfiguration(id));
        if (keys.size > 0) this.changed.fire(keys);
      }),
    );
  }

  get<K extends SettingKey>(key: K): SettingValues[K] {
    return detached(read(this.reader(), key));
  }

  /** The `pacer` section's layers as of now (default, user, workspace, folder). */
  sectionLayers(): SettingLayers | undefined {
    return (this.layers ??= { section: inspectSection() }).section;
  }

  /**
   * A reader over the layers as of now: cost and privacy settings from the user's settings only
   * (`inspect().globalValue`), switches a workspace may only turn off, every value checked against
   * package.json and clamped. Never throws: a wrong value falls back and becomes an issue.
   */
  private reader(): SettingsReader {
    const section = this.sectionLayers();
    return new SettingsReader(SETTINGS_SCHEMA, (key) => layersAt(section, key));
  }

  /** Calls `listener` with the changed keys whenever one of `keys` changes. */
  onDidChange(
    keys: SettingKey | readonly SettingKey[],
    listener: (changed: ReadonlySet<SettingKey>) => void,
  ): IDisposable {
    const watched: readonly SettingKey[] = typeof keys === 'string' ? [keys] : keys;
    return this.changed.event((changed) => {
      if (watched.some((k) => changed.has(k))) listener(changed);
    });
  }

  /** Every setting at once, checked, for the parts that take a snapshot (the router's settings). */
  snapshot(): PacerSettings {
    return detached(readSettingsWithIssues(this.reader()).settings);
  }

  /** Every value Pacer does not use as written right now (for the settings notice). */
  issues(): SettingIssue[] {
    return readSettingsWithIssues(this.reader()).issues;
  }
}

/** Every setting at once, for the callers that take a snapshot (the router, chat). */
export interface PacerSettings {
  providers: ProviderSettings;
  completion: {
    enabled: boolean;
    languages: Record<string, boolean>;
    model: string;
    maxTokens: number;
    debounceMinMs: number;
    debounceMaxMs: number;
    deadlineMs: number;
    contextFromOpenEditors: boolean;
  };
  chat: {
    model: string;
    thinking: boolean;
    deadlineMs: number;
    failoverAfterMs: number;
    /** Context window assumed for chat models Pacer has no table entry for (user settings only). */
    contextTokens: number;
  };
  gate: { initialConcurrency: number; maxConcurrency: number };
  cache: { maxMB: number; ttlMs: number };
  health: { probeIntervalMs: number };
  budget: { dailyLimitUsd: number; prices: UserPrices };
}

function readSettingsWithIssues(r: SettingsReader): { settings: PacerSettings; issues: SettingIssue[] } {
  const get = <K extends SettingKey>(key: K) => read(r, key);
  const providers: ProviderSettings = {
    enabled: get('providers.enabled'),
    chatOrder: get('providers.chatOrder'),
    completionOrder: get('providers.completionOrder'),
    routing: get('providers.routing'),
    pinned: get('providers.pinned'),
    baseUrls: get('providers.baseUrls'),
    custom: get('providers.custom'),
    models: get('providers.models'),
  };
  for (const issue of providerSettingsIssues(providers)) r.note(issue.key, issue.message);
  const settings: PacerSettings = {
    providers,
    completion: {
      enabled: get('completion.enabled'),
      languages: get('completion.languages'),
      model: get('completion.model'),
      maxTokens: get('completion.maxTokens'),
      debounceMinMs: get('completion.debounceMinMs'),
      debounceMaxMs: get('completion.debounceMaxMs'),
      deadlineMs: get('completion.deadlineMs'),
      contextFromOpenEditors: get('completion.contextFromOpenEditors'),
    },
    chat: {
      model: get('chat.model'),
      thinking: get('chat.thinking'),
      deadlineMs: get('chat.deadlineMs'),
      failoverAfterMs: get('chat.failoverAfterMs'),
      contextTokens: get('chat.contextTokens'),
    },
    gate: {
      initialConcurrency: get('gate.initialConcurrency'),
      maxConcurrency: get('gate.maxConcurrency'),
    },
    cache: { maxMB: get('cache.maxMB'), ttlMs: get('cache.ttlMs') },
    health: { probeIntervalMs: get('health.probeIntervalMs') },
    // Prices from user settings only: a workspace must not price a paid model at 0.
    budget: {
      dailyLimitUsd: get('budget.dailyLimitUsd'),
      prices: parseUserPrices(get('budget.prices')),
    },
  };
  return { settings, issues: r.issues };
}
