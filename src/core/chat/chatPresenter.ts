// Turns the session's state into the messages the panel renders. Pure: every function takes what
// it shows and returns a HostMessage; nothing here posts, stores or waits.
import {
  LIMITS,
  type ContextKind,
  type ContextRef,
  type ConversationSummary,
  type ErrorView,
  type HostMessage,
  type MessageStatus,
  type ModelOption,
} from '../common/chatProtocol';
import { clip } from '../common/schema';
import { NO_FALLBACK_HINT, StorageNotices, plainWhy } from '../common/messages/chat';
import type { WaitInfo } from '../providers/modelService';
import { toView, toViewMessage, type Conversation, type StoredMessage } from './conversation';
import type { StoreProblem } from './storeProblems';

export interface PanelState {
  conv: Conversation;
  history: ConversationSummary[];
  chips: ContextRef[];
  addable: ContextKind[];
  models: ModelOption[];
  /** The answer still streaming in `conv`, and the number its next delta will carry. */
  streaming?: { messageId: string; seq: number };
}

export function initMessage(s: PanelState): HostMessage {
  return {
    type: 'init',
    conversation: toView(s.conv),
    history: s.history,
    chips: s.chips,
    addable: s.addable,
    models: panelModels(s.models),
    ...(s.streaming ? { streaming: s.streaming } : {}),
  };
}

/** The choices the panel can show: labels cut to fit, ids it could not send back left out. */
export function panelModels(models: ModelOption[]): ModelOption[] {
  return models
    .filter((m) => m.id.length <= LIMITS.model)
    .map((m) => ({ id: m.id, label: clip(m.label, LIMITS.label) }));
}

export function conversationMessage(conv: Conversation): HostMessage {
  return { type: 'conversation', conversation: toView(conv) };
}

export function historyMessage(items: ConversationSummary[]): HostMessage {
  return { type: 'history', items };
}

export function turnStartMessage(user: StoredMessage, assistant: StoredMessage): HostMessage {
  return { type: 'turnStart', user: toViewMessage(user), assistant: toViewMessage(assistant) };
}

export function turnEndMessage(
  messageId: string,
  status: Exclude<MessageStatus, 'streaming'>,
  error: ErrorView | undefined,
  prompt: string,
): HostMessage {
  return {
    type: 'turnEnd',
    messageId,
    status,
    ...(error ? { error } : {}),
    // A failed or stopped prompt goes back into the input box.
    ...(status !== 'done' ? { restoreInput: prompt } : {}),
  };
}

/** Chats that cannot be read or saved, and what to do; or (no problem) that it works again. */
export function storageMessage(problem: StoreProblem | undefined): HostMessage {
  const detail = clip(problem?.detail ?? '', 600);
  const text = !problem
    ? ''
    : problem.kind === 'save'
      ? StorageNotices.save(detail)
      : StorageNotices.read(detail);
  return { type: 'storageNotice', problem: problem?.kind ?? 'none', text };
}

export interface WaitWords {
  /** The waiting provider's label. */
  provider: string;
  /** The label of the provider "Use … now" would move to, if any. */
  fallback: string | undefined;
  nowMs: number;
}

export function waitMessage(messageId: string, info: WaitInfo, words: WaitWords): HostMessage {
  const { fallback } = words;
  return {
    type: 'wait',
    messageId,
    reason: info.reason,
    provider: words.provider,
    attempt: info.attempt,
    // Relative: the webview's clock may differ from the extension host's.
    ...(info.untilMs !== undefined ? { delayMs: Math.max(0, Math.round(info.untilMs - words.nowMs)) } : {}),
    ...(info.error && info.reason === 'retrying'
      ? { why: plainWhy(info.error.kind, info.error.message), detail: info.error.message.slice(0, 300) }
      : {}),
    ...(fallback ? { fallback } : {}),
    ...(!fallback && info.reason === 'rateLimited' ? { hint: NO_FALLBACK_HINT } : {}),
  };
}
