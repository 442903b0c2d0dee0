// The conversation model: what is stored, and the small state transitions a chat turn goes
// through (user asks, answer streams, restarts, ends). Functions mutate the conversation they are
// given on purpose: an answer grows by thousands of deltas and copying it each time buys nothing.
import {
  LIMITS,
  contextRefParser,
  errorViewParser,
  idParser,
  type ContextRef,
  type ConversationSummary,
  type ErrorView,
  type MessageStatus,
  type ViewConversation,
  type ViewMessage,
} from '../common/chatProtocol';
import { AnswerNotes } from '../common/messages/chat';
import { bool, clipped, each, int, obj, oneOf, opt, str, type Parser } from '../common/schema';

/** A context chip's content as sent to the model (kept with the message so follow-ups and retries send it again). */
export interface ContextItem extends ContextRef {
  /** Workspace-relative path (or the file name for untitled documents). */
  path: string;
  language: string;
  text: string;
  /** 1-based, inclusive; only for selections. */
  startLine?: number;
  endLine?: number;
  /** The text was cut to the context limit. */
  truncated?: boolean;
}

export interface StoredMessage extends Omit<ViewMessage, 'context'> {
  context?: ContextItem[];
}

export interface Conversation {
  id: string;
  title: string;
  createdMs: number;
  updatedMs: number;
  model: string;
  thinking: boolean;
  messages: StoredMessage[];
}

export const UNTITLED = 'New chat';

export function newConversation(id: string, nowMs: number, model: string, thinking: boolean): Conversation {
  return { id, title: UNTITLED, createdMs: nowMs, updatedMs: nowMs, model, thinking, messages: [] };
}

/** A title from the first prompt: its first line, cut at a word near 60 characters. */
export function titleFrom(text: string): string {
  const line = text.trim().split('\n', 1)[0]?.trim() ?? '';
  if (!line) return UNTITLED;
  if (line.length <= 60) return line;
  const cut = line.slice(0, 60);
  const space = cut.lastIndexOf(' ');
  return `${(space > 30 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

export interface TurnInit {
  userId: string;
  assistantId: string;
  text: string;
  context: ContextItem[];
  nowMs: number;
}

/** Appends the user's prompt and an empty streaming answer. */
export function addTurn(conv: Conversation, t: TurnInit): { user: StoredMessage; assistant: StoredMessage } {
  const user: StoredMessage = {
    id: t.userId,
    role: 'user',
    text: t.text,
    status: 'done',
    createdMs: t.nowMs,
  };
  if (t.context.length > 0) user.context = t.context;
  const assistant: StoredMessage = {
    id: t.assistantId,
    role: 'assistant',
    text: '',
    status: 'streaming',
    model: conv.model,
    createdMs: t.nowMs,
  };
  if (conv.messages.every((m) => m.role !== 'user')) conv.title = titleFrom(t.text);
  conv.messages.push(user, assistant);
  conv.updatedMs = t.nowMs;
  return { user, assistant };
}

export function appendDelta(msg: StoredMessage, content: string, reasoning: string): void {
  if (content) msg.text += content;
  if (reasoning) msg.reasoning = (msg.reasoning ?? '') + reasoning;
}

/** A stream broke and starts again: the partial answer is dropped and a visible note says why. */
export function restartAnswer(msg: StoredMessage, note: string): void {
  msg.text = '';
  delete msg.reasoning;
  msg.note = note;
}

export function finishAnswer(
  conv: Conversation,
  msg: StoredMessage,
  status: Exclude<MessageStatus, 'streaming'>,
  nowMs: number,
  error?: ErrorView,
): void {
  msg.status = status;
  if (error) msg.error = error;
  else delete msg.error;
  conv.updatedMs = nowMs;
}

/**
 * Prepares a retry of a failed or stopped answer: removes it and returns the user message it
 * answered (which stays, with its context), or undefined when there is nothing to retry.
 */
export function takeForRetry(conv: Conversation, assistantId: string): StoredMessage | undefined {
  const i = conv.messages.findIndex((m) => m.id === assistantId && m.role === 'assistant');
  // Only the last answer: re-answering an older prompt would put the new answer after later turns.
  if (i < 1 || i !== conv.messages.length - 1) return undefined;
  const answer = conv.messages[i] as StoredMessage;
  const user = conv.messages[i - 1] as StoredMessage;
  if (answer.status === 'streaming' || user.role !== 'user') return undefined;
  conv.messages.splice(i, 1);
  return user;
}

/** After a reload nothing streams any more: an answer caught mid-stream is kept as stopped. */
export function recoverInterrupted(conv: Conversation): boolean {
  let changed = false;
  for (const m of conv.messages) {
    if (m.status === 'streaming') {
      m.status = 'stopped';
      m.note = AnswerNotes.interrupted;
      changed = true;
    }
  }
  return changed;
}

export function summarize(conv: Conversation): ConversationSummary {
  return { id: conv.id, title: conv.title, updatedMs: conv.updatedMs, messageCount: conv.messages.length };
}

export function toViewMessage(m: StoredMessage): ViewMessage {
  const { context, ...rest } = m;
  const view: ViewMessage = { ...rest };
  if (context) {
    view.context = context.map((c) => {
      const ref: ContextRef = { id: c.id, kind: c.kind, label: c.label };
      if (c.detail !== undefined) ref.detail = c.detail;
      return ref;
    });
  }
  return view;
}

export function toView(conv: Conversation): ViewConversation {
  return {
    id: conv.id,
    title: conv.title,
    model: conv.model,
    thinking: conv.thinking,
    messages: conv.messages.map(toViewMessage),
  };
}

// Parsers for what comes back from disk: a file edited by hand or written by an older version
// must not break the panel. A bad message or context item is left out rather than costing the
// whole chat, and labels too long for the panel are cut (older versions stored them whole).
const contextItemParser: Parser<ContextItem> = (v, path) => ({
  ...contextRefParser(v, path),
  ...obj({
    path: str(4_000),
    language: str(100),
    text: str(LIMITS.text),
    startLine: opt(int(1, Number.MAX_SAFE_INTEGER)),
    endLine: opt(int(1, Number.MAX_SAFE_INTEGER)),
    truncated: opt(bool),
  })(v, path),
});

const storedMessageParser: Parser<StoredMessage> = obj({
  id: idParser,
  role: oneOf(['user', 'assistant'] as const),
  text: str(LIMITS.text),
  reasoning: opt(str(LIMITS.text)),
  status: oneOf(['streaming', 'done', 'stopped', 'error'] as const),
  error: opt(errorViewParser),
  context: opt(each(contextItemParser, LIMITS.chips)),
  provider: opt(clipped(LIMITS.label)),
  isFallback: opt(bool),
  model: opt(clipped(LIMITS.label)),
  note: opt(clipped(2_000)),
  createdMs: int(0, Number.MAX_SAFE_INTEGER),
});

export const conversationParser: Parser<Conversation> = obj({
  id: idParser,
  title: clipped(LIMITS.label),
  createdMs: int(0, Number.MAX_SAFE_INTEGER),
  updatedMs: int(0, Number.MAX_SAFE_INTEGER),
  model: clipped(LIMITS.model),
  thinking: bool,
  messages: each(storedMessageParser, LIMITS.messages),
});
