// One chat turn from send to end: asks the model service (the router, at chat priority) for the
// answer, streams it into the stored message and the panel, tells the panel about waits,
// restarts and the serving provider, and stores how the turn ended. Stop ends it at once.
import { LIMITS, type ErrorView, type HostMessage, type MessageStatus } from '../common/chatProtocol';
import type { Clock } from '../common/clock';
import { PacerError } from '../common/errors';
import { Disposable } from '../common/lifecycle';
import { AnswerNotes, StopReasons, plainWhy } from '../common/messages/chat';
import { clip } from '../common/schema';
import type { ChatMessage, ModelService, RestartInfo, WaitInfo } from '../providers/modelService';
import { RerouteToken } from '../providers/rerouteToken';
import { turnEndMessage, historyMessage, waitMessage } from './chatPresenter';
import {
  appendDelta,
  finishAnswer,
  restartAnswer,
  type Conversation,
  type StoredMessage,
} from './conversation';
import type { ConversationStore } from './conversationStore';
import { DeltaBatcher } from './deltaBatcher';
import { toErrorView } from './errorView';
import type { ProviderLabels } from './providerLabel';

export interface Turn {
  conv: Conversation;
  user: StoredMessage;
  answer: StoredMessage;
  messages: ChatMessage[];
  /** What the prompt left out, kept in the answer's note whatever else the note says. */
  promptNote?: string;
}

export interface TurnDeps {
  models: ModelService;
  store: Pick<ConversationStore, 'save' | 'saveSoon' | 'list'>;
  clock: Clock;
  labels: ProviderLabels;
  /** The provider this wait would move to with "Use ⟨fallback⟩ now", if any. */
  fallbackLabel(info: WaitInfo): string | undefined;
  deadlineMs: number;
  coalesceMs: number;
  /** Posts to the panel while the turn's conversation is the one it shows. */
  post(message: HostMessage): void;
  /** The answer stopped streaming (before its final save): a new prompt may start. */
  onSettled(): void;
  log?: ChatLog;
}

export interface ChatLog {
  warn(message: string): void;
  error(message: string, error?: unknown): void;
}

export class TurnRunner extends Disposable {
  private readonly abort = new AbortController();
  /** "Use ⟨fallback⟩ now": travels with the request; the router moves it if it is waiting. */
  private readonly reroute = this._register(new RerouteToken());
  private readonly batcher: DeltaBatcher;
  private settled = false;
  private waiting: string | undefined;
  constructor(
    private readonly turn: Turn,
    private readonly deps: TurnDeps,
  ) {
    super();
    this.batcher = this._register(
      new DeltaBatcher(turn.answer.id, deps.clock, deps.coalesceMs, (frame) => deps.post(frame)),
    );
  }

  /** Runs the turn; resolves when it has ended, been stored and reported. Never rejects. */
  start(): Promise<void> {
    return this.run().catch((e: unknown) => this.deps.log?.error('Chat turn crashed', e));
  }

  get conv(): Conversation {
    return this.turn.conv;
  }

  /** The provider the answer waits on now, if it waits. */
  get waitingOn(): string | undefined {
    return this.waiting;
  }

  /** "Use ⟨fallback⟩ now": the router moves the request if it is waiting at this moment. */
  rerouteNow(): void {
    this.reroute.trigger();
  }

  stop(reason: string = StopReasons.user): void {
    this.abort.abort(new PacerError({ kind: 'cancelled', message: reason }));
  }

  /**
   * The panel is about to get the whole text so far (init): tokens gathered for the next delta
   * must not go out a second time. Returns where the stream goes on.
   */
  resync(): { messageId: string; seq: number } {
    this.batcher.drop();
    return { messageId: this.turn.answer.id, seq: this.batcher.seq };
  }

  private live(): boolean {
    return !this.settled && !this.abort.signal.aborted;
  }

