// The chat panel's controller, free of VS Code: it owns the current conversation, runs one answer
// at a time through the ModelService (the gate, at chat priority), turns the gate's events into
// protocol messages for the webview, and keeps the store up to date. The VS Code view provider
// only forwards validated webview messages here and posts what comes back.
import {
  LIMITS,
  type ContextKind,
  type ContextRef,
  type ErrorView,
  type HostMessage,
  type MessageStatus,
  type ModelOption,
  type WebviewMessage,
} from '../common/chatProtocol';
import type { Clock, TimerHandle } from '../common/clock';
import { PacerError } from '../common/errors';
import { RerouteToken } from '../providers/rerouteToken';
import type { ChatMessage, ModelService, RestartInfo, WaitInfo } from '../providers/modelService';
import {
  addTurn,
  appendDelta,
  finishAnswer,
  newConversation,
  restartAnswer,
  takeForRetry,
  toView,
  toViewMessage,
  type ContextItem,
  type Conversation,
  type StoredMessage,
} from './conversation';
import type { ConversationStore } from './conversationStore';
import type { StoreProblem } from './storeProblems';
import { toErrorView } from './errorView';
import { contextTokensFor, promptBudget } from './contextBudget';
import { preparePrompt } from './prompt';
import { providerLabel } from './providerLabel';
import { plainWhy } from '../common/waitText';
import { clip } from '../common/schema';

/** Said while rate-limited with nowhere to move: a fallback is the way out users miss. */
const NO_FALLBACK_HINT =
  "No other provider can take this now. Add an OpenRouter or OpenAI key ('Pacer: Set API Key') or start a local server (Ollama, LM Studio) to have a fallback.";

export interface ChatContextSource {
  /** The chips to show now. */
  chips(): ContextRef[];
  /** Kinds the user removed and may add back. */
  addable(): ContextKind[];
  /** The content behind the chips shown now, read at send time. */
  snapshot(): Promise<ContextItem[]>;
}

export interface ChatDefaults {
  model: string;
  thinking: boolean;
  deadlineMs: number;
}

/**
 * The seam to the router's failover. `label` names the provider a waiting chat would move to (or
 * undefined when none is ready); `useNow` moves waiting chat work off `providerId` at once.
 */
export interface ChatFallbackHook {
  label(providerId: string): string | undefined;
  useNow(providerId: string): void;
}

export interface ChatSessionOptions {
  models: ModelService;
  store: ConversationStore;
  post(message: HostMessage): void;
  context: ChatContextSource;
  defaults(): ChatDefaults;
  modelOptions(): ModelOption[];
  fallback?: ChatFallbackHook;
  clock: Clock;
  newId?: () => string;
  /** The context window of a chat model, in tokens (contextBudget.ts's table by default). */
  contextTokens?: (model: string) => number;
  /**
   * Whether a file is excluded now: checked for every prompt (first send, follow-up, retry), so
   * stored context of a file excluded since it was attached is not sent again.
   */
  isExcluded?: (path: string) => boolean;
  /** Streamed tokens are gathered this long into one delta message (one frame at 60 Hz). */
  coalesceMs?: number;
  log?: { warn(message: string): void; error(message: string, error?: unknown): void };
}

interface Run {
  conv: Conversation;
  user: StoredMessage;
  answer: StoredMessage;
  messages: ChatMessage[];
  /** What the prompt left out, kept in the answer's note whatever else the note says. */
  promptNote?: string;
  abort: AbortController;
  /** Sequence number of the next delta message. */
  seq: number;
  content: string;
  reasoning: string;
  timer?: TimerHandle;
  waitingOn?: string;
  reroute: RerouteToken;
  done: Promise<void>;
}

export class ChatSession {
  private conv!: Conversation;
  private run?: Run;
  // The last turn's whole life, including the save and the turnEnd after `run` is cleared.
  private lastTurn: Promise<void> = Promise.resolve();
  private readonly ready: Promise<void>;
  private readonly newId: () => string;
  private disposed = false;
  private readonly stopListening: () => void;

