// Answers kept for identical requests (an inline completion asked again after the cursor came
// back), bounded by entries' bytes and a TTL. Only successes are ever stored.
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Clock } from '../common/clock';

export interface ResponseCacheOptions {
  maxBytes: number;
  ttlMs: number;
  clock: Clock;
  /** Upper bound on entries whatever their size (lru-cache needs one to preallocate sanely). */
  maxEntries?: number;
}

/** The cache key for a request: provider, model and the request body, hashed to a fixed size. */
export function cacheKey(providerId: string, model: string, request: unknown): string {
  return createHash('sha256')
    .update(providerId)
    .update('\0')
    .update(model)
    .update('\0')
    .update(JSON.stringify(request))
    .digest('base64url');
}

/** Rough bytes a value holds in memory (UTF-16 strings); good enough for a budget. */
export function approximateBytes(value: unknown): number {
  return 2 * (JSON.stringify(value)?.length ?? 0) + 64;
}

export class ResponseCache<V extends object> {
  private readonly cache: LRUCache<string, V> | undefined;

  constructor(options: ResponseCacheOptions) {
    if (options.maxBytes <= 0 || options.ttlMs <= 0) return; // disabled by settings
    this.cache = new LRUCache<string, V>({
      max: options.maxEntries ?? 5000,
      maxSize: options.maxBytes,
      maxEntrySize: options.maxBytes,
      sizeCalculation: (value, key) => approximateBytes(value) + 2 * key.length,
      ttl: options.ttlMs,
      // TTL on the injected clock; ttlResolution 0 so a fake clock's jumps are seen at once.
      perf: { now: () => options.clock.now() },
      ttlResolution: 0,
      updateAgeOnGet: false,
    });
  }

  get(key: string): V | undefined {
    return this.cache?.get(key);
  }

  set(key: string, value: V): void {
    this.cache?.set(key, value);
  }

  clear(): void {
    this.cache?.clear();
  }

  get size(): number {
    return this.cache?.size ?? 0;
  }

  get bytes(): number {
    return this.cache?.calculatedSize ?? 0;
  }
}
