// Cost accounting: a day's usage of one provider (what the tooltip, `Pacer: Show Usage` and the
// daily spend limit read) and the user's local day that the limit counts. The totals themselves
// live in the usage store every window shares (core/usage/usageStore.ts).

export interface DayUsage {
  requests: number;
  promptTokens: number;
  completionTokens: number;
  cacheHitTokens: number;
  cacheMissTokens: number;
  costUsd: number;
  /** The part of `costUsd` that is an estimate (no usage reported, or no known price). */
  estimatedUsd: number;
}

export function emptyDayUsage(): DayUsage {
  return {
    requests: 0,
    promptTokens: 0,
    completionTokens: 0,
    cacheHitTokens: 0,
    cacheMissTokens: 0,
    costUsd: 0,
    estimatedUsd: 0,
  };
}

/** The user's calendar day (local time): a daily limit resets at the user's midnight. */
export function localDayKey(atMs: number): string {
  const d = new Date(atMs);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** The globalState snapshot older versions saved (read once, to migrate today's totals). */
export interface LedgerSnapshot {
  day: string;
  byProvider: Record<string, DayUsage>;
}