  constructor(private readonly opts: ChatSessionOptions) {
    this.newId = opts.newId ?? (() => globalThis.crypto.randomUUID());
    this.stopListening = opts.store.onProblem((p) => this.postStorage(p));
    this.ready = this.start();
  }

  private async start(): Promise<void> {
    await this.opts.store.load();
    const id = this.opts.store.currentId();
    const stored = id === undefined ? undefined : await this.opts.store.get(id);
    this.conv = stored ?? this.blank();
    this.opts.store.setCurrent(this.conv.id);
  }

  /** Resolves once the stored conversation is loaded. */
  whenReady(): Promise<void> {
    return this.ready;
  }

  /** The answer in progress, if any (tests and the view provider's Stop command). */
  get streaming(): boolean {
    return this.run !== undefined;
  }

  /** Resolves when the answer in progress (if any) has ended. */
  async idle(): Promise<void> {
    await this.lastTurn;
  }

  async handle(msg: WebviewMessage): Promise<void> {
    await this.ready;
    if (this.disposed) return;
    switch (msg.type) {
      case 'ready':
      case 'requestState':
        return this.postInit();
      case 'send':
        return this.send(msg.text);
      case 'stop':
        return this.stop();
      case 'retry':
        return this.retry(msg.messageId);
      case 'newChat':
        return this.newChat();
      case 'openConversation':
        return this.open(msg.id);
      case 'deleteConversation':
        return this.delete(msg.id);
      case 'setModel':
        return this.setModel(msg.model, msg.thinking);
      case 'useFallbackNow':
        return this.useFallbackNow();
      default:
        // Context, clipboard, editor and command messages belong to the VS Code side.
        return undefined;
    }
  }

  postInit(): void {
    const run = this.run;
    let streaming: { messageId: string; seq: number } | undefined;
    if (run && run.conv === this.conv) {
      // The full text so far goes out with init, so tokens gathered for the next delta must not
      // be sent a second time.
      this.cancelFlush(run);
      run.content = '';
      run.reasoning = '';
      streaming = { messageId: run.answer.id, seq: run.seq };
    }
    this.opts.post({
      type: 'init',
      conversation: toView(this.conv),
      history: this.opts.store.list(),
      chips: this.opts.context.chips(),
      addable: this.opts.context.addable(),
      models: this.modelOptions(),
      ...(streaming ? { streaming } : {}),
    });
    const problem = this.opts.store.problem();
    if (problem) this.postStorage(problem);
  }

  async send(text: string): Promise<void> {
    if (this.run) {
      this.opts.post({
        type: 'notice',
        text: 'An answer is still streaming: stop it before sending another.',
      });
      return;
    }
    if (!text.trim()) return;
    if (this.conv.messages.length + 2 > LIMITS.messages) {
      this.opts.post({
        type: 'notice',
        text: 'This chat is as long as a chat can get: start a new chat to go on.',
      });
      return;
    }
    let context: ContextItem[] = [];
    try {
      context = await this.opts.context.snapshot();
    } catch (e) {
      this.opts.log?.warn(`Reading the editor context failed: ${String(e)}`);
    }
    if (this.run || this.disposed) return;
    const now = this.opts.clock.now();
    const { user, assistant } = addTurn(this.conv, {
      userId: this.newId(),
      assistantId: this.newId(),
      text,
      context,
      nowMs: now,
    });
    const prompt = this.prompt(assistant);
    this.opts.post({ type: 'turnStart', user: toViewMessage(user), assistant: toViewMessage(assistant) });
    void this.opts.store.save(this.conv);
    this.opts.post({ type: 'history', items: this.opts.store.list() });
    this.begin(user, assistant, prompt);
  }

