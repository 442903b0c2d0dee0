// How a chat request fails over: it stays through short cooldowns and moves when its provider is
// rate-limited for longer than `failoverAfterMs`, goes down or needs the user while the request
// waits, or when the user asks ("Use ⟨alternative⟩ now"). A moved chat completes elsewhere: the
// caller is told to drop any partial text, nothing is lost.
import { isAbandoned, PacerError } from '../common/errors';
import type { IDisposable } from '../common/lifecycle';
import { providerMessages } from '../common/messages/providers';
import { DisposableStore } from '../common/lifecycle';
import type { FailoverDeps, FailoverPolicy, Hop } from './failoverLoop';
import type { ChatEvents, ChatRequest, ChatResult, RequestOptions, WaitInfo } from './modelService';
import { deadlineError, notRunningError } from './routerErrors';
import { shouldMoveChat } from './routing';

/** Provider hops one chat request may make (each a full try on one provider) before giving up. */
const MAX_CHAT_HOPS = 6;

export class ChatPolicy implements FailoverPolicy<ChatResult> {
  readonly cls = 'chat';
  readonly roundHops = MAX_CHAT_HOPS;
  readonly deadlineMs: number;
  private shownPartial = false;
  private restarts = 0;
  /** The current hop's check: move when its provider went down while the request waits. */
  private moveIfDownWhileWaiting = () => {};
  /** The current hop's move for a cooldown longer than `failoverAfterMs`. */
  private moveIfRateLimited: (untilMs: number) => void = () => {};

  constructor(
    private readonly deps: FailoverDeps,
    private readonly request: ChatRequest,
    private readonly options: RequestOptions & ChatEvents,
  ) {
    this.deadlineMs = options.deadlineMs ?? deps.settings().chatDeadlineMs;
  }

  pastDeadline(lastError: PacerError | undefined): PacerError {
    return lastError ?? deadlineError('chat', this.deadlineMs);
  }

  begin(hop: Hop): IDisposable {
    const { deps, options } = this;
    const { member, scope } = hop;
    const now = () => deps.clock.now();
    if (hop.isFallback) deps.log.info(`chat → ${member.info.label} (fallback)`);
    options.onProvider?.(member.id, hop.isFallback);
    const moveIfBetterElsewhere = (reason: string) => {
      if (scope.moved || deps.settings().providers.routing === 'pinned') return;
      // A provider tried earlier counts again once usable (its long cooldown may be short now);
      // only those no wait can fix are out.
      if (!deps.picker.hasUsableAlternative('chat', hop.hopeless, member.id)) return;
      scope.move(
        new PacerError({
          kind: 'unavailable',
          providerId: member.id,
          message: providerMessages.chatMoved(member.info.label, reason),
        }),
      );
    };
    // Only a request that is WAITING on this provider (cooling down, sleeping before a retry) is
    // moved when the provider goes down; one in flight may still answer and is left alone.
    const moveIfDownWhileWaiting = () => {
      const h = member.health();
      if (!scope.isWaiting(now())) return;
      if (h.kind === 'down') moveIfBetterElsewhere('is down');
      else if (h.kind === 'needsKey' || h.kind === 'noBalance') moveIfBetterElsewhere('needs the user');
    };
    this.moveIfDownWhileWaiting = moveIfDownWhileWaiting;
    this.moveIfRateLimited = (untilMs) =>
      moveIfBetterElsewhere(`is rate-limited for ${Math.ceil((untilMs - now()) / 1000)} s`);
    const watch = new DisposableStore();
    watch.add(member.service.onDidChange(moveIfDownWhileWaiting));
    // A probe may open the circuit while the request waits out a cooldown: move at once.
    watch.add(deps.onDidChange(moveIfDownWhileWaiting));
    if (options.reroute)
      watch.add(
        options.reroute.onDidTrigger(() => {
          if (scope.isWaiting(now())) moveIfBetterElsewhere('was skipped at your request');
        }),
      );
    return watch;
  }

  attempt(hop: Hop): Promise<ChatResult> {
    const { deps, options } = this;
    const { member, scope } = hop;
    return member.service.chat(
      { ...this.request, model: member.modelFor('chat', this.request.model) },
      {
        signal: scope.signal,
        deadlineMs: hop.remainingMs,
        onContent: (delta) => {
          this.shownPartial = true;
          scope.noteStarted();
          options.onContent?.(delta);
        },
        onReasoning: (delta) => {
          this.shownPartial = true;
          scope.noteStarted();
          options.onReasoning?.(delta);
        },
        onRestart: (info) => {
          this.shownPartial = false;
          this.restarts++;
          options.onRestart?.(info);
        },
        onWait: (info: WaitInfo) => {
          scope.noteWait(info);
          if (options.onWait) {
            const alternative = deps.picker.chatFallbackLabel(info.providerId);
            options.onWait(alternative ? { ...info, alternative } : info);
          }
          if (info.reason === 'retrying' && info.error) member.observe({ ok: false, kind: info.error.kind });
          if (
            info.reason === 'rateLimited' &&
            shouldMoveChat(info.untilMs, deps.clock.now(), deps.settings().failoverAfterMs)
          ) {
            this.moveIfRateLimited(info.untilMs ?? 0);
          } else {
            this.moveIfDownWhileWaiting();
          }
        },
      },
    );
  }

  succeeded(hop: Hop, result: ChatResult, latencyMs: number): ChatResult {
    // Cost was counted per attempt as the provider billed it (onDidBill), stopped ones included.
    hop.member.observe({ ok: true, requestClass: 'chat', latencyMs });
    return { ...result, restarts: result.restarts + this.restarts };
  }

  ends(hop: Hop, error: PacerError): PacerError | undefined {
    if (this.deps.settings().providers.routing === 'pinned')
      // What a pinned provider's failure tells the user: where it is and what to do.
      return error.kind === 'network' ? notRunningError(hop.member.info, error) : error;
    return isAbandoned(error.kind) || error.kind === 'badRequest' ? error : undefined;
  }

  left(hop: Hop, error: PacerError): void {
    if (this.shownPartial) {
      // The next provider answers from the start: the caller drops the partial text.
      this.shownPartial = false;
      this.restarts++;
      this.options.onRestart?.({ providerId: hop.member.id, attempt: hop.number + 1, error });
    }
    this.deps.log.info(`chat left ${hop.member.info.label}: ${error.message}`);
  }
}
