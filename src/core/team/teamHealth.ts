// Whether Redis still answers when no request would tell. A hung Redis (frozen, or a dead host
// behind a live socket) keeps its connection open: only a command without an answer within the
// command timeout shows it. An editor that holds its slots or sits between requests may send
// nothing for seconds, so in team mode, while it is active (it took a ticket within the editor
// TTL), a PING goes out whenever it has sent nothing for a heartbeat: it notices within a heartbeat
// plus the timeout, and its next request goes to local pacing at once. Its waiting tickets'
// heartbeats serve as the ping. In fallback, a probe every half second looks for Redis's return.
import type { Clock, TimerHandle } from '../common/clock';
import { Disposable, toDisposable } from '../common/lifecycle';
import type { TeamCalls } from './teamCalls';
import type { TeamTuning } from './teamTypes';

export interface TeamHealthEvents {
  /** The connection is ready again: check with a real command whether Redis answers. */
  probe(): void;
  /** The ping got no answer. */
  down(error: unknown): void;
  /** Whether this editor has tickets waiting (their heartbeat keeps the line busy). */
  waiting(): boolean;
}

const PROBE_MS = 500;

export class TeamHealth extends Disposable {
  private timer: TimerHandle | undefined;
  private watching = false;
  /** Counts watches: a ping sent before a fallback and a return must not end the new watch. */
  private round = 0;

  constructor(
    private readonly clock: Clock,
    private readonly calls: TeamCalls,
    private readonly isReady: () => boolean,
    /** The heartbeat, and the editor TTL: how long after its last ticket an editor is watched. */
    private readonly o: Pick<TeamTuning, 'beatMs' | 'editorTtlMs'>,
    private readonly events: TeamHealthEvents,
  ) {
    super();
    this._register(toDisposable(() => this.stop()));
  }

  /** Team mode: watch for a hung Redis. */
  watch(): void {
    this.stop();
    this.watching = true;
    this.round++;
    this.arm(this.o.beatMs);
  }

  /** Fallback: look for Redis's return (once a probe is scheduled, it reschedules itself). */
  probe(): void {
    if (this.isDisposed || (this.timer && !this.watching)) return;
    this.stop();
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      if (this.isReady()) this.events.probe();
      else this.probe();
    }, PROBE_MS);
  }

  private arm(ms: number): void {
    if (!this.isDisposed) this.timer = this.clock.setTimeout(() => this.tick(), ms);
  }

  private tick(): void {
    this.timer = undefined;
    const now = this.clock.now();
    const quietMs = now - this.calls.lastSentAt;
    if (quietMs < this.o.beatMs) return this.arm(this.o.beatMs - quietMs);
    if (now - this.calls.lastAcquireAt <= this.o.editorTtlMs && !this.events.waiting()) {
      const round = this.round;
      this.calls.ping().catch((error: unknown) => {
        if (this.watching && round === this.round) this.events.down(error);
      });
    }
    this.arm(this.o.beatMs);
  }

  private stop(): void {
    this.watching = false;
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
