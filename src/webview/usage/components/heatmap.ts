// 429s by weekday × hour of day as a grid of cells: the count is written in each cell (not only
// shown by shade), and DeepSeek's peak-price hours are marked in the header and by a border.
import type { ChartView } from '../../../core/common/usageProtocol';
import { h } from '../../dom';

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

export function renderHeatmap(chart: ChartView): HTMLElement {
  const grid = chart.grid ?? [];
  const peaks = new Set(chart.peakHours ?? []);
  const max = Math.max(1, ...grid.flat());
  const root = h('div', { class: 'heatmap', attrs: { role: 'img', 'aria-label': chart.title } });
  root.append(h('div', { class: 'heatmap-corner' }));
  for (let hour = 0; hour < 24; hour++)
    root.append(
      h('div', {
        class: `heatmap-hour${peaks.has(hour) ? ' peak' : ''}`,
        text: String(hour).padStart(2, '0'),
        attrs: { title: peaks.has(hour) ? 'DeepSeek peak hours (higher price)' : '' },
      }),
    );
  grid.forEach((row, wd) => {
    root.append(h('div', { class: 'heatmap-day', text: WEEKDAYS[wd] ?? '' }));
    row.forEach((count, hour) => {
      const cell = h('div', {
        class: `heatmap-cell${peaks.has(hour) ? ' peak' : ''}${count ? ' hot' : ''}`,
        text: count ? String(count) : '',
        attrs: { title: `${WEEKDAYS[wd]} ${String(hour).padStart(2, '0')}:00 — ${count} × 429` },
      });
      // Through the CSSOM (the CSP allows no style attributes): the shade follows the count.
      cell.style.setProperty('--heat', String(count / max));
      root.append(cell);
    });
  });
  const legend = h(
    'p',
    { class: 'heatmap-legend' },
    h('span', { class: 'peak-swatch', text: '▔▔' }),
    ' DeepSeek peak-price hours (outlined). Darker cells: more 429s; the count is in the cell.',
  );
  return h('div', {}, root, legend);
}