  private async run(): Promise<void> {
    const { conv, answer } = this.turn;
    const signal = this.abort.signal;
    let status: Exclude<MessageStatus, 'streaming'> = 'done';
    let error: ErrorView | undefined;
    try {
      const pending = this.deps.models.chat(
        { messages: this.turn.messages, model: conv.model, thinking: conv.thinking },
        {
          signal,
          reroute: this.reroute,
          deadlineMs: this.deps.deadlineMs,
          // Events that come after Stop (or after the end) change nothing.
          onContent: (delta) => {
            if (this.live()) this.onTokens(delta, '');
          },
          onReasoning: (delta) => {
            if (this.live()) this.onTokens('', delta);
          },
          onWait: (info) => {
            if (this.live()) this.onWait(info);
          },
          onRestart: (info) => {
            if (this.live()) this.onRestart(info);
          },
          onProvider: (providerId, isFallback) => {
            if (this.live()) this.onProvider(providerId, isFallback);
          },
        },
      );
      // Stop must end the turn at once even if a provider is slow to honour the signal.
      pending.catch(() => undefined);
      const stopped = new Promise<never>((_, reject) => {
        if (signal.aborted) reject(signal.reason);
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
      stopped.catch(() => undefined);
      const result = await Promise.race([pending, stopped]);
      if (signal.aborted) throw signal.reason;
      // An answer served whole (from the cache, or by a provider that does not stream) arrives
      // only in the result: deliver what the deltas did not.
      if (result.text !== answer.text) {
        if (result.text.startsWith(answer.text)) {
          this.onTokens(result.text.slice(answer.text.length), '');
        } else {
          this.replaceAnswer(AnswerNotes.replacedWhole);
          this.onTokens(result.text, '');
        }
      }
      // A local server may report a file path as its model: the panel shows the end of it.
      answer.model = clip(result.model, LIMITS.label);
      if (!answer.provider) answer.provider = this.deps.labels(result.providerId);
    } catch (e) {
      if (signal.aborted) {
        status = 'stopped';
      } else {
        status = 'error';
        error = toErrorView(e, this.deps.labels);
        this.deps.log?.warn(`Chat answer failed: ${error.kind}: ${error.message}`);
      }
    } finally {
      this.batcher.flush();
      this.settled = true;
      this.deps.onSettled();
    }
    finishAnswer(conv, answer, status, this.deps.clock.now(), error);
    await this.deps.store.save(conv);
    this.deps.post(turnEndMessage(answer.id, status, error, this.turn.user.text));
    this.deps.post(historyMessage(this.deps.store.list()));
  }

  private onTokens(content: string, reasoning: string): void {
    if (!content && !reasoning) return;
    const { answer } = this.turn;
    // Past the protocol's size limit the answer could neither be shown nor stored: end it there.
    const room = LIMITS.text - Math.max(answer.text.length, answer.reasoning?.length ?? 0);
    if (content.length > room || reasoning.length > room) {
      content = content.slice(0, Math.max(0, room));
      reasoning = reasoning.slice(0, Math.max(0, room));
      answer.note = this.withPromptNote(AnswerNotes.cutOff);
      this.stop(StopReasons.tooLong);
    }
    appendDelta(answer, content, reasoning);
    this.waiting = undefined;
    this.deps.store.saveSoon(this.turn.conv);
    this.batcher.add(content, reasoning);
  }

  private onProvider(providerId: string, isFallback: boolean): void {
    const { answer } = this.turn;
    answer.provider = this.deps.labels(providerId);
    answer.isFallback = isFallback;
    this.deps.post({ type: 'provider', messageId: answer.id, provider: answer.provider, isFallback });
  }

  private onWait(info: WaitInfo): void {
    this.batcher.flush();
    this.waiting = info.providerId;
    this.deps.post(
      waitMessage(this.turn.answer.id, info, {
        provider: this.deps.labels(info.providerId),
        fallback: this.deps.fallbackLabel(info),
        nowMs: this.deps.clock.now(),
      }),
    );
  }

  private onRestart(info: RestartInfo): void {
    const who = this.deps.labels(info.providerId);
    this.replaceAnswer(AnswerNotes.restarted(who, plainWhy(info.error.kind, info.error.message)));
  }

  private withPromptNote(note: string): string {
    const { promptNote } = this.turn;
    return promptNote === undefined ? note : `${note} ${promptNote}`.slice(0, 2_000);
  }

  private replaceAnswer(note: string): void {
    const { answer } = this.turn;
    note = this.withPromptNote(note);
    this.batcher.drop();
    restartAnswer(answer, note);
    this.deps.post({ type: 'restart', messageId: answer.id, note });
  }
}
