// `Pacer: Show Usage`: a markdown page rendered from the router's state. While it is open it
// follows the router (at most every 2 s), so a provider that fails again shows its new counts
// without reopening the page.
import * as vscode from 'vscode';
import { Commands } from '../../core/common/commands';
import { Disposable, toDisposable } from '../../core/common/lifecycle';
import type { Router } from '../../core/providers/router';
import { renderUsageReport } from '../../core/providers/usageReport';

const USAGE_URI = vscode.Uri.parse('pacer-usage:/Pacer%20usage.md');

export class UsageDocument extends Disposable implements vscode.TextDocumentContentProvider {
  private readonly changed = this._register(new vscode.EventEmitter<vscode.Uri>());
  private timer: ReturnType<typeof setTimeout> | undefined;
  readonly onDidChange = this.changed.event;

  constructor(private readonly router: Router) {
    super();
    const isOpen = () =>
      vscode.workspace.textDocuments.some((d) => d.uri.toString() === USAGE_URI.toString());
    this._register(vscode.workspace.registerTextDocumentContentProvider('pacer-usage', this));
    this._register(
      router.onDidChange(() => {
        this.timer ??= setTimeout(() => {
          this.timer = undefined;
          if (isOpen()) this.changed.fire(USAGE_URI);
        }, 2000);
      }),
    );
    this._register(toDisposable(() => clearTimeout(this.timer)));
    this._register(vscode.commands.registerCommand(Commands.showUsage, () => this.show()));
  }

  provideTextDocumentContent(): string {
    return renderUsageReport(this.router.state());
  }

  private async show(): Promise<void> {
    this.changed.fire(USAGE_URI);
    const doc = await vscode.workspace.openTextDocument(USAGE_URI);
    await vscode.commands
      .executeCommand('markdown.showPreview', doc.uri)
      .then(undefined, () => vscode.window.showTextDocument(doc));
  }
}
