// The dashboard's team table: with team mode on, this computer's totals beside its team's (every
// editor on the same queue in Redis, this one included), per team queue, for the range shown, and
// a sentence with this computer's share. The team's totals come from Redis (teamUsage.ts); this
// computer's from the usage history, over the same range.
import type { ChartView, DashboardView, UsageTotals } from '../common/usageProtocol';
import { emptyTotals } from '../common/usageProtocol';
import { round } from './dashboardFormat';
import { RANGE_WORDS } from './dashboardInsights';
import type { DashboardOptions } from './dashboardView';
import { rangeOf } from './dashboardSlots';
import { errorCount } from './historyBuckets';
import type { HistorySnapshot } from './usageHistory';

export interface TeamQueueTotals {
  provider: string;
  /** The queue's id (provider:model:hash), as the status tooltip shows it. */
  queueId: string;
  /** Every editor's totals from the range's start on; undefined when Redis did not answer. */
  team?: UsageTotals;
  /** Editors active in the last half minute. */
  editorsNow: number;
}

/** Team mode's side of the dashboard. */
export interface TeamUsageSource {
  /** The team queues' totals from `since` (epoch ms) on; undefined while team mode is off. */
  totals(since: number): Promise<TeamQueueTotals[] | undefined>;
}

/** This computer's totals of one provider over the view's range, from the history. */
export function historyTotals(
  snapshot: HistorySnapshot,
  provider: string,
  o: Pick<DashboardOptions, 'range' | 'zone' | 'now'>,
): UsageTotals {
  const { contains } = rangeOf(o);
  const t = emptyTotals();
  for (const b of snapshot.buckets) {
    if (b.provider !== provider || !contains(b)) continue;
    t.answered += b.answered;
    t.rateLimited += b.rateLimited;
    t.errors += errorCount(b);
    t.fallback += b.fallback;
    t.promptTokens += b.promptTokens;
    t.cacheHitTokens += b.cacheHitTokens;
    t.outputTokens += b.outputTokens;
    t.costUsd += b.costUsd;
    t.estimatedUsd += b.estimatedUsd;
  }
  return t;
}

const requestsOf = (t: UsageTotals) => t.answered + t.rateLimited + t.errors;

const cells = (t: UsageTotals) => [
  requestsOf(t),
  t.answered,
  t.rateLimited,
  t.errors,
  t.fallback,
  t.promptTokens,
  t.cacheHitTokens,
  t.outputTokens,
  round(t.costUsd, 4),
];

/**
 * The view with the team table first among the charts and the share sentence among the insights.
 * Queues of providers other than the view's filter are left out.
 */
export function withTeamTotals(
  view: DashboardView,
  snapshot: HistorySnapshot,
  queues: readonly TeamQueueTotals[],
  o: Pick<DashboardOptions, 'range' | 'zone' | 'now' | 'labels'>,
): DashboardView {
  const shown = queues.filter((q) => !view.provider || q.provider === view.provider);
  if (shown.length === 0) return view;
  const rows: (string | number)[][] = [];
  const sentences: string[] = [];
  for (const q of shown) {
    const label = o.labels.get(q.provider) ?? q.provider;
    const you = historyTotals(snapshot, q.provider, o);
    rows.push([label, 'this computer', ...cells(you)]);
    if (!q.team) {
      rows.push([label, 'team: Redis did not answer', ...cells(emptyTotals()).map(() => '–')]);
      continue;
    }
    const editors = `${q.editorsNow} editor${q.editorsNow === 1 ? '' : 's'} active now`;
    rows.push([label, `team (${editors})`, ...cells(q.team)]);
    const teamRequests = requestsOf(q.team);
    if (teamRequests > 0) {
      const share = Math.round((100 * Math.min(requestsOf(you), teamRequests)) / teamRequests);
      sentences.push(
        `This computer sent ${share} % of the ${teamRequests} ${label} requests your team sent ${RANGE_WORDS[view.range]}` +
          (q.team.rateLimited > 0 ? `; the team got ${q.team.rateLimited} 429s.` : ', and none got a 429.'),
      );
    }
  }
  const chart: ChartView = {
    id: 'team',
    title: `This computer and its team (queue ${shown.map((q) => q.queueId).join(', ')})`,
    unit: 'requests',
    x: [],
    series: [],
    table: {
      columns: [
        'Provider',
        'Who',
        'HTTP requests',
        'answered',
        '429',
        'errors',
        'served by fallback',
        'prompt tokens',
        'cache-hit tokens',
        'output tokens',
        'cost USD',
      ],
      rows,
    },
  };
  return {
    ...view,
    insights: [...sentences, ...view.insights].slice(0, 10),
    charts: [chart, ...view.charts],
  };
}
