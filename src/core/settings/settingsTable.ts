// The typed table of every `pacer.*` setting: its key and the type of its value. Types, bounds,
// scopes and defaults live in package.json only (a unit test checks both name the same keys), so
// a default is never written twice. Pure: the vscode layer reads the values (src/vscode/settings.ts).
import type { ProviderSettings } from '../providers/catalog';

export interface SettingValues {
  'providers.enabled': string[];
  'providers.chatOrder': string[];
  'providers.completionOrder': string[];
  'providers.routing': ProviderSettings['routing'];
  'providers.pinned': string;
  'providers.baseUrls': ProviderSettings['baseUrls'];
  'providers.custom': ProviderSettings['custom'];
  'providers.models': ProviderSettings['models'];
  'completion.enabled': boolean;
  'completion.languages': Record<string, boolean>;
  'completion.exclude': string[];
  'completion.excludeDefaults': boolean;
  'completion.model': string;
  'completion.maxTokens': number;
  'completion.debounceMinMs': number;
  'completion.debounceMaxMs': number;
  'completion.deadlineMs': number;
  'completion.contextFromOpenEditors': boolean;
  'chat.model': string;
  'chat.thinking': boolean;
  'chat.deadlineMs': number;
  'chat.failoverAfterMs': number;
  'chat.contextTokens': number;
  'gate.initialConcurrency': number;
  'gate.maxConcurrency': number;
  'cache.maxMB': number;
  'cache.ttlMs': number;
  'health.probeIntervalMs': number;
  'team.enabled': boolean;
  'team.redisUrl': string;
  'team.queueName': string;
  'team.caFile': string;
  'team.providers': string[];
  'budget.dailyLimitUsd': number;
  /** Record the usage history the dashboard draws (the spend limit counts either way). */
  'usage.record': boolean;
  /** Checked against the schema only; `parseUserPrices` (core/usage) makes prices of it. */
  'budget.prices': Record<string, unknown>;
}

export type SettingKey = keyof SettingValues;

// A record, not a list, so the compiler says when a key is added to one side only.
const KEYS: Record<SettingKey, true> = {
  'providers.enabled': true,
  'providers.chatOrder': true,
  'providers.completionOrder': true,
  'providers.routing': true,
  'providers.pinned': true,
  'providers.baseUrls': true,
  'providers.custom': true,
  'providers.models': true,
  'completion.enabled': true,
  'completion.languages': true,
  'completion.exclude': true,
  'completion.excludeDefaults': true,
  'completion.model': true,
  'completion.maxTokens': true,
  'completion.debounceMinMs': true,
  'completion.debounceMaxMs': true,
  'completion.deadlineMs': true,
  'completion.contextFromOpenEditors': true,
  'chat.model': true,
  'chat.thinking': true,
  'chat.deadlineMs': true,
  'chat.failoverAfterMs': true,
  'chat.contextTokens': true,
  'gate.initialConcurrency': true,
  'gate.maxConcurrency': true,
  'cache.maxMB': true,
  'cache.ttlMs': true,
  'health.probeIntervalMs': true,
  'team.enabled': true,
  'team.redisUrl': true,
  'team.queueName': true,
  'team.caFile': true,
  'team.providers': true,
  'budget.dailyLimitUsd': true,
  'usage.record': true,
  'budget.prices': true,
};

export const SETTING_KEYS = Object.keys(KEYS) as readonly SettingKey[];

/**
 * Pairs of bounds a schema cannot order: the lower one never exceeds the upper one (see
 * `orderBounds`), so reading or changing either one involves both.
 */
export const ORDERED_BOUNDS: readonly { min: SettingKey; max: SettingKey }[] = [
  { min: 'completion.debounceMinMs', max: 'completion.debounceMaxMs' },
  { min: 'gate.initialConcurrency', max: 'gate.maxConcurrency' },
];
