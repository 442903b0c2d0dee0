// ModelService for ONE provider: its gate plus its client. Chat runs first in line with restart
// semantics. The router (failover between providers) wraps several of these and reads their
// gates' snapshots. Completion answers are cached and shared in flight once, by the completion
// engine (src/core/completion/answerCache.ts, inflight.ts), which knows positions and what was
// typed since; a second copy here only ever hit when the engine's did (#11).
import type { Clock } from '../common/clock';
import { realClock } from '../common/clock';
import type {
  ChatEvents,
  ChatRequest,
  ChatResult,
  CompletionResult,
  FimRequest,
  ModelService,
  RequestOptions,
} from './modelService';
import type { FimAttemptResult, ProviderClientOptions } from './providerClient';
import { ProviderClient } from './providerClient';
import type { ProviderEndpoint } from './providerEndpoint';
import { Emitter } from '../common/event';
import type { IDisposable } from '../common/lifecycle';
import { Disposable } from '../common/lifecycle';
import { PacerError } from '../common/errors';
import type { BilledAttempt } from '../usage/billing';
import { AttemptMeter, chatPromptTokens, estimateTokens } from '../usage/billing';
import type { GateOptions, GateSnapshot, RetryGuard } from '../gate/gate';
import { Gate } from '../gate/gate';

export type { GateSnapshot } from '../gate/gate';

export interface ProviderServiceOptions {
  clock?: Clock;
  random?: () => number;
  /** Gate tuning: AIMD, backoff, class policies (deadlines), slot source. */
  gate?: Omit<GateOptions, 'providerId' | 'label' | 'clock' | 'random'>;
  client?: Omit<ProviderClientOptions, 'clock'>;
}

/** One provider behind its own gate: chat, completions, probes. */
export class ProviderService extends Disposable implements ModelService {
  readonly id: string;
  private readonly clock: Clock;
  private readonly client: ProviderClient;
  private readonly gate: Gate;
  private readonly billed = this._register(new Emitter<BilledAttempt>());
  private sendCheck: (() => PacerError | undefined) | undefined;

  /** Each attempt the provider bills: answered, or stopped after it was sent (the spend ledger). */
  readonly onDidBill = this.billed.event;
  /** Each HTTP attempt and probe, with its outcome, latency and queue wait (the usage history). */
  readonly onDidAttempt: Gate['onDidAttempt'];

  constructor(
    readonly endpoint: ProviderEndpoint,
    options: ProviderServiceOptions = {},
  ) {
    super();
    this.id = endpoint.id;
    this.clock = options.clock ?? realClock;
    this.client = new ProviderClient(endpoint, { ...options.client, clock: this.clock });
    this.gate = this._register(
      new Gate({
        ...options.gate,
        providerId: endpoint.id,
        label: endpoint.label,
        clock: this.clock,
        random: options.random,
      }),
    );
    this.onDidAttempt = this.gate.onDidAttempt;
  }

  async chat(request: ChatRequest, events: RequestOptions & ChatEvents = {}): Promise<ChatResult> {
    const { endpoint, client } = this;
    const model = request.model ?? endpoint.chatModel;
    let shownPartial = false;
    let restarts = 0;
    const result = await this.gate.run(
      async (ctx) => {
        if (ctx.attempt === 1) events.onProvider?.(endpoint.id, false);
        this.mayBeSent();
        const meter = new AttemptMeter(endpoint.id, 'chat', model, chatPromptTokens(request.messages));
        const answer = await client
          .streamChat(
            { ...request, model },
            {
              signal: ctx.signal,
              onSend: ctx.sent,
              onContent: (delta) => {
                shownPartial = true;
                meter.streamed(delta);
                events.onContent?.(delta);
              },
              onReasoning: (delta) => {
                shownPartial = true;
                meter.streamed(delta);
                events.onReasoning?.(delta);
              },
            },
          )
          .catch((error: unknown) => this.billFailure(meter, error));
        this.billed.fire(
          meter.answered(answer.model, answer.usage, answer.text.length + answer.reasoning.length),
        );
        ctx.reportHints(answer.hints);
        return answer;
      },
      {
        cls: 'chat',
        signal: events.signal,
        deadlineMs: events.deadlineMs,
        onWait: events.onWait,
        onRetry: ({ attempt, error }) => {
          if (!shownPartial) return;
          // The next attempt streams the answer from the start: the caller drops what it showed.
          shownPartial = false;
          restarts++;
          events.onRestart?.({ providerId: endpoint.id, attempt, error });
        },
      },
    );
    if (result.usage) this.gate.recordUsage(result.usage);
    return {
      text: result.text,
      reasoning: result.reasoning,
      usage: result.usage,
      providerId: endpoint.id,
      model: result.model,
      finishReason: result.finishReason,
      restarts,
    };
  }

