// The usage dashboard's panel, built into dist/dashboard.cjs and loaded by the first `Show Usage`
// (or a panel restored after a reload): the host reads the history (this window's pending hours
// and the file every window writes), builds the view for the range and provider the panel asks
// for, and posts it; the panel only draws. The view is started with the command, while the
// webview still loads, and kept until the history changes (dashboardViews.ts), so opening again
// costs no aggregation. While it is open a new view goes out when this window records (at most
// every 2 s) or another window's flush changes the file.
import * as vscode from 'vscode';
import { dispatch, tryParse, type MessageHandlers } from '../../core/common/chatProtocol';
import { Disposable, DisposableStore, toDisposable } from '../../core/common/lifecycle';
import { usageMessages } from '../../core/common/messages/usage';
import type {
  ChartId,
  DashboardView,
  UsageHostMessage,
  UsageRange,
  UsageWebviewMessage,
} from '../../core/common/usageProtocol';
import { parseUsageWebviewMessage, tableToCsv } from '../../core/common/usageProtocol';
import type { Router } from '../../core/providers/router';
import { rangeOf } from '../../core/usage/dashboardSlots';
import { DashboardViews } from '../../core/usage/dashboardViews';
import type { TeamQueueTotals, TeamUsageSource } from '../../core/usage/teamTotalsView';
import { withTeamTotals } from '../../core/usage/teamTotalsView';
import type { UsageHistory } from '../../core/usage/usageHistory';
import type { Logger } from '../log';
import { confirm } from '../notifications';
import type { Settings } from '../settings';
import { usageHtml } from './usageHtml';

export const USAGE_PANEL_TYPE = 'pacer.usageDashboard';
const LIVE_MS = 2000;
const TEAM_READ_MS = 10_000;

export interface DashboardDeps {
  extensionUri: vscode.Uri;
  history: UsageHistory;
  router: Router;
  settings: Settings;
  log: Logger;
  /** Team mode: the team's totals beside this computer's. */
  team?: TeamUsageSource;
}

