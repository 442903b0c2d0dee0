// A mergeable histogram of durations with log-spaced bins (the DDSketch idea): bin i holds values
// in (γ^(i-1), γ^i], and a percentile is answered with the bin's midpoint 2γ^i/(γ+1), whose
// relative error is at most (γ-1)/(γ+1) = 1.5 % for γ = 1.03. Two histograms merge by adding bin
// counts, so percentiles stay right when windows' and hours' histograms are summed (an average of
// p95s would not be). Browser-safe: the dashboard's host and the bench share it.

const GAMMA = 1.03;
const LOG_GAMMA = Math.log(GAMMA);
/** Values at or below 1 ms share bin 0 (shown as 1 ms). */
const MIN_MS = 1;

/** Bin counts by index, sparse. */
export type LogHistogram = Map<number, number>;

export function newHistogram(): LogHistogram {
  return new Map();
}

export function binOf(ms: number): number {
  if (!(ms > MIN_MS)) return 0;
  return Math.ceil(Math.log(ms) / LOG_GAMMA);
}

/** The value a bin stands for: the point with the least relative error to anything in it. */
export function valueOf(bin: number): number {
  if (bin <= 0) return MIN_MS;
  return (2 * Math.pow(GAMMA, bin)) / (GAMMA + 1);
}

export function addValue(h: LogHistogram, ms: number, count = 1): void {
  const b = binOf(ms);
  h.set(b, (h.get(b) ?? 0) + count);
}

export function mergeInto(into: LogHistogram, from: LogHistogram): void {
  for (const [b, c] of from) into.set(b, (into.get(b) ?? 0) + c);
}

export function countOf(h: LogHistogram): number {
  let n = 0;
  for (const c of h.values()) n += c;
  return n;
}

/**
 * The q-quantile (0..1) as the value of rank ⌊q·(n-1)⌋ in sorted order (the same rank an exact
 * percentile over the sorted values picks); undefined when empty.
 */
export function quantile(h: LogHistogram, q: number): number | undefined {
  const n = countOf(h);
  if (n === 0) return undefined;
  const rank = Math.floor(Math.min(1, Math.max(0, q)) * (n - 1));
  const bins = [...h.keys()].sort((a, b) => a - b);
  let seen = 0;
  for (const b of bins) {
    seen += h.get(b) ?? 0;
    if (seen > rank) return valueOf(b);
  }
  return valueOf(bins[bins.length - 1] ?? 0);
}

/**
 * Compact form: [first bin, counts...] over the bins from the lowest used to the highest, where a
 * run of k > 1 empty bins is written -k (an hour's few latencies spread over 60 s leave long runs).
 */
export function encodeHistogram(h: LogHistogram): number[] {
  if (h.size === 0) return [];
  const bins = [...h.keys()].sort((a, b) => a - b);
  const out: number[] = [bins[0]!];
  let next = bins[0]!;
  for (const b of bins) {
    const gap = b - next;
    if (gap === 1) out.push(0);
    else if (gap > 1) out.push(-gap);
    out.push(h.get(b)!);
    next = b + 1;
  }
  return out;
}

export function decodeHistogram(v: unknown): LogHistogram {
  const h = newHistogram();
  if (!Array.isArray(v) || v.length < 2) return h;
  const lo = Number(v[0]);
  if (!Number.isInteger(lo) || lo < 0) return h;
  let bin = lo;
  for (let i = 1; i < v.length; i++) {
    const c = Number(v[i]);
    if (!Number.isFinite(c)) continue;
    if (c < 0) {
      bin += -c;
      continue;
    }
    if (c > 0) h.set(bin, c);
    bin++;
  }
  return h;
}
