// Every sentence the chat shows, in one place: the session's notices, the error views, the wait
// line and the panel's own words. Browser-safe (the webview imports it). Each one says what to do
// next where there is something to do.
import type { WaitReason } from '../chatProtocol';
import type { PacerErrorKind } from '../errors';

// ---------------------------------------------------------------------------------------------
// The session (extension side)

export const ChatNotices = {
  stillStreaming: 'An answer is still streaming: stop it before sending another.',
  chatFull: 'This chat is as long as a chat can get: start a new chat to go on.',
  cannotOpen: 'That chat could not be opened; it was removed from the list.',
  insertOpenedEditor: 'No editor was open, so the code opened in a new one.',
} as const;

/** Said while rate-limited with nowhere to move: a fallback is the way out users miss. */
export const NO_FALLBACK_HINT =
  "No other provider can take this now. Add an OpenRouter or OpenAI key ('Pacer: Set API Key') or start a local server (Ollama, LM Studio) to have a fallback.";

export const AnswerNotes = {
  replacedWhole: 'The answer was replaced by the complete text the provider sent at the end.',
  cutOff: 'The answer reached the longest length the panel keeps and was cut off.',
  restarted: (who: string, why: string) =>
    `The answer from ${who} broke off (it ${why}) and was started again.`,
  interrupted: 'Interrupted when the window closed.',
  htmlOnly: 'This answer had only HTML, which is not shown for safety. Ask again for plain text or code.',
} as const;

/** The answer's note on what its prompt left out (files named already, e.g. "`a.ts`, `b.ts`"). */
export const LeftOutNotes = {
  excluded: (files: string) =>
    `Left out ${files}: excluded from what Pacer sends (pacer.completion.exclude).`,
  earlierVersions: (files: string) => `earlier versions of ${files}`,
  oldestMessages: (count: number) => (count === 1 ? 'the oldest message' : `the ${count} oldest messages`),
  endOf: (files: string) => `the end of ${files}`,
  toFit: (kTokens: number, what: string) =>
    `To fit the model's context (about ${kTokens}k tokens), left out ${what}.`,
} as const;

/** Reasons given to the abort signal (logged, not shown). */
export const StopReasons = {
  user: 'Stopped by the user.',
  tooLong: 'The answer is too long.',
} as const;

export const StorageNotices = {
  save: (detail: string) =>
    `Chats are not being saved (${detail}). This chat stays open and is saved once saving works again; closing the window before that loses it. Check free disk space and write permission for Pacer's storage folder (its path is in the log: run "Pacer: Show Log").`,
  read: (detail: string) =>
    `Some past chats could not be read (${detail}), so they are not in the list. Their files are kept as they are in Pacer's storage folder; the log (run "Pacer: Show Log") names them.`,
} as const;

// ---------------------------------------------------------------------------------------------
// Errors, with the action that fixes them

export const ChatErrors = {
  someProvider: 'The provider',
  requestFailed: (message: string) => `The request failed: ${message}`,
  needsKey: (who: string) => `${who} needs an API key (or the key was refused). Set it, then retry.`,
  noBalance: (who: string) =>
    `${who} says the account balance is used up. Top up your balance with ${who}, then retry, or switch to another provider.`,
  budget: "Today's spend limit is reached, so paid providers are paused.",
  badRequest: (who: string, message: string) => `${who} rejected the request: ${message}`,
} as const;

export const ErrorActions = {
  setApiKey: 'Set API key',
  topUp: 'Top up balance',
  liftSpendLimit: "Lift today's limit",
  switchProvider: 'Switch provider',
} as const;

// ---------------------------------------------------------------------------------------------
// The wait line ("DeepSeek is rate-limiting: retrying in 4 s"), re-rendered every second

export interface WaitLine {
  reason: WaitReason;
  provider: string;
  /** Milliseconds left, when the wait has a known end. */
  remainingMs?: number;
  attempt: number;
  /** What went wrong, in plain words ("had a server error"); the technical text is `detail`. */
  why?: string;
  /** The error as the provider or the client put it, shown behind a "details" toggle. */
  detail?: string;
}

/**
 * What a failed attempt means, in a few plain words after the provider's name. The kind decides,
 * never the message text (only a stall's length is read from it, when it says one).
 */
