// The one Pacer status bar item. Its state lives in values (the router's state, the completion
// mode); text, icon, colour and tooltip are rendered from them by `renderStatus`, never parsed back.
import * as vscode from 'vscode';
import type { RouterState } from '../core/providers/routerState';
import type { CompletionMode, StatusView } from '../core/providers/statusView';
import { renderStatus, TOOLTIP_COMMANDS } from '../core/providers/statusView';
import { Commands } from '../core/common/commands';

export type { CompletionMode } from '../core/providers/statusView';

export class StatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private completionMode: CompletionMode = { kind: 'on' };
  private state: RouterState | undefined;
  private ticker: ReturnType<typeof setInterval> | undefined;
  private last: StatusView | undefined;

  /** `source` re-reads the router's state (for countdowns that tick without any event). */
  constructor(private readonly source?: () => RouterState) {
    this.item = vscode.window.createStatusBarItem('pacer.status', vscode.StatusBarAlignment.Right, 100);
    this.item.name = 'Pacer';
    this.item.command = Commands.switchProvider;
    this.item.text = '$(pulse) Pacer';
    this.item.show();
  }

  /** The router's state changed. */
  update(state: RouterState): void {
    this.state = state;
    this.render();
  }

  setCompletionMode(mode: CompletionMode): void {
    this.completionMode = mode;
    this.render();
  }

  /** What the item shows now (for tests and the log). */
  get view(): StatusView | undefined {
    return this.last;
  }

  private render(): void {
    if (!this.state) return;
    const view = renderStatus(this.state, this.completionMode);
    const last = this.last;
    this.last = view;
    this.setTicking(view.ticking);
    // Only what changed is assigned: every assignment re-renders the item, and a new tooltip
    // closes the hover a person is reading.
    if (view.text !== last?.text) this.item.text = view.text;
    if (view.background !== last?.background) {
      this.item.backgroundColor =
        view.background === 'error'
          ? new vscode.ThemeColor('statusBarItem.errorBackground')
          : view.background === 'warning'
            ? new vscode.ThemeColor('statusBarItem.warningBackground')
            : undefined;
    }
    if (view.tooltip !== last?.tooltip) {
      const tooltip = new vscode.MarkdownString(view.tooltip, true);
      tooltip.isTrusted = { enabledCommands: [...TOOLTIP_COMMANDS] };
      this.item.tooltip = tooltip;
    }
    if (view.ariaLabel !== last?.ariaLabel)
      this.item.accessibilityInformation = { label: view.ariaLabel, role: 'button' };
  }

  /** Countdowns ("429 · 4s", "10m") re-render every second while shown, and only then. */
  private setTicking(on: boolean): void {
    if (on && !this.ticker) {
      this.ticker = setInterval(() => {
        if (this.source) this.state = this.source();
        else if (this.state) this.state = { ...this.state, now: Date.now() };
        this.render();
      }, 1000);
    } else if (!on && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
  }

  dispose(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.item.dispose();
  }
}
