// Which settings a configuration change touched, key by key (VS Code's `affectsConfiguration`),
// so a listener hears about its own keys only and no one diffs whole snapshots.
import { renamedTo } from './renamedSettings';
import type { SettingKey } from './settingsTable';
import { ORDERED_BOUNDS, SETTING_KEYS } from './settingsTable';

/** `affects` answers for a full id (`pacer.chat.deadlineMs`). */
export function changedSettings(affects: (id: string) => boolean): Set<SettingKey> {
  const out = new Set<SettingKey>();
  for (const key of SETTING_KEYS) {
    const rename = renamedTo(key);
    if (affects(`pacer.${key}`) || (rename && affects(`pacer.${rename.from}`))) out.add(key);
  }
  // A lower bound is read against its upper bound: a new upper bound may move it.
  for (const { min, max } of ORDERED_BOUNDS) if (out.has(max)) out.add(min);
  return out;
}
