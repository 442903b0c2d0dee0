// The team scripts (teamScripts.ts) called for one queue and one editor: each call passes the
// queue's keys and the tuning the scripts need, so the slot source names only what varies. It
// notes when it last sent anything, for the watch on a hung Redis (teamHealth.ts).
import type { Clock } from '../common/clock';
import type { SlotOutcome } from '../gate/slotSource';
import type { TeamKeys } from './teamKeys';
import type { RawStatus, TeamClient } from './teamRedis';
import type { TeamTuning } from './teamTypes';

export class TeamCalls {
  /** Clock time of the last command sent, and of the last ticket taken (the editor is active). */
  lastSentAt = -Infinity;
  lastAcquireAt = -Infinity;

  constructor(
    private readonly clock: Clock,
    private readonly client: TeamClient,
    private readonly keys: TeamKeys,
    private readonly editorId: string,
    /** Read at each call: `configure()` may change the cap's bounds. */
    private readonly o: TeamTuning,
  ) {}

  /** Queues a ticket (or grants it a slot at once). */
  acquire(ticket: string, rank: number): Promise<RawStatus> {
    const { o, keys } = this;
    this.lastAcquireAt = this.sent();
    return this.client.pacerAcquire(
      ...keys.keys,
      ticket,
      rank,
      this.editorId,
      o.initialCap,
      o.leaseMs,
      o.keyTtlMs,
      keys.channel,
      o.editorTtlMs,
      o.aliveMs,
    );
  }

  /** A waiting ticket's heartbeat. */
  beat(ticket: string): Promise<RawStatus> {
    const { o, keys } = this;
    this.sent();
    return this.client.pacerBeat(
      ...keys.keys,
      ticket,
      this.editorId,
      o.initialCap,
      o.leaseMs,
      o.keyTtlMs,
      keys.channel,
      o.editorTtlMs,
      o.aliveMs,
    );
  }

  /** Extends a held slot's lease. */
  renew(ticket: string): Promise<number> {
    this.sent();
    return this.client.pacerRenew(...this.keys.keys, ticket, this.o.leaseMs);
  }

  /** Gives a ticket back, held or waiting, with what became of its request. */
  release(ticket: string, outcome: SlotOutcome['kind'] | 'leave', reported = 0): Promise<number> {
    const { o, keys } = this;
    this.sent();
    return this.client.pacerRelease(
      ...keys.keys,
      ticket,
      outcome,
      reported ?? 0,
      o.initialCap,
      o.maxCap,
      o.leaseMs,
      o.keyTtlMs,
      keys.channel,
      o.cooldownMs,
      o.hintTtlMs,
      o.aliveMs,
    );
  }

  /** The queue's state, without changing it. */
  peek(): Promise<RawStatus> {
    const { o, keys } = this;
    this.sent();
    return this.client.pacerPeek(...keys.keys, o.initialCap, o.leaseMs, keys.channel, o.aliveMs);
  }

  /** Only whether Redis answers (teamHealth.ts). */
  async ping(): Promise<void> {
    this.sent();
    await this.client.ping();
  }

  private sent(): number {
    this.lastSentAt = this.clock.now();
    return this.lastSentAt;
  }
}
