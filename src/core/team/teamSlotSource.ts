// The gate's slot source for a team: a fair semaphore with leases in Redis (teamScripts.ts),
// shared by every editor on the same account. A request takes a ticket; the scripts hand slots to
// tickets in class order, then arrival order; a holder renews its lease every third of it while its
// request runs, so a dead editor's slots come back within one lease. Wake-ups come over pub/sub;
// a waiter's heartbeat (300 ms) is the backstop for a lost message.
//
// When Redis refuses, hangs (no answer within the command timeout; teamHealth.ts pings a quiet
// editor) or drops the connection, every request, waiting or new, moves to the local source at
// once; the team queue takes over again as soon as Redis answers. A request is never lost in the
// switch: it only changes queues.
import type { Clock, TimerHandle } from '../common/clock';
import { Emitter } from '../common/event';
import type { IDisposable } from '../common/lifecycle';
import { Disposable, toDisposable } from '../common/lifecycle';
import type { AcquireOptions, Slot, SlotOutcome, SlotSource } from '../gate/slotSource';
import type { TeamKeys } from './teamKeys';
import type { RawStatus } from './teamRedis';
import { TeamCalls } from './teamCalls';
import { TeamConnection } from './teamConnection';
import { describeTeamError } from './teamErrors';
import { TeamHealth } from './teamHealth';
import type { TeamMode, TeamSlotSourceOptions, TeamStatus, TeamTuning } from './teamTypes';
import { CLASS_RANK, connectingStatus, teamTuning } from './teamTypes';

export type { TeamMode, TeamSlotSourceOptions, TeamStatus } from './teamTypes';

interface WaitEntry {
  granted: boolean;
  rank: number;
  wake?(): void;
  toLocal?(): void;
}

export class TeamSlotSource extends Disposable implements SlotSource {
  private readonly o: TeamTuning;
  private readonly calls: TeamCalls;
  private readonly connection: TeamConnection;
  private readonly health: TeamHealth;
  private readonly keys: TeamKeys;
  private readonly local: SlotSource;
  private readonly clock: Clock;
  private readonly editorId: string;
  private readonly limitChanged = this._register(new Emitter<void>());
  private readonly statusChanged = this._register(new Emitter<TeamStatus>());
  private readonly waiting = new Map<string, WaitEntry>();
  private readonly ranks = new Map<string, number>();
  private modeValue: TeamMode = 'connecting';
  private settled: Promise<void>;
  private status: TeamStatus;
  private idleTimer: TimerHandle | undefined;
  private heldCount = 0;
  private localCount = 0;
  private ticketSeq = 0;
  private lastLimit: number;

  constructor(private readonly options: TeamSlotSourceOptions) {
    super();
    this.keys = options.keys;
    this.local = options.local;
    this.clock = options.clock;
    this.editorId = options.editorId ?? Math.random().toString(36).slice(2, 10);
    this.o = teamTuning(options);
    this.calls = new TeamCalls(this.clock, options.client, this.keys, this.editorId, this.o);
    this.status = connectingStatus(this.keys.id, this.o.initialCap);
    this.lastLimit = this.limit;
    this._register(this.local.onDidChangeLimit(() => this.checkLimit()));
    this._register(
      toDisposable(() => {
        if (this.idleTimer) this.clock.clearTimeout(this.idleTimer);
        for (const entry of this.waiting.values()) entry.toLocal?.();
        if (this.o.ownsConnections) this.connection.disconnect();
      }),
    );
    this.connection = new TeamConnection(options.client, options.subscriber, this.keys.channel, {
      granted: (tickets) => {
        for (const ticket of tickets) {
          const entry = this.waiting.get(ticket);
          if (!entry) continue;
          entry.granted = true;
          entry.wake?.();
        }
      },
      ready: () => void this.checkUp(),
      closed: () => this.down(new Error('connection closed')),
    });
    this.health = this._register(
      new TeamHealth(this.clock, this.calls, () => this.connection.isReady, this.o, {
        probe: () => void this.checkUp(),
        down: (error) => this.down(error),
        waiting: () => this.waiting.size > 0,
      }),
    );
    this.settled = this.connection.open().then(
      () => this.checkUp(),
      (error: unknown) => this.down(error),
    );
  }

  get mode(): TeamMode {
    return this.modeValue;
  }

  get limit(): number {
    return this.modeValue === 'team' ? Math.max(1, Math.floor(this.status.cap)) : this.local.limit;
  }

  get inFlight(): number {
    return this.heldCount + this.localCount;
  }

  readonly onDidChangeLimit = (listener: () => void): IDisposable => this.limitChanged.event(listener);
  readonly onDidChangeStatus = (listener: (status: TeamStatus) => void): IDisposable =>
    this.statusChanged.event(listener);

