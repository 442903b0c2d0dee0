// Recent cleaned answers, by document, the code just before the cursor and the code just after.
// A lookup also tries the prefixes of the last few typed characters ("forwarding", as Tabby and
// Continue do): an answer given a few keystrokes ago still serves if what was typed since is the
// start of it. That covers backspace-and-retype, undo, and coming back to a line.
//
// It is Pacer's one cache of completion answers (#11): `pacer.cache.maxMB` and `pacer.cache.ttlMs`
// size it, and `Pacer: Clear Cache` empties it. (A second cache keyed by the exact prompt, in
// front of each provider, only ever hit where this one did, and is gone.)
import type { Clock } from '../common/clock';

export interface CacheLimits {
  /** Memory for answers and their keys (UTF-16, roughly); 0 turns the cache off. */
  maxBytes: number;
  /** 0 turns the cache off. */
  ttlMs: number;
}

export interface CacheOptions extends CacheLimits {
  maxEntries: number;
  /** How many typed characters a lookup walks back. */
  maxForward: number;
  /** Characters of the prefix / suffix that identify a position. */
  prefixKeyChars: number;
  suffixKeyChars: number;
}

export const DEFAULT_CACHE_OPTIONS: CacheOptions = {
  maxBytes: 16 * 1024 * 1024,
  maxEntries: 500,
  ttlMs: 5 * 60_000,
  maxForward: 64,
  prefixKeyChars: 1000,
  suffixKeyChars: 400,
};

export interface CacheHit {
  /** The part of the answer not typed yet. */
  text: string;
  /** How many characters were typed since the answer was given. */
  typed: number;
}

interface Entry {
  text: string;
  bytes: number;
  expiresAt: number;
}

export class AnswerCache {
  private readonly map = new Map<string, Entry>();
  private totalBytes = 0;

  constructor(
    private readonly clock: Clock,
    private options: CacheOptions = DEFAULT_CACHE_OPTIONS,
  ) {}

  get size(): number {
    return this.map.size;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  /** New limits from the settings; what no longer fits goes, least recently used first. */
  setLimits(limits: CacheLimits): void {
    this.options = { ...this.options, ...limits };
    if (!this.enabled()) this.clear();
    this.evict();
  }

  put(docKey: string, prefix: string, suffix: string, text: string): void {
    if (!this.enabled()) return;
    const key = this.key(docKey, prefix.length, prefix, suffix);
    this.delete(key);
    const bytes = 2 * (key.length + text.length) + 64;
    if (bytes > this.options.maxBytes) return;
    this.map.set(key, { text, bytes, expiresAt: this.clock.now() + this.options.ttlMs });
    this.totalBytes += bytes;
    this.evict();
  }

  /** An exact entry (typed 0, possibly an empty answer) or a forwarded one with text left. */
  lookup(docKey: string, prefix: string, suffix: string): CacheHit | undefined {
    const now = this.clock.now();
    const walk = Math.min(this.options.maxForward, prefix.length);
    for (let typed = 0; typed <= walk; typed++) {
      const key = this.key(docKey, prefix.length - typed, prefix, suffix);
      const entry = this.map.get(key);
      if (!entry) continue;
      if (entry.expiresAt <= now) {
        this.delete(key);
        continue;
      }
      const since = prefix.slice(prefix.length - typed);
      if (typed === 0) return this.touch(key, entry, { text: entry.text, typed });
      if (entry.text.length > typed && entry.text.startsWith(since)) {
        return this.touch(key, entry, { text: entry.text.slice(typed), typed });
      }
    }
    return undefined;
  }

  clear(): void {
    this.map.clear();
    this.totalBytes = 0;
  }

  private enabled(): boolean {
    return this.options.maxBytes > 0 && this.options.ttlMs > 0;
  }

  private evict(): void {
    while (this.map.size > this.options.maxEntries || this.totalBytes > this.options.maxBytes) {
      this.delete(this.map.keys().next().value as string);
    }
  }

  private delete(key: string): void {
    const entry = this.map.get(key);
    if (!entry) return;
    this.map.delete(key);
    this.totalBytes -= entry.bytes;
  }

  private touch(key: string, entry: Entry, hit: CacheHit): CacheHit {
    this.map.delete(key);
    this.map.set(key, entry);
    return hit;
  }

  private key(docKey: string, end: number, prefix: string, suffix: string): string {
    const start = Math.max(0, end - this.options.prefixKeyChars);
    return `${docKey}\u0001${suffix.slice(0, this.options.suffixKeyChars)}\u0001${prefix.slice(start, end)}`;
  }
}
