// Which providers take their slots from the team queue (`pacer.team.providers`). DeepSeek by
// default: it limits requests in flight per account, which is what a shared queue paces. Another
// provider whose account limits concurrency (a shared gateway, a team's own vLLM) opts in by its
// id; one limited by requests per minute gains little, so none is in by default.
export const DEFAULT_TEAM_PROVIDERS: readonly string[] = ['deepseek'];

/**
 * The provider ids the setting names: ids as written (custom ones too), blanks and non-strings
 * dropped. Not an array (unset, hand-edited nonsense): the default. An empty array: none.
 */
export function teamProviders(setting: unknown): ReadonlySet<string> {
  if (!Array.isArray(setting)) return new Set(DEFAULT_TEAM_PROVIDERS);
  return new Set(
    setting
      .filter((id): id is string => typeof id === 'string')
      .map((id) => id.trim())
      .filter(Boolean),
  );
}
