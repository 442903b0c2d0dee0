// Deadlines of many requests on few timers: deadlines are rounded UP to a small granularity and
// share one timer per slice of time. Ten thousand completions waiting through a cooldown then
// hold ten thousand Set entries instead of ten thousand Timeout objects (about 0.4 KB each).
import type { Clock, TimerHandle } from '../common/clock';

export interface Expirable {
  readonly deadlineAt: number;
  expire(): void;
}

export class DeadlineScheduler {
  private readonly slices = new Map<number, { members: Set<Expirable>; timer: TimerHandle }>();

  constructor(
    private readonly clock: Clock,
    /** Deadlines fire at most this much late. */
    private readonly granularityMs = 10,
  ) {}

  schedule(item: Expirable): void {
    const at = Math.ceil(item.deadlineAt / this.granularityMs) * this.granularityMs;
    let slice = this.slices.get(at);
    if (!slice) {
      const members = new Set<Expirable>();
      const timer = this.clock.setTimeout(
        () => {
          this.slices.delete(at);
          for (const member of members) member.expire();
        },
        Math.max(0, at - this.clock.now()),
      );
      slice = { members, timer };
      this.slices.set(at, slice);
    }
    slice.members.add(item);
  }

  cancel(item: Expirable): void {
    const at = Math.ceil(item.deadlineAt / this.granularityMs) * this.granularityMs;
    const slice = this.slices.get(at);
    if (!slice || !slice.members.delete(item) || slice.members.size > 0) return;
    this.clock.clearTimeout(slice.timer);
    this.slices.delete(at);
  }

  /** Timers still pending (for tests and disposal). */
  get size(): number {
    return this.slices.size;
  }

  dispose(): void {
    for (const slice of this.slices.values()) this.clock.clearTimeout(slice.timer);
    this.slices.clear();
  }
}
