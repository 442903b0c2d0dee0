// The router as the router tests build it: DeepSeek on one emulator and, when given, a custom
// "Backup" provider on a second one (its /beta, where the emulator serves FIM), built by the same
// createRouter() the extension and the bench use, with keys in memory.
import type { ProviderSettings } from '../../src/core/providers/catalog';
import { createRouter } from '../../src/core/providers/createRouter';
import type { KeyStore } from '../../src/core/providers/keyStore';
import { MemoryKeyStore } from '../../src/core/providers/keyStore';
import type { ProviderServiceOptions } from '../../src/core/providers/providerService';
import type { Router, RouterOptions, RouterSettings } from '../../src/core/providers/router';
import type { Emulator } from '../../tools/emulator/server';

/** DeepSeek at `primary`, then "Backup" at `fallback` when given, both enabled in that order. */
export function twoProviders(
  primary: Emulator,
  fallback?: Emulator,
  patch: Partial<ProviderSettings> = {},
): ProviderSettings {
  const enabled = fallback ? ['deepseek', 'backup'] : ['deepseek'];
  return {
    enabled,
    chatOrder: enabled,
    completionOrder: enabled,
    routing: 'automatic',
    pinned: 'deepseek',
    baseUrls: { deepseek: primary.url },
    custom: fallback
      ? [
          {
            id: 'backup',
            label: 'Backup',
            baseUrl: `${fallback.url}/beta`,
            supportsFim: true,
            needsKey: false,
            chatModel: 'deepseek-flash',
          },
        ]
      : [],
    models: {},
    ...patch,
  };
}

export interface TestRouterOptions extends Partial<Omit<RouterOptions, 'settings' | 'createService'>> {
  /** Keys in memory by default (none stored). */
  keys?: KeyStore;
  /** The same tuning for every provider's service (short watchdogs and retry waits keep tests fast). */
  service?: ProviderServiceOptions;
}

/** A router over `providers` with the tests' usual deadlines; `patch` overrides any setting. */
export function testRouter(
  providers: ProviderSettings,
  patch: Partial<RouterSettings> = {},
  options: TestRouterOptions = {},
): Router {
  const { service, ...rest } = options;
  return createRouter({
    ...rest,
    keys: options.keys ?? new MemoryKeyStore(),
    settings: {
      providers,
      failoverAfterMs: 2000,
      probeIntervalMs: 400,
      dailyLimitUsd: 0,
      chatDeadlineMs: 20_000,
      completionDeadlineMs: 1500,
      ...patch,
    },
    ...(service ? { serviceOptions: () => service } : {}),
  });
}
