// The chat panel's controller, free of VS Code: a thin composition of the conversation navigator
// (which chat is shown), the turn runner (one answer through the router), the presenter (state to
// panel messages) and the store. The VS Code side hands it the session's share of the webview's
// messages; everything it has to say goes out through `post`.
import { LIMITS, dispatch, type MessageHandlers } from '../common/chatProtocol';
import { Disposable } from '../common/lifecycle';
import { ChatNotices, StopReasons } from '../common/messages/chat';
import type { ChatMessage } from '../providers/modelService';
import { initMessage, storageMessage, conversationMessage, turnStartMessage } from './chatPresenter';
import { contextTokensFor } from './contextBudget';
import {
  addTurn,
  takeForRetry,
  type ContextItem,
  type Conversation,
  type StoredMessage,
} from './conversation';
import { ConversationNavigator } from './conversationNavigator';
import type { ChatSessionOptions, SessionMessage } from './chatSessionOptions';
import { promptForAnswer } from './prompt';
import { providerLabels, type ProviderLabels } from './providerLabel';
import { TurnRunner } from './turnRunner';

export class ChatSession extends Disposable {
  private readonly nav: ConversationNavigator;
  private turn: TurnRunner | undefined;
  // The last turn's whole life, including the save and the turnEnd after `turn` is cleared.
  private lastTurn: Promise<void> = Promise.resolve();
  private readonly ready: Promise<void>;
  private readonly newId: () => string;
  private readonly labels: ProviderLabels;
  private readonly handlers: MessageHandlers<SessionMessage, Promise<void> | void> = {
    ready: () => this.postInit(),
    requestState: () => this.postInit(),
    send: (m) => this.send(m.text),
    stop: () => this.stop(),
    retry: (m) => this.retry(m.messageId),
    newChat: () => this.newChat(),
    openConversation: (m) => this.nav.open(m.id),
    deleteConversation: (m) => this.nav.delete(m.id),
    setModel: (m) => this.setModel(m.model, m.thinking),
    useFallbackNow: () => this.useFallbackNow(),
  };

  constructor(private readonly opts: ChatSessionOptions) {
    super();
    this.newId = opts.newId ?? (() => globalThis.crypto.randomUUID());
    this.labels = providerLabels(opts.providers);
    this.nav = new ConversationNavigator({
      store: opts.store,
      clock: opts.clock,
      newId: this.newId,
      defaults: () => opts.defaults(),
      post: (m) => opts.post(m),
      leave: () => this.stopAndWait(),
    });
    this._register(opts.store.onProblem((p) => opts.post(storageMessage(p))));
    this.ready = this.nav.start();
  }

  /** The conversation shown now. */
  private get conv(): Conversation {
    return this.nav.current;
  }

  /** Resolves once the stored conversation is loaded. */
  whenReady(): Promise<void> {
    return this.ready;
  }

  /** The answer in progress, if any (tests and the view provider's Stop command). */
  get streaming(): boolean {
    return this.turn !== undefined;
  }

  /** Resolves when the answer in progress (if any) has ended. */
  async idle(): Promise<void> {
    await this.lastTurn;
  }

  async handle(msg: SessionMessage): Promise<void> {
    await this.ready;
    if (this.isDisposed) return;
    await dispatch(this.handlers, msg);
  }

  postInit(): void {
    const turn = this.turn;
    // The full text so far goes out with init; the stream goes on from there.
    const streaming = turn && turn.conv === this.conv ? turn.resync() : undefined;
    this.opts.post(
      initMessage({
        conv: this.conv,
        history: this.opts.store.list(),
        chips: this.opts.context.chips(),
        addable: this.opts.context.addable(),
        models: this.opts.modelOptions(),
        ...(streaming ? { streaming } : {}),
      }),
    );
    const problem = this.opts.store.problem();
    if (problem) this.opts.post(storageMessage(problem));
  }

