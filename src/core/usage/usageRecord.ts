// One line of the usage store: what one request (or, after compaction, one hour of a provider's
// requests of one model and class) used and cost. The key (provider, class, hour) is what the daily
// limit, `Show Usage` and the hourly history read; new fields may be added, old readers skip them.
import type { RequestClass } from '../providers/modelService';
import type { DayUsage } from '../providers/cost';

export interface UsageRecord {
  /** The window that wrote it, and its sequence number there: (window, seq) is unique. */
  window: string;
  seq: number;
  /** Wall-clock time of the request (ms); its local day and hour place it. */
  at: number;
  provider: string;
  model: string;
  cls: RequestClass;
  /** 1 for a request; the count for a compacted hour. */
  requests: number;
  promptTokens: number;
  completionTokens: number;
  cacheHitTokens: number;
  cacheMissTokens: number;
  costUsd: number;
  /** The tokens or the price were estimated (no usage came back, or no price was known). */
  estimated: boolean;
  /** The estimated part of `costUsd` (a compacted hour mixes both). */
  estimatedUsd?: number;
}

const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/** A line of the file as a record, or undefined when it is not one (a torn or foreign line). */
export function parseRecord(line: string): UsageRecord | undefined {
  if (!line.trim()) return undefined;
  let v: Partial<UsageRecord>;
  try {
    v = JSON.parse(line) as Partial<UsageRecord>;
  } catch {
    return undefined;
  }
  if (!v || typeof v !== 'object') return undefined;
  if (typeof v.window !== 'string' || !num(v.seq) || !num(v.at) || typeof v.provider !== 'string')
    return undefined;
  if (!num(v.costUsd) || !num(v.promptTokens) || !num(v.completionTokens)) return undefined;
  return {
    window: v.window,
    seq: v.seq,
    at: v.at,
    provider: v.provider,
    model: typeof v.model === 'string' ? v.model : '',
    cls: v.cls === 'completion' ? 'completion' : 'chat',
    requests: num(v.requests) ? v.requests : 1,
    promptTokens: v.promptTokens,
    completionTokens: v.completionTokens,
    cacheHitTokens: num(v.cacheHitTokens) ? v.cacheHitTokens : 0,
    cacheMissTokens: num(v.cacheMissTokens) ? v.cacheMissTokens : v.promptTokens,
    costUsd: v.costUsd,
    estimated: v.estimated === true,
    ...(num(v.estimatedUsd) ? { estimatedUsd: v.estimatedUsd } : {}),
  };
}

export function estimatedUsdOf(r: UsageRecord): number {
  return r.estimatedUsd ?? (r.estimated ? r.costUsd : 0);
}

/** Adds a record into a day's totals of its provider. */
export function addToDay(day: DayUsage, r: UsageRecord): void {
  day.requests += r.requests;
  day.promptTokens += r.promptTokens;
  day.completionTokens += r.completionTokens;
  day.cacheHitTokens += r.cacheHitTokens;
  day.cacheMissTokens += r.cacheMissTokens;
  day.costUsd += r.costUsd;
  day.estimatedUsd += estimatedUsdOf(r);
}

/** One record per (provider, model, class, local hour): what an old day is compacted to. */
export function compactRecords(records: readonly UsageRecord[], window: string): UsageRecord[] {
  const groups = new Map<string, UsageRecord>();
  for (const r of records) {
    const hourStart = new Date(r.at);
    hourStart.setMinutes(0, 0, 0);
    const key = JSON.stringify([r.provider, r.model, r.cls, hourStart.getTime()]);
    const g = groups.get(key);
    if (!g) {
      groups.set(key, {
        ...r,
        window,
        seq: groups.size,
        at: hourStart.getTime(),
        estimatedUsd: estimatedUsdOf(r),
      });
      continue;
    }
    g.requests += r.requests;
    g.promptTokens += r.promptTokens;
    g.completionTokens += r.completionTokens;
    g.cacheHitTokens += r.cacheHitTokens;
    g.cacheMissTokens += r.cacheMissTokens;
    g.costUsd += r.costUsd;
    g.estimatedUsd = (g.estimatedUsd ?? 0) + estimatedUsdOf(r);
    g.estimated = g.estimated || r.estimated;
  }
  return [...groups.values()];
}
