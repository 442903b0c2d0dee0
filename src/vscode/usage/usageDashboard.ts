// `Pacer: Show Usage` and `Pacer: Clear Usage History`: the commands, the recording switch and
// the panel's restore after a reload. The panel itself (the view builder, the webview host) is
// dist/dashboard.cjs (dashboardPanel.ts), loaded on first use so the extension bundle does not
// carry it for the many sessions that never open it.
import { join } from 'node:path';
import * as vscode from 'vscode';
import { Commands } from '../../core/common/commands';
import { Disposable } from '../../core/common/lifecycle';
import type { Router } from '../../core/providers/router';
import type { TeamUsageSource } from '../../core/usage/teamTotalsView';
import type { UsageHistory } from '../../core/usage/usageHistory';
import type { Logger } from '../log';
import type { Settings } from '../settings';
import type * as DashboardBundle from './dashboardBundle';
import type { DashboardPanel } from './dashboardPanel';

/** The panel's view type (package.json's `onWebviewPanel:` activation event names it too). */
export const USAGE_PANEL_TYPE = 'pacer.usageDashboard';

export class UsageDashboard extends Disposable implements vscode.WebviewPanelSerializer {
  private panel: DashboardPanel | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly history: UsageHistory,
    private readonly router: Router,
    private readonly settings: Settings,
    private readonly log: Logger,
    private readonly team?: TeamUsageSource,
  ) {
    super();
    this.history.enabled = settings.get('usage.record');
    this._register(
      settings.onDidChange(['usage.record', 'budget.dailyLimitUsd'], () => {
        this.history.enabled = settings.get('usage.record');
        this.panel?.scheduleUpdate();
      }),
    );
    this._register(vscode.commands.registerCommand(Commands.showUsage, () => this.host().show()));
    this._register(vscode.commands.registerCommand(Commands.clearUsageHistory, () => this.host().clear()));
    this._register(vscode.window.registerWebviewPanelSerializer(USAGE_PANEL_TYPE, this));
    this._register(this.history.onDidChange(() => this.panel?.scheduleUpdate()));
  }

  deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    this.host().restore(panel, state);
    return Promise.resolve();
  }

  /** dist/dashboard.cjs, next to this bundle: required once, then kept. */
  private host(): DashboardPanel {
    if (!this.panel) {
      // A runtime path, so esbuild leaves the panel out of dist/extension.cjs.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const bundle = require(join(__dirname, 'dashboard.cjs')) as typeof DashboardBundle;
      this.panel = this._register(
        new bundle.DashboardPanel({
          extensionUri: this.extensionUri,
          history: this.history,
          router: this.router,
          settings: this.settings,
          log: this.log,
          ...(this.team ? { team: this.team } : {}),
        }),
      );
    }
    return this.panel;
  }
}
