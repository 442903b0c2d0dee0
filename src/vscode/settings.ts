// One typed reader for every `pacer.*` setting declared in package.json. Callers re-read on
// `onDidChangeSettings` instead of caching values, so changes apply without a reload.
import * as vscode from 'vscode';
import packageJson from '../../package.json';
import type { ProviderSettings } from '../core/providers/catalog';
import type { UserPrices } from '../core/usage/prices';
import { parseUserPrices } from '../core/usage/prices';
import { providerSettingsIssues } from '../core/providers/catalog';
import type { JsonSchema } from '../core/settings/settingSchema';
import type { SettingIssue } from '../core/settings/settingsReader';
import { SettingsReader } from '../core/settings/settingsReader';
import { orderBounds } from '../core/settings/settingsChecks';

export type { SettingIssue } from '../core/settings/settingsReader';

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
    deadlineSeconds: number;
    failoverAfterMs: number;
    /** Context window assumed for chat models Pacer has no table entry for (user settings only). */
    contextTokens: number;
  };
  gate: { initialConcurrency: number; maxConcurrency: number };
  cache: { maxMB: number; ttlSeconds: number };
  health: { probeIntervalSeconds: number };
  budget: { dailyLimitUsd: number; prices: UserPrices };
}

/** package.json's declaration of every `pacer.*` setting: the one home of types, bounds and scopes. */
const SCHEMA = (
  packageJson as unknown as { contributes: { configuration: { properties: Record<string, JsonSchema> } } }
).contributes.configuration.properties;

/** Every setting, checked; use `readSettingsWithIssues` where the user must hear what was ignored. */
export function readSettings(): PacerSettings {
  return readSettingsWithIssues().settings;
}

/**
 * Reads every setting through SettingsReader (src/core/settings): cost and privacy settings from
 * the user's settings only (`inspect().globalValue`, whatever scope a VS Code version honours),
 * on/off switches that a workspace may only turn off, every value checked against package.json's
 * schema and clamped. Never throws: a wrong value falls back and becomes an issue.
 */
export function readSettingsWithIssues(): { settings: PacerSettings; issues: SettingIssue[] } {
  const c = vscode.workspace.getConfiguration('pacer');
  const reader = new SettingsReader(SCHEMA, (key) => c.inspect(key));
  const note = (key: string, message: string) => reader.note(key, message);
  const user = <T>(key: string, fallback: T): T => reader.value(key, fallback);
  const get = user;
  const providers: ProviderSettings = {
    enabled: user('providers.enabled', ['deepseek']),
    chatOrder: user('providers.chatOrder', ['deepseek']),
    completionOrder: user('providers.completionOrder', ['deepseek']),
    routing: user('providers.routing', 'automatic'),
    pinned: user('providers.pinned', 'deepseek'),
    baseUrls: user('providers.baseUrls', {}),
    custom: user('providers.custom', []),
    models: user('providers.models', {}),
  };
  for (const issue of providerSettingsIssues(providers)) note(issue.key, issue.message);
  const debounce = orderBounds(
    { min: get('completion.debounceMinMs', 60), max: get('completion.debounceMaxMs', 400) },
    { min: 'completion.debounceMinMs', max: 'completion.debounceMaxMs' },
    note,
  );
  const concurrency = orderBounds(
    { min: user('gate.initialConcurrency', 2), max: user('gate.maxConcurrency', 16) },
    { min: 'gate.initialConcurrency', max: 'gate.maxConcurrency' },
    note,
  );
  const settings: PacerSettings = {
    providers,
    completion: {
      enabled: get('completion.enabled', true),
      languages: get('completion.languages', { '*': true }),
      model: get('completion.model', 'deepseek-flash'),
      maxTokens: get('completion.maxTokens', 128),
      debounceMinMs: debounce.min,
      debounceMaxMs: debounce.max,
      deadlineMs: get('completion.deadlineMs', 1500),
      contextFromOpenEditors: get('completion.contextFromOpenEditors', true),
    },
    chat: {
      model: get('chat.model', 'deepseek-flash'),
      thinking: get('chat.thinking', false),
      deadlineSeconds: get('chat.deadlineSeconds', 180),
      failoverAfterMs: get('chat.failoverAfterMs', 2000),
      contextTokens: user('chat.contextTokens', 32_768),
    },
    gate: {
      initialConcurrency: concurrency.min,
      maxConcurrency: concurrency.max,
    },
    cache: { maxMB: get('cache.maxMB', 16), ttlSeconds: get('cache.ttlSeconds', 300) },
    health: { probeIntervalSeconds: get('health.probeIntervalSeconds', 10) },
    // Prices from user settings only: a workspace must not price a paid model at 0.
    budget: {
      dailyLimitUsd: user('budget.dailyLimitUsd', 0),
      prices: parseUserPrices(user('budget.prices', {})),
    },
  };
  return { settings, issues: reader.issues };
}

export function onDidChangeSettings(listener: () => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration('pacer')) listener();
  });
}
