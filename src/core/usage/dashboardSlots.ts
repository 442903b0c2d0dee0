// The time axis of the dashboard's charts: hour slots for 24 h and 7 d, day slots for 30 d and
// 90 d, the buckets summed per slot, and the series and tables drawn over those slots.
import type { SeriesView, TableView, UsageRange } from '../common/usageProtocol';
import { DAY, HOUR, pad } from './dashboardFormat';
import type { DashboardOptions } from './dashboardView';
import type { Bucket } from './historyBuckets';
import type { TimeZone } from './timeZone';

export interface Slot {
  key: string;
  x: number;
  label: string;
}

export const RANGE_DAYS: Record<UsageRange, number> = { '24h': 1, '7d': 7, '30d': 30, '90d': 90 };

/** Hour slots for 24 h / 7 d, day slots for 30 d / 90 d, oldest first. */
export function slotsOf(o: DashboardOptions, daily: boolean): Slot[] {
  const { zone, now } = o;
  const days = RANGE_DAYS[o.range];
  const out: Slot[] = [];
  if (!daily) {
    const seen = new Set<number>();
    for (let t = now - (days * 24 - 1) * HOUR; t <= now; t += HOUR) {
      const start = zone.hourStart(t);
      if (seen.has(start)) continue;
      seen.add(start);
      out.push({
        key: String(start),
        x: start / 1000,
        label: `${zone.dayKey(start)} ${pad(zone.hourOfDay(start))}:00`,
      });
    }
    return out;
  }
  const seen = new Set<string>();
  for (let t = now - (days - 1) * DAY; t <= now + 1; t += DAY) {
    const key = zone.dayKey(t);
    if (seen.has(key)) continue;
    seen.add(key);
    const startOfDay = zone.hourStart(t) - zone.hourOfDay(t) * HOUR;
    out.push({ key, x: startOfDay / 1000, label: key });
  }
  return out;
}

/**
 * The range's buckets and where it starts: the last 24 hours by hour; longer ranges by whole
 * local days, as their charts show them (days older than a week are kept as day buckets only).
 */
export function rangeOf(o: Pick<DashboardOptions, 'range' | 'zone' | 'now'>): {
  start: number;
  contains(b: Bucket): boolean;
} {
  const days = RANGE_DAYS[o.range];
  const fromDay = o.zone.dayKey(o.now - (days - 1) * DAY);
  const fromHour = o.zone.hourStart(o.now - (days * 24 - 1) * HOUR);
  const first = o.now - (days - 1) * DAY;
  const start = days > 1 ? o.zone.hourStart(first) - o.zone.hourOfDay(first) * HOUR : fromHour;
  return {
    start,
    contains: (b) =>
      b.day !== undefined
        ? b.day >= fromDay && days > 7
        : days > 1
          ? o.zone.dayKey(b.start) >= fromDay
          : b.start >= fromHour,
  };
}

export function slotKeyOf(b: Bucket, zone: TimeZone, daily: boolean): string {
  return daily ? (b.day ?? zone.dayKey(b.start)) : b.day !== undefined ? '' : String(b.start);
}

/** Per slot, a reducer over the buckets that fall in it. */
export function perSlot<T>(
  slots: Slot[],
  buckets: readonly Bucket[],
  o: DashboardOptions,
  daily: boolean,
  init: () => T,
  add: (acc: T, b: Bucket) => void,
): T[] {
  const index = new Map(slots.map((s, i) => [s.key, i]));
  const acc = slots.map(() => init());
  for (const b of buckets) {
    const i = index.get(slotKeyOf(b, o.zone, daily));
    if (i !== undefined) add(acc[i]!, b);
  }
  return acc;
}

export function series(
  label: string,
  color: number,
  style: SeriesView['style'],
  dash: number[],
  marker: string,
  values: (number | null)[],
  percent?: boolean,
): SeriesView {
  return { label, color, style, dash, marker, values, ...(percent ? { percent } : {}) };
}

export function table(first: string, slots: Slot[], list: SeriesView[], extra?: TableView): TableView {
  const columns = [first, ...list.map((s) => `${s.marker} ${s.label}`), ...(extra?.columns ?? [])];
  const rows = slots.map((slot, i) => [
    slot.label,
    ...list.map((s) => s.values[i] ?? ''),
    ...(extra?.rows[i] ?? []),
  ]);
  return { columns, rows };
}
