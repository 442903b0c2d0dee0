// What the usage dashboard shows, computed from the history: series per time slot (hours for 24 h
// and 7 d, days for 30 d and 90 d), a table under each chart with the same numbers, the 429 grid
// by weekday and hour in the user's zone with DeepSeek's peak hours, and a few sentences computed
// from the numbers. The webview only draws this.
import type { ChartView, DashboardView, SeriesView, TableView, UsageRange } from '../common/usageProtocol';
import { DEEPSEEK_PRICING } from '../providers/providerEndpoint';
import type { Bucket } from './historyBuckets';
import { errorCount, HISTORY_CLASSES } from './historyBuckets';
import type { LogHistogram } from './logHistogram';
import { mergeInto, newHistogram, quantile } from './logHistogram';
import type { HistorySnapshot } from './usageHistory';
import type { TimeZone } from './timeZone';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

export interface DashboardOptions {
  now: number;
  range: UsageRange;
  /** '' for all. */
  provider: string;
  zone: TimeZone;
  timeZoneName: string;
  dailyLimitUsd: number;
  /** Labels of the providers the settings know; others show by id. */
  labels: ReadonlyMap<string, string>;
  recording: boolean;
}

interface Slot {
  key: string;
  x: number;
  label: string;
}

const RANGE_DAYS: Record<UsageRange, number> = { '24h': 1, '7d': 7, '30d': 30, '90d': 90 };

const pad = (n: number) => String(n).padStart(2, '0');
const usd = (v: number) => `$${v.toFixed(v >= 0.01 || v === 0 ? 2 : 4)}`;
const pct = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 100) : 0);
const round = (v: number, d = 1) => Math.round(v * 10 ** d) / 10 ** d;

