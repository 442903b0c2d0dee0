// The one contract between the chat webview and the extension. Both sides import these types, and
// each side runs the matching parser on every message it receives: the webview is untrusted from
// the extension's point of view (it renders model output), and the extension host's messages are
// checked in the webview so a bug on one side shows up as a logged protocol error, not a broken UI.
// The parsers copy only known fields into fresh objects, so extra or hostile keys never travel on.

import { arr, bool, byType, int, obj, oneOf, opt, str, type Parser } from './schema';
import { Commands } from './commands';

export { ProtocolError } from './schema';

// ---------------------------------------------------------------------------------------------
// Shared shapes

/** Hard caps that keep a buggy or hostile peer from flooding the other side. */
export const LIMITS = {
  id: 128,
  label: 300,
  /** A model id as sent to the provider (a local server's may be a long file path). */
  model: 1_000,
  /** A user prompt or one whole stored answer. */
  text: 400_000,
  /** A code block sent back for Copy / Insert. */
  code: 1_000_000,
  /** One streamed delta (the host coalesces tokens, so a delta holds many). */
  delta: 200_000,
  messages: 2_000,
  history: 1_000,
  chips: 20,
} as const;

export type MessageRole = 'user' | 'assistant';
export type MessageStatus = 'streaming' | 'done' | 'stopped' | 'error';
export type WaitReason = 'queued' | 'rateLimited' | 'retrying';
export type ContextKind = 'file' | 'selection';
/** Chat history that could not be read or saved ('none': it works again). */
export type StorageProblem = 'read' | 'save' | 'none';

/** Commands the webview may ask the extension to run: an allow-list, never an arbitrary id. */
export const ALLOWED_COMMANDS = [
  Commands.setApiKey,
  Commands.switchProvider,
  Commands.liftSpendLimit,
  Commands.showLog,
  Commands.topUp,
] as const;
export type AllowedCommand = (typeof ALLOWED_COMMANDS)[number];

/** A context chip as the webview shows it (the content itself stays in the extension). */
export interface ContextRef {
  id: string;
  kind: ContextKind;
  /** Short text on the chip, e.g. `main.ts` or `main.ts:10-24`. */
  label: string;
  /** Tooltip, e.g. the workspace-relative path. */
  detail?: string;
  /**
   * Why this file is not sent, e.g. "excluded by pacer.completion.exclude (pattern **\/*.pem)":
   * the chip shows, switched off, so the user sees that the file is left out and why.
   */
  excluded?: string;
}

/** What went wrong and what the user can do about it, ready to show. */
export interface ErrorView {
  kind: string;
  message: string;
  /** A command that fixes it (set the key, switch provider...). */
  command?: { id: AllowedCommand; label: string };
  /** Whether sending the same prompt again can help. */
  retry: boolean;
}

export interface ViewMessage {
  id: string;
  role: MessageRole;
  text: string;
  reasoning?: string;
  status: MessageStatus;
  error?: ErrorView;
  context?: ContextRef[];
  /** Label of the provider that answered, e.g. `DeepSeek` or `OpenRouter`. */
  provider?: string;
  isFallback?: boolean;
  model?: string;
  /** Visible note, e.g. "The stream broke; the answer was restarted." */
  note?: string;
  createdMs: number;
}

export interface ViewConversation {
  id: string;
  title: string;
  model: string;
  thinking: boolean;
  messages: ViewMessage[];
}

export interface ConversationSummary {
  id: string;
  title: string;
  updatedMs: number;
  messageCount: number;
}

export interface ModelOption {
  id: string;
  label: string;
}

// ---------------------------------------------------------------------------------------------
// Extension -> webview

