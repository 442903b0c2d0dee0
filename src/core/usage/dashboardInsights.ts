// The few sentences above the dashboard's charts, computed from the numbers of the range shown
// (a sentence whose number is zero is left out): when 429s come, what the fallback served and
// cost, what DeepSeek's prefix cache saved, and where the money went.
import type { UsageRange } from '../common/usageProtocol';
import { DEEPSEEK_PRICING } from '../providers/providerEndpoint';
import { groupSum, pad, pct, usd } from './dashboardFormat';
import type { DashboardOptions } from './dashboardView';
import type { Bucket } from './historyBuckets';

/** The range in words, as the sentences end ("… in the last 24 hours"). */
export const RANGE_WORDS: Record<UsageRange, string> = {
  '24h': 'in the last 24 hours',
  '7d': 'this week',
  '30d': 'in the last 30 days',
  '90d': 'in the last 90 days',
};

/** Sentences computed from the numbers; a sentence whose number is zero is left out. */
export function insights(
  buckets: readonly Bucket[],
  grid: number[][],
  o: DashboardOptions,
  labelOf: (id: string) => string,
): string[] {
  const out: string[] = [];
  const when = RANGE_WORDS[o.range];
  // The two-hour window of the day with the most 429s.
  const byHour = Array.from({ length: 24 }, (_, h) => grid.reduce((s, row) => s + row[h]!, 0));
  const total429 = byHour.reduce((a, b) => a + b, 0);
  if (total429 > 0) {
    let best = 0;
    // Ties go to the window that starts with more 429s (it starts where they start).
    const score = (h: number) => (byHour[h]! + byHour[(h + 1) % 24]!) * 1e6 + byHour[h]!;
    for (let h = 1; h < 24; h++) if (score(h) > score(best)) best = h;
    const share = pct(byHour[best]! + byHour[(best + 1) % 24]!, total429);
    out.push(`${share} % of the 429s ${when} came between ${pad(best)}:00 and ${pad((best + 2) % 24)}:00.`);
  }
  // What the fallback served and (in proportion to its answers) cost.
  let chats = 0;
  let fbChats = 0;
  let fbUsd = 0;
  for (const b of buckets) {
    if (b.cls === 'chat') {
      chats += b.answered;
      fbChats += b.fallback;
    }
    if (b.fallback > 0 && b.answered > 0)
      fbUsd += (b.costUsd * Math.min(b.fallback, b.answered)) / b.answered;
  }
  if (fbChats > 0)
    out.push(`The fallback served ${pct(fbChats, chats)} % of chats ${when} and cost about ${usd(fbUsd)}.`);
  // DeepSeek's prefix cache: what its hits would have cost as misses (off-peak prices).
  const price = DEEPSEEK_PRICING['*'];
  const hits = buckets.filter((b) => b.provider === 'deepseek').reduce((s, b) => s + b.cacheHitTokens, 0);
  const saved = price ? (hits * (price.cacheMiss - price.cacheHit)) / 1_000_000 : 0;
  if (saved >= 0.0001) out.push(`DeepSeek's prefix cache saved at least ${usd(saved)} ${when}.`);
  // Spend, and how much of it is an estimate.
  const spent = buckets.reduce((s, b) => s + b.costUsd, 0);
  const est = buckets.reduce((s, b) => s + b.estimatedUsd, 0);
  if (spent > 0) {
    const top = [
      ...groupSum(
        buckets,
        (b) => b.provider,
        (b) => b.costUsd,
      ),
    ].sort((a, b) => b[1] - a[1])[0];
    out.push(
      `${usd(spent)} spent ${when}${top ? `, ${pct(top[1], spent)} % of it on ${labelOf(top[0])}` : ''}${est > 0 ? ` (${usd(est)} of it estimated)` : ''}.`,
    );
  }
  return out.slice(0, 5);
}
