// Counters and a latency window per provider, for the status bar tooltip and 'Show usage'.
import type { Usage } from '../providers/modelService';

export interface TokenTotals {
  prompt: number;
  completion: number;
  cacheHit: number;
  cacheMiss: number;
}

export interface ProviderStats {
  /** Requests handed to the gate (each may take several HTTP attempts). */
  requests: number;
  /** HTTP attempts sent. */
  attempts: number;
  /** HTTP attempts that failed other than with 429 (refused, 5xx, stalled, …), retries included. */
  attemptsFailed: number;
  succeeded: number;
  /** HTTP 429 responses. */
  rateLimited: number;
  /** Requests that ended in an error (not counting callers who gave up). */
  failed: number;
  /** Requests dropped: cancelled, superseded or past their deadline. */
  dropped: number;
  latencyP50Ms?: number;
  latencyP95Ms?: number;
  tokens: TokenTotals;
}

const WINDOW = 256;

export function percentile(sorted: ArrayLike<number>, p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

export class Metrics {
  private readonly latencies = new Float64Array(WINDOW);
  private latencyCount = 0;
  private readonly stats: Omit<ProviderStats, 'latencyP50Ms' | 'latencyP95Ms'> = {
    requests: 0,
    attempts: 0,
    attemptsFailed: 0,
    succeeded: 0,
    rateLimited: 0,
    failed: 0,
    dropped: 0,
    tokens: { prompt: 0, completion: 0, cacheHit: 0, cacheMiss: 0 },
  };

  count(
    key: 'requests' | 'attempts' | 'attemptsFailed' | 'succeeded' | 'rateLimited' | 'failed' | 'dropped',
  ): void {
    this.stats[key]++;
  }

  latency(ms: number): void {
    this.latencies[this.latencyCount % WINDOW] = ms;
    this.latencyCount++;
  }

  usage(usage: Usage): void {
    const t = this.stats.tokens;
    t.prompt += usage.promptTokens;
    t.completion += usage.completionTokens;
    t.cacheHit += usage.cacheHitTokens;
    t.cacheMiss += usage.cacheMissTokens;
  }

  snapshot(): ProviderStats {
    const window = this.latencies.slice(0, Math.min(this.latencyCount, WINDOW)).sort();
    return {
      ...this.stats,
      tokens: { ...this.stats.tokens },
      latencyP50Ms: percentile(window, 50),
      latencyP95Ms: percentile(window, 95),
    };
  }
}