export type HostMessage =
  | {
      type: 'init';
      conversation: ViewConversation;
      history: ConversationSummary[];
      chips: ContextRef[];
      /** Context the user removed but can add back (shown as "+ File" / "+ Selection"). */
      addable: ContextKind[];
      models: ModelOption[];
      /** The id and next delta sequence number of an answer still streaming, if any. */
      streaming?: { messageId: string; seq: number };
    }
  | { type: 'conversation'; conversation: ViewConversation }
  | { type: 'history'; items: ConversationSummary[] }
  | { type: 'chips'; chips: ContextRef[]; addable: ContextKind[] }
  | { type: 'turnStart'; user: ViewMessage; assistant: ViewMessage }
  /** `seq` counts deltas of one message from 0, so the webview can tell when one went missing. */
  | { type: 'delta'; messageId: string; seq: number; content?: string; reasoning?: string }
  | {
      type: 'wait';
      messageId: string;
      reason: WaitReason;
      provider: string;
      /** Milliseconds until the next try, when known (relative: the two sides' clocks may differ). */
      delayMs?: number;
      attempt: number;
      /** Plain words for what went wrong ("had a server error"). */
      why?: string;
      /** The technical text, behind a "details" toggle. */
      detail?: string;
      /** A way out the user may not know of (no fallback set up while rate-limited). */
      hint?: string;
      /** Label for the "use it now" button; absent when there is nothing to switch to. */
      fallback?: string;
    }
  | { type: 'restart'; messageId: string; note: string }
  | { type: 'provider'; messageId: string; provider: string; isFallback: boolean; model?: string }
  | {
      type: 'turnEnd';
      messageId: string;
      status: Exclude<MessageStatus, 'streaming'>;
      error?: ErrorView;
      /** The prompt to put back into the input box (failed or stopped turns). */
      restoreInput?: string;
    }
  | { type: 'showHistory' }
  | { type: 'focusInput' }
  | { type: 'notice'; text: string }
  /** Chat history trouble, shown until it is solved or dismissed; `text` says what to do. */
  | { type: 'storageNotice'; problem: StorageProblem; text: string };

// ---------------------------------------------------------------------------------------------
// Webview -> extension

export type WebviewMessage =
  | { type: 'ready' }
  | { type: 'send'; text: string }
  | { type: 'stop' }
  | { type: 'retry'; messageId: string }
  | { type: 'newChat' }
  | { type: 'openConversation'; id: string }
  | { type: 'deleteConversation'; id: string }
  | { type: 'removeContext'; id: string }
  | { type: 'addContext'; kind: ContextKind }
  | { type: 'setModel'; model: string; thinking: boolean }
  | { type: 'insertCode'; code: string; language?: string }
  | { type: 'copyCode'; code: string }
  | { type: 'runCommand'; command: AllowedCommand }
  | { type: 'useFallbackNow' }
  /** The webview lost track (a delta went missing): send `init` again. */
  | { type: 'requestState' };

// ---------------------------------------------------------------------------------------------
// Dispatch. Each side handles messages through a table with one handler per type: a type that
// is handled nowhere fails to compile (there is no switch with a silent default to fall into).

/** One handler per message type, each given its own message shape. */
export type MessageHandlers<M extends { type: string }, R = void> = {
  [K in M['type']]: (message: Extract<M, { type: K }>) => R;
};

/** Calls the handler for `message.type`. */
export function dispatch<M extends { type: string }, R>(handlers: MessageHandlers<M, R>, message: M): R {
  const handler = handlers[message.type as M['type']] as (message: M) => R;
  return handler(message);
}

// ---------------------------------------------------------------------------------------------
// Validation. The parsers are annotated with the interfaces above, so the compiler keeps the two
// in step.

export const idParser = str(LIMITS.id, 1);
export const labelParser = str(LIMITS.label);
export const modelIdParser = str(LIMITS.model);
const id = idParser;
const label = labelParser;
const empty = obj({});

export const contextRefParser: Parser<ContextRef> = obj({
  id,
  kind: oneOf<ContextKind>(['file', 'selection']),
  label,
  detail: opt(str(2_000)),
  excluded: opt(str(2_000)),
});

export const errorViewParser: Parser<ErrorView> = obj({
  kind: str(40),
  message: str(4_000),
  command: opt(obj({ id: oneOf(ALLOWED_COMMANDS), label })),
  retry: bool,
});

