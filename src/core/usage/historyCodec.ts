// The history file: gzip of one compact JSON document. Providers and error kinds are listed once
// and rows refer to them by index; a row is a flat array (no field names), times are minutes,
// money is micro-dollars, histograms are [first bin, counts...]. 90 days of the worst case (every
// hour of 6 providers × 3 classes, every outcome, latencies from 1 ms to 60 s) stays far under
// 2 MB, where plain JSON with names would take several. A file that does not decode is corrupt.
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Bucket, HistoryClass } from './historyBuckets';
import { HISTORY_CLASSES, keyOf } from './historyBuckets';
import { decodeHistogram, encodeHistogram } from './logHistogram';

export const HISTORY_VERSION = 1;

export interface HistoryFile {
  buckets: Map<string, Bucket>;
  /** Where a corrupt file was put aside (the dashboard says so until the history is cleared). */
  corruptAside?: string;
}

const MICRO = 1_000_000;

export function encodeHistory(file: HistoryFile): Buffer {
  const providers: string[] = [];
  const kinds: string[] = [];
  const index = (list: string[], v: string) => {
    let i = list.indexOf(v);
    if (i < 0) i = list.push(v) - 1;
    return i;
  };
  const rows: unknown[][] = [];
  for (const b of file.buckets.values()) {
    const errors: number[] = [];
    for (const [k, v] of Object.entries(b.errors)) if (v) errors.push(index(kinds, k), v);
    const row: unknown[] = [
      index(providers, b.provider),
      HISTORY_CLASSES.indexOf(b.cls),
      Math.round(b.start / 60_000),
      b.day ?? 0,
      b.answered,
      b.rateLimited,
      b.fallback,
      errors,
      b.promptTokens,
      b.cacheHitTokens,
      b.cacheMissTokens,
      b.outputTokens,
      Math.round(b.costUsd * MICRO),
      Math.round(b.estimatedUsd * MICRO),
      encodeHistogram(b.latency),
      encodeHistogram(b.wait),
    ];
    if (b.hourly429) row.push(b.hourly429);
    rows.push(row);
  }
  const doc = {
    v: HISTORY_VERSION,
    providers,
    kinds,
    ...(file.corruptAside ? { corruptAside: file.corruptAside } : {}),
    rows,
  };
  // Level 1: a flush rewrites the whole file, and level 6 took ~7× as long for a file ~20 % smaller.
  return gzipSync(JSON.stringify(doc), { level: 1 });
}

export class CorruptHistoryError extends Error {
  static is(e: unknown): e is CorruptHistoryError {
    return e instanceof CorruptHistoryError;
  }
}

const n = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0);

/** Throws CorruptHistoryError when the bytes are not a history this version reads. */
export function decodeHistory(bytes: Buffer): HistoryFile {
  let doc: { v?: unknown; providers?: unknown; kinds?: unknown; rows?: unknown; corruptAside?: unknown };
  try {
    doc = JSON.parse(gunzipSync(bytes).toString('utf8')) as typeof doc;
  } catch (e) {
    throw new CorruptHistoryError(`not a usage history: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (
    !doc ||
    doc.v !== HISTORY_VERSION ||
    !Array.isArray(doc.providers) ||
    !Array.isArray(doc.kinds) ||
    !Array.isArray(doc.rows)
  )
    throw new CorruptHistoryError('not a usage history of this version');
  const providers = doc.providers as unknown[];
  const kinds = doc.kinds as unknown[];
  const buckets = new Map<string, Bucket>();
  for (const raw of doc.rows as unknown[]) {
    if (!Array.isArray(raw) || raw.length < 16) throw new CorruptHistoryError('a row is cut short');
    const r = raw as unknown[];
    const provider = providers[n(r[0])];
    const cls: HistoryClass | undefined = HISTORY_CLASSES[n(r[1])];
    if (typeof provider !== 'string' || !cls) throw new CorruptHistoryError('a row names no provider');
    const errors: Record<string, number> = {};
    const e = Array.isArray(r[7]) ? (r[7] as unknown[]) : [];
    for (let i = 0; i + 1 < e.length; i += 2) {
      const kind = kinds[n(e[i])];
      if (typeof kind === 'string') errors[kind] = (errors[kind] ?? 0) + n(e[i + 1]);
    }
    const day = typeof r[3] === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(r[3]) ? r[3] : undefined;
    const b: Bucket = {
      provider,
      cls,
      start: n(r[2]) * 60_000,
      ...(day ? { day } : {}),
      answered: n(r[4]),
      rateLimited: n(r[5]),
      fallback: n(r[6]),
      errors,
      promptTokens: n(r[8]),
      cacheHitTokens: n(r[9]),
      cacheMissTokens: n(r[10]),
      outputTokens: n(r[11]),
      costUsd: n(r[12]) / MICRO,
      estimatedUsd: n(r[13]) / MICRO,
      latency: decodeHistogram(r[14]),
      wait: decodeHistogram(r[15]),
    };
    if (day) {
      const h = Array.isArray(r[16]) ? (r[16] as unknown[]) : [];
      b.hourly429 = Array.from({ length: 24 }, (_, i) => n(h[i]));
    }
    buckets.set(keyOf(b), b);
  }
  return {
    buckets,
    ...(typeof doc.corruptAside === 'string' ? { corruptAside: doc.corruptAside } : {}),
  };
}
