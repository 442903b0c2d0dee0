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

/**
 * Places where a user often stops (#14): the end of a line (how likely the cursor is at one comes
 * from `LineEndOdds`), and right after a suggestion was accepted (or typed to its end). Each cue
 * keeps its own gaps: where this user does stop there often enough, the engine asks after the
 * shortest wait instead of the learned one. The odds needed are lower than the debounce's (0.4,
 * not 0.8): at a line end the next key is almost always the line break, and the request in
 * flight (for the next line) then serves the line start, so it is seldom wasted.
 */
export type FireCue = 'lineEnd' | 'accepted';

export interface Debouncer {
  /**
   * A keystroke (new document version) at `now` that left the cursor in `ctx` (and at `cue`),
   * on the line that starts at offset `lineStart`.
   */
  observeKey(docKey: string, now: number, ctx: KeyContext, cue?: FireCue, lineStart?: number): void;
  /** Time a request took from sending to answer. */
  observeLatency(ms: number): void;
  delayMs(ctx: KeyContext): number;
  /**
   * The wait at a cue, when shorter than `delayMs`; strategies without cues leave it out. `odds`:
   * the chance the cursor is at the cue at all (a line end is a guess from the text).
   */
  cueDelayMs?(cue: FireCue, odds?: number): number | undefined;
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
  /**
   * Chance a pause at a cue must have of outlasting the shortest wait, a request and 150 ms to
   * read the answer; default 0.4.
   */
  cueThreshold?: number;
  /** Latency assumed before any request was measured. */
  initialLatencyMs?: number;
  latencyWindow?: number;
}

/** Time to read a suggestion before taking it: a pause at a cue shorter than that gains nothing. */
const CUE_READ_MS = 150;

/** Longer gaps are the user away, not typing rhythm. */
const MAX_GAP_MS = 10_000;

export class AdaptiveDebounce implements Debouncer {
  private readonly gaps = new Map<KeyContext, number[]>();
  private readonly latencies: number[] = [];
  private last:
    { docKey: string; at: number; ctx: KeyContext; cue?: FireCue; lineStart?: number } | undefined;
  private readonly cueGaps = new Map<FireCue, number[]>();
  private readonly cueThreshold: number;
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
    this.cueThreshold = options.cueThreshold ?? 0.4;
    this.initialLatencyMs = options.initialLatencyMs ?? 400;
    this.latencyWindow = options.latencyWindow ?? 16;
  }

  /**
   * The shortest wait at a cue where this user stops often enough; else undefined (no cue).
   * `odds` is the chance the cursor is at the cue at all: at a likely line end, the chance of a
   * pause there is that times how often this user stopped at the line ends they did finish.
   */
  cueDelayMs(cue: FireCue, odds = 1): number | undefined {
    const gaps = this.cueGaps.get(cue) ?? [];
    const sorted = [...gaps].sort((a, b) => a - b);
    // The pause must last the shortest wait, the request and the time to read the suggestion.
    const outlasts = countAbove(sorted, this.options.minMs + this.latencyMs() + CUE_READ_MS);
    const chance = (odds * (outlasts + 1)) / (gaps.length + 2);
    return chance >= this.cueThreshold ? this.options.minMs : undefined;
  }

  setBounds(minMs: number, maxMs: number): void {
    this.options = { ...this.options, minMs, maxMs: Math.max(minMs, maxMs) };
    this.memo.clear();
  }

  observeKey(docKey: string, now: number, ctx: KeyContext, cue?: FireCue, lineStart?: number): void {
    const last = this.last;
    this.last = {
      docKey,
      at: now,
      ctx,
      ...(cue ? { cue } : {}),
      ...(lineStart !== undefined ? { lineStart } : {}),
    };
    if (!last || last.docKey !== docKey || now <= last.at) return;
    const gap = Math.min(now - last.at, MAX_GAP_MS);
    push(this.gaps, last.ctx, gap, this.window);
    // Line ends are learned in hindsight: the gap before a key that started a new line is the
    // pause at the end of the last one, whatever mark (or word) it ended with.
    const newLine =
      ctx === 'lineStart' &&
      lineStart !== undefined &&
      last.lineStart !== undefined &&
      lineStart > last.lineStart;
    if (newLine) push(this.cueGaps, 'lineEnd', gap, this.window);
    if (last.cue === 'accepted') push(this.cueGaps, 'accepted', gap, this.window);
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

function push<K>(map: Map<K, number[]>, key: K, value: number, window: number): void {
  const list = map.get(key) ?? [];
  list.push(value);
  if (list.length > window) list.shift();
  map.set(key, list);
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
