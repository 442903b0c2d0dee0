// Additive increase, multiplicative decrease of how many requests one gate runs at once, the way
// TCP finds a link's capacity: +1 after a window of successes that actually used the whole limit,
// x factor on a 429, never below `min` or above the ceiling. Provider hints (DeepSeek's account
// concurrency, rate-limit headers) can only lower the ceiling, never raise us past `max`.

export interface AimdOptions {
  initial: number;
  min: number;
  max: number;
  /** Multiplicative decrease on a 429 (0.5 halves). */
  decreaseFactor: number;
  /** Successes needed for +1, as a multiple of the current limit (1 = one full window). */
  increaseWindow: number;
}

export const DEFAULT_AIMD: AimdOptions = {
  initial: 2,
  min: 1,
  max: 16,
  decreaseFactor: 0.5,
  increaseWindow: 1,
};

export class AimdLimiter {
  private value: number;
  private successes = 0;
  /** Bumped on every decrease; a 429 from a request started before it does not count twice. */
  private epochValue = 0;
  private hintCeiling: number | undefined;

  constructor(private options: AimdOptions = DEFAULT_AIMD) {
    this.value = clamp(options.initial, options.min, options.max);
  }

  get limit(): number {
    return this.value;
  }

  get epoch(): number {
    return this.epochValue;
  }

  get ceiling(): number {
    return Math.max(this.options.min, Math.min(this.options.max, this.hintCeiling ?? Infinity));
  }

  /**
   * A request succeeded. `saturated`: it ran while the gate used its whole limit; `startedEpoch`:
   * the epoch it started in (a request sent before the last cut says nothing about the new limit).
   * Returns true if the limit changed.
   */
  onSuccess(saturated: boolean, startedEpoch = this.epochValue): boolean {
    if (!saturated || startedEpoch < this.epochValue) return false;
    this.successes++;
    if (this.successes < Math.max(1, Math.round(this.value * this.options.increaseWindow))) return false;
    this.successes = 0;
    return this.set(this.value + 1);
  }

  /** The provider refused a request started in `startedEpoch`. Returns true if the limit changed. */
  onRateLimited(startedEpoch: number): boolean {
    if (startedEpoch < this.epochValue) return false; // the same congestion event already cut the limit
    this.epochValue++;
    this.successes = 0;
    return this.set(Math.floor(this.value * this.options.decreaseFactor));
  }

  /**
   * An upper bound the provider revealed (e.g. DeepSeek's account-wide concurrency). The account
   * is shared with other clients, so this bounds our limit; it is not a target.
   */
  setHintCeiling(ceiling: number | undefined): boolean {
    this.hintCeiling = ceiling !== undefined && ceiling > 0 ? ceiling : undefined;
    return this.set(this.value);
  }

  /** New settings (initial/max from the user); a new initial value restarts the learning there. */
  configure(options: Partial<AimdOptions>): boolean {
    const previousInitial = this.options.initial;
    const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
    this.options = { ...this.options, ...defined };
    return this.set(this.options.initial !== previousInitial ? this.options.initial : this.value);
  }

  private set(next: number): boolean {
    const bounded = clamp(next, this.options.min, this.ceiling);
    if (bounded === this.value) return false;
    this.value = bounded;
    return true;
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.max(min, Math.min(max, Math.floor(value)));
}