  async retry(messageId: string): Promise<void> {
    if (this.run) return;
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
    this.opts.post({ type: 'conversation', conversation: toView(this.conv) });
    void this.opts.store.save(this.conv);
    this.begin(user, answer, prompt);
  }

  stop(): void {
    this.run?.abort.abort(new PacerError({ kind: 'cancelled', message: 'Stopped by the user.' }));
  }

  async newChat(): Promise<void> {
    await this.stopAndWait();
    if (this.conv.messages.length === 0) {
      this.opts.post({ type: 'focusInput' });
      return;
    }
    this.conv = this.blank();
    this.opts.store.setCurrent(this.conv.id);
    this.opts.post({ type: 'conversation', conversation: toView(this.conv) });
    this.opts.post({ type: 'focusInput' });
  }

  async open(id: string): Promise<void> {
    if (id === this.conv.id) return;
    const conv = await this.opts.store.get(id);
    if (!conv) {
      this.opts.post({
        type: 'notice',
        text: 'That chat could not be opened; it was removed from the list.',
      });
      this.opts.post({ type: 'history', items: this.opts.store.list() });
      return;
    }
    await this.stopAndWait();
    this.conv = conv;
    this.opts.store.setCurrent(conv.id);
    this.opts.post({ type: 'conversation', conversation: toView(conv) });
  }

  async delete(id: string): Promise<void> {
    if (id === this.conv.id) {
      await this.stopAndWait();
      await this.opts.store.delete(id);
      this.conv = this.blank();
      this.opts.store.setCurrent(this.conv.id);
      this.opts.post({ type: 'conversation', conversation: toView(this.conv) });
    } else {
      await this.opts.store.delete(id);
    }
    this.opts.post({ type: 'history', items: this.opts.store.list() });
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
    const waitingOn = this.run?.waitingOn;
    if (waitingOn === undefined) return;
    if (this.opts.fallback) this.opts.fallback.useNow(waitingOn);
    else this.run?.reroute.trigger();
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.stopListening();
    await this.stopAndWait();
    await this.opts.store.flush();
  }

  private blank(): Conversation {
    const d = this.opts.defaults();
    return newConversation(this.newId(), this.opts.clock.now(), clip(d.model, LIMITS.model), d.thinking);
  }

  /** The choices the panel can show: labels cut to fit, ids it could not send back left out. */
  private modelOptions(): ModelOption[] {
    return this.opts
      .modelOptions()
      .filter((m) => m.id.length <= LIMITS.model)
      .map((m) => ({ id: m.id, label: clip(m.label, LIMITS.label) }));
  }

  /** Tells the panel that chats cannot be read or saved, and what to do; or that it works again. */
  private postStorage(problem: StoreProblem | undefined): void {
    const detail = clip(problem?.detail ?? '', 600);
    const text = !problem
      ? ''
      : problem.kind === 'save'
        ? `Chats are not being saved (${detail}). This chat stays open and is saved once saving works again; closing the window before that loses it. Check free disk space and write permission for Pacer's storage folder (its path is in the log: run "Pacer: Show Log").`
        : `Some past chats could not be read (${detail}), so they are not in the list. Their files are kept as they are in Pacer's storage folder; the log (run "Pacer: Show Log") names them.`;
    this.opts.post({ type: 'storageNotice', problem: problem?.kind ?? 'none', text });
  }

  private async stopAndWait(): Promise<void> {
    this.stop();
    await this.lastTurn;
  }

  /**
   * The messages for `answer`, within the model's context budget and without files excluded
   * since; what was left out becomes the answer's note, so the user sees it from the start.
   */
  private prompt(answer: StoredMessage): { messages: ChatMessage[]; note?: string } {
    const conv = this.conv;
    const contextTokens = (this.opts.contextTokens ?? contextTokensFor)(conv.model);
    const built = preparePrompt(conv, answer.id, {
      budgetTokens: promptBudget(contextTokens, conv.thinking),
      ...(this.opts.isExcluded ? { isExcluded: this.opts.isExcluded } : {}),
    });
    if (built.leftOut === undefined) return { messages: built.messages };
    answer.note = built.leftOut;
    return { messages: built.messages, note: built.leftOut };
  }