const viewMessage: Parser<ViewMessage> = obj({
  id,
  role: oneOf<MessageRole>(['user', 'assistant']),
  text: str(LIMITS.text),
  reasoning: opt(str(LIMITS.text)),
  status: oneOf<MessageStatus>(['streaming', 'done', 'stopped', 'error']),
  error: opt(errorViewParser),
  context: opt(arr(contextRefParser, LIMITS.chips)),
  provider: opt(label),
  isFallback: opt(bool),
  model: opt(label),
  note: opt(str(2_000)),
  createdMs: int(0, Number.MAX_SAFE_INTEGER),
});

const viewConversation: Parser<ViewConversation> = obj({
  id,
  title: label,
  model: modelIdParser,
  thinking: bool,
  messages: arr(viewMessage, LIMITS.messages),
});

export const summaryParser: Parser<ConversationSummary> = obj({
  id,
  title: label,
  updatedMs: int(0, Number.MAX_SAFE_INTEGER),
  messageCount: int(0, LIMITS.messages),
});

const contextKind = oneOf<ContextKind>(['file', 'selection']);
const endStatus = oneOf<Exclude<MessageStatus, 'streaming'>>(['done', 'stopped', 'error']);

/** Validates a message from the extension host (run in the webview). Throws ProtocolError. */
export const parseHostMessage: (value: unknown) => HostMessage = byType<HostMessage>({
  init: obj({
    conversation: viewConversation,
    history: arr(summaryParser, LIMITS.history),
    chips: arr(contextRefParser, LIMITS.chips),
    addable: arr(contextKind, 2),
    models: arr(obj({ id: modelIdParser, label }), 50),
    streaming: opt(obj({ messageId: id, seq: int(0, Number.MAX_SAFE_INTEGER) })),
  }),
  conversation: obj({ conversation: viewConversation }),
  history: obj({ items: arr(summaryParser, LIMITS.history) }),
  chips: obj({ chips: arr(contextRefParser, LIMITS.chips), addable: arr(contextKind, 2) }),
  turnStart: obj({ user: viewMessage, assistant: viewMessage }),
  delta: obj({
    messageId: id,
    seq: int(0, Number.MAX_SAFE_INTEGER),
    content: opt(str(LIMITS.delta)),
    reasoning: opt(str(LIMITS.delta)),
  }),
  wait: obj({
    messageId: id,
    reason: oneOf<WaitReason>(['queued', 'rateLimited', 'retrying']),
    provider: label,
    delayMs: opt(int(0, 24 * 3_600_000)),
    attempt: int(0, 10_000),
    why: opt(str(200)),
    detail: opt(str(2_000)),
    hint: opt(str(500)),
    fallback: opt(label),
  }),
  restart: obj({ messageId: id, note: str(2_000) }),
  provider: obj({ messageId: id, provider: label, isFallback: bool, model: opt(label) }),
  turnEnd: obj({
    messageId: id,
    status: endStatus,
    error: opt(errorViewParser),
    restoreInput: opt(str(LIMITS.text)),
  }),
  showHistory: empty,
  focusInput: empty,
  notice: obj({ text: str(2_000) }),
  storageNotice: obj({ problem: oneOf<StorageProblem>(['read', 'save', 'none']), text: str(2_000) }),
});

/** Validates a message from the webview (run in the extension host). Throws ProtocolError. */
export const parseWebviewMessage: (value: unknown) => WebviewMessage = byType<WebviewMessage>({
  ready: empty,
  send: obj({ text: str(LIMITS.text, 1) }),
  stop: empty,
  retry: obj({ messageId: id }),
  newChat: empty,
  openConversation: obj({ id }),
  deleteConversation: obj({ id }),
  removeContext: obj({ id }),
  addContext: obj({ kind: oneOf<ContextKind>(['file', 'selection']) }),
  setModel: obj({ model: modelIdParser, thinking: bool }),
  insertCode: obj({ code: str(LIMITS.code), language: opt(str(64)) }),
  copyCode: obj({ code: str(LIMITS.code) }),
  runCommand: obj({ command: oneOf(ALLOWED_COMMANDS) }),
  useFallbackNow: empty,
  requestState: empty,
});

/** Same as the parsers above, but returns the problem instead of throwing. */
export function tryParse<T>(
  parse: (value: unknown) => T,
  value: unknown,
): { ok: true; message: T } | { ok: false; error: string } {
  try {
    return { ok: true, message: parse(value) };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}
