// Tells the user, once per session, about each setting value Pacer ignored or clamped (a
// workspace's cost setting, a wrong type, a number out of range), in a notification that names
// the setting, and in the log. The issues themselves come from src/core/settings/settingsReader.
import * as vscode from 'vscode';
import type { Logger } from './log';
import type { SettingIssue } from './settings';
import { Commands } from '../core/common/commands';

/**
 * Settings named in the notification; the rest are counted. VS Code shows a toast only when it
 * fits in about 62 % of the window's height and otherwise puts it in the notification centre
 * without a word, so a list of every setting (26 for a settings.json of wrong types) went unseen.
 */
const MAX_NAMED = 5;

export class SettingsNotices {
  private readonly seen = new Set<string>();

  constructor(private readonly log: Logger) {}

  report(issues: readonly SettingIssue[]): void {
    const fresh: SettingIssue[] = [];
    for (const issue of issues) {
      const id = `${issue.key}\u0000${issue.message}`;
      if (this.seen.has(id)) continue;
      this.seen.add(id);
      fresh.push(issue);
      this.log.warn(`setting ${issue.key}: ${issue.message}`);
    }
    if (fresh.length === 0) return;
    const keys = [...new Set(fresh.map((i) => i.key))];
    const named =
      keys.length > MAX_NAMED
        ? `${keys.slice(0, MAX_NAMED).join(', ')} and ${keys.length - MAX_NAMED} more`
        : keys.join(', ');
    const text =
      fresh.length === 1
        ? `Pacer: ${fresh[0].key}: ${fresh[0].message}`
        : `Pacer did not use ${keys.length === 1 ? 'a value of' : `${keys.length} settings as written:`} ${named}. The log says why for each.`;
    void vscode.window.showWarningMessage(text, 'Show Log').then(
      (choice) => {
        if (choice) void vscode.commands.executeCommand(Commands.showLog);
      },
      () => undefined,
    );
  }
}