  async send(text: string): Promise<void> {
    if (this.turn) {
      this.opts.post({ type: 'notice', text: ChatNotices.stillStreaming });
      return;
    }
    if (!text.trim()) return;
    if (this.conv.messages.length + 2 > LIMITS.messages) {
      this.opts.post({ type: 'notice', text: ChatNotices.chatFull });
      return;
    }
    let context: ContextItem[] = [];
    try {
      context = await this.opts.context.snapshot();
    } catch (e) {
      this.opts.log?.warn(`Reading the editor context failed: ${String(e)}`);
    }
    if (this.turn || this.isDisposed) return;
    const { user, assistant } = addTurn(this.conv, {
      userId: this.newId(),
      assistantId: this.newId(),
      text,
      context,
      nowMs: this.opts.clock.now(),
    });
    const prompt = this.prompt(assistant);
    this.opts.post(turnStartMessage(user, assistant));
    void this.opts.store.save(this.conv);
    this.nav.postHistory();
    this.begin(user, assistant, prompt);
  }

  async retry(messageId: string): Promise<void> {
    if (this.turn) return;
    const user = takeForRetry(this.conv, messageId);
    if (!user) return;
    // The failed answer leaves the view; the prompt is answered again under a fresh id.
    const answer: StoredMessage = {
      id: this.newId(),
      role: 'assistant',
      text: '',
      status: 'streaming',
      model: this.conv.model,
      createdMs: this.opts.clock.now(),
    };
    this.conv.messages.push(answer);
    const prompt = this.prompt(answer);
    this.opts.post(conversationMessage(this.conv));
    void this.opts.store.save(this.conv);
    this.begin(user, answer, prompt);
  }

  stop(): void {
    this.turn?.stop(StopReasons.user);
  }

  newChat(): Promise<void> {
    return this.nav.newChat();
  }

  setModel(model: string, thinking: boolean): void {
    if (!this.opts.modelOptions().some((m) => m.id === model)) {
      this.opts.log?.warn(`Ignoring unknown chat model from the panel: ${model}`);
      return;
    }
    this.conv.model = model;
    this.conv.thinking = thinking;
    if (this.conv.messages.length > 0) void this.opts.store.save(this.conv);
  }

  useFallbackNow(): void {
    const waitingOn = this.turn?.waitingOn;
    if (waitingOn === undefined) return;
    if (this.opts.fallback) this.opts.fallback.useNow(waitingOn);
    else this.turn?.rerouteNow();
  }

  /** Ends the turn in progress and writes every pending save (awaited on deactivate). */
  override async dispose(): Promise<void> {
    super.dispose();
    await this.stopAndWait();
    await this.opts.store.flush();
  }

  private async stopAndWait(): Promise<void> {
    this.stop();
    await this.lastTurn;
  }

  private prompt(answer: StoredMessage): { messages: ChatMessage[]; note?: string } {
    const contextTokens = (this.opts.contextTokens ?? contextTokensFor)(this.conv.model);
    return promptForAnswer(this.conv, answer, contextTokens, this.opts.isExcluded);
  }

  private begin(
    user: StoredMessage,
    answer: StoredMessage,
    prompt: { messages: ChatMessage[]; note?: string },
  ): void {
    const conv = this.conv;
    const turn = new TurnRunner(
      {
        conv,
        user,
        answer,
        messages: prompt.messages,
        ...(prompt.note !== undefined ? { promptNote: prompt.note } : {}),
      },
      {
        models: this.opts.models,
        store: this.opts.store,
        clock: this.opts.clock,
        labels: this.labels,
        // The router names the alternative with the wait; a test's hook may name its own.
        fallbackLabel: (info) =>
          this.opts.fallback ? this.opts.fallback.label(info.providerId) : info.alternative,
        deadlineMs: this.opts.defaults().deadlineMs,
        coalesceMs: this.opts.coalesceMs ?? 16,
        // A turn whose chat is no longer shown keeps storing, but the panel shows another chat.
        post: (m) => {
          if (this.conv === conv) this.opts.post(m);
        },
        onSettled: () => {
          if (this.turn === turn) this.turn = undefined;
        },
        ...(this.opts.log ? { log: this.opts.log } : {}),
      },
    );
    this.turn = turn;
    this.lastTurn = turn.start().finally(() => turn.dispose());
  }
}
