// The dashboard's views, each built once per history version and hour and then kept: the panel
// opened again, or its webview reloaded when the tab comes back, gets the view at once instead of
// aggregating 90 days again. Asking while the same view is being built waits for that build.
import type { DashboardView, UsageRange } from '../common/usageProtocol';
import type { DashboardOptions } from './dashboardView';
import { buildDashboardView } from './dashboardView';
import type { UsageHistory } from './usageHistory';

/** Everything a view depends on but its range and provider, read at each request. */
export type ViewContext = Omit<DashboardOptions, 'range' | 'provider'>;

export class DashboardViews {
  private readonly views = new Map<string, Promise<DashboardView>>();
  /** What the kept views were built from; when it changes they all go. */
  private basis = '';

  constructor(
    private readonly history: UsageHistory,
    private readonly context: () => ViewContext,
  ) {}

  async get(range: UsageRange, provider: string): Promise<DashboardView> {
    await this.history.refresh();
    const o = this.context();
    const basis = JSON.stringify([
      this.history.version,
      o.zone.hourStart(o.now),
      o.dailyLimitUsd,
      o.recording,
      o.timeZoneName,
      [...o.labels],
    ]);
    if (basis !== this.basis) {
      this.views.clear();
      this.basis = basis;
    }
    const key = `${range}\u0000${provider}`;
    let view = this.views.get(key);
    if (!view) {
      view = this.history.snapshot().then((s) => buildDashboardView(s, { ...o, range, provider }));
      this.views.set(key, view);
      const built = view;
      built.catch(() => {
        if (this.views.get(key) === built) this.views.delete(key);
      });
    }
    return view;
  }
}
