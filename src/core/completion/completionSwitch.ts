// On, off or snoozed: the user's switch for inline completions. `enabled` mirrors the setting;
// a snooze is a deadline on the clock that ends by itself (a timer flips the mode back and tells
// the listeners, so the status bar returns to normal without any keystroke).
import type { Clock, TimerHandle } from '../common/clock';

export type CompletionMode = { kind: 'on' } | { kind: 'off' } | { kind: 'snoozed'; untilMs: number };

export class CompletionSwitch {
  private enabled: boolean;
  private snoozeUntil: number | undefined;
  private timer: TimerHandle | undefined;
  private readonly listeners = new Set<(mode: CompletionMode) => void>();

  constructor(
    private readonly clock: Clock,
    enabled: boolean,
    snoozeUntilMs?: number,
  ) {
    this.enabled = enabled;
    if (snoozeUntilMs !== undefined && snoozeUntilMs > clock.now()) this.snoozeUntilMs(snoozeUntilMs);
  }

  get mode(): CompletionMode {
    if (!this.enabled) return { kind: 'off' };
    if (this.snoozeUntil !== undefined && this.snoozeUntil > this.clock.now()) {
      return { kind: 'snoozed', untilMs: this.snoozeUntil };
    }
    return { kind: 'on' };
  }

  get active(): boolean {
    return this.mode.kind === 'on';
  }

  /** The snooze deadline, to persist across reloads. */
  get snoozedUntil(): number | undefined {
    return this.snoozeUntil;
  }

  setEnabled(enabled: boolean): void {
    if (enabled === this.enabled) return;
    this.enabled = enabled;
    this.changed();
  }

  snooze(ms: number): void {
    this.snoozeUntilMs(this.clock.now() + ms);
  }

  resume(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    if (this.snoozeUntil === undefined) return;
    this.snoozeUntil = undefined;
    this.changed();
  }

  onDidChange(listener: (mode: CompletionMode) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  dispose(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.listeners.clear();
  }

  private snoozeUntilMs(untilMs: number): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.snoozeUntil = untilMs;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.snoozeUntil = undefined;
      this.changed();
    }, untilMs - this.clock.now());
    this.changed();
  }

  private changed(): void {
    const mode = this.mode;
    for (const l of this.listeners) l(mode);
  }
}
