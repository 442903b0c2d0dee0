// The chat history's file format: one document per conversation (`chat-<id>`) and an index of
// their summaries. The index is only a cache of the chat files, so it is read leniently.
import { LIMITS, summaryParser, type ConversationSummary } from '../common/chatProtocol';
import { each, int, obj, opt, ProtocolError, str, type Parser } from '../common/schema';

export interface StoreIndex {
  version: 1;
  currentId?: string;
  items: ConversationSummary[];
  /** Chats whose file could not be read and the user was told about: told once, not every start. */
  unreadable?: string[];
}

export const INDEX = 'index';
export const DOC_PREFIX = 'chat-';
export const docName = (id: string) => `${DOC_PREFIX}${id}`;
// Ids become file names: only allow what is safe everywhere.
export const SAFE_ID = /^[A-Za-z0-9_-]{1,100}$/;

const safeSummary: Parser<ConversationSummary> = (v, path) => {
  const s = summaryParser(v, path);
  if (!SAFE_ID.test(s.id)) throw new ProtocolError(`${path}.id: not a safe file name`);
  return s;
};

/**
 * The index is a cache of the chat files' summaries, so it is read leniently: entries are checked
 * one by one and a bad one costs only itself (its chat comes back from its file).
 */
export function parseIndex(raw: unknown): { index: StoreIndex; bad: number } {
  let bad = 0;
  const parsed = obj({
    version: int(1, 1),
    currentId: opt(str(LIMITS.id)),
    items: each(safeSummary, LIMITS.history, () => bad++),
    unreadable: opt(each(str(LIMITS.id), LIMITS.history)),
  })(raw, 'index');
  const index: StoreIndex = { version: 1, items: parsed.items };
  const unreadable = parsed.unreadable?.filter((id) => SAFE_ID.test(id));
  if (unreadable?.length) index.unreadable = unreadable;
  if (parsed.currentId !== undefined && SAFE_ID.test(parsed.currentId)) index.currentId = parsed.currentId;
  return { index, bad };
}
