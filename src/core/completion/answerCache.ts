// Recent cleaned answers, by document, the code just before the cursor and the code just after.
// A lookup also tries the prefixes of the last few typed characters ("forwarding", as Tabby and
// Continue do): an answer given a few keystrokes ago still serves if what was typed since is the
// start of it. That covers backspace-and-retype, undo, and coming back to a line.
import type { Clock } from '../common/clock';

export interface CacheOptions {
  maxEntries: number;
  ttlMs: number;
  /** How many typed characters a lookup walks back. */
  maxForward: number;
  /** Characters of the prefix / suffix that identify a position. */
  prefixKeyChars: number;
  suffixKeyChars: number;
}

export const DEFAULT_CACHE_OPTIONS: CacheOptions = {
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
  expiresAt: number;
}

export class AnswerCache {
  private readonly map = new Map<string, Entry>();

  constructor(
    private readonly clock: Clock,
    private readonly options: CacheOptions = DEFAULT_CACHE_OPTIONS,
  ) {}

  get size(): number {
    return this.map.size;
  }

  put(docKey: string, prefix: string, suffix: string, text: string): void {
    const key = this.key(docKey, prefix.length, prefix, suffix);
    this.map.delete(key);
    this.map.set(key, { text, expiresAt: this.clock.now() + this.options.ttlMs });
    while (this.map.size > this.options.maxEntries) this.map.delete(this.map.keys().next().value as string);
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
        this.map.delete(key);
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
