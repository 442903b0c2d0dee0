// Keeps conversations across window reloads. The storage behind it is a few JSON documents (an
// index plus one per conversation), so a long chat never rewrites the others, and everything read
// back is validated: a damaged file loses that one conversation (its file stays), never the panel.
import { LIMITS, type ConversationSummary } from '../common/chatProtocol';
import type { Clock, TimerHandle } from '../common/clock';
import { conversationParser, recoverInterrupted, summarize, type Conversation } from './conversation';
import { DOC_PREFIX, docName, INDEX, parseIndex, SAFE_ID, type StoreIndex } from './chatIndex';
import { clip } from '../common/schema';
import { StoreProblems, type StoreProblem } from './storeProblems';
import type { IDisposable } from '../common/lifecycle';

/** Raw JSON documents by name. The VS Code adapter writes files under the extension's storage. */
export interface ChatStorage {
  read(name: string): Promise<unknown>;
  write(name: string, value: unknown): Promise<void>;
  remove(name: string): Promise<void>;
  /** The names of every stored document, so the index can be rebuilt from the chats themselves. */
  list(): Promise<string[]>;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export interface StoreOptions {
  storage: ChatStorage;
  clock: Clock;
  /** Oldest conversations beyond this are deleted. */
  maxConversations?: number;
  /** Saves while an answer streams are at most this often. */
  throttleMs?: number;
  onError?: (message: string, error: unknown) => void;
}

/**
 * Several windows may share one folder (every window without a workspace does), so the files are
 * the truth and the index only a summary of them: it is rebuilt from the chat files when it is
 * damaged, and merged with what is on disk before each write, so no window drops another's chats.
 */
export class ConversationStore {
  private index: StoreIndex = { version: 1, items: [] };
  private readonly cache = new Map<string, Conversation>();
  // One write chain per document, so two saves of the same file never interleave.
  private readonly chains = new Map<string, Promise<void>>();
  private readonly pendingSaves = new Map<string, TimerHandle>();
  // Deleted here: a merge with another window's older index must not bring them back.
  private readonly deleted = new Set<string>();
  // Files that failed to parse: kept on disk, not read again on every index write.
  private readonly unreadable = new Set<string>();
  // Unreadable chats the user has been told about (kept in the index, so told once).
  private readonly reported = new Set<string>();
  // Chats whose last save failed, written again as soon as a save succeeds.
  private readonly unsaved = new Set<string>();
  // Message ids of each chat as this window last read or wrote it: a file that holds others was
  // changed by another window since.
  private readonly known = new Map<string, Set<string>>();
  private loaded = false;
  private readonly problems = new StoreProblems();

  constructor(private readonly opts: StoreOptions) {}

  async load(): Promise<void> {
    if (this.loaded) return;
    this.loaded = true;
    let index: StoreIndex | undefined;
    let damaged = false;
    try {
      const raw = await this.opts.storage.read(INDEX);
      if (raw !== undefined) {
        const parsed = parseIndex(raw);
        index = parsed.index;
        for (const id of index.unreadable ?? []) this.reported.add(id);
        if (parsed.bad > 0) {
          this.opts.onError?.(
            `Chat history index had ${parsed.bad} invalid entries; rebuilding them from the chat files`,
            new Error('invalid index entries'),
          );
        }
      }
    } catch (e) {
      damaged = true;
      this.opts.onError?.('Chat history index is unreadable; rebuilding it from the chat files', e);
    }
    const changed = await this.reconcile(index ?? { version: 1, items: [] }, damaged);
    if (changed) this.writeIndex();
  }

  /** Problems with reading or saving chats, for the panel; undefined when all is well. */
  problem(): StoreProblem | undefined {
    return this.problems.current;
  }

