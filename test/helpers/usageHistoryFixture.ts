// The usage history's worst case, shared by the benchmark (fileKB, flushMs) and the dashboard's UI
// test (openMs): every hour of 90 days active for 6 providers × 3 classes, every outcome,
// latencies and waits spread log-uniformly from 1 ms to 60 s, compacted as the store compacts.
import type { Bucket } from '../../src/core/usage/historyBuckets';
import { compactBuckets, emptyBucket, HISTORY_CLASSES, keyOf } from '../../src/core/usage/historyBuckets';
import { addValue } from '../../src/core/usage/logHistogram';
import { localZone } from '../../src/core/usage/timeZone';
import { seeded } from './seededRandom';

const HOUR = 3_600_000;

export const WORST_CASE_PROVIDERS = ['deepseek', 'openrouter', 'groq', 'together', 'ollama', 'lmstudio'];
const OUTCOMES = [
  'answered',
  'answered',
  'answered',
  'rateLimited',
  'server',
  'network',
  'timeout',
  'cancelled',
];

export function worstCaseBuckets(now: number, days: number, perHour: number, seed = 1): Map<string, Bucket> {
  const rnd = seeded(seed);
  const logMax = Math.log(60_000);
  const buckets = new Map<string, Bucket>();
  const first = localZone.hourStart(now - days * 24 * HOUR);
  for (let t = first; t <= now; t += HOUR) {
    const start = localZone.hourStart(t);
    for (const provider of WORST_CASE_PROVIDERS)
      for (const cls of HISTORY_CLASSES) {
        const b = emptyBucket(provider, cls, start);
        for (let i = 0; i < perHour; i++) {
          const outcome = OUTCOMES[i % OUTCOMES.length]!;
          if (outcome === 'answered') b.answered++;
          else if (outcome === 'rateLimited') b.rateLimited++;
          else b.errors[outcome] = (b.errors[outcome] ?? 0) + 1;
          addValue(b.latency, Math.exp(rnd() * logMax));
          addValue(b.wait, Math.exp(rnd() * logMax));
        }
        b.fallback = Math.floor(rnd() * 3);
        b.promptTokens = Math.floor(rnd() * 200_000);
        b.cacheHitTokens = Math.floor(b.promptTokens * rnd());
        b.cacheMissTokens = b.promptTokens - b.cacheHitTokens;
        b.outputTokens = Math.floor(rnd() * 20_000);
        b.costUsd = rnd() * 0.05;
        b.estimatedUsd = rnd() < 0.2 ? b.costUsd : 0;
        buckets.set(keyOf(b), b);
      }
  }
  return compactBuckets(buckets, { now, zone: localZone, keepDays: 90, hourlyDays: 7 });
}