  // `onWait` (a seam for the router): tells a caller its completion is waiting (queued, cooling
  // down) rather than in flight, so a router can move it elsewhere without aborting a live request.
  complete(
    request: FimRequest,
    requestOptions: RequestOptions & Pick<ChatEvents, 'onWait'> = {},
  ): Promise<CompletionResult> {
    const { endpoint, client, gate } = this;
    const model = request.model ?? endpoint.completionModel;
    // Not async: thousands of completions may wait at once, and each suspended frame costs memory.
    return gate
      .run(
        (ctx) => {
          this.mayBeSent();
          const prompt = estimateTokens(request.prompt.length + request.suffix.length);
          const meter = new AttemptMeter(endpoint.id, 'completion', model, prompt);
          const onSend = () => ctx.sent();
          return client.fim({ ...request, model }, { signal: ctx.signal, onSend }).then(
            (result) => {
              this.billed.fire(meter.answered(result.model, result.usage, result.text.length));
              ctx.reportHints(result.hints);
              return result;
            },
            (error: unknown) => this.billFailure(meter, error),
          );
        },
        { cls: 'completion', signal: requestOptions.signal, deadlineMs: requestOptions.deadlineMs },
      )
      .then((answer: FimAttemptResult) => {
        if (answer.usage) gate.recordUsage(answer.usage);
        return { text: answer.text, usage: answer.usage, providerId: endpoint.id, model: answer.model };
      });
  }

  /** The gate's queue, limit, cooldown and counters. */
  snapshot(): GateSnapshot {
    return this.gate.snapshot();
  }

  onDidChange(listener: () => void): IDisposable {
    return this.gate.onDidChange(listener);
  }

  /**
   * Asked right before each attempt is sent (after any queue or cooldown wait): an error stops it
   * unsent. The router refuses a paid provider here once the daily limit is reached, so requests
   * that waited through the crossing do not add to the overshoot.
   */
  setSendCheck(check: (() => PacerError | undefined) | undefined): void {
    this.sendCheck = check;
  }

  /** Whether a failed attempt of this class may be retried here (the router says no when it can move it). */
  setRetryGuard(guard: RetryGuard | undefined): void {
    this.gate.setRetryGuard(guard);
  }

  /** New bounds for the learned concurrency (the current limit stays) and completion attempts. */
  tune(options: { maxConcurrency: number; completionAttempts: number }): void {
    this.gate.configure({
      // configure() needs both bounds; the current learned limit stays as it is.
      initialConcurrency: this.gate.snapshot().limit,
      maxConcurrency: options.maxConcurrency,
      policies: { completion: { maxAttempts: options.completionAttempts } },
    });
  }

  /** Ends a cooldown now: a probe says the provider answers again, or the user switched to it. */
  endCooldown(): void {
    this.gate.clearCooldown();
  }

  /** `GET /models` outside the queue and cooldown: does the provider answer? */
  probe(signal?: AbortSignal): Promise<string[]> {
    return this.gate.probe((probeSignal) => this.client.listModels(probeSignal), signal);
  }

  /** After a 402: can the account pay again? `undefined` when the provider cannot say. */
  balanceAvailable(signal?: AbortSignal): Promise<boolean | undefined> {
    return this.gate.probe((probeSignal) => this.client.balanceAvailable(probeSignal), signal);
  }

  private mayBeSent(): void {
    const refusal = this.sendCheck?.();
    if (refusal) throw refusal;
  }

  /** Bills a failed attempt that the provider had received, then rethrows. */
  private billFailure(meter: AttemptMeter, error: unknown): never {
    const record = PacerError.is(error) ? meter.stopped(error) : undefined;
    if (record) this.billed.fire(record);
    throw error;
  }
}

/** Kept for callers that build one service by hand (tests, the bench). */
export function createProviderService(
  endpoint: ProviderEndpoint,
  options: ProviderServiceOptions = {},
): ProviderService {
  return new ProviderService(endpoint, options);
}