export function plainWhy(kind: PacerErrorKind, message = ''): string {
  switch (kind) {
    case 'server':
      return 'had a server error';
    case 'network':
      return 'could not be reached';
    case 'stalled': {
      const s = /(\d+(?:\.\d+)?) s\b/.exec(message)?.[1];
      return s ? `has sent nothing for ${s} s` : 'stopped sending';
    }
    case 'timeout':
      return 'did not answer in time';
    case 'malformed':
      return 'sent an answer Pacer cannot read';
    case 'rateLimited':
      return 'is rate-limiting';
    default:
      return 'failed';
  }
}

/** Whole seconds, rounded up so the countdown never shows 0 s while still waiting. */
function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

export function waitText(w: WaitLine): string {
  const left = w.remainingMs;
  const when =
    left === undefined ? 'retrying soon' : left <= 0 ? 'retrying now' : `retrying in ${seconds(left)} s`;
  switch (w.reason) {
    case 'rateLimited':
      return `${w.provider} is rate-limiting: ${when}`;
    case 'retrying':
      return `${w.provider} ${w.why ?? 'failed'}; ${when}`;
    case 'queued':
      return left === undefined || left <= 0
        ? `Waiting for a free slot at ${w.provider}…`
        : `Waiting for a free slot at ${w.provider}: about ${seconds(left)} s`;
  }
}

/** A stall with no wait line: the provider is named with how long it has been silent. */
export const silentFor = (who: string, seconds: number) =>
  `${who} has sent nothing for ${seconds} s; Pacer retries if it stays silent.`;

// ---------------------------------------------------------------------------------------------
// The panel (webview)

export const PanelText = {
  title: 'Pacer Chat',
  emptyTitle: 'Ask Pacer about your code.',
  emptyBody:
    'Your selection or active file goes along as context (remove the chip to leave it out). Answers keep coming when DeepSeek rate-limits: Pacer waits, retries, or switches provider.',
  conversation: 'Conversation',
  pastChats: 'Past chats',
  newChat: 'New chat',
  close: 'Close',
  closePastChats: 'Close past chats',
  noPastChats: 'No past chats yet.',
  openChat: (title: string, when: string) => `Open chat: ${title}, ${when}`,
  delete: 'Delete',
  deleteChat: (title: string) => `Delete chat: ${title}`,
  contextList: 'Context for your next message',
  inputLabel: 'Message Pacer. Enter sends, Shift+Enter starts a new line.',
  inputPlaceholder: 'Ask Pacer… (Enter to send, Shift+Enter for a new line)',
  model: 'Model',
  thinkingMode: 'Thinking mode',
  thinking: ' Thinking',
  send: 'Send',
  sendMessage: 'Send message',
  stop: 'Stop',
  stopAnswer: 'Stop the answer',
  showLog: 'Show log',
  dismiss: 'Dismiss',
  copy: 'Copy',
  copied: 'Copied',
  insert: 'Insert',
  copyBlock: (language: string) => `Copy ${language} block`,
  insertBlock: (language: string) => `Insert ${language} block at the cursor`,
} as const;

export const ChipText = {
  file: 'File',
  selection: 'Selection',
  remove: (kind: 'selection' | 'file', label: string) => `Remove ${kind} ${label} from the context`,
  add: (kind: 'Selection' | 'File') => `+ ${kind}`,
  addLabel: (what: string) => `Add the ${what} as context`,
  activeFile: 'active file',
  selectionWord: 'selection',
} as const;

export const Announcements = {
  done: 'Answer complete.',
  stopped: 'Answer stopped. Your message is back in the input box.',
  failed: (message: string | undefined) => `Answer failed: ${message ?? 'unknown error'}`,
} as const;

export const MessageText = {
  yourMessage: 'Your message',
  answerFromPacer: 'Answer from Pacer',
  sentContext: 'Context sent with this message',
  you: 'You',
  pacer: 'Pacer',
  fallback: (provider: string) => `${provider} (fallback)`,
  thinkingMeta: 'thinking…',
  answeringMeta: 'answering…',
  stoppedMeta: 'stopped',
  reasoning: 'Reasoning',
  thinkingSummary: 'Thinking…',
  details: 'details',
  useNow: (fallback: string) => `Use ${fallback} now`,
  retry: 'Retry',
} as const;
