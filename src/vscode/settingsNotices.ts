// Tells the user about their settings: once per session, each value Pacer ignored or clamped (a
// workspace's cost setting, a wrong type, a number out of range), in a notification that names the
// setting, and in the log; once per profile, the old setting names still in use and their new
// names. The issues come from src/core/settings (settingsReader, renamedSettings).
import type * as vscode from 'vscode';
import { Commands } from '../core/common/commands';
import { Disposable } from '../core/common/lifecycle';
import {
  renamedSettingsNotice,
  settingIssuesNotice,
  SettingsActions,
} from '../core/common/messages/settings';
import type { RenamedSetting } from '../core/settings/renamedSettings';
import { RENAMED_SETTINGS, renamesInUse } from '../core/settings/renamedSettings';
import { layersAt } from '../core/settings/settingLayers';
import { isSet } from '../core/settings/settingsReader';
import { SETTING_KEYS } from '../core/settings/settingsTable';
import { afterActivation } from './afterActivation';
import type { Logger } from './log';
import { notifyWithCommand } from './notifications';
import type { SettingIssue, Settings } from './settings';

/** Old names already announced in this profile: the notice is one-time, not a nag per window. */
const RENAMES_ANNOUNCED_KEY = 'pacer.renamedSettingsAnnounced';

export class SettingsNotices extends Disposable {
  private readonly seen = new Set<string>();

  constructor(
    private readonly settings: Settings,
    private readonly memento: vscode.Memento,
    private readonly log: Logger,
  ) {
    super();
    // The first look waits until activate() has returned: reading every setting's layers and
    // showing a popup are not what the editor should wait for.
    this._register(
      afterActivation(() => {
        this.report(settings.issues());
        this.announceRenames();
      }),
    );
    this._register(settings.onDidChange(SETTING_KEYS, () => this.report(settings.issues())));
    this._register(
      settings.onDidChange(
        RENAMED_SETTINGS.map((r) => r.to),
        () => this.announceRenames(),
      ),
    );
  }

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
    notifyWithCommand('warning', settingIssuesNotice(fresh), SettingsActions.showLog, Commands.showLog);
  }

  private announceRenames(): void {
    const section = this.settings.sectionLayers();
    const announced = new Set(this.memento.get<string[]>(RENAMES_ANNOUNCED_KEY) ?? []);
    const fresh: RenamedSetting[] = renamesInUse((key) => isSet(layersAt(section, key))).filter(
      (r) => !announced.has(r.from),
    );
    if (fresh.length === 0) return;
    for (const r of fresh) {
      announced.add(r.from);
      this.log.warn(
        `setting pacer.${r.from} is renamed to pacer.${r.to} (×${r.factor}); the old name still reads`,
      );
    }
    void this.memento.update(RENAMES_ANNOUNCED_KEY, [...announced]);
    notifyWithCommand(
      'info',
      renamedSettingsNotice(fresh),
      SettingsActions.openSettings,
      'workbench.action.openSettingsJson',
    );
  }
}
