// Settings renamed to the one unit convention (durations in `…Ms`, sizes in `…MB`, money in
// `…Usd`). An old name still reads, in its own unit, scope and bounds (package.json keeps its
// declaration, marked deprecated), converted to the new unit; the new name wins when both are set.
import type { SettingKey } from './settingsTable';

export interface RenamedSetting {
  /** The old key, without `pacer.`. */
  from: string;
  to: SettingKey;
  /** new value = old value × factor */
  factor: number;
}

export const RENAMED_SETTINGS: readonly RenamedSetting[] = [
  { from: 'chat.deadlineSeconds', to: 'chat.deadlineMs', factor: 1000 },
  { from: 'cache.ttlSeconds', to: 'cache.ttlMs', factor: 1000 },
  { from: 'health.probeIntervalSeconds', to: 'health.probeIntervalMs', factor: 1000 },
];

/** The rename whose new name is `key`, if any. */
export function renamedTo(key: string): RenamedSetting | undefined {
  return RENAMED_SETTINGS.find((r) => r.to === key);
}

/** The renames whose old name the user (or a workspace) still sets. */
export function renamesInUse(isSet: (key: string) => boolean): RenamedSetting[] {
  return RENAMED_SETTINGS.filter((r) => isSet(r.from));
}
