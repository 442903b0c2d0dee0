// The contract between the usage dashboard webview and the extension. The host aggregates: the
// webview gets series ready to draw and tables ready to show, and only asks for another range or
// provider, a CSV file of one table, or a cleared history. Each side parses what it receives and
// handles it through a table with one handler per message type (see chatProtocol.ts).
import { arr, bool, byType, int, num, obj, oneOf, opt, str, type Parser } from './schema';

export const USAGE_RANGES = ['24h', '7d', '30d', '90d'] as const;
export type UsageRange = (typeof USAGE_RANGES)[number];

export const CHART_IDS = ['requests', 'latency', 'cost', 'tokens', 'rateLimits', 'totals', 'team'] as const;
export type ChartId = (typeof CHART_IDS)[number];

/** How a series is drawn; each also has its own dash and marker so colour is never the only cue. */
export type SeriesStyle = 'area' | 'line' | 'bars' | 'limit';

export interface SeriesView {
  label: string;
  /** Index into the theme's chart colours (--vscode-charts-*). */
  color: number;
  style: SeriesStyle;
  /** A dash pattern, e.g. [6, 3]; solid when empty. */
  dash: number[];
  /** A letter or symbol shown in the legend and table header beside the label. */
  marker: string;
  /** Right-hand scale (percent) instead of the left. */
  percent?: boolean;
  /** One value per x; null where there is none (no request in that hour). */
  values: (number | null)[];
}

export interface TableView {
  columns: string[];
  rows: (string | number)[][];
}

/**
 * What requests did over a span: counts by outcome, tokens and cost. The team's totals (kept in
 * Redis beside its queue) and this editor's history's are both summed into this shape.
 */
export interface UsageTotals {
  answered: number;
  rateLimited: number;
  /** Failed requests other than 429s. */
  errors: number;
  /** User requests a fallback provider served. */
  fallback: number;
  promptTokens: number;
  cacheHitTokens: number;
  outputTokens: number;
  costUsd: number;
  /** The part of costUsd that is an estimate. */
  estimatedUsd: number;
}

export function emptyTotals(): UsageTotals {
  return {
    answered: 0,
    rateLimited: 0,
    errors: 0,
    fallback: 0,
    promptTokens: 0,
    cacheHitTokens: 0,
    outputTokens: 0,
    costUsd: 0,
    estimatedUsd: 0,
  };
}

export interface ChartView {
  id: ChartId;
  title: string;
  /** What the y axis counts ("requests", "ms", "USD", "tokens"). */
  unit: string;
  /** Seconds since the epoch (time charts); empty for the hour × weekday grid. */
  x: number[];
  series: SeriesView[];
  /** Hour of day × day of week counts (rateLimits only): grid[weekday][hour]. */
  grid?: number[][];
  /** Hours of day (local) in the provider's peak price window (rateLimits only). */
  peakHours?: number[];
  table: TableView;
}

export interface DashboardView {
  range: UsageRange;
  /** '' for every provider. */
  provider: string;
  providers: { id: string; label: string }[];
  /** Nothing recorded in the history at all (a new user). */
  empty: boolean;
  /** Recording is off (pacer.usage.record). */
  recording: boolean;
  /** A corrupt history file was put aside under this name. */
  corruptAside?: string;
  /** The user's time zone, as the hour-of-day chart uses it. */
  timeZone: string;
  insights: string[];
  charts: ChartView[];
}

export type UsageWebviewMessage =
  | { type: 'ready' }
  | { type: 'query'; range: UsageRange; provider: string }
  | { type: 'exportCsv'; chart: ChartId }
  | { type: 'clearHistory' };

export type UsageHostMessage = { type: 'view'; view: DashboardView };

const empty = obj({});

export const parseUsageWebviewMessage: (value: unknown) => UsageWebviewMessage = byType<UsageWebviewMessage>({
  ready: empty,
  query: obj({ range: oneOf(USAGE_RANGES), provider: str(128) }),
  exportCsv: obj({ chart: oneOf(CHART_IDS) }),
  clearHistory: empty,
});

const cell: Parser<string | number> = (v, path) => (typeof v === 'number' ? num(v, path) : str(200)(v, path));
const nullableNum: Parser<number | null> = (v, path) => (v === null ? null : num(v, path));

const seriesParser: Parser<SeriesView> = obj({
  label: str(200),
  color: int(0, 20),
  style: oneOf<SeriesStyle>(['area', 'line', 'bars', 'limit']),
  dash: arr(int(0, 50), 8),
  marker: str(4),
  percent: opt(bool),
  values: arr(nullableNum, 5_000),
});

const chartParser: Parser<ChartView> = obj({
  id: oneOf(CHART_IDS),
  title: str(200),
  unit: str(40),
  x: arr(num, 5_000),
  series: arr(seriesParser, 40),
  grid: opt(arr(arr(num, 24), 7)),
  peakHours: opt(arr(int(0, 23), 24)),
  table: obj({ columns: arr(str(200), 60), rows: arr(arr(cell, 60), 5_000) }),
});

export const parseUsageHostMessage: (value: unknown) => UsageHostMessage = byType<UsageHostMessage>({
  view: obj({
    view: obj({
      range: oneOf(USAGE_RANGES),
      provider: str(128),
      providers: arr(obj({ id: str(128), label: str(300) }), 100),
      empty: bool,
      recording: bool,
      corruptAside: opt(str(300)),
      timeZone: str(100),
      insights: arr(str(400), 10),
      charts: arr(chartParser, 10),
    }),
  }),
});

/** A table as CSV (RFC 4180 quoting; a cell that looks like a formula is prefixed with '). */
export function tableToCsv(table: TableView): string {
  const quote = (v: string | number) => {
    let s = String(v);
    if (/^[=+\-@]/.test(s) && typeof v === 'string') s = `'${s}`;
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [table.columns, ...table.rows].map((r) => r.map(quote).join(',')).join('\r\n') + '\r\n';
}
