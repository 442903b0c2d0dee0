// Failback probes: a provider that just went down or started cooling is probed at once, then from
// a short timer while any provider is down or cooling; the timer stops when all are healthy.
import type { Clock, TimerHandle } from '../common/clock';
import { Disposable, toDisposable } from '../common/lifecycle';
import type { RouterMember } from './routerMember';

const TICK_MS = 250;

export class ProbeScheduler extends Disposable {
  private tick: TimerHandle | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly members: () => Iterable<RouterMember>,
    /** Each tick: countdowns in the status bar, cooldowns that ended by themselves. */
    private readonly onTick: () => void,
  ) {
    super();
    this._register(
      toDisposable(() => {
        if (this.tick !== undefined) this.clock.clearTimeout(this.tick);
        this.tick = undefined;
      }),
    );
  }

  /** Probes whatever is due now (a probe refused too tells a 429 storm from a blip), then ticks. */
  probeDueNow(): void {
    for (const m of this.members()) if (m.probeDue()) void m.probe('failback');
    this.ensureTicking();
  }

  ensureTicking(): void {
    if (this.isDisposed || this.tick !== undefined) return;
    if (![...this.members()].some((m) => m.needsTicks())) return;
    this.tick = this.clock.setTimeout(() => {
      this.tick = undefined;
      for (const m of this.members()) if (m.probeDue()) void m.probe('failback');
      this.onTick();
      this.ensureTicking();
    }, TICK_MS);
  }
}