  onProblem(listener: (problem: StoreProblem | undefined) => void): IDisposable {
    return this.problems.onDidChange(listener);
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
    this.writeIndex();
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
      this.known.set(id, new Set(conv.messages.map((m) => m.id)));
      if (recoverInterrupted(conv)) this.save(conv);
      this.cache.set(id, conv);
      return conv;
    } catch (e) {
      // The file stays on disk untouched: a later version (or a person) may still read it.
      this.opts.onError?.(`Chat ${id} could not be read; it is left out of the history`, e);
      this.unreadable.add(id);
      this.tellUnreadable(id, e);
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
    this.evict();
    this.deleted.delete(conv.id);
    this.unreadable.delete(conv.id);
    // Serialise at write time, not now: a throttled save must see the latest text.
    const doc = this.enqueue(docName(conv.id), async () => {
      try {
        await this.forkIfChangedElsewhere(conv);
        await this.opts.storage.write(docName(conv.id), conv);
      } catch (e) {
        this.unsaved.add(conv.id);
        throw e;
      }
      const known = this.known.get(conv.id) ?? new Set<string>();
      for (const m of conv.messages) known.add(m.id);
      this.known.set(conv.id, known);
      this.unsaved.delete(conv.id);
      this.problems.clear('save');
      // Saving works again: chats whose save failed meanwhile are written now, not lost.
      for (const id of [...this.unsaved]) {
        this.unsaved.delete(id);
        const other = this.cache.get(id);
        if (other) void this.save(other);
      }
    });
    // The index after the file: it lists only chats whose file exists.
    return doc.then(() => this.writeIndex());
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
    this.deleted.add(id);
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
    // A finished write may start another (the index follows its chat file): wait for those too.
    while (this.chains.size > 0) await Promise.all([...this.chains.values()]);
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
    if (this.index.items.length !== before || this.index.currentId === undefined) this.writeIndex();
  }

  /**
   * Two windows without a folder both resume the last chat; when each goes on with it, a plain
   * write would drop the other's turns. So when the file holds messages this window never saw,
   * this window's version becomes a chat of its own (the file keeps the other's).
   */
  private async forkIfChangedElsewhere(conv: Conversation): Promise<void> {
    const known = this.known.get(conv.id);
    if (!known) return;
    let disk: Conversation;
    try {
      const raw = await this.opts.storage.read(docName(conv.id));
      if (raw === undefined) return;
      disk = conversationParser(raw, 'conversation');
    } catch {
      return;
    }
    if (disk.messages.every((m) => known.has(m.id))) return;
    const oldId = conv.id;
    conv.id = `${oldId.slice(0, 60)}-${globalThis.crypto.randomUUID()}`;
    conv.title = clip(`${conv.title} (other window)`, LIMITS.label);
    this.opts.onError?.(
      `Chat ${oldId} was continued in another window too; this window's version is kept as chat ${conv.id}`,
      new Error('changed in another window'),
    );
    this.known.delete(oldId);
    this.known.set(conv.id, known);
    this.cache.delete(oldId);
    this.cache.set(conv.id, conv);
    this.index.items = this.index.items.filter((s) => s.id !== oldId);
    this.index.items.push(summarize(conv));
    this.sortIndex();
    if (this.index.currentId === oldId) this.index.currentId = conv.id;
  }

  private evict(): void {
    const evicted = this.index.items.splice(this.opts.maxConversations ?? 200);
    for (const e of evicted) {
      this.deleted.add(e.id);
      this.removeDocument(e.id);
    }
  }

