// A mergeable histogram of durations with log-spaced bins (the DDSketch idea): bin i holds values
// in (γ^(i-1), γ^i], and a percentile is answered with the bin's midpoint 2γ^i/(γ+1), whose
// relative error is at most (γ-1)/(γ+1) = 1.5 % for γ = 1.03. Two histograms merge by adding bin
// counts, so percentiles stay right when windows' and hours' histograms are summed (an average of
// p95s would not be). Browser-safe: the dashboard's host and the bench share it.

const GAMMA = 1.03;
const LOG_GAMMA = Math.log(GAMMA);
/** Values at or below 1 ms share bin 0 (shown as 1 ms). */
const MIN_MS = 1;
/** Bin 1000 is about 7·10¹² ms: anything beyond (or a bad number in a file) lands there. */
const MAX_BIN = 1000;
const NONE = new Uint32Array(0);
/** A histogram that grows is made this big at once (bin 400 ≈ 140 s): one allocation, not many. */
const GROWN_BINS = 400;

/**
 * Bin counts, bin i at index i, grown to the highest bin used. A typed array, not a Map: 90 days
 * of hourly histograms (about a million bins) decode and merge in tight loops, off the JS heap,
 * where a Map per histogram spent most of the dashboard's open in the garbage collector.
 */
export interface LogHistogram {
  bins: Uint32Array;
}

export function newHistogram(): LogHistogram {
  return { bins: NONE };
}

export function binOf(ms: number): number {
  if (!(ms > MIN_MS)) return 0;
  return Math.min(MAX_BIN, Math.ceil(Math.log(ms) / LOG_GAMMA));
}

/** The value a bin stands for: the point with the least relative error to anything in it. */
export function valueOf(bin: number): number {
  if (bin <= 0) return MIN_MS;
  return (2 * Math.pow(GAMMA, bin)) / (GAMMA + 1);
}

/** Room for `bin`. */
function reserve(h: LogHistogram, bin: number): Uint32Array {
  if (bin < h.bins.length) return h.bins;
  const grown = new Uint32Array(Math.min(MAX_BIN + 1, Math.max(bin + 1, GROWN_BINS)));
  grown.set(h.bins);
  h.bins = grown;
  return grown;
}

export function addValue(h: LogHistogram, ms: number, count = 1): void {
  const b = binOf(ms);
  reserve(h, b)[b] += count;
}

export function mergeInto(into: LogHistogram, from: LogHistogram): void {
  const src = from.bins;
  let top = src.length - 1;
  while (top >= 0 && src[top] === 0) top--;
  if (top < 0) return;
  const dst = reserve(into, top);
  for (let i = 0; i <= top; i++) dst[i] += src[i]!;
}

export function countOf(h: LogHistogram): number {
  let n = 0;
  for (const c of h.bins) n += c;
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
  let seen = 0;
  let last = 0;
  for (let b = 0; b < h.bins.length; b++) {
    const c = h.bins[b]!;
    if (!c) continue;
    seen += c;
    last = b;
    if (seen > rank) return valueOf(b);
  }
  return valueOf(last);
}

/**
 * Compact form: [first bin, counts...] over the bins from the lowest used to the highest, where a
 * run of k > 1 empty bins is written -k (an hour's few latencies spread over 60 s leave long runs).
 */
export function encodeHistogram(h: LogHistogram): number[] {
  const out: number[] = [];
  let next = -1;
  for (let b = 0; b < h.bins.length; b++) {
    const c = h.bins[b]!;
    if (!c) continue;
    if (next < 0) out.push(b);
    else if (b - next === 1) out.push(0);
    else if (b - next > 1) out.push(-(b - next));
    out.push(c);
    next = b + 1;
  }
  return out;
}

export function decodeHistogram(v: unknown): LogHistogram {
  const h = newHistogram();
  if (!Array.isArray(v) || v.length < 2) return h;
  const lo = Number(v[0]);
  if (!Number.isInteger(lo) || lo < 0 || lo > MAX_BIN) return h;
  // First the highest bin, so the array is made once at its size.
  let top = lo;
  for (let i = 1; i < v.length; i++) {
    const c = Number(v[i]);
    if (!Number.isFinite(c)) continue;
    top += c < 0 ? -c : 1;
  }
  const bins = new Uint32Array(Math.min(MAX_BIN + 1, top));
  let bin = lo;
  for (let i = 1; i < v.length && bin < bins.length; i++) {
    const c = Number(v[i]);
    if (!Number.isFinite(c)) continue;
    if (c < 0) {
      bin += -c;
      continue;
    }
    if (c > 0) bins[bin] = c;
    bin++;
  }
  h.bins = bins;
  return h;
}
