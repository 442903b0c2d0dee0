// The accessible view of a chart: the same numbers in a table, with a CSV export of it.
import type { ChartView } from '../../../core/common/usageProtocol';
import { button, h } from '../../dom';

export function renderTable(chart: ChartView, onExport: () => void): HTMLElement {
  const head = h('tr', {}, ...chart.table.columns.map((c) => h('th', { text: c, attrs: { scope: 'col' } })));
  const body = chart.table.rows.map((row) =>
    h(
      'tr',
      {},
      ...row.map((cell, i) =>
        i === 0 ? h('th', { text: String(cell), attrs: { scope: 'row' } }) : h('td', { text: String(cell) }),
      ),
    ),
  );
  const table = h(
    'table',
    { class: 'usage-table', attrs: { 'data-chart': chart.id } },
    h('caption', { text: chart.title }),
    h('thead', {}, head),
    h('tbody', {}, ...body),
  );
  const details = h(
    'details',
    { class: 'usage-table-box' },
    h('summary', { text: `Table: ${chart.title}` }),
    button('Export CSV…', onExport, { class: 'secondary', attrs: { 'data-export': chart.id } }),
    h('div', { class: 'usage-table-scroll' }, table),
  );
  // The totals have no chart: their table is the view, open from the start.
  if (chart.id === 'totals' || chart.id === 'team' || chart.id === 'rateLimits') details.open = true;
  return details;
}
