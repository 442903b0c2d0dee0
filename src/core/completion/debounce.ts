// How long to wait after a keystroke before asking the model.
//
// A fixed wait (Continue: 350 ms) is too long for a user who has stopped and too short for one
// who merely slows down before a bracket: most requests it sends come back after the user typed
// on, and are thrown away. The adaptive debounce instead learns this user's rhythm: it keeps the
// recent gaps between keystrokes, separately for three places in a line (start of a line, after
// punctuation or a space, inside a word), and the recent model latency L. After waiting t ms it
// asks "of the times this user has already waited t ms here, how often did the pause last
// another L ms, long enough for the answer to be seen?". It fires at the first t where that is
// at least 4 in 5, within [min, max]. So where this user often stops to think (line starts) it
// fires as soon as the wait is longer than their usual gap there; where they merely slow down
// (after a bracket or a semicolon) it waits out those short pauses instead of paying for answers
// that arrive after they typed on; with no evidence of real pauses somewhere it waits the
// maximum; and a slow provider makes it wait for surer pauses. (An even chance, 0.5, would ask
// whenever the answer would be seen at all: about twice the requests of a fixed 350 ms wait.)

import { median } from '../common/stats';

export type KeyContext = 'lineStart' | 'afterPunct' | 'word';

export function classifyContext(linePrefix: string): KeyContext {
  if (linePrefix.trim() === '') return 'lineStart';
  return /[A-Za-z0-9_$]$/.test(linePrefix) ? 'word' : 'afterPunct';
}

export interface Debouncer {
  /** A keystroke (new document version) at `now` that left the cursor in `ctx`. */
  observeKey(docKey: string, now: number, ctx: KeyContext): void;
  /** Time a request took from sending to answer. */
  observeLatency(ms: number): void;
  delayMs(ctx: KeyContext): number;
}

export class FixedDebounce implements Debouncer {
  constructor(private readonly ms: number) {}
  observeKey(_docKey: string, _now: number, _ctx: KeyContext): void {}
  observeLatency(_ms: number): void {}
  delayMs(_ctx?: KeyContext): number {
    return this.ms;
  }
}

export interface AdaptiveDebounceOptions {
  minMs: number;
  maxMs: number;
  /** Gaps kept per context. */
  window?: number;
  /** Samples needed before a context's own gaps are trusted (else all contexts pooled). */
  minSamples?: number;
  /** Required chance that the pause outlasts the request; default 0.8. */
  threshold?: number;
  /** Latency assumed before any request was measured. */
  initialLatencyMs?: number;
  latencyWindow?: number;
}

/** Longer gaps are the user away, not typing rhythm. */
const MAX_GAP_MS = 10_000;

export class AdaptiveDebounce implements Debouncer {
  private readonly gaps = new Map<KeyContext, number[]>();
  private readonly latencies: number[] = [];
  private last: { docKey: string; at: number; ctx: KeyContext } | undefined;
  private readonly memo = new Map<KeyContext, number>();
  private readonly window: number;
  private readonly minSamples: number;
  private readonly threshold: number;
  private readonly initialLatencyMs: number;
  private readonly latencyWindow: number;

  constructor(private options: AdaptiveDebounceOptions) {
    this.window = options.window ?? 64;
    this.minSamples = options.minSamples ?? 8;
    this.threshold = options.threshold ?? 0.8;
    this.initialLatencyMs = options.initialLatencyMs ?? 400;
    this.latencyWindow = options.latencyWindow ?? 16;
  }

  setBounds(minMs: number, maxMs: number): void {
    this.options = { ...this.options, minMs, maxMs: Math.max(minMs, maxMs) };
    this.memo.clear();
  }

  observeKey(docKey: string, now: number, ctx: KeyContext): void {
    const last = this.last;
    this.last = { docKey, at: now, ctx };
    if (!last || last.docKey !== docKey || now <= last.at) return;
    const list = this.gaps.get(last.ctx) ?? [];
    list.push(Math.min(now - last.at, MAX_GAP_MS));
    if (list.length > this.window) list.shift();
    this.gaps.set(last.ctx, list);
    this.memo.clear();
  }

  observeLatency(ms: number): void {
    this.latencies.push(ms);
    if (this.latencies.length > this.latencyWindow) this.latencies.shift();
    this.memo.clear();
  }

  /** The latency used for the decision: the median of recent requests. */
  latencyMs(): number {
    if (this.latencies.length === 0) return this.initialLatencyMs;
    return median(this.latencies);
  }

  delayMs(ctx: KeyContext): number {
    const cached = this.memo.get(ctx);
    if (cached !== undefined) return cached;
    const value = this.compute(ctx);
    this.memo.set(ctx, value);
    return value;
  }

  private compute(ctx: KeyContext): number {
    const { minMs, maxMs } = this.options;
    let samples = this.gaps.get(ctx) ?? [];
    if (samples.length < this.minSamples) samples = [...this.gaps.values()].flat();
    if (samples.length < this.minSamples) return Math.round((minMs + maxMs) / 2);
    const sorted = [...samples].sort((a, b) => a - b);
    const latency = this.latencyMs();
    const candidates = [minMs, ...sorted.map((g) => g + 1).filter((t) => t > minMs && t <= maxMs)];
    for (const t of candidates) {
      const waited = countAbove(sorted, t);
      const outlasts = countAbove(sorted, t + latency);
      // Laplace's rule of succession: with no evidence either way the chance is even.
      if ((outlasts + 1) / (waited + 2) >= this.threshold) return t;
    }
    return maxMs;
  }
}

function countAbove(sorted: number[], t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! > t) hi = mid;
    else lo = mid + 1;
  }
  return sorted.length - lo;
}