/** Hour slots for 24 h / 7 d, day slots for 30 d / 90 d, oldest first. */
function slotsOf(o: DashboardOptions, daily: boolean): Slot[] {
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

function slotKeyOf(b: Bucket, zone: TimeZone, daily: boolean): string {
  return daily ? (b.day ?? zone.dayKey(b.start)) : b.day !== undefined ? '' : String(b.start);
}

/** Per slot, a reducer over the buckets that fall in it. */
function perSlot<T>(
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

function series(
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

function table(first: string, slots: Slot[], list: SeriesView[], extra?: TableView): TableView {
  const columns = [first, ...list.map((s) => `${s.marker} ${s.label}`), ...(extra?.columns ?? [])];
  const rows = slots.map((slot, i) => [
    slot.label,
    ...list.map((s) => s.values[i] ?? ''),
    ...(extra?.rows[i] ?? []),
  ]);
  return { columns, rows };
}

export function buildDashboardView(snapshot: HistorySnapshot, o: DashboardOptions): DashboardView {
  const all = snapshot.buckets;
  const providerIds = [...new Set(all.map((b) => b.provider))].sort();
  const labelOf = (id: string) => o.labels.get(id) ?? id;
  const days = RANGE_DAYS[o.range];
  const fromDay = o.zone.dayKey(o.now - (days - 1) * DAY);
  const fromHour = o.zone.hourStart(o.now - (days * 24 - 1) * HOUR);
  const inRange = (b: Bucket) =>
    b.day !== undefined
      ? b.day >= fromDay && days > 7
      : days > 1
        ? o.zone.dayKey(b.start) >= fromDay
        : b.start >= fromHour;
  const buckets = all.filter((b) => (!o.provider || b.provider === o.provider) && inRange(b));
  const daily = days > 7;
  const slots = slotsOf(o, daily);
  const daySlots = slotsOf({ ...o }, true);

  // Requests by outcome (answered by the first choice, by a fallback, 429, other errors).
  const req = perSlot(
    slots,
    buckets,
    o,
    daily,
    () => ({ ok: 0, fb: 0, r429: 0, err: 0, kinds: {} as Record<string, number> }),
    (a, b) => {
      a.ok += b.answered;
      a.fb += b.fallback;
      a.r429 += b.rateLimited;
      a.err += errorCount(b);
      for (const [k, v] of Object.entries(b.errors)) a.kinds[k] = (a.kinds[k] ?? 0) + v;
    },
  );
  const reqSeries = [
    series(
      'answered',
      0,
      'area',
      [],
      '●',
      req.map((r) => Math.max(0, r.ok - r.fb)),
    ),
    series(
      'served by fallback',
      1,
      'area',
      [6, 3],
      '◆',
      req.map((r) => Math.min(r.fb, r.ok)),
    ),
    series(
      '429',
      2,
      'area',
      [2, 2],
      '▲',
      req.map((r) => r.r429),
    ),
    series(
      'error',
      3,
      'area',
      [8, 2, 2, 2],
      '✖',
      req.map((r) => r.err),
    ),
  ];
  const requests: ChartView = {
    id: 'requests',
    title: 'Requests by outcome',
    unit: 'requests',
    x: slots.map((s) => s.x),
    series: reqSeries,
    table: table(daily ? 'Day' : 'Hour', slots, reqSeries, {
      columns: ['errors by kind'],
      rows: req.map((r) => [
        Object.entries(r.kinds)
          .map(([k, v]) => `${k} ${v}`)
          .join('; '),
      ]),
    }),
  };

  // Latency and queue wait, p50 / p95, from merged histograms (probes have no queue: left out).
  const lat = perSlot(
    slots,
    buckets.filter((b) => b.cls !== 'probe'),
    o,
    daily,
    () => ({ lat: newHistogram(), wait: newHistogram() }),
    (a, b) => {
      mergeInto(a.lat, b.latency);
      mergeInto(a.wait, b.wait);
    },
  );
  const q = (h: LogHistogram, p: number) => {
    const v = quantile(h, p);
    return v === undefined ? null : Math.round(v);
  };
  const latSeries = [
    series(
      'latency p50',
      0,
      'line',
      [],
      '●',
      lat.map((a) => q(a.lat, 0.5)),
    ),
    series(
      'latency p95',
      0,
      'line',
      [6, 3],
      '○',
      lat.map((a) => q(a.lat, 0.95)),
    ),
    series(
      'queue wait p50',
      4,
      'line',
      [],
      '■',
      lat.map((a) => q(a.wait, 0.5)),
    ),
    series(
      'queue wait p95',
      4,
      'line',
      [6, 3],
      '□',
      lat.map((a) => q(a.wait, 0.95)),
    ),
  ];
  const latency: ChartView = {
    id: 'latency',
    title: 'Latency and queue wait (ms)',
    unit: 'ms',
    x: slots.map((s) => s.x),
    series: latSeries,
    table: table(daily ? 'Day' : 'Hour', slots, latSeries),
  };

  // Cost per day by provider, the daily limit as a line; the estimated part in the table.
  const costProviders = [...new Set(buckets.map((b) => b.provider))].sort();
  const cost = perSlot(
    daySlots,
    buckets,
    o,
    true,
    () => ({ by: new Map<string, number>(), est: 0 }),
    (a, b) => {
      a.by.set(b.provider, (a.by.get(b.provider) ?? 0) + b.costUsd);
      a.est += b.estimatedUsd;
    },
  );
  const dashes = [[], [6, 3], [2, 2], [8, 2, 2, 2], [4, 4], [1, 3]];
  const markers = ['●', '◆', '▲', '■', '★', '✚'];
  const costSeries = costProviders.map((p, i) =>
    series(
      labelOf(p),
      i % 8,
      'bars',
      dashes[i % dashes.length]!,
      markers[i % markers.length]!,
      cost.map((c) => round(c.by.get(p) ?? 0, 4)),
    ),
  );
  if (o.dailyLimitUsd > 0)
    costSeries.push(
      series(
        'daily limit',
        7,
        'limit',
        [10, 5],
        '—',
        daySlots.map(() => o.dailyLimitUsd),
      ),
    );
  const costChart: ChartView = {
    id: 'cost',
    title: 'Cost per day (USD)',
    unit: 'USD',
    x: daySlots.map((s) => s.x),
    series: costSeries,
    table: table('Day', daySlots, costSeries, {
      columns: ['of which estimated'],
      rows: cost.map((c) => [round(c.est, 4)]),
    }),
  };

  // Tokens per day with the share of prompt tokens the provider's cache served.
  const tok = perSlot(
    daySlots,
    buckets,
    o,
    true,
    () => ({ hit: 0, miss: 0, out: 0 }),
    (a, b) => {
      a.hit += b.cacheHitTokens;
      a.miss += b.cacheMissTokens;
      a.out += b.outputTokens;
    },
  );
  const tokSeries = [
    series(
      'prompt, cache hit',
      0,
      'bars',
      [],
      '●',
      tok.map((t) => t.hit),
    ),
    series(
      'prompt, cache miss',
      2,
      'bars',
      [6, 3],
      '▲',
      tok.map((t) => t.miss),
    ),
    series(
      'output',
      4,
      'bars',
      [2, 2],
      '■',
      tok.map((t) => t.out),
    ),
    series(
      'cache-hit share %',
      5,
      'line',
      [8, 2, 2, 2],
      '◆',
      tok.map((t) => (t.hit + t.miss > 0 ? pct(t.hit, t.hit + t.miss) : null)),
      true,
    ),
  ];
  const tokens: ChartView = {
    id: 'tokens',
    title: 'Tokens per day',
    unit: 'tokens',
    x: daySlots.map((s) => s.x),
    series: tokSeries,
    table: table('Day', daySlots, tokSeries),
  };

  // 429s by weekday × hour of day (local), with DeepSeek's peak-price hours marked.
  const grid = WEEKDAYS.map(() => new Array<number>(24).fill(0));
  for (const b of buckets) {
    if (b.hourly429) {
      const wd = o.zone.weekday(b.start);
      b.hourly429.forEach((n, h) => (grid[wd]![h]! += n));
    } else if (b.rateLimited) grid[o.zone.weekday(b.start)]![o.zone.hourOfDay(b.start)]! += b.rateLimited;
  }
  const peakHours = localPeakHours(o);
  const rateLimits: ChartView = {
    id: 'rateLimits',
    title: `When 429s happen (hour of day × weekday, ${o.timeZoneName})`,
    unit: '429s',
    x: [],
    series: [],
    grid,
    peakHours,
    table: {
      columns: [
        'Weekday',
        ...Array.from({ length: 24 }, (_, h) => `${pad(h)}${peakHours.includes(h) ? ' (peak)' : ''}`),
      ],
      rows: grid.map((row, i) => [WEEKDAYS[i]!, ...row]),
    },
  };

  // Totals per provider and class: what the requests chart stacks, in one row each.
  const totals = new Map<
    string,
    { p: string; c: string; ok: number; fb: number; r429: number; err: number; usd: number }
  >();
  for (const b of buckets) {
    const key = `${b.provider}\u0000${b.cls}`;
    const t = totals.get(key) ?? { p: b.provider, c: b.cls, ok: 0, fb: 0, r429: 0, err: 0, usd: 0 };
    t.ok += b.answered;
    t.fb += b.fallback;
    t.r429 += b.rateLimited;
    t.err += errorCount(b);
    t.usd += b.costUsd;
    totals.set(key, t);
  }
  const totalRows = [...totals.values()]
    .sort(
      (a, b) =>
        a.p.localeCompare(b.p) ||
        HISTORY_CLASSES.indexOf(a.c as never) - HISTORY_CLASSES.indexOf(b.c as never),
    )
    .map((t) => [labelOf(t.p), t.c, t.ok + t.r429 + t.err, t.ok, t.r429, t.err, t.fb, round(t.usd, 4)]);
  const totalsChart: ChartView = {
    id: 'totals',
    title: 'Totals by provider and request class',
    unit: 'requests',
    x: [],
    series: [],
    table: {
      columns: [
        'Provider',
        'Class',
        'HTTP requests',
        'answered',
        '429',
        'errors',
        'served by fallback',
        'cost USD',
      ],
      rows: totalRows,
    },
  };

  return {
    range: o.range,
    provider: o.provider,
    providers: providerIds.map((id) => ({ id, label: labelOf(id) })),
    empty: all.length === 0,
    recording: o.recording,
    ...(snapshot.corruptAside ? { corruptAside: snapshot.corruptAside } : {}),
    timeZone: o.timeZoneName,
    insights: insights(buckets, grid, o, labelOf),
    charts: [requests, latency, costChart, tokens, rateLimits, totalsChart],
  };
}

/** Local hours of day whose UTC hour is in DeepSeek's peak-price window. */
function localPeakHours(o: DashboardOptions): number[] {
  const peaks = DEEPSEEK_PRICING['*']?.peakHoursUtc ?? [];
  const midnight = o.zone.hourStart(o.now) - o.zone.hourOfDay(o.now) * HOUR;
  const out: number[] = [];
  for (let h = 0; h < 24; h++) {
    const utc = new Date(midnight + h * HOUR + 30 * 60_000).getUTCHours();
    if (peaks.some(([s, e]) => utc >= s && utc < e)) out.push(h);
  }
  return out;
}

const RANGE_WORDS: Record<UsageRange, string> = {
  '24h': 'in the last 24 hours',
  '7d': 'this week',
  '30d': 'in the last 30 days',
  '90d': 'in the last 90 days',
};

/** Sentences computed from the numbers; a sentence whose number is zero is left out. */
function insights(
  buckets: readonly Bucket[],
  grid: number[][],
  o: DashboardOptions,
  labelOf: (id: string) => string,
): string[] {
  const out: string[] = [];
  const when = RANGE_WORDS[o.range];
  // The two-hour window of the day with the most 429s.
  const byHour = Array.from({ length: 24 }, (_, h) => grid.reduce((s, row) => s + row[h]!, 0));
  const total429 = byHour.reduce((a, b) => a + b, 0);
  if (total429 > 0) {
    let best = 0;
    // Ties go to the window that starts with more 429s (it starts where they start).
    const score = (h: number) => (byHour[h]! + byHour[(h + 1) % 24]!) * 1e6 + byHour[h]!;
    for (let h = 1; h < 24; h++) if (score(h) > score(best)) best = h;
    const share = pct(byHour[best]! + byHour[(best + 1) % 24]!, total429);
    out.push(`${share} % of the 429s ${when} came between ${pad(best)}:00 and ${pad((best + 2) % 24)}:00.`);
  }
  // What the fallback served and (in proportion to its answers) cost.
  let chats = 0;
  let fbChats = 0;
  let fbUsd = 0;
  for (const b of buckets) {
    if (b.cls === 'chat') {
      chats += b.answered;
      fbChats += b.fallback;
    }
    if (b.fallback > 0 && b.answered > 0)
      fbUsd += (b.costUsd * Math.min(b.fallback, b.answered)) / b.answered;
  }
  if (fbChats > 0)
    out.push(`The fallback served ${pct(fbChats, chats)} % of chats ${when} and cost about ${usd(fbUsd)}.`);
  // DeepSeek's prefix cache: what its hits would have cost as misses (off-peak prices).
  const price = DEEPSEEK_PRICING['*'];
  const hits = buckets.filter((b) => b.provider === 'deepseek').reduce((s, b) => s + b.cacheHitTokens, 0);
  const saved = price ? (hits * (price.cacheMiss - price.cacheHit)) / 1_000_000 : 0;
  if (saved >= 0.0001) out.push(`DeepSeek's prefix cache saved at least ${usd(saved)} ${when}.`);
  // Spend, and how much of it is an estimate.
  const spent = buckets.reduce((s, b) => s + b.costUsd, 0);
  const est = buckets.reduce((s, b) => s + b.estimatedUsd, 0);
  if (spent > 0) {
    const top = [
      ...groupSum(
        buckets,
        (b) => b.provider,
        (b) => b.costUsd,
      ),
    ].sort((a, b) => b[1] - a[1])[0];
    out.push(
      `${usd(spent)} spent ${when}${top ? `, ${pct(top[1], spent)} % of it on ${labelOf(top[0])}` : ''}${est > 0 ? ` (${usd(est)} of it estimated)` : ''}.`,
    );
  }
  return out.slice(0, 5);
}

function groupSum(
  buckets: readonly Bucket[],
  key: (b: Bucket) => string,
  value: (b: Bucket) => number,
): Map<string, number> {
  const m = new Map<string, number>();
  for (const b of buckets) m.set(key(b), (m.get(key(b)) ?? 0) + value(b));
  return m;
}
