// What the panel knows between messages: the conversation shown, the answer streaming into it,
// the model choices and the list of past chats. Plain data; the components render from it.
import type { ConversationSummary, ModelOption, ViewConversation } from '../core/common/chatProtocol';

export interface ChatState {
  conv?: ViewConversation;
  /** The answer streaming now and the sequence number its next delta must carry. */
  streaming?: { messageId: string; nextSeq: number };
  models: ModelOption[];
  history: ConversationSummary[];
}

/** What survives a reload of the webview (VS Code keeps it with setState). */
export interface SavedState {
  draft?: string;
}

export function createState(): ChatState {
  return { models: [], history: [] };
}

/** The answer a freshly shown conversation is still streaming, if any (its deltas start at 0). */
export function liveAnswer(conv: ViewConversation): ChatState['streaming'] {
  const live = conv.messages.find((m) => m.status === 'streaming');
  return live ? { messageId: live.id, nextSeq: 0 } : undefined;
}