export class DashboardPanel extends Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private readonly panelSubs = this._register(new DisposableStore());
  private range: UsageRange = '7d';
  private provider = '';
  private lastView: DashboardView | undefined;
  private readonly views: DashboardViews;
  private liveTimer: ReturnType<typeof setTimeout> | undefined;
  private pollTimer: ReturnType<typeof setInterval> | undefined;
  /** When the last `Show Usage` ran, for the time until the first view is posted (logged). */
  private openedAt: number | undefined;
  private readonly extensionUri: vscode.Uri;
  private readonly history: UsageHistory;
  private readonly router: Router;
  private readonly settings: Settings;
  private readonly log: Logger;
  private readonly team: TeamUsageSource | undefined;
  /** The team's totals as last read from Redis, per range start: read at most every 10 s. */
  private teamRead: { since: number; at: number; queues: Promise<TeamQueueTotals[] | undefined> } | undefined;

  constructor(deps: DashboardDeps) {
    super();
    ({
      extensionUri: this.extensionUri,
      history: this.history,
      router: this.router,
      settings: this.settings,
      log: this.log,
      team: this.team,
    } = deps);
    this.views = new DashboardViews(this.history, () => ({
      now: Date.now(),
      zone: this.history.zone,
      timeZoneName: Intl.DateTimeFormat().resolvedOptions().timeZone,
      dailyLimitUsd: this.settings.get('budget.dailyLimitUsd'),
      labels: new Map(this.router.knownProviders().map((p) => [p.id, p.label])),
      recording: this.history.enabled,
    }));
    this._register(
      toDisposable(() => {
        clearTimeout(this.liveTimer);
        clearInterval(this.pollTimer);
      }),
    );
  }

  show(): void {
    this.openedAt = Date.now();
    if (this.panel) {
      this.panel.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      USAGE_PANEL_TYPE,
      'Pacer Usage',
      vscode.ViewColumn.Active,
      {
        enableScripts: true,
        enableCommandUris: false,
        // Back from a background tab at once, charts and all, instead of loading and drawing
        // again; one panel's page is worth its memory.
        retainContextWhenHidden: true,
        localResourceRoots: this.roots(),
      },
    );
    this.attach(panel);
    this.prepare();
  }

  /** A reload brings the panel back: its HTML anew, its range and provider from the webview's state. */
  restore(panel: vscode.WebviewPanel, state: unknown): void {
    const s = (state ?? {}) as { range?: UsageRange; provider?: string };
    if (s.range) this.range = s.range;
    if (typeof s.provider === 'string') this.provider = s.provider;
    this.attach(panel);
    this.prepare();
  }

  /**
   * Starts the view the webview will ask for, so it is built while the webview loads. On the next
   * turn: reading 90 days holds this thread a moment, and the panel's creation goes out first.
   */
  private prepare(): void {
    setTimeout(() => {
      this.views.get(this.range, this.provider).catch((e: unknown) => {
        this.log.warn(`usage dashboard: ${e instanceof Error ? e.message : String(e)}`);
      });
    }, 0);
  }

  private roots(): vscode.Uri[] {
    return [vscode.Uri.joinPath(this.extensionUri, 'media'), vscode.Uri.joinPath(this.extensionUri, 'dist')];
  }

  private attach(panel: vscode.WebviewPanel): void {
    this.panelSubs.clear();
    this.panel = panel;
    const { webview } = panel;
    webview.options = { enableScripts: true, enableCommandUris: false, localResourceRoots: this.roots() };
    const uri = (...p: string[]) =>
      webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, ...p)).toString();
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'pacer.svg');
    webview.html = usageHtml({
      cspSource: webview.cspSource,
      scriptUri: uri('dist', 'usage.js'),
      styleUris: [uri('dist', 'usage.css')],
    });
    const handlers = this.handlers();
    this.panelSubs.add(
      webview.onDidReceiveMessage((raw: unknown) => {
        const parsed = tryParse(parseUsageWebviewMessage, raw);
        if (!parsed.ok) {
          this.log.warn(`usage panel sent a bad message: ${parsed.error}`);
          return;
        }
        void Promise.resolve(
          dispatch<UsageWebviewMessage, void | Promise<void>>(handlers, parsed.message),
        ).catch((e: unknown) => this.log.warn(`usage panel: ${e instanceof Error ? e.message : String(e)}`));
      }),
    );
    this.panelSubs.add(
      panel.onDidDispose(() => {
        if (this.panel === panel) this.panel = undefined;
        clearInterval(this.pollTimer);
        this.pollTimer = undefined;
        this.panelSubs.clear();
      }),
    );
    // Another window's flush changes the file: look every few seconds while the panel is open.
    clearInterval(this.pollTimer);
    this.pollTimer = setInterval(() => {
      void this.history.changedOnDisk().then((changed) => {
        if (changed) this.scheduleUpdate();
      });
    }, 5000);
  }

  private handlers(): MessageHandlers<UsageWebviewMessage, void | Promise<void>> {
    return {
      ready: () => undefined,
      query: (msg) => {
        this.range = msg.range;
        this.provider = msg.provider;
        return this.update();
      },
      exportCsv: (msg) => this.exportCsv(msg.chart),
      clearHistory: () => this.clear(),
    };
  }

  /** A new view soon (at most every 2 s), when the panel is open. */
  scheduleUpdate(): void {
    if (!this.panel || this.liveTimer) return;
    this.liveTimer = setTimeout(() => {
      this.liveTimer = undefined;
      void this.update();
    }, LIVE_MS);
  }

  private async update(): Promise<void> {
    const panel = this.panel;
    if (!panel) return;
    const view = await this.withTeam(await this.views.get(this.range, this.provider));
    if (this.panel !== panel) return;
    this.lastView = view;
    const message: UsageHostMessage = { type: 'view', view };
    await panel.webview.postMessage(message);
    if (this.openedAt !== undefined) {
      this.log.info(`usage dashboard: view posted ${Date.now() - this.openedAt} ms after Show Usage`);
      this.openedAt = undefined;
    }
  }

  /** With team mode on, the view with the team's totals beside this computer's. */
  private async withTeam(view: DashboardView): Promise<DashboardView> {
    if (!this.team) return view;
    const o = { range: view.range, zone: this.history.zone, now: Date.now() };
    const since = rangeOf(o).start;
    if (!this.teamRead || this.teamRead.since !== since || o.now - this.teamRead.at > TEAM_READ_MS)
      this.teamRead = { since, at: o.now, queues: this.team.totals(since).catch(() => undefined) };
    const queues = await this.teamRead.queues;
    if (!queues) return view;
    const labels = new Map(this.router.knownProviders().map((p) => [p.id, p.label]));
    return withTeamTotals(view, await this.history.snapshot(), queues, { ...o, labels });
  }

  private async exportCsv(chart: ChartId): Promise<void> {
    const table = this.lastView?.charts.find((c) => c.id === chart)?.table;
    if (!table) return;
    const target = await vscode.window.showSaveDialog({
      title: usageMessages.exportCsvTitle,
      // In the first workspace folder (a bare file name would land at the file system's root).
      defaultUri: ((name) => {
        const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
        return folder ? vscode.Uri.joinPath(folder, name) : vscode.Uri.file(name);
      })(`pacer-usage-${chart}-${this.range}.csv`),
      filters: { CSV: ['csv'] },
    });
    if (!target) return;
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(tableToCsv(table)));
  }

  async clear(): Promise<void> {
    if (!(await confirm(usageMessages.clearHistoryQuestion, usageMessages.clearHistoryAction))) return;
    await this.history.clear();
    await this.update();
  }
}
