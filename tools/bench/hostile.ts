// Hostile retry hints: the primary ("DeepSeek") answers every request, probes included, with 429
// and a zero or past hint, while a healthy paid fallback (OpenRouter, on a second emulator)
// exists. Chats go one after another through the real Router for `durationMs`, with the
// extension's default settings (failover after 2 s, a probe every 10 s, a 180 s chat deadline).
//   requestsToPrimary: every HTTP request the primary received in that time (emulator stats)
//   servedBy:          chats answered, per provider
//   userFailures:      chats that ended in an error
// Target: at most 20 requests to the primary in 10 s, every chat answered, 0 failures.
// The lead wires it into `npm run bench` as part of the `hostile` section.
import type { ProviderInfo, ProviderSettings } from '../../src/core/providers/catalog';
import { keyOrPlaceholder, toEndpoint } from '../../src/core/providers/catalog';
import { createProviderService } from '../../src/core/providerService';
import { Router } from '../../src/core/providers/router';
import { startEmulator } from '../emulator/server';
import type { Emulator } from '../emulator/server';

export type HostileHint = 'retryAfterZero' | 'pastDate' | 'pastReset';

/** The raw 429 headers of each case (emulator `retryHeaders`; {date-1}/{epoch-5} filled per response). */
export const HOSTILE_HINTS: Record<HostileHint, Record<string, string>> = {
  retryAfterZero: { 'retry-after': '0' },
  pastDate: { 'retry-after': '{date-1}' },
  pastReset: { 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '{epoch-5}' },
};

export interface HostilePacing {
  requestsToPrimary: number;
  servedBy: Record<string, number>;
  userFailures: number;
}

function providerSettings(primary: Emulator, fallback: Emulator): ProviderSettings {
  return {
    enabled: ['deepseek', 'openrouter'],
    chatOrder: ['deepseek', 'openrouter'],
    completionOrder: ['deepseek', 'openrouter'],
    routing: 'automatic',
    pinned: 'deepseek',
    baseUrls: { deepseek: primary.url, openrouter: fallback.url },
    // The emulator serves DeepSeek's model names only.
    models: { openrouter: { chat: 'deepseek-flash', completion: 'deepseek-flash' } },
    custom: [],
  };
}

export async function runHostilePacing(hint: HostileHint, durationMs = 10_000): Promise<HostilePacing> {
  const timing = { ttftMs: 150, tokensPerSecond: 300, answerTokens: 40 };
  const [primary, fallback] = await Promise.all([startEmulator(timing), startEmulator(timing)]);
  const router = new Router({
    settings: {
      providers: providerSettings(primary, fallback),
      failoverAfterMs: 2000,
      probeIntervalMs: 10_000,
      dailyLimitUsd: 0,
      chatDeadlineMs: 180_000,
      completionDeadlineMs: 1500,
    },
    createService: (info: ProviderInfo) =>
      createProviderService(toEndpoint(info, async () => keyOrPlaceholder(undefined, info.baseUrl))),
  });
  const servedBy: Record<string, number> = {};
  let userFailures = 0;
  try {
    // As at activation: discovery while the primary is healthy; the storm starts afterwards.
    await router.discover();
    primary.setOptions({ retryHeaders: HOSTILE_HINTS[hint] });
    primary.setFault({ kind: 'rateLimited' });
    primary.resetStats();
    const end = Date.now() + durationMs;
    for (let n = 0; Date.now() < end; n++) {
      try {
        const r = await router.chat({
          messages: [{ role: 'user', content: `Question ${n}: explain debounce vs throttle.` }],
          model: 'deepseek-flash',
        });
        servedBy[r.providerId] = (servedBy[r.providerId] ?? 0) + 1;
      } catch {
        userFailures++;
      }
    }
    return { requestsToPrimary: primary.stats().requests, servedBy, userFailures };
  } finally {
    router.dispose();
    await Promise.all([primary.close(), fallback.close()]);
  }
}
