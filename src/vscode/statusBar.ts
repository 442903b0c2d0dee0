// The one Pacer status bar item, drawn from a StatusView value (src/core/providers/statusView.ts).
// It holds no state of its own: StatusBarController decides what to show and when.
import * as vscode from 'vscode';
import type { StatusView } from '../core/providers/statusView';
import { TOOLTIP_COMMANDS } from '../core/providers/statusView';
import { Commands } from '../core/common/commands';
import { Disposable } from '../core/common/lifecycle';

export class StatusBarItem extends Disposable {
  private readonly item: vscode.StatusBarItem;
  private last: StatusView | undefined;

  constructor() {
    super();
    this.item = this._register(
      vscode.window.createStatusBarItem('pacer.status', vscode.StatusBarAlignment.Right, 100),
    );
    this.item.name = 'Pacer';
    this.item.command = Commands.switchProvider;
    this.item.text = '$(pulse) Pacer';
    this.item.show();
  }

  /** What the item shows now (for tests and the log). */
  get view(): StatusView | undefined {
    return this.last;
  }

  show(view: StatusView): void {
    const last = this.last;
    this.last = view;
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
}
