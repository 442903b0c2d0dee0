// The small formatting and summing helpers the dashboard's view and its sentences share.
import type { Bucket } from './historyBuckets';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export const pad = (n: number) => String(n).padStart(2, '0');
export const usd = (v: number) => `$${v.toFixed(v >= 0.01 || v === 0 ? 2 : 4)}`;
export const pct = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 100) : 0);
export const round = (v: number, d = 1) => Math.round(v * 10 ** d) / 10 ** d;

export function groupSum(
  buckets: readonly Bucket[],
  key: (b: Bucket) => string,
  value: (b: Bucket) => number,
): Map<string, number> {
  const m = new Map<string, number>();
  for (const b of buckets) m.set(key(b), (m.get(key(b)) ?? 0) + value(b));
  return m;
}
