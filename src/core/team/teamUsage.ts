// The team's usage totals, kept beside its queue in Redis so the usage dashboard can show the
// team's totals next to this editor's. Each editor adds what its own requests did (counts, tokens,
// cost: nothing of a prompt, an answer or a key) into one hash per UTC hour, and reads the sum of
// every editor's hashes for a range. Additions are batched (one pipeline every few seconds, not a
// round trip per request) and kept while Redis is down, so a fault loses nothing it can hold.
import type { Clock, TimerHandle } from '../common/clock';
import type { UsageTotals } from '../common/usageProtocol';
import { emptyTotals } from '../common/usageProtocol';
import { Disposable, toDisposable } from '../common/lifecycle';
import type { TeamKeys } from './teamKeys';
import type { TeamClient } from './teamRedis';

const HOUR = 3_600_000;

/** What one recorded event adds; every field is optional and counts up from 0. */
export type TeamUsageDelta = Partial<UsageTotals> & { at: number };

/** The hash's fields; cost in whole micro-dollars (HINCRBY stays exact where floats would drift). */
const INT_FIELDS = [
  'answered',
  'rateLimited',
  'errors',
  'fallback',
  'promptTokens',
  'cacheHitTokens',
  'outputTokens',
] as const satisfies readonly (keyof UsageTotals)[];
const MICRO = 1_000_000;

export interface TeamUsageOptions {
  keys: TeamKeys;
  clock: Clock;
  /** How often additions go to Redis, ms (5 s). */
  flushMs?: number;
  /** How long an hour's totals stay, ms (91 days: the dashboard's longest range and a margin). */
  ttlMs?: number;
  /** Hours kept while Redis is down (48); the oldest are dropped past it. */
  maxPendingHours?: number;
}

export class TeamUsageLedger extends Disposable {
  private readonly pending = new Map<number, UsageTotals>();
  private timer: TimerHandle | undefined;
  private flushing: Promise<void> | undefined;
  private readonly flushMs: number;
  private readonly ttlMs: number;
  private readonly maxPendingHours: number;
  /** The queue's current command connection: a rebuilt provider service brings a new one. */
  private client: TeamClient | undefined;

  constructor(private readonly options: TeamUsageOptions) {
    super();
    this.flushMs = options.flushMs ?? 5000;
    this.ttlMs = options.ttlMs ?? 91 * 24 * HOUR;
    this.maxPendingHours = options.maxPendingHours ?? 48;
    this._register(
      toDisposable(() => {
        if (this.timer !== undefined) this.options.clock.clearTimeout(this.timer);
        this.timer = undefined;
        // The last additions go out before the connection closes (its owner disposes it after).
        void this.flush();
      }),
    );
  }

  /** Sends through this connection from now on (the slot source's; its owner closes it). */
  use(client: TeamClient): void {
    this.client = client;
    if (this.pending.size > 0) this.schedule();
  }

  /** The Redis key of the hour that starts at `hourStart` (UTC hours). */
  keyOf(hourStart: number): string {
    return `${this.options.keys.prefix}use:${hourStart}`;
  }

  add(delta: TeamUsageDelta): void {
    if (this.isDisposed) return;
    const hour = Math.floor(delta.at / HOUR) * HOUR;
    let totals = this.pending.get(hour);
    if (!totals) {
      totals = emptyTotals();
      this.pending.set(hour, totals);
      this.dropOldestPastBound();
    }
    addInto(totals, delta);
    this.schedule();
  }

  /** Sends the pending additions; on failure they stay pending for the next flush. */
  flush(): Promise<void> {
    this.flushing ??= this.flushNow().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  /**
   * Every editor's totals for the hours from `since` on (this editor's unsent additions included),
   * or undefined when Redis does not answer.
   */
  async totals(since: number): Promise<UsageTotals | undefined> {
    const client = this.client;
    if (!client || client.status !== 'ready') return undefined;
    const now = this.options.clock.wallNow();
    const first = Math.floor(since / HOUR) * HOUR;
    const hours: number[] = [];
    for (let h = first; h <= now; h += HOUR) hours.push(h);
    const pipeline = client.pipeline();
    for (const h of hours) pipeline.hgetall(this.keyOf(h));
    let replies: [Error | null, unknown][] | null;
    try {
      replies = await pipeline.exec();
    } catch {
      return undefined;
    }
    if (!replies || replies.some(([error]) => error)) return undefined;
    const sum = emptyTotals();
    for (const [, hash] of replies) addInto(sum, fromHash(hash as Record<string, string>));
    for (const [hour, totals] of this.pending) if (hour >= first) addInto(sum, totals);
    return sum;
  }

  private async flushNow(): Promise<void> {
    const client = this.client;
    if (this.pending.size === 0) return;
    if (!client || client.status !== 'ready') {
      // Not connected: the additions wait for this connection's return (or the next one).
      this.schedule();
      return;
    }
    const batch = [...this.pending];
    this.pending.clear();
    const pipeline = client.pipeline();
    for (const [hour, totals] of batch) {
      const key = this.keyOf(hour);
      for (const field of INT_FIELDS) if (totals[field] > 0) pipeline.hincrby(key, field, totals[field]);
      const micro = Math.round(totals.costUsd * MICRO);
      if (micro > 0) pipeline.hincrby(key, 'costMicroUsd', micro);
      const estimated = Math.round(totals.estimatedUsd * MICRO);
      if (estimated > 0) pipeline.hincrby(key, 'estimatedMicroUsd', estimated);
      pipeline.pexpire(key, this.ttlMs);
    }
    let failed = false;
    try {
      const replies = await pipeline.exec();
      failed = !replies || replies.some(([error]) => error);
    } catch {
      failed = true;
    }
    // A pipeline is not atomic: after a partial failure some of it may have landed. Sending it
    // again could count twice; dropping it could count nothing. Counting twice is worse for a
    // total people compare, so only a batch that never reached Redis (no connection) goes back.
    if (failed && client.status !== 'ready') {
      for (const [hour, totals] of batch) {
        const have = this.pending.get(hour);
        if (have) addInto(have, totals);
        else this.pending.set(hour, totals);
      }
      this.dropOldestPastBound();
      this.schedule();
    }
  }

  private schedule(): void {
    if (this.isDisposed) return;
    this.timer ??= this.options.clock.setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.flushMs);
  }

  private dropOldestPastBound(): void {
    while (this.pending.size > this.maxPendingHours) {
      const oldest = Math.min(...this.pending.keys());
      this.pending.delete(oldest);
    }
  }
}

function addInto(into: UsageTotals, delta: Partial<UsageTotals>): void {
  for (const field of INT_FIELDS) into[field] += delta[field] ?? 0;
  into.costUsd += delta.costUsd ?? 0;
  into.estimatedUsd += delta.estimatedUsd ?? 0;
}

function fromHash(hash: Record<string, string> | null | undefined): Partial<UsageTotals> {
  const out: Partial<UsageTotals> = {};
  if (!hash) return out;
  const n = (field: string) => {
    const v = Number(hash[field]);
    return Number.isFinite(v) && v > 0 ? v : 0;
  };
  for (const field of INT_FIELDS) out[field] = n(field);
  out.costUsd = n('costMicroUsd') / MICRO;
  out.estimatedUsd = n('estimatedMicroUsd') / MICRO;
  return out;
}
