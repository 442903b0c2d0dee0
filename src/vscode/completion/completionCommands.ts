// `pacer.toggleCompletions` and `pacer.snoozeCompletions`. Toggling writes the setting (so it
// survives a reload and shows in the Settings UI); a snooze is a deadline kept in global state
// that ends by itself. Feedback goes to the status bar, never to a popup.
import * as vscode from 'vscode';
import { Commands } from '../../core/common/commands';
import { Disposable } from '../../core/common/lifecycle';
import type { CompletionSwitch } from '../../core/completion/completionSwitch';

const SNOOZE_CHOICES: { label: string; minutes: number }[] = [
  { label: '5 minutes', minutes: 5 },
  { label: '15 minutes', minutes: 15 },
  { label: '30 minutes', minutes: 30 },
  { label: '1 hour', minutes: 60 },
];

/** Where a command's short confirmation goes (the status bar controller). */
export interface Confirmations {
  flash(text: string): void;
}

export class CompletionCommands extends Disposable {
  constructor(
    private readonly completionSwitch: CompletionSwitch,
    private readonly status: Confirmations,
  ) {
    super();
    this._register(vscode.commands.registerCommand(Commands.toggleCompletions, () => this.toggle()));
    this._register(
      vscode.commands.registerCommand(Commands.snoozeCompletions, (minutes?: unknown) =>
        this.snooze(minutes),
      ),
    );
  }

  private async toggle(): Promise<void> {
    const completionSwitch = this.completionSwitch;
    if (completionSwitch.mode.kind === 'snoozed') {
      completionSwitch.resume();
      this.status.flash('Pacer: completions resumed');
      return;
    }
    const enabled = completionSwitch.mode.kind === 'off';
    const config = vscode.workspace.getConfiguration('pacer');
    // Write where the effective value comes from, or a workspace value would keep overriding.
    const inspected = config.inspect<boolean>('completion.enabled');
    const target =
      inspected?.workspaceFolderValue !== undefined
        ? vscode.ConfigurationTarget.WorkspaceFolder
        : inspected?.workspaceValue !== undefined
          ? vscode.ConfigurationTarget.Workspace
          : vscode.ConfigurationTarget.Global;
    await config.update('completion.enabled', enabled, target);
    // The settings listener also does this; doing it now makes the status bar change at once.
    completionSwitch.setEnabled(enabled);
    this.status.flash(`Pacer: completions ${enabled ? 'on' : 'off'}`);
  }

  private async snooze(minutes: unknown): Promise<void> {
    const completionSwitch = this.completionSwitch;
    let chosen = typeof minutes === 'number' && minutes > 0 ? minutes : undefined;
    if (chosen === undefined) {
      const snoozed = completionSwitch.mode.kind === 'snoozed';
      const items: (vscode.QuickPickItem & { minutes: number })[] = [
        ...(snoozed ? [{ label: 'Resume now', minutes: 0 }] : []),
        ...SNOOZE_CHOICES.map((c) => ({ label: `Snooze for ${c.label}`, minutes: c.minutes })),
      ];
      const pick = await vscode.window.showQuickPick(items, { title: 'Pacer: snooze inline completions' });
      if (!pick) return;
      chosen = pick.minutes;
    }
    if (chosen === 0) {
      completionSwitch.resume();
      return;
    }
    completionSwitch.snooze(chosen * 60_000);
    this.status.flash(`Pacer: completions snoozed for ${chosen} min`);
  }
}
