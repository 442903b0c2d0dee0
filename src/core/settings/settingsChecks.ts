// Checks between settings that the schema of each one cannot express, and the conversions from
// the user's units to the ones the services take (whole bytes and milliseconds: the LRU cache
// throws on a fractional size, which once made `pacer.cache.maxMB: 0.3` crash activation).
import { SettingIssueText } from '../common/messages/settings';

export interface Bounds {
  min: number;
  max: number;
}

/** A lower bound above its upper bound: the upper one wins, and the user hears which. */
export function orderBounds(
  bounds: Bounds,
  names: { min: string; max: string },
  note: (key: string, message: string) => void,
): Bounds {
  if (bounds.min <= bounds.max) return bounds;
  note(names.min, SettingIssueText.aboveUpperBound(bounds.min, names.max, bounds.max));
  return { min: bounds.max, max: bounds.max };
}

const MIB = 1024 * 1024;

/** The answer cache's options in whole bytes and milliseconds (0 turns the cache off). */
export function cacheOptions(cache: { maxMB: number; ttlMs: number }): {
  maxBytes: number;
  ttlMs: number;
} {
  const whole = (n: number) => (Number.isFinite(n) && n > 0 ? Math.floor(n) : 0);
  return { maxBytes: whole(cache.maxMB * MIB), ttlMs: whole(cache.ttlMs) };
}
