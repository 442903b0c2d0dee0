// One typed reader for every `pacer.*` setting declared in package.json. Callers re-read on
// `onDidChangeSettings` instead of caching values, so changes apply without a reload.
import * as vscode from 'vscode';
import type { ProviderSettings } from '../core/providers/catalog';

export interface PacerSettings {
  providers: ProviderSettings;
  completion: {
    enabled: boolean;
    languages: Record<string, boolean>;
    exclude: string[];
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
  budget: { dailyLimitUsd: number };
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
      exclude: excludeGlobs(c),
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
      contextTokens: user('chat.contextTokens', 32_768),
    },
    gate: {
      initialConcurrency: user('gate.initialConcurrency', 2),
      maxConcurrency: user('gate.maxConcurrency', 16),
    },
    cache: { maxMB: get('cache.maxMB', 16), ttlSeconds: get('cache.ttlSeconds', 300) },
    health: { probeIntervalSeconds: get('health.probeIntervalSeconds', 10) },
    budget: { dailyLimitUsd: user('budget.dailyLimitUsd', 0) },
  };
}

/**
 * Exclusions add up: a workspace (a cloned repository) may add patterns but never drop the
 * user's or the default ones, which keep keys and `.env` files from being sent.
 */
function excludeGlobs(c: vscode.WorkspaceConfiguration): string[] {
  const i = c.inspect<string[]>('completion.exclude');
  const layers = [
    i?.globalValue ?? i?.defaultValue,
    i?.workspaceValue,
    i?.workspaceFolderValue,
    i?.globalLanguageValue,
    i?.workspaceLanguageValue,
  ];
  return [...new Set(layers.flatMap((l) => (Array.isArray(l) ? l : [])))];
}

export function onDidChangeSettings(listener: () => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration('pacer')) listener();
  });
}
