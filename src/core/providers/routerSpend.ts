// The router's spend: each billed attempt priced and appended to the usage store every window
// shares, the daily limit checked against the total of all windows, and a crossing of 80 % or
// 100 % announced once a day. The router asks it whether paid providers are paused.
import type { Clock } from '../common/clock';
import { PacerError } from '../common/errors';
import { estimateCostUsd } from './pricing';
import { Emitter } from '../common/event';
import { Disposable } from '../common/lifecycle';
import type { BilledAttempt } from '../usage/billing';
import type { UserPrices } from '../usage/prices';
import { resolvePrice } from '../usage/prices';
import type { UsageStore } from '../usage/usageStore';
import type { ProviderInfo } from './catalog';
import type { DayUsage } from './cost';
import type { RouterLog } from './routerMember';
import { BUDGET_MESSAGE } from './routerErrors';
import type { SpendStatus } from './spendLimit';
import { SpendLimit } from './spendLimit';

export class RouterSpend extends Disposable {
  private readonly limit: SpendLimit;
  private readonly crossed = this._register(new Emitter<SpendStatus>());

  /** The spend crossed 80 % or 100 % of the daily limit (once per day each). */
  readonly onDidCross = this.crossed.event;

  constructor(
    private readonly usage: UsageStore,
    dailyLimitUsd: number,
    private readonly clock: Clock,
    private readonly log: RouterLog,
    /** Something the router shows may have changed. */
    private readonly onChange: () => void,
  ) {
    super();
    this.limit = new SpendLimit(dailyLimitUsd);
    // Another window's spend counts here too: it may cross the limit for this window as well.
    this._register(usage.onDidChange(() => this.check()));
  }

  setLimit(usd: number): void {
    this.limit.setLimit(usd);
  }

  status(): SpendStatus {
    return this.limit.status(this.usage.costToday(), this.usage.currentDay());
  }

  get paused(): boolean {
    return this.status().kind === 'paused';
  }

  today(providerId: string): DayUsage {
    return this.usage.today(providerId);
  }

  /** Lifts today's limit here and, through the store, in every other window. */
  lift(): void {
    this.limit.lift(this.usage.currentDay());
    this.usage.liftToday();
    this.log.info("today's spend limit lifted");
    this.onChange();
  }

  /**
   * Counts one billed attempt: the provider's own figure when it reports one (OpenRouter's
   * `usage.cost`), else tokens times its price. A paid provider always has a price (a high default
   * when none is known); whether it is paid follows what it is, not where its URL points.
   */
  account(info: ProviderInfo, attempt: BilledAttempt, prices: UserPrices | undefined): void {
    const { usage } = attempt;
    const price = resolvePrice(info, attempt.model, prices);
    const reported = info.paid && usage.costUsd !== undefined && usage.costUsd >= 0;
    const costUsd = reported
      ? (usage.costUsd as number)
      : price
        ? estimateCostUsd(usage, price.pricing, this.clock.wallNow())
        : 0;
    // Tokens we counted ourselves, or a price nobody gave us: the usage view marks it.
    const estimated = !reported && (attempt.estimated || price?.source === 'default');
    this.usage.append({
      provider: info.id,
      model: attempt.model,
      cls: attempt.cls,
      promptTokens: usage.promptTokens,
      completionTokens: usage.completionTokens,
      cacheHitTokens: usage.cacheHitTokens,
      cacheMissTokens: usage.cacheMissTokens,
      costUsd,
      estimated,
    });
    this.check();
  }

  /** A paid provider's request that would go out after the limit was reached (in any window). */
  refusal(info: ProviderInfo): PacerError | undefined {
    if (!info.paid || !this.paused) return undefined;
    return new PacerError({ kind: 'budget', providerId: info.id, message: BUDGET_MESSAGE });
  }

  /** Announces a crossing of 80 % / 100 % of the limit (once a day each) and re-renders. */
  private check(): void {
    if (this.isDisposed) return;
    const spent = this.usage.costToday();
    const day = this.usage.currentDay();
    // Lifted in another window: the user meant all of them.
    if (this.usage.liftedToday()) this.limit.lift(day);
    const crossing = this.limit.crossing(spent, day);
    if (crossing) {
      this.log.warn(
        `spend today ${spent.toFixed(4)} USD: ${crossing === 'paused' ? 'limit reached, paid providers paused' : 'over 80 % of the limit'}`,
      );
      this.crossed.fire(this.limit.status(spent, day));
    }
    this.onChange();
  }
}
