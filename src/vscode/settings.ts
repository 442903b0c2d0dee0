// One typed reader for every `pacer.*` setting declared in package.json. Callers re-read on
// `onDidChangeSettings` instead of caching values, so changes apply without a reload.
import * as vscode from 'vscode';
import type { ProviderSettings } from '../core/providers/catalog';
import type { UserPrices } from '../core/usage/prices';
import { parseUserPrices } from '../core/usage/prices';

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
  };
  gate: { initialConcurrency: number; maxConcurrency: number };
  cache: { maxMB: number; ttlSeconds: number };
  health: { probeIntervalSeconds: number };
  budget: { dailyLimitUsd: number; prices: UserPrices };
}

/**
 * Reads every setting. Provider URLs and lists are `application`-scoped in package.json; reading
 * them through `inspect().globalValue` as well makes sure a workspace's settings.json can never
 * redirect a user's key even if a VS Code version ignored the scope.
 */
export function readSettings(): PacerSettings {
  const c = vscode.workspace.getConfiguration('pacer');
  const user = <T>(key: string, fallback: T): T => {
    const inspected = c.inspect<T>(key);
    return inspected?.globalValue ?? inspected?.defaultValue ?? fallback;
  };
  const get = <T>(key: string, fallback: T): T => c.get<T>(key) ?? fallback;
  return {
    providers: {
      enabled: user('providers.enabled', ['deepseek']),
      chatOrder: user('providers.chatOrder', ['deepseek']),
      completionOrder: user('providers.completionOrder', ['deepseek']),
      routing: user('providers.routing', 'automatic'),
      pinned: user('providers.pinned', 'deepseek'),
      baseUrls: user('providers.baseUrls', {}),
      custom: user('providers.custom', []),
      models: user('providers.models', {}),
    },
    completion: {
      enabled: get('completion.enabled', true),
      languages: get('completion.languages', { '*': true }),
      model: get('completion.model', 'deepseek-flash'),
      maxTokens: get('completion.maxTokens', 128),
      debounceMinMs: get('completion.debounceMinMs', 60),
      debounceMaxMs: get('completion.debounceMaxMs', 400),
      deadlineMs: get('completion.deadlineMs', 1500),
      contextFromOpenEditors: get('completion.contextFromOpenEditors', true),
    },
    chat: {
      model: get('chat.model', 'deepseek-flash'),
      thinking: get('chat.thinking', false),
      deadlineSeconds: get('chat.deadlineSeconds', 180),
      failoverAfterMs: get('chat.failoverAfterMs', 2000),
    },
    gate: {
      initialConcurrency: user('gate.initialConcurrency', 2),
      maxConcurrency: user('gate.maxConcurrency', 16),
    },
    cache: { maxMB: get('cache.maxMB', 16), ttlSeconds: get('cache.ttlSeconds', 300) },
    health: { probeIntervalSeconds: get('health.probeIntervalSeconds', 10) },
    // Prices from user settings only: a workspace must not price a paid model at 0.
    budget: {
      dailyLimitUsd: user('budget.dailyLimitUsd', 0),
      prices: parseUserPrices(user('budget.prices', {})),
    },
  };
}

export function onDidChangeSettings(listener: () => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration('pacer')) listener();
  });
}
