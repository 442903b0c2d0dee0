// The spend ledger under failover (`hostile.fallbackSpend`): the primary (DeepSeek on the
// emulator) answers every request with 429, so 20 chats in a row fail over to a paid fallback (the
// built-in OpenRouter provider with its base URL on a second emulator) under a daily limit of
// $0.001. Before the fix the fallback cost $0 and was never paused.
//   spentUsd:     today's spend as the ledger (the usage store) counts it
//   paused:       whether paid providers ended up paused
//   pausedAtChat: the chat (1-based) after which they were paused; null when never
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProviderSettings } from '../../src/core/providers/catalog';
import { createRouter } from '../../src/core/providers/createRouter';
import { MemoryKeyStore } from '../../src/core/providers/keyStore';
import { PacerError } from '../../src/core/common/errors';
import { OPENROUTER_PRICING } from '../../src/core/usage/priceTables';
import { UsageStore } from '../../src/core/usage/usageStore';
import { startEmulator } from '../emulator/server';

export interface FallbackSpend {
  spentUsd: number;
  paused: boolean;
  pausedAtChat: number | null;
}

export interface FallbackSpendOptions {
  chats?: number;
  limitUsd?: number;
  fallback?: 'openrouter' | 'openai';
  /**
   * 'list': the emulator's model is priced as OpenRouter's deepseek/deepseek-chat (what this
   * fallback really costs); 'default': left unpriced, so the high default for unknown models applies.
   */
  price?: 'list' | 'default';
}

export async function runFallbackSpend(options: FallbackSpendOptions = {}): Promise<FallbackSpend> {
  const chats = options.chats ?? 20;
  const fallback = options.fallback ?? 'openrouter';
  const timing = { ttftMs: 20, tokensPerSecond: 2000, answerTokens: 60 };
  const primary = await startEmulator(timing);
  const paid = await startEmulator(timing);
  primary.setFault({ kind: 'rateLimited' });
  const dir = await mkdtemp(join(tmpdir(), 'pacer-bench-usage-'));
  const usage = new UsageStore({ dir });
  const list = OPENROUTER_PRICING['deepseek/deepseek-chat']!;
  const providers: ProviderSettings = {
    enabled: ['deepseek', fallback],
    chatOrder: ['deepseek', fallback],
    completionOrder: ['deepseek', fallback],
    routing: 'automatic',
    pinned: 'deepseek',
    baseUrls: { deepseek: primary.url, [fallback]: paid.url },
    custom: [],
    // The emulator serves DeepSeek's model names only.
    models: { [fallback]: { chat: 'deepseek-flash', completion: 'deepseek-flash' } },
  };
  const router = createRouter({
    settings: {
      providers,
      failoverAfterMs: 2000,
      probeIntervalMs: 1000,
      dailyLimitUsd: options.limitUsd ?? 0.001,
      chatDeadlineMs: 20_000,
      completionDeadlineMs: 1500,
      prices:
        (options.price ?? 'list') === 'list'
          ? {
              [`${fallback}/deepseek-flash`]: {
                inputPerMTok: list.cacheMiss,
                cachedInputPerMTok: list.cacheHit,
                outputPerMTok: list.output,
              },
            }
          : {},
    },
    keys: new MemoryKeyStore(),
    usage,
  });
  let pausedAtChat: number | null = null;
  try {
    for (let i = 1; i <= chats; i++) {
      try {
        await router.chat({
          messages: [{ role: 'user', content: `Question ${i}: explain debounce vs throttle.` }],
          model: 'deepseek-flash',
        });
      } catch (error) {
        if (!PacerError.is(error, 'budget')) throw error;
      }
      if (pausedAtChat === null && router.state().spend.kind === 'paused') pausedAtChat = i;
    }
    const state = router.state();
    return { spentUsd: state.spend.spentUsd, paused: state.spend.kind === 'paused', pausedAtChat };
  } finally {
    router.dispose();
    usage.dispose();
    await usage.flush();
    await Promise.all([primary.close(), paid.close()]);
    await rm(dir, { recursive: true, force: true });
  }
}