  private begin(
    user: StoredMessage,
    answer: StoredMessage,
    prompt: { messages: ChatMessage[]; note?: string },
  ): void {
    const run: Run = {
      conv: this.conv,
      user,
      answer,
      messages: prompt.messages,
      ...(prompt.note !== undefined ? { promptNote: prompt.note } : {}),
      abort: new AbortController(),
      seq: 0,
      content: '',
      reasoning: '',
      reroute: new RerouteToken(),
      done: Promise.resolve(),
    };
    this.run = run;
    run.done = this.execute(run).catch((e: unknown) => this.opts.log?.error('Chat turn crashed', e));
    this.lastTurn = run.done;
  }

  private async execute(run: Run): Promise<void> {
    const { conv, answer } = run;
    const defaults = this.opts.defaults();
    const live = () => this.run === run && !run.abort.signal.aborted;
    let status: Exclude<MessageStatus, 'streaming'> = 'done';
    let error: ErrorView | undefined;
    try {
      const pending = this.opts.models.chat(
        { messages: run.messages, model: conv.model, thinking: conv.thinking },
        {
          signal: run.abort.signal,
          reroute: run.reroute,
          deadlineMs: defaults.deadlineMs,
          onContent: (delta) => {
            if (live()) this.onTokens(run, delta, '');
          },
          onReasoning: (delta) => {
            if (live()) this.onTokens(run, '', delta);
          },
          onWait: (info) => {
            if (live()) this.onWait(run, info);
          },
          onRestart: (info) => {
            if (live()) this.onRestart(run, info);
          },
          onProvider: (providerId, isFallback) => {
            if (!live()) return;
            answer.provider = providerLabel(providerId);
            answer.isFallback = isFallback;
            this.opts.post({ type: 'provider', messageId: answer.id, provider: answer.provider, isFallback });
          },
        },
      );
      // Stop must end the turn at once even if a provider is slow to honour the signal.
      pending.catch(() => undefined);
      const stopped = new Promise<never>((_, reject) => {
        if (run.abort.signal.aborted) reject(run.abort.signal.reason);
        run.abort.signal.addEventListener('abort', () => reject(run.abort.signal.reason), { once: true });
      });
      stopped.catch(() => undefined);
      const result = await Promise.race([pending, stopped]);
      if (run.abort.signal.aborted) throw run.abort.signal.reason;
      // An answer served whole (from the cache, or by a provider that does not stream) arrives
      // only in the result: deliver what the deltas did not.
      if (result.text !== answer.text) {
        if (result.text.startsWith(answer.text)) {
          this.onTokens(run, result.text.slice(answer.text.length), '');
        } else {
          this.replaceAnswer(
            run,
            'The answer was replaced by the complete text the provider sent at the end.',
          );
          this.onTokens(run, result.text, '');
        }
      }
      // A local server may report a file path as its model: the panel shows the end of it.
      answer.model = clip(result.model, LIMITS.label);
      if (!answer.provider) answer.provider = providerLabel(result.providerId);
    } catch (e) {
      if (run.abort.signal.aborted) {
        status = 'stopped';
      } else {
        status = 'error';
        error = toErrorView(e);
        this.opts.log?.warn(`Chat answer failed: ${error.kind}: ${error.message}`);
      }
    } finally {
      this.flush(run);
      if (this.run === run) this.run = undefined;
    }
    finishAnswer(conv, answer, status, this.opts.clock.now(), error);
    await this.opts.store.save(conv);
    if (conv !== this.conv) return;
    this.opts.post({
      type: 'turnEnd',
      messageId: answer.id,
      status,
      ...(error ? { error } : {}),
      ...(status !== 'done' ? { restoreInput: run.user.text } : {}),
    });
    this.opts.post({ type: 'history', items: this.opts.store.list() });
  }

