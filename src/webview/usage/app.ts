// The usage dashboard: a toolbar (range, provider), banners (corrupt history, recording off), a
// few computed sentences, then each chart with its table. Redrawn from the last view when the
// theme or the width changes; the host sends a new view when the data or the query changes.
import type uPlot from 'uplot';
import type { ChartView, DashboardView, UsageHostMessage } from '../../core/common/usageProtocol';
import { parseUsageHostMessage, USAGE_RANGES } from '../../core/common/usageProtocol';
import { dispatch, tryParse } from '../../core/common/chatProtocol';
import { button, h } from '../dom';
import type { VsCodeApi } from '../vscodeApi';
import { UsageActions } from './actions';
import { drawChart } from './components/chart';
import { renderHeatmap } from './components/heatmap';
import { renderTable } from './components/table';
import { readTheme, watchTheme } from './components/theme';
import { usageHostHandlers } from './events';
import type { UsageState } from './state';
import { restoreState } from './state';

const RANGE_LABELS = { '24h': '24 h', '7d': '7 days', '30d': '30 days', '90d': '90 days' } as const;

export class UsageApp {
  readonly state: UsageState;
  readonly actions: UsageActions;
  private plots: uPlot[] = [];
  private redrawTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly root: HTMLElement,
    api: VsCodeApi,
  ) {
    this.state = restoreState(api.getState());
    this.actions = new UsageActions(api, this.state);
  }

  start(): void {
    const handlers = usageHostHandlers(this);
    window.addEventListener('message', (e: MessageEvent) => {
      const parsed = tryParse(parseUsageHostMessage, e.data);
      if (!parsed.ok) {
        console.error(`[usage] bad message from the extension: ${parsed.error}`);
        return;
      }
      dispatch<UsageHostMessage, void>(handlers, parsed.message);
    });
    watchTheme(() => this.redraw());
    window.addEventListener('resize', () => {
      clearTimeout(this.redrawTimer);
      this.redrawTimer = setTimeout(() => this.redraw(), 150);
    });
    this.root.append(h('p', { class: 'usage-loading', text: 'Loading usage…' }));
    this.actions.ready();
  }

  show(view: DashboardView): void {
    performance.mark('usage:view');
    this.state.view = view;
    this.state.range = view.range;
    this.state.provider = view.provider;
    this.redraw();
  }

  private redraw(): void {
    const view = this.state.view;
    if (!view) return;
    for (const p of this.plots) p.destroy();
    this.plots = [];
    const started = performance.now();
    this.root.replaceChildren(this.toolbar(view), ...this.banners(view));
    if (view.empty) {
      this.root.append(
        h(
          'div',
          { class: 'usage-empty' },
          h('h2', { text: 'No usage yet' }),
          h('p', {
            text: 'Pacer records what each provider was asked (counts, times and sizes only, never code or prompts). Use completions or chat, and the charts fill in here.',
          }),
        ),
      );
      this.root.dataset.drawn = String(performance.now() - started);
      return;
    }
    if (view.insights.length)
      this.root.append(
        h('ul', { class: 'usage-insights' }, ...view.insights.map((s) => h('li', { text: s }))),
      );
    const theme = readTheme();
    const width = Math.max(300, Math.min(this.root.clientWidth || 800, 1100) - 24);
    for (const chart of view.charts) this.root.append(this.section(chart, theme, width));
    this.root.dataset.drawn = String(performance.now() - started);
    performance.mark('usage:drawn');
    // After the frame that shows it was painted (a task after the next animation frame).
    requestAnimationFrame(() => setTimeout(() => performance.mark('usage:painted'), 0));
  }

  private section(chart: ChartView, theme: ReturnType<typeof readTheme>, width: number): HTMLElement {
    const box = h(
      'section',
      { class: 'usage-chart', attrs: { 'data-chart': chart.id } },
      h('h2', { text: chart.title }),
    );
    if (chart.grid) box.append(renderHeatmap(chart));
    else if (chart.series.length) {
      const target = h('div', { class: 'usage-plot' });
      box.append(target);
      this.plots.push(drawChart(target, chart, theme, width));
    }
    box.append(renderTable(chart, () => this.actions.exportCsv(chart.id)));
    return box;
  }

  private toolbar(view: DashboardView): HTMLElement {
    const range = h(
      'div',
      { class: 'usage-range', attrs: { role: 'radiogroup', 'aria-label': 'Range' } },
      ...USAGE_RANGES.map((r) => {
        const b = button(RANGE_LABELS[r], () => this.actions.setRange(r), {
          class: r === view.range ? 'selected' : 'secondary',
          attrs: { role: 'radio', 'aria-checked': String(r === view.range), 'data-range': r },
        });
        return b;
      }),
    );
    const select = h('select', { attrs: { 'aria-label': 'Provider', id: 'usage-provider' } });
    select.append(h('option', { text: 'All providers', attrs: { value: '' } }));
    for (const p of view.providers) {
      const o = h('option', { text: p.label, attrs: { value: p.id } });
      if (p.id === view.provider) o.selected = true;
      select.append(o);
    }
    select.addEventListener('change', () => this.actions.setProvider(select.value));
    return h(
      'div',
      { class: 'usage-toolbar' },
      range,
      select,
      h('span', { class: 'usage-zone', text: `Times in ${view.timeZone}` }),
      button('Clear history…', () => this.actions.clearHistory(), { class: 'secondary' }),
    );
  }

  private banners(view: DashboardView): HTMLElement[] {
    const out: HTMLElement[] = [];
    if (view.corruptAside)
      out.push(
        h('div', {
          class: 'usage-banner warning',
          attrs: { role: 'status' },
          text: `The usage history file could not be read, so a new one was started. The old file was kept as ${view.corruptAside} in Pacer's storage folder.`,
        }),
      );
    if (!view.recording)
      out.push(
        h('div', {
          class: 'usage-banner',
          attrs: { role: 'status' },
          text: 'Recording is off (pacer.usage.record): the charts show what was recorded before.',
        }),
      );
    return out;
  }
}
