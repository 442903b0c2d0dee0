// What the usage dashboard shows, computed from the history: series per time slot (hours for 24 h
// and 7 d, days for 30 d and 90 d), a table under each chart with the same numbers, the 429 grid
// by weekday and hour in the user's zone with DeepSeek's peak hours, and a few sentences computed
// from the numbers. The webview only draws this.
import type { ChartView, DashboardView, UsageRange } from '../common/usageProtocol';
import { DEEPSEEK_PRICING } from '../providers/providerEndpoint';
import { errorCount, HISTORY_CLASSES } from './historyBuckets';
import type { LogHistogram } from './logHistogram';
import { mergeInto, newHistogram, quantile } from './logHistogram';
import type { HistorySnapshot } from './usageHistory';
import type { TimeZone } from './timeZone';
import { pad, pct, round } from './dashboardFormat';
import { insights } from './dashboardInsights';
import { perSlot, RANGE_DAYS, rangeOf, series, slotsOf, table } from './dashboardSlots';
import { HOUR } from './dashboardFormat';

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

export function buildDashboardView(snapshot: HistorySnapshot, o: DashboardOptions): DashboardView {
  const all = snapshot.buckets;
  const providerIds = [...new Set(all.map((b) => b.provider))].sort();
  const labelOf = (id: string) => o.labels.get(id) ?? id;
  const days = RANGE_DAYS[o.range];
  const inRange = rangeOf(o).contains;
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
