// What Pacer tells the user about their settings, in one place: why a value was not used as
// written, the notice that lists them, the old setting names still in use, and an exclusion
// pattern it cannot read.

/** Why one value was not used as written (after the setting's name, in the log and the notice). */
export const SettingIssueText = {
  usingDefault: (why: string, fallback: string) => `${why}; using the default ${fallback}.`,
  workspaceValueIgnored: (why: string) => `this workspace's value is ignored: ${why}.`,
  userOnly: "this workspace's value is ignored: Pacer reads this setting from your user settings only.",
  cannotTurnOn: 'this workspace cannot turn it on; only your user settings can. It stays off.',
  aboveUpperBound: (min: number, maxKey: string, max: number) =>
    `${min} is above ${maxKey} (${max}); ${max} is used.`,
  cannotTurnOnLanguage: (lang: string) =>
    `this workspace cannot turn completions on for "${lang}"; only your user settings can.`,
} as const;

/**
 * Settings named in a notification; the rest are counted. VS Code shows a toast only when it
 * fits in about 62 % of the window's height and otherwise puts it in the notification centre
 * without a word, so a list of every setting (26 for a settings.json of wrong types) went unseen.
 */
const MAX_NAMED = 5;

function nameSome(keys: readonly string[]): string {
  return keys.length > MAX_NAMED
    ? `${keys.slice(0, MAX_NAMED).join(', ')} and ${keys.length - MAX_NAMED} more`
    : keys.join(', ');
}

/** The notification for setting values Pacer ignored or clamped (each one is also logged). */
export function settingIssuesNotice(issues: readonly { key: string; message: string }[]): string {
  if (issues.length === 1) return `Pacer: ${issues[0].key}: ${issues[0].message}`;
  const keys = [...new Set(issues.map((i) => i.key))];
  return `Pacer did not use ${keys.length === 1 ? 'a value of' : `${keys.length} settings as written:`} ${nameSome(keys)}. The log says why for each.`;
}

/** The one-time notification for old setting names still in use (keys without `pacer.`). */
export function renamedSettingsNotice(renames: readonly { from: string; to: string }[]): string {
  const pairs = renames.map((r) => `pacer.${r.from} → pacer.${r.to}`);
  return `Pacer renamed ${renames.length === 1 ? 'a setting you use' : `${renames.length} settings you use`} to say their unit (milliseconds: multiply by 1000): ${nameSome(pairs)}. The old ${renames.length === 1 ? 'name still works' : 'names still work'} for now.`;
}

export function unreadableExclusionNotice(pattern: string, reason: string): string {
  return `Pacer sends no file to any provider while pacer.completion.exclude holds the pattern "${pattern}", which cannot be read (${reason}). Fix or remove it.`;
}

export const SettingsActions = {
  showLog: 'Show Log',
  openSettings: 'Open Settings',
} as const;
