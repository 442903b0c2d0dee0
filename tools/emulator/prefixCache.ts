// A rough model of DeepSeek's automatic context cache: prompts are remembered in whole units of
// 64 tokens (about 256 characters) and a request hits the longest stored prefix. Good enough for
// tests and the benchmark to see that stable-prefix-first prompts earn cache hits.
import { createHash } from 'node:crypto';

export const CACHE_UNIT_TOKENS = 64;
const UNIT_CHARS = CACHE_UNIT_TOKENS * 4;

export class PrefixCache {
  // Chained hash of unit k -> true; a Map keeps insertion order, so it doubles as an LRU.
  private readonly units = new Map<string, true>();

  constructor(private readonly maxUnits = 200_000) {}

  /** Returns how many prompt tokens hit the cache, and stores this prompt's prefixes. */
  lookupAndStore(namespace: string, text: string): number {
    const count = Math.floor(text.length / UNIT_CHARS);
    let chain = createHash('sha1').update(namespace).digest('hex');
    let hitUnits = 0;
    let stillHitting = true;
    for (let k = 0; k < count; k++) {
      // Hashing chain + unit instead of the whole prefix keeps this linear in the prompt length.
      chain = createHash('sha1')
        .update(chain)
        .update(text.slice(k * UNIT_CHARS, (k + 1) * UNIT_CHARS))
        .digest('hex');
      if (stillHitting && this.units.has(chain)) hitUnits++;
      else stillHitting = false;
      this.units.delete(chain);
      this.units.set(chain, true);
    }
    while (this.units.size > this.maxUnits) {
      const oldest = this.units.keys().next().value as string;
      this.units.delete(oldest);
    }
    return hitUnits * CACHE_UNIT_TOKENS;
  }

  clear(): void {
    this.units.clear();
  }
}
