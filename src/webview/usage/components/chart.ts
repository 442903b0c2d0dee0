// One time chart drawn by uPlot from the series the host computed. Stacked outcomes and stacked
// bars are drawn as running totals (each series over the ones before it); the legend and the table
// show the series' own values. Each series has its own dash and marker, so colour is never the
// only way to tell outcomes apart.
import uPlot from 'uplot';
import type { ChartView, SeriesView } from '../../../core/common/usageProtocol';
import type { ChartTheme } from './theme';
import { withAlpha } from './theme';

const HEIGHT = 220;

function stacked(series: SeriesView[]): (number | null)[][] {
  // Areas and bars stack in their order; lines and the limit stay as they are.
  const out: (number | null)[][] = [];
  let running: number[] | undefined;
  for (const s of series) {
    if (s.style === 'area' || s.style === 'bars') {
      const sum: number[] = s.values.map((v, i) => (v ?? 0) + (running?.[i] ?? 0));
      out.push(sum);
      running = sum;
    } else out.push(s.values);
  }
  return out;
}

function fmt(v: number | null | undefined, unit: string): string {
  if (v === null || v === undefined) return '–';
  if (unit === 'USD') return `$${v.toFixed(v >= 1 ? 2 : 4)}`;
  return Math.abs(v) >= 10_000 ? `${(v / 1000).toFixed(1)}k` : String(Math.round(v * 100) / 100);
}

export function drawChart(target: HTMLElement, chart: ChartView, theme: ChartTheme, width: number): uPlot {
  const stackedValues = stacked(chart.series);
  // Stacked series are drawn top-down, so each smaller running total paints over the larger one.
  const order = chart.series
    .map((_s, i) => i)
    .sort((a, b) => {
      const sa = chart.series[a]!;
      const sb = chart.series[b]!;
      const stackA = sa.style === 'area' || sa.style === 'bars';
      const stackB = sb.style === 'area' || sb.style === 'bars';
      if (stackA && stackB) return b - a;
      return Number(stackB) - Number(stackA) || a - b;
    });
  const hasPercent = chart.series.some((s) => s.percent);
  const bars = uPlot.paths.bars?.({ size: [0.7, 40] });
  const series: uPlot.Series[] = [
    {},
    ...order.map((i): uPlot.Series => {
      const s = chart.series[i]!;
      const color = theme.colors[s.color] ?? theme.foreground;
      const stroke = s.style === 'limit' ? theme.foreground : color;
      return {
        label: `${s.marker} ${s.label}`,
        stroke,
        width: s.style === 'limit' ? 2 : 1.5,
        dash: s.dash.length ? s.dash : undefined,
        fill:
          s.style === 'area'
            ? withAlpha(color, 0.55)
            : s.style === 'bars'
              ? withAlpha(color, 0.8)
              : undefined,
        paths: s.style === 'bars' ? bars : undefined,
        points: { show: s.style === 'line', size: 5, stroke, fill: stroke },
        scale: s.percent ? '%' : 'y',
        spanGaps: false,
        // The legend shows the series' own value, not its running total.
        value: (_u, _v, _si, idx) => (idx === null ? '–' : fmt(s.values[idx], s.percent ? '%' : chart.unit)),
      };
    }),
  ];
  const axisStyle = {
    stroke: theme.foreground,
    grid: { stroke: withAlpha(theme.grid, 0.35), width: 1 },
    ticks: { stroke: withAlpha(theme.grid, 0.5) },
  };
  const opts: uPlot.Options = {
    width,
    height: HEIGHT,
    series,
    scales: {
      x: { time: true },
      y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] },
      '%': { range: [0, 100] },
    },
    axes: [
      axisStyle,
      { ...axisStyle, scale: 'y', size: 60, values: (_u, ticks) => ticks.map((t) => fmt(t, chart.unit)) },
      ...(hasPercent
        ? [
            {
              ...axisStyle,
              scale: '%',
              side: 1 as const,
              grid: { show: false },
              values: (_u: uPlot, t: number[]) => t.map((v) => `${v} %`),
            },
          ]
        : []),
    ],
    legend: { live: true },
    cursor: { drag: { x: false, y: false } },
  };
  const data: uPlot.AlignedData = [chart.x, ...order.map((i) => stackedValues[i]!)];
  return new uPlot(opts, data, target);
}
