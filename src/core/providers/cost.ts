// Cost accounting: a per-day ledger by provider of what the answers cost (the gate's price
// function: DeepSeek prices, peak hours, cache hits counted) for the tooltip, `Pacer: Show
// Usage` and the daily spend limit.
import type { Usage } from '../modelService';
import type { ModelPricing } from '../providerEndpoint';
import { estimateCostUsd } from '../gate/cost';

export interface DayUsage {
  requests: number;
  promptTokens: number;
  completionTokens: number;
  cacheHitTokens: number;
  cacheMissTokens: number;
  costUsd: number;
}

export function emptyDayUsage(): DayUsage {
  return {
    requests: 0,
    promptTokens: 0,
    completionTokens: 0,
    cacheHitTokens: 0,
    cacheMissTokens: 0,
    costUsd: 0,
  };
}

/** The user's calendar day (local time): a daily limit resets at the user's midnight. */
export function localDayKey(atMs: number): string {
  const d = new Date(atMs);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export interface LedgerSnapshot {
  day: string;
  byProvider: Record<string, DayUsage>;
}

/** Today's usage by provider; rolls over to an empty day at midnight. */
export class UsageLedger {
  private day: string;
  private byProvider = new Map<string, DayUsage>();

  constructor(
    private readonly now: () => number,
    private readonly dayKey: (atMs: number) => string = localDayKey,
  ) {
    this.day = dayKey(now());
  }

  /** Adds one answered request; returns its cost. */
  record(providerId: string, usage: Usage | undefined, pricing: ModelPricing | undefined): number {
    const at = this.now();
    this.rollOver(at);
    const day = this.byProvider.get(providerId) ?? emptyDayUsage();
    day.requests++;
    let cost = 0;
    if (usage) {
      cost = estimateCostUsd(usage, pricing, at);
      day.promptTokens += usage.promptTokens;
      day.completionTokens += usage.completionTokens;
      day.cacheHitTokens += usage.cacheHitTokens;
      day.cacheMissTokens += usage.cacheMissTokens;
      day.costUsd += cost;
    }
    this.byProvider.set(providerId, day);
    return cost;
  }

  today(providerId: string): DayUsage {
    this.rollOver(this.now());
    return { ...(this.byProvider.get(providerId) ?? emptyDayUsage()) };
  }

  /** Today's spend over the given providers (all when omitted). */
  costToday(filter?: (providerId: string) => boolean): number {
    this.rollOver(this.now());
    let sum = 0;
    for (const [id, day] of this.byProvider) if (!filter || filter(id)) sum += day.costUsd;
    return sum;
  }

  currentDay(): string {
    this.rollOver(this.now());
    return this.day;
  }

  toJSON(): LedgerSnapshot {
    this.rollOver(this.now());
    return {
      day: this.day,
      byProvider: Object.fromEntries([...this.byProvider].map(([k, v]) => [k, { ...v }])),
    };
  }

  /** Restores today's totals after a reload; a snapshot of another day is ignored. */
  restore(snapshot: LedgerSnapshot | undefined): void {
    if (!snapshot || snapshot.day !== this.currentDay() || typeof snapshot.byProvider !== 'object') return;
    for (const [id, v] of Object.entries(snapshot.byProvider)) {
      if (v && typeof v.costUsd === 'number') this.byProvider.set(id, { ...emptyDayUsage(), ...v });
    }
  }

  private rollOver(at: number): void {
    const key = this.dayKey(at);
    if (key !== this.day) {
      this.day = key;
      this.byProvider.clear();
    }
  }
}
