// Which conversation the panel shows, and moving between them: load the last one on start, start
// a new chat, open a past one, delete one. Leaving a conversation first ends its turn (`leave`).
import { LIMITS, type HostMessage } from '../common/chatProtocol';
import type { Clock } from '../common/clock';
import { ChatNotices } from '../common/messages/chat';
import { clip } from '../common/schema';
import { conversationMessage, historyMessage } from './chatPresenter';
import { newConversation, type Conversation } from './conversation';
import type { ConversationStore } from './conversationStore';

export interface NavigatorDeps {
  store: ConversationStore;
  clock: Clock;
  newId(): string;
  /** The model and thinking mode a new chat starts with. */
  defaults(): { model: string; thinking: boolean };
  post(message: HostMessage): void;
  /** Ends the turn in progress, if any, and resolves once it is stored. */
  leave(): Promise<void>;
}

export class ConversationNavigator {
  private conv!: Conversation;

  constructor(private readonly deps: NavigatorDeps) {}

  /** The conversation shown now (valid once `start` resolved). */
  get current(): Conversation {
    return this.conv;
  }

  async start(): Promise<void> {
    const { store } = this.deps;
    await store.load();
    const id = store.currentId();
    const stored = id === undefined ? undefined : await store.get(id);
    this.show(stored ?? this.blank());
  }

  async newChat(): Promise<void> {
    await this.deps.leave();
    if (this.conv.messages.length > 0) {
      this.show(this.blank());
      this.deps.post(conversationMessage(this.conv));
    }
    this.deps.post({ type: 'focusInput' });
  }

  async open(id: string): Promise<void> {
    if (id === this.conv.id) return;
    const conv = await this.deps.store.get(id);
    if (!conv) {
      this.deps.post({ type: 'notice', text: ChatNotices.cannotOpen });
      this.postHistory();
      return;
    }
    await this.deps.leave();
    this.show(conv);
    this.deps.post(conversationMessage(conv));
  }

  async delete(id: string): Promise<void> {
    if (id === this.conv.id) {
      await this.deps.leave();
      await this.deps.store.delete(id);
      this.show(this.blank());
      this.deps.post(conversationMessage(this.conv));
    } else {
      await this.deps.store.delete(id);
    }
    this.postHistory();
  }

  postHistory(): void {
    this.deps.post(historyMessage(this.deps.store.list()));
  }

  private show(conv: Conversation): void {
    this.conv = conv;
    this.deps.store.setCurrent(conv.id);
  }

  private blank(): Conversation {
    const d = this.deps.defaults();
    const now = this.deps.clock.now();
    return newConversation(this.deps.newId(), now, clip(d.model, LIMITS.model), d.thinking);
  }
}
