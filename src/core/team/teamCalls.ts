// The team scripts (teamScripts.ts) called for one queue and one editor: each call passes the
// queue's keys and the tuning the scripts need, so the slot source names only what varies.
import type { SlotOutcome } from '../gate/slotSource';
import type { TeamKeys } from './teamKeys';
import type { RawStatus, TeamClient } from './teamRedis';
import type { TeamTuning } from './teamTypes';

export class TeamCalls {
  constructor(
    private readonly client: TeamClient,
    private readonly keys: TeamKeys,
    private readonly editorId: string,
    /** Read at each call: `configure()` may change the cap's bounds. */
    private readonly o: TeamTuning,
  ) {}

  /** Queues a ticket (or grants it a slot at once). */
  acquire(ticket: string, rank: number): Promise<RawStatus> {
    const { o, keys } = this;
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
    return this.client.pacerRenew(...this.keys.keys, ticket, this.o.leaseMs);
  }

  /** Gives a ticket back, held or waiting, with what became of its request. */
  release(ticket: string, outcome: SlotOutcome['kind'] | 'leave', reported = 0): Promise<number> {
    const { o, keys } = this;
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
    return this.client.pacerPeek(...keys.keys, o.initialCap, o.leaseMs, keys.channel, o.aliveMs);
  }
}
