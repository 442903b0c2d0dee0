// The optional daily spend limit: warn once at 80 %, pause paid providers at 100 % until the
// user lifts it (for the rest of that day) or the day ends.
export type SpendStatus =
  | { kind: 'off'; spentUsd: number }
  | { kind: 'ok'; spentUsd: number; limitUsd: number }
  | { kind: 'warning'; spentUsd: number; limitUsd: number }
  | { kind: 'paused'; spentUsd: number; limitUsd: number }
  | { kind: 'lifted'; spentUsd: number; limitUsd: number };

export const WARN_SHARE = 0.8;

export function spendStatus(spentUsd: number, limitUsd: number, liftedToday: boolean): SpendStatus {
  if (!(limitUsd > 0)) return { kind: 'off', spentUsd };
  if (spentUsd >= limitUsd)
    return liftedToday ? { kind: 'lifted', spentUsd, limitUsd } : { kind: 'paused', spentUsd, limitUsd };
  if (spentUsd >= limitUsd * WARN_SHARE) return { kind: 'warning', spentUsd, limitUsd };
  return { kind: 'ok', spentUsd, limitUsd };
}

/** Remembers the lift and which crossings were already announced, per day. */
export class SpendLimit {
  private liftedDay: string | undefined;
  private announced = new Map<string, Set<'warning' | 'paused'>>();

  constructor(private limitUsd: number) {}

  setLimit(limitUsd: number): void {
    this.limitUsd = limitUsd;
  }

  get limit(): number {
    return this.limitUsd;
  }

  status(spentUsd: number, day: string): SpendStatus {
    return spendStatus(spentUsd, this.limitUsd, this.liftedDay === day);
  }

  lift(day: string): void {
    this.liftedDay = day;
  }

  /** The crossing to announce now, at most once per day and kind. */
  crossing(spentUsd: number, day: string): 'warning' | 'paused' | undefined {
    const s = this.status(spentUsd, day);
    if (s.kind !== 'warning' && s.kind !== 'paused') return undefined;
    const seen = this.announced.get(day) ?? new Set();
    if (seen.has(s.kind)) return undefined;
    seen.add(s.kind);
    this.announced.clear();
    this.announced.set(day, seen);
    return s.kind;
  }
}