  /**
   * Makes `index` agree with the chat files: entries whose file is gone are dropped (another
   * window deleted the chat), files without an entry are read and listed (a damaged index, or
   * another window's chat whose index write was lost). Returns whether `index` changed.
   */
  private async reconcile(index: StoreIndex, changed: boolean): Promise<boolean> {
    let names: string[];
    try {
      names = await this.opts.storage.list();
    } catch (e) {
      this.opts.onError?.('Listing the chat files failed; showing the index as it is', e);
      this.problems.report({ kind: 'read', detail: `the chat history folder: ${message(e)}` });
      this.index = index;
      this.sortIndex();
      return changed;
    }
    const onDisk = new Set(
      names
        .filter((n) => n.startsWith(DOC_PREFIX))
        .map((n) => n.slice(DOC_PREFIX.length))
        .filter((id) => SAFE_ID.test(id) && !this.deleted.has(id)),
    );
    const items = index.items.filter((s) => onDisk.has(s.id));
    if (items.length !== index.items.length) changed = true;
    const listed = new Set(items.map((s) => s.id));
    for (const id of onDisk) {
      if (listed.has(id) || this.unreadable.has(id)) continue;
      try {
        await this.chains.get(docName(id));
        const conv = conversationParser(await this.opts.storage.read(docName(id)), 'conversation');
        if (conv.id !== id) throw new Error('id does not match its file');
        if (conv.messages.length === 0) continue;
        items.push(summarize(conv));
        changed = true;
      } catch (e) {
        this.opts.onError?.(`Chat ${id} could not be read; its file is kept but not listed`, e);
        this.unreadable.add(id);
        if (this.tellUnreadable(id, e)) changed = true;
      }
    }
    this.index = { version: 1, items };
    // Only files still there stay on the told-once list.
    const told = [...this.reported].filter((id) => onDisk.has(id));
    if (told.length) this.index.unreadable = told.slice(0, LIMITS.history);
    if (index.currentId !== undefined && onDisk.has(index.currentId)) this.index.currentId = index.currentId;
    this.sortIndex();
    return changed;
  }

  /**
   * Writes the index merged with the one on disk: another window sharing this folder may have
   * listed chats since this one last looked, and a plain write would drop them.
   */
  private writeIndex(): Promise<void> {
    return this.enqueue(INDEX, async () => {
      let disk: StoreIndex | undefined;
      try {
        const raw = await this.opts.storage.read(INDEX);
        if (raw !== undefined) disk = parseIndex(raw).index;
      } catch {
        // Damaged on disk: the files decide below.
      }
      const byId = new Map(this.index.items.map((s) => [s.id, s]));
      const mine = new Set(byId.keys());
      for (const theirs of disk?.items ?? []) {
        if (this.deleted.has(theirs.id) || this.unreadable.has(theirs.id)) continue;
        const ours = byId.get(theirs.id);
        if (!ours || theirs.updatedMs > ours.updatedMs) {
          byId.set(theirs.id, theirs);
          // Another window wrote this chat since it was read here: read it again when opened.
          if (ours && this.cache.get(theirs.id)?.updatedMs !== theirs.updatedMs) this.cache.delete(theirs.id);
        }
      }
      const merged: StoreIndex = { version: 1, items: [...byId.values()] };
      if (this.index.currentId !== undefined) merged.currentId = this.index.currentId;
      for (const id of disk?.unreadable ?? []) this.reported.add(id);
      if (this.reported.size) merged.unreadable = [...this.reported].slice(0, LIMITS.history);
      // Chats listed only here were either saved here (their file was written before this) or
      // deleted by another window since: the files tell which.
      const gone = [...mine].filter((id) => !disk?.items.some((s) => s.id === id));
      if (gone.length > 0) await this.reconcile(merged, false);
      else {
        this.index = merged;
        this.sortIndex();
      }
      this.evict();
      await this.opts.storage.write(INDEX, this.index);
    });
  }

  /** Tells the panel about an unreadable chat unless it was told before; returns whether it told. */
  private tellUnreadable(id: string, error: unknown): boolean {
    if (this.reported.has(id)) return false;
    this.reported.add(id);
    this.problems.report({ kind: 'read', detail: `chat ${id}: ${message(error)}` });
    return true;
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
    const next = prev.then(write).catch((e: unknown) => {
      this.opts.onError?.(`Saving chat history (${name}) failed`, e);
      this.problems.report({ kind: 'save', detail: message(e) });
    });
    this.chains.set(name, next);
    void next.then(() => {
      if (this.chains.get(name) === next) this.chains.delete(name);
    });
    return next;
  }
}