  snapshot(): TeamStatus {
    return { ...this.status };
  }

  /** Asks Redis for the queue's state now (the tooltip); stays quiet when Redis is down. */
  async refresh(): Promise<TeamStatus> {
    if (this.modeValue === 'team') {
      try {
        this.apply(await this.calls.peek());
      } catch (error) {
        this.down(error);
      }
    }
    return this.snapshot();
  }

  acquire(options: AcquireOptions): Slot | Promise<Slot> {
    if (this.isDisposed || this.modeValue === 'fallback') return this.localSlot(options);
    return this.teamSlot(options);
  }

  configure(options: { initial?: number; max?: number }): void {
    if (options.initial !== undefined) this.o.initialCap = options.initial;
    if (options.max !== undefined) this.o.maxCap = options.max;
    this.local.configure?.(options);
  }

  private localSlot(options: AcquireOptions): Slot | Promise<Slot> {
    const count = (slot: Slot): Slot => {
      this.localCount++;
      let done = false;
      return {
        release: (outcome) => {
          if (done) return;
          done = true;
          this.localCount--;
          slot.release(outcome);
        },
      };
    };
    const slot = this.local.acquire(options);
    return slot instanceof Promise ? slot.then(count) : count(slot);
  }

  private async teamSlot(options: AcquireOptions): Promise<Slot> {
    if (this.modeValue === 'connecting')
      await this.settledWithin(this.options.client.options.commandTimeout ?? 500);
    if (this.modeValue !== 'team' || this.isDisposed) return this.localSlot(options);
    const ticket = `${this.editorId}.${(++this.ticketSeq).toString(36)}`;
    const rank = CLASS_RANK[options.cls ?? 'chat'];
    // Registered before the script runs: a grant's message may overtake the script's reply.
    const entry: WaitEntry = { granted: false, rank };
    this.waiting.set(ticket, entry);
    try {
      const reply = await this.calls.acquire(ticket, rank);
      this.ranks.set(ticket, reply[1]);
      this.apply(reply);
      if (reply[0] === 1) entry.granted = true;
    } catch (error) {
      this.forget(ticket);
      this.down(error);
      return this.localSlot(options);
    }
    if (options.signal?.aborted) {
      this.forget(ticket);
      this.give(ticket, 'leave');
      throw options.signal.reason;
    }
    if (entry.granted) {
      this.forget(ticket);
      return this.held(ticket);
    }
    return this.wait(ticket, entry, options);
  }

  private wait(ticket: string, entry: WaitEntry, options: AcquireOptions): Promise<Slot> {
    const { signal } = options;
    return new Promise<Slot>((resolve, reject) => {
      let beatTimer: TimerHandle | undefined;
      let deadlineTimer: TimerHandle | undefined;
      let done = false;
      const finish = (then: () => void) => {
        if (done) return;
        done = true;
        if (beatTimer) this.clock.clearTimeout(beatTimer);
        if (deadlineTimer) this.clock.clearTimeout(deadlineTimer);
        signal?.removeEventListener('abort', onAbort);
        this.forget(ticket);
        this.publishStatus();
        then();
      };
      const onAbort = () =>
        finish(() => {
          this.give(ticket, 'leave');
          reject(signal?.reason);
        });
      entry.wake = () => finish(() => resolve(this.held(ticket)));
      entry.toLocal = () =>
        finish(() => {
          this.give(ticket, 'leave');
          Promise.resolve(this.localSlot(options)).then(resolve, reject);
        });
      signal?.addEventListener('abort', onAbort, { once: true });
      // The heartbeat keeps the ticket in the queue and re-checks, in case a wake-up was lost.
      const beat = () => {
        beatTimer = this.clock.setTimeout(() => {
          void this.beat(ticket, entry).then((ok) => {
            if (done) return;
            if (ok) beat();
            else entry.toLocal?.();
          });
        }, this.o.beatMs);
      };
      beat();
      // A completion that cannot start before its deadline leaves the queue then (the gate's
      // signal ends the request itself).
      if (options.cls === 'completion' && options.deadlineAt !== undefined) {
        deadlineTimer = this.clock.setTimeout(
          () => this.give(ticket, 'leave'),
          Math.max(0, options.deadlineAt - this.clock.now()),
        );
      }
      if (entry.granted) entry.wake();
    });
  }

  /** One heartbeat of a waiting ticket; false when Redis failed (the waiter moves to local). */
  private async beat(ticket: string, entry: WaitEntry): Promise<boolean> {
    try {
      let reply = await this.calls.beat(ticket);
      if (reply[0] === 0 && reply[1] === -1 && !entry.granted && this.waiting.has(ticket)) {
        // Neither waiting nor holding: Redis lost the ticket (a restart). Queue it again.
        reply = await this.calls.acquire(ticket, entry.rank);
      }
      this.ranks.set(ticket, reply[1]);
      this.apply(reply);
      if (reply[0] === 1) {
        entry.granted = true;
        entry.wake?.();
      }
      return true;
    } catch (error) {
      this.down(error);
      return false;
    }
  }

