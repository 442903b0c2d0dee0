// The one Pacer status bar item. Its state lives in values (provider, completion mode); text,
// icon, colour and tooltip are rendered from them, never parsed back.
import * as vscode from 'vscode';

export type CompletionMode = { kind: 'on' } | { kind: 'off' } | { kind: 'snoozed'; untilMs: number };

export class StatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private providerLabel = 'DeepSeek';
  private completionMode: CompletionMode = { kind: 'on' };

  constructor() {
    this.item = vscode.window.createStatusBarItem('pacer.status', vscode.StatusBarAlignment.Right, 100);
    this.item.name = 'Pacer';
    this.item.command = 'pacer.switchProvider';
    this.render();
    this.item.show();
  }

  setProvider(label: string): void {
    this.providerLabel = label;
    this.render();
  }

  setCompletionMode(mode: CompletionMode): void {
    this.completionMode = mode;
    this.render();
  }

  private render(): void {
    const icon =
      this.completionMode.kind === 'on'
        ? '$(pulse)'
        : this.completionMode.kind === 'off'
          ? '$(circle-slash)'
          : '$(clock)';
    this.item.text = `${icon} ${this.providerLabel}`;
    this.item.tooltip = `Pacer: ${this.providerLabel}`;
    this.item.accessibilityInformation = { label: `Pacer, provider ${this.providerLabel}` };
  }

  dispose(): void {
    this.item.dispose();
  }
}