  private onTokens(run: Run, content: string, reasoning: string): void {
    if (!content && !reasoning) return;
    // Past the protocol's size limit the answer could neither be shown nor stored: end it there.
    const room = LIMITS.text - Math.max(run.answer.text.length, run.answer.reasoning?.length ?? 0);
    if (content.length > room || reasoning.length > room) {
      content = content.slice(0, Math.max(0, room));
      reasoning = reasoning.slice(0, Math.max(0, room));
      run.answer.note = this.withPromptNote(
        run,
        'The answer reached the longest length the panel keeps and was cut off.',
      );
      run.abort.abort(new PacerError({ kind: 'cancelled', message: 'The answer is too long.' }));
    }
    appendDelta(run.answer, content, reasoning);
    run.content += content;
    run.reasoning += reasoning;
    run.waitingOn = undefined;
    this.opts.store.saveSoon(run.conv);
    const coalesceMs = this.opts.coalesceMs ?? 16;
    if (coalesceMs <= 0 || run.content.length + run.reasoning.length > 32_000) this.flush(run);
    else if (run.timer === undefined)
      run.timer = this.opts.clock.setTimeout(() => this.flush(run), coalesceMs);
  }

  private flush(run: Run): void {
    this.cancelFlush(run);
    // Pieces stay under the protocol's delta limit even when a whole answer arrives at once.
    const piece = LIMITS.delta / 2;
    while (run.content || run.reasoning) {
      const msg: HostMessage = { type: 'delta', messageId: run.answer.id, seq: run.seq++ };
      if (run.content) msg.content = run.content.slice(0, piece);
      if (run.reasoning) msg.reasoning = run.reasoning.slice(0, piece);
      run.content = run.content.slice(piece);
      run.reasoning = run.reasoning.slice(piece);
      if (run.conv === this.conv) this.opts.post(msg);
    }
  }

  private cancelFlush(run: Run): void {
    if (run.timer !== undefined) {
      this.opts.clock.clearTimeout(run.timer);
      run.timer = undefined;
    }
  }

  private onWait(run: Run, info: WaitInfo): void {
    this.flush(run);
    run.waitingOn = info.providerId;
    const provider = providerLabel(info.providerId);
    const fallback = this.opts.fallback ? this.opts.fallback.label(info.providerId) : info.alternative;
    this.opts.post({
      type: 'wait',
      messageId: run.answer.id,
      reason: info.reason,
      provider,
      attempt: info.attempt,
      ...(info.untilMs !== undefined
        ? { delayMs: Math.max(0, Math.round(info.untilMs - this.opts.clock.now())) }
        : {}),
      ...(info.error && info.reason === 'retrying'
        ? { why: plainWhy(info.error.kind, info.error.message), detail: info.error.message.slice(0, 300) }
        : {}),
      ...(fallback ? { fallback } : {}),
      ...(!fallback && info.reason === 'rateLimited' ? { hint: NO_FALLBACK_HINT } : {}),
    });
  }

  private onRestart(run: Run, info: RestartInfo): void {
    const who = providerLabel(info.providerId);
    this.replaceAnswer(
      run,
      `The answer from ${who} broke off (it ${plainWhy(info.error.kind, info.error.message)}) and was started again.`,
    );
  }

  private withPromptNote(run: Run, note: string): string {
    return run.promptNote === undefined ? note : `${note} ${run.promptNote}`.slice(0, 2_000);
  }

  private replaceAnswer(run: Run, note: string): void {
    note = this.withPromptNote(run, note);
    this.cancelFlush(run);
    run.content = '';
    run.reasoning = '';
    restartAnswer(run.answer, note);
    this.opts.post({ type: 'restart', messageId: run.answer.id, note });
  }
}