  /** A slot held through Redis: renewed every third of the lease until released. */
  private held(ticket: string): Slot {
    this.heldCount++;
    let released = false;
    let timer: TimerHandle | undefined;
    const renew = () => {
      timer = this.clock.setTimeout(() => {
        this.calls.renew(ticket).then(
          () => {
            if (!released) renew();
          },
          (error: unknown) => this.down(error),
        );
      }, this.o.leaseMs / 3);
    };
    renew();
    return {
      release: (outcome: SlotOutcome) => {
        if (released) return;
        released = true;
        if (timer) this.clock.clearTimeout(timer);
        this.heldCount--;
        this.give(ticket, outcome.kind, outcome.kind === 'rateLimited' ? outcome.reportedConcurrency : 0);
        if (outcome.kind === 'rateLimited') {
          // Someone must hand out slots when the team cooldown ends; waiters' heartbeats would too.
          this.clock.setTimeout(() => void this.refresh(), this.o.cooldownMs + 20);
        } else this.refreshWhenIdle();
      },
    };
  }

  /** Gives a ticket back (held or waiting); failures only mean Redis is down, where it expires. */
  private give(ticket: string, outcome: SlotOutcome['kind'] | 'leave', reported = 0): void {
    if (this.modeValue === 'fallback') return;
    this.calls.release(ticket, outcome, reported).then(
      () => undefined,
      (error: unknown) => this.down(error),
    );
  }

  /**
   * The status is the last script reply's, taken while this editor held its slot: once it is idle,
   * one look at the queue, so the tooltip does not go on showing our own finished request.
   */
  private refreshWhenIdle(): void {
    if (this.idleTimer || this.isDisposed) return;
    this.idleTimer = this.clock.setTimeout(() => {
      this.idleTimer = undefined;
      if (this.inFlight === 0 && this.waiting.size === 0) void this.refresh();
    }, 250);
  }

  private forget(ticket: string): void {
    this.waiting.delete(ticket);
    this.ranks.delete(ticket);
  }

  private apply(reply: RawStatus): void {
    const [, , queueLength, cap, holders, editors, cooldownMs] = reply;
    Object.assign(this.status, {
      queueLength,
      cap: Number(cap),
      holders,
      editors,
      cooldownMs: Math.max(0, cooldownMs),
    });
    this.publishStatus();
    this.checkLimit();
  }

  private publishStatus(): void {
    const places = [...this.ranks.values()].filter((r) => r >= 0);
    this.status.place = places.length > 0 ? Math.min(...places) + 1 : undefined;
    this.status.mode = this.modeValue;
    this.statusChanged.fire(this.snapshot());
  }

  private checkLimit(): void {
    const limit = this.limit;
    if (limit === this.lastLimit) return;
    this.lastLimit = limit;
    this.limitChanged.fire();
  }

  private async settledWithin(ms: number): Promise<void> {
    let timer: TimerHandle | undefined;
    await Promise.race([
      this.settled,
      new Promise<void>((resolve) => {
        timer = this.clock.setTimeout(resolve, ms);
      }),
    ]);
    if (timer) this.clock.clearTimeout(timer);
    if (this.modeValue === 'connecting') this.down(new Error('no connection within the timeout'));
  }

  /** Redis answered: back to the team queue. */
  private async checkUp(): Promise<void> {
    if (this.isDisposed) return;
    try {
      const reply = await this.calls.peek();
      if (this.modeValue !== 'team') {
        this.modeValue = 'team';
        this.status.fallbackSince = undefined;
        this.status.reason = undefined;
        this.health.watch();
        this.options.onModeChange?.('team');
      }
      this.apply(reply);
    } catch (error) {
      this.down(error);
    }
  }

  /** Redis failed: everything moves to local pacing now, and a probe looks for its return. */
  private down(error: unknown): void {
    if (this.isDisposed) return;
    if (this.modeValue !== 'fallback') {
      const cause = this.connection.causeOf(error);
      this.modeValue = 'fallback';
      this.status.fallbackSince = this.clock.now();
      this.status.reason = describeTeamError(cause, this.options.errorContext);
      this.options.onModeChange?.('fallback', cause);
      for (const entry of [...this.waiting.values()]) entry.toLocal?.();
      this.publishStatus();
      this.checkLimit();
    }
    // A hung Redis keeps its connection open: only an answered command shows it is back.
    this.health.probe();
  }
}
