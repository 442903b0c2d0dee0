// Keeps conversations across window reloads. The storage behind it is a few JSON documents (an
// index plus one per conversation), so a long chat never rewrites the others, and everything read
// back is validated: a damaged file loses that one conversation, never the panel.
import { LIMITS, summaryParser, type ConversationSummary } from '../chatProtocol';
import type { Clock, TimerHandle } from '../clock';
import { conversationParser, recoverInterrupted, summarize, type Conversation } from './conversation';
import { arr, int, obj, opt, str } from './schema';

/** Raw JSON documents by name. The VS Code adapter writes files under the extension's storage. */
export interface ChatStorage {
  read(name: string): Promise<unknown>;
  write(name: string, value: unknown): Promise<void>;
  remove(name: string): Promise<void>;
}

export interface StoreIndex {
  version: 1;
  currentId?: string;
  items: ConversationSummary[];
}

const INDEX = 'index';
const docName = (id: string) => `chat-${id}`;
// Ids become file names: only allow what is safe everywhere.
const SAFE_ID = /^[A-Za-z0-9_-]{1,100}$/;

const indexParser = obj({
  version: int(1, 1),
  currentId: opt(str(LIMITS.id)),
  items: arr(summaryParser, LIMITS.history),
});

export interface StoreOptions {
  storage: ChatStorage;
  clock: Clock;
  /** Oldest conversations beyond this are deleted. */
  maxConversations?: number;
  /** Saves while an answer streams are at most this often. */
  throttleMs?: number;
  onError?: (message: string, error: unknown) => void;
}

export class ConversationStore {
  private index: StoreIndex = { version: 1, items: [] };
  private readonly cache = new Map<string, Conversation>();
  // One write chain per document, so two saves of the same file never interleave.
  private readonly chains = new Map<string, Promise<void>>();
  private readonly pendingSaves = new Map<string, TimerHandle>();
  private loaded = false;

  constructor(private readonly opts: StoreOptions) {}

  async load(): Promise<void> {
    if (this.loaded) return;
    this.loaded = true;
    try {
      const raw = await this.opts.storage.read(INDEX);
      if (raw !== undefined) {
        const index = indexParser(raw, 'index');
        this.index = { version: 1, items: index.items.filter((s) => SAFE_ID.test(s.id)) };
        if (index.currentId !== undefined) this.index.currentId = index.currentId;
        this.sortIndex();
      }
    } catch (e) {
      this.opts.onError?.('Chat history index is unreadable; starting a new one', e);
    }
  }

  list(): ConversationSummary[] {
    return this.index.items.map((s) => ({ ...s }));
  }

  currentId(): string | undefined {
    return this.index.currentId;
  }

  setCurrent(id: string): void {
    if (this.index.currentId === id) return;
    this.index.currentId = id;
    this.enqueue(INDEX, () => this.opts.storage.write(INDEX, this.index));
  }

  /** The conversation with this id, or undefined when unknown or unreadable. */
  async get(id: string): Promise<Conversation | undefined> {
    const cached = this.cache.get(id);
    if (cached) return cached;
    if (!SAFE_ID.test(id) || !this.index.items.some((s) => s.id === id)) return undefined;
    try {
      await this.chains.get(docName(id));
      const raw = await this.opts.storage.read(docName(id));
      if (raw === undefined) throw new Error('missing file');
      const conv = conversationParser(raw, 'conversation');
      if (conv.id !== id) throw new Error('id does not match its file');
      if (recoverInterrupted(conv)) this.save(conv);
      this.cache.set(id, conv);
      return conv;
    } catch (e) {
      this.opts.onError?.(`Chat ${id} could not be read; it is dropped from the history`, e);
      this.dropFromIndex(id);
      return undefined;
    }
  }

  /** Writes now (well, on the document's write chain). Empty conversations are not kept. */
  save(conv: Conversation): Promise<void> {
    if (!SAFE_ID.test(conv.id)) throw new Error(`unsafe conversation id ${conv.id}`);
    this.cancelPending(conv.id);
    this.cache.set(conv.id, conv);
    if (conv.messages.length === 0) return Promise.resolve();
    const summary = summarize(conv);
    const i = this.index.items.findIndex((s) => s.id === conv.id);
    if (i >= 0) this.index.items[i] = summary;
    else this.index.items.push(summary);
    this.sortIndex();
    const evicted = this.index.items.splice(this.opts.maxConversations ?? 200);
    for (const e of evicted) this.removeDocument(e.id);
    // Serialise at write time, not now: a throttled save must see the latest text.
    const doc = this.enqueue(docName(conv.id), () => this.opts.storage.write(docName(conv.id), conv));
    const index = this.enqueue(INDEX, () => this.opts.storage.write(INDEX, this.index));
    return Promise.all([doc, index]).then(() => undefined);
  }

  /** Saves later (during streaming): at most once per throttle window per conversation. */
  saveSoon(conv: Conversation): void {
    this.cache.set(conv.id, conv);
    if (this.pendingSaves.has(conv.id)) return;
    const handle = this.opts.clock.setTimeout(() => {
      this.pendingSaves.delete(conv.id);
      void this.save(conv);
    }, this.opts.throttleMs ?? 1_000);
    this.pendingSaves.set(conv.id, handle);
  }

  async delete(id: string): Promise<void> {
    // The id comes from the webview: never let it name a file outside the chats folder.
    if (!SAFE_ID.test(id)) return;
    this.cancelPending(id);
    this.dropFromIndex(id);
    this.removeDocument(id);
    await this.chains.get(docName(id));
    await this.chains.get(INDEX);
  }

  /** Resolves when every write started so far has finished (tests, deactivation). */
  async flush(): Promise<void> {
    for (const [id, handle] of [...this.pendingSaves]) {
      this.opts.clock.clearTimeout(handle);
      this.pendingSaves.delete(id);
      const conv = this.cache.get(id);
      if (conv) void this.save(conv);
    }
    await Promise.all([...this.chains.values()]);
  }

  dispose(): void {
    for (const handle of this.pendingSaves.values()) this.opts.clock.clearTimeout(handle);
    this.pendingSaves.clear();
  }

  private dropFromIndex(id: string): void {
    this.cache.delete(id);
    const before = this.index.items.length;
    this.index.items = this.index.items.filter((s) => s.id !== id);
    if (this.index.currentId === id) delete this.index.currentId;
    if (this.index.items.length !== before || this.index.currentId === undefined) {
      this.enqueue(INDEX, () => this.opts.storage.write(INDEX, this.index));
    }
  }

  private removeDocument(id: string): void {
    this.cache.delete(id);
    this.enqueue(docName(id), () => this.opts.storage.remove(docName(id)));
  }

  private cancelPending(id: string): void {
    const handle = this.pendingSaves.get(id);
    if (handle !== undefined) {
      this.opts.clock.clearTimeout(handle);
      this.pendingSaves.delete(id);
    }
  }

  private sortIndex(): void {
    this.index.items.sort((a, b) => b.updatedMs - a.updatedMs);
  }

  private enqueue(name: string, write: () => Promise<void>): Promise<void> {
    const prev = this.chains.get(name) ?? Promise.resolve();
    const next = prev
      .then(write)
      .catch((e: unknown) => this.opts.onError?.(`Saving chat history (${name}) failed`, e));
    this.chains.set(name, next);
    void next.then(() => {
      if (this.chains.get(name) === next) this.chains.delete(name);
    });
    return next;
  }
}
