// Hostile retry hints: the primary ("DeepSeek") answers every request, probes included, with 429
// and a zero or past hint, while a healthy paid fallback (OpenRouter, on a second emulator)
// exists. Chats go one after another through the real Router for `durationMs`, with the
// extension's default settings (failover after 2 s, a probe every 10 s, a 180 s chat deadline).
//   requestsToPrimary: every HTTP request the primary received in that time (emulator stats)
//   servedBy:          chats answered, per provider
//   userFailures:      chats that ended in an error
// Target: at most 20 requests to the primary in 10 s, every chat answered, 0 failures.
import type { ProviderSettings } from '../../src/core/providers/catalog';
import { createRouter } from '../../src/core/providers/createRouter';
import { MemoryKeyStore } from '../../src/core/providers/keyStore';
import { startEmulator } from '../emulator/server';
import type { Emulator } from '../emulator/server';
import { runFallbackSpend } from './hostileSpend';
import type { Row, SectionOptions, SectionOutput } from './types';

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
  const router = createRouter({
    settings: {
      providers: providerSettings(primary, fallback),
      failoverAfterMs: 2000,
      probeIntervalMs: 10_000,
      dailyLimitUsd: 0,
      chatDeadlineMs: 180_000,
      completionDeadlineMs: 1500,
    },
    keys: new MemoryKeyStore(),
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

// ---------------------------------------------------------------------------------------------
// The `hostile` section of `npm run bench`: each useless hint for 10 s (2 s with --quick), then
// the spend ledger over 20 chats that fail over to a paid fallback under a $0.001 limit.

export async function run({ quick }: SectionOptions): Promise<SectionOutput> {
  const durationMs = quick ? 2000 : 10_000;
  const pacing = {} as Record<HostileHint, HostilePacing>;
  for (const hint of Object.keys(HOSTILE_HINTS) as HostileHint[])
    pacing[hint] = await runHostilePacing(hint, durationMs);
  const fallbackSpend = await runFallbackSpend({ chats: quick ? 6 : 20 });
  const rows: Row[] = [
    ...Object.entries(pacing).map(([hint, p]) => ({
      case: hint,
      requestsToPrimary: p.requestsToPrimary,
      servedBy: Object.entries(p.servedBy)
        .map(([id, n]) => `${id} ${n}`)
        .join(', '),
      userFailures: p.userFailures,
    })),
    {
      case: 'fallbackSpend',
      spentUsd: Math.round(fallbackSpend.spentUsd * 1e6) / 1e6,
      paused: fallbackSpend.paused,
      pausedAtChat: fallbackSpend.pausedAtChat ?? 'never',
    },
  ];
  const perTenSeconds = (n: number) => Math.round((n * 10_000) / durationMs);
  return {
    name: 'hostile',
    result: { durationMs, ...pacing, fallbackSpend },
    rows,
    targets: [
      ...Object.entries(pacing).flatMap(([hint, p]) => [
        {
          name: `${hint}: at most 20 requests to the primary in 10 s`,
          met: perTenSeconds(p.requestsToPrimary) <= 20,
          value: `${p.requestsToPrimary} in ${durationMs / 1000} s`,
        },
        {
          name: `${hint}: every chat answered, 0 user failures`,
          met: p.userFailures === 0 && Object.values(p.servedBy).some((n) => n > 0),
          value: `${p.userFailures} failures, ${Object.values(p.servedBy).reduce((a, b) => a + b, 0)} answered`,
        },
      ]),
      {
        name: "a paid fallback's spend is counted and the limit pauses it",
        met: fallbackSpend.spentUsd > 0 && fallbackSpend.paused,
        value: `$${fallbackSpend.spentUsd}, paused ${fallbackSpend.paused} at chat ${fallbackSpend.pausedAtChat}`,
      },
    ],
  };
}
