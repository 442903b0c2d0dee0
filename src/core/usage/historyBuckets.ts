// The usage history's unit: one bucket per provider × request class × local hour (days older than
// a week: × local day, keeping the day's 429s per hour of day). Only counts, times and sizes: no
// model output, prompt or file name is ever stored. Buckets merge by adding, so windows' writes,
// hours and days combine without one overwriting another.
import type { LogHistogram } from './logHistogram';
import { mergeInto, newHistogram } from './logHistogram';
import type { TimeZone } from './timeZone';

export type HistoryClass = 'completion' | 'chat' | 'probe';
export const HISTORY_CLASSES: readonly HistoryClass[] = ['completion', 'chat', 'probe'];

export interface Bucket {
  provider: string;
  cls: HistoryClass;
  /** Epoch ms of the local hour's start; for a day bucket, of the first hour it holds. */
  start: number;
  /** Set on a day bucket: its local day (YYYY-MM-DD). */
  day?: string;
  /** HTTP requests answered (retries and probes are requests too). */
  answered: number;
  rateLimited: number;
  /** Other failed requests by error kind (server, network, timeout, cancelled, ...). */
  errors: Record<string, number>;
  /** User requests a fallback provider served (counted at that provider). */
  fallback: number;
  latency: LogHistogram;
  wait: LogHistogram;
  promptTokens: number;
  cacheHitTokens: number;
  cacheMissTokens: number;
  outputTokens: number;
  costUsd: number;
  /** The part of costUsd that is an estimate (no usage or no price came back). */
  estimatedUsd: number;
  /** Day buckets: 429s per local hour of day (0..23). */
  hourly429?: number[];
}

export function emptyBucket(provider: string, cls: HistoryClass, start: number, day?: string): Bucket {
  return {
    provider,
    cls,
    start,
    ...(day !== undefined ? { day, hourly429: new Array<number>(24).fill(0) } : {}),
    answered: 0,
    rateLimited: 0,
    errors: {},
    fallback: 0,
    latency: newHistogram(),
    wait: newHistogram(),
    promptTokens: 0,
    cacheHitTokens: 0,
    cacheMissTokens: 0,
    outputTokens: 0,
    costUsd: 0,
    estimatedUsd: 0,
  };
}

export function bucketKey(provider: string, cls: HistoryClass, start: number, day?: string): string {
  return `${provider}\u0000${cls}\u0000${day ?? start}`;
}

export function keyOf(b: Bucket): string {
  return bucketKey(b.provider, b.cls, b.start, b.day);
}

export function errorCount(b: Bucket): number {
  let n = 0;
  for (const v of Object.values(b.errors)) n += v;
  return n;
}

/** Adds `from` into `into` (same key). An hour bucket added to a day bucket lands in its hour. */
export function addBucket(into: Bucket, from: Bucket, zone?: TimeZone): void {
  into.start = Math.min(into.start, from.start);
  into.answered += from.answered;
  into.rateLimited += from.rateLimited;
  for (const [k, v] of Object.entries(from.errors)) into.errors[k] = (into.errors[k] ?? 0) + v;
  into.fallback += from.fallback;
  mergeInto(into.latency, from.latency);
  mergeInto(into.wait, from.wait);
  into.promptTokens += from.promptTokens;
  into.cacheHitTokens += from.cacheHitTokens;
  into.cacheMissTokens += from.cacheMissTokens;
  into.outputTokens += from.outputTokens;
  into.costUsd += from.costUsd;
  into.estimatedUsd += from.estimatedUsd;
  if (into.hourly429) {
    if (from.hourly429) for (let h = 0; h < 24; h++) into.hourly429[h]! += from.hourly429[h] ?? 0;
    else if (zone && from.rateLimited) into.hourly429[zone.hourOfDay(from.start)]! += from.rateLimited;
  }
}

/** Adds every bucket of `from` into the map `into` (copies, so `from` stays untouched). */
export function mergeBuckets(into: Map<string, Bucket>, from: Iterable<Bucket>): void {
  for (const b of from) {
    const key = keyOf(b);
    let target = into.get(key);
    if (!target) {
      target = emptyBucket(b.provider, b.cls, b.start, b.day);
      into.set(key, target);
    }
    addBucket(target, b);
  }
}

export interface CompactOptions {
  now: number;
  zone: TimeZone;
  /** Days kept in all (90). */
  keepDays: number;
  /** Days kept by the hour; older ones become days (7). */
  hourlyDays: number;
}

const DAY_MS = 86_400_000;

/** Hours older than `hourlyDays` become day buckets; days older than `keepDays` go. */
export function compactBuckets(buckets: Map<string, Bucket>, o: CompactOptions): Map<string, Bucket> {
  const hourlyFrom = o.zone.dayKey(o.now - o.hourlyDays * DAY_MS);
  const keepFrom = o.zone.dayKey(o.now - o.keepDays * DAY_MS);
  const out = new Map<string, Bucket>();
  for (const b of buckets.values()) {
    const day = b.day ?? o.zone.dayKey(b.start);
    if (day < keepFrom) continue;
    if (b.day !== undefined || day >= hourlyFrom) {
      const key = keyOf(b);
      const have = out.get(key);
      if (have) addBucket(have, b, o.zone);
      else out.set(key, b);
      continue;
    }
    const key = bucketKey(b.provider, b.cls, b.start, day);
    let target = out.get(key);
    if (!target) {
      target = emptyBucket(b.provider, b.cls, b.start, day);
      out.set(key, target);
    }
    addBucket(target, b, o.zone);
  }
  return out;
}
