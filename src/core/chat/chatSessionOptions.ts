// What a chat session is given: the model service, the store, the editor's context, the settings
// it reads, the router's seams (provider labels, "Use ⟨fallback⟩ now"), and which webview
// messages are its to answer.
import type {
  ContextKind,
  ContextRef,
  HostMessage,
  ModelOption,
  WebviewMessage,
} from '../common/chatProtocol';
import type { Clock } from '../common/clock';
import type { ModelService } from '../providers/modelService';
import type { ContextItem } from './conversation';
import type { ConversationStore } from './conversationStore';
import type { NamedProvider } from './providerLabel';
import type { ChatLog } from './turnRunner';

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
 * An override of the router's "Use ⟨fallback⟩ now" (tests): `label` names the provider a waiting
 * chat would move to (or undefined when none is ready); `useNow` moves it. Without one, the turn
 * passes a RerouteToken with its request and the wait carries the alternative's label.
 */
export interface ChatFallbackHook {
  label(providerId: string): string | undefined;
  useNow(providerId: string): void;
}

/** Messages the VS Code side answers itself (the editor, the clipboard, commands). */
export type EditorMessage = Extract<
  WebviewMessage,
  { type: 'removeContext' | 'addContext' | 'insertCode' | 'copyCode' | 'runCommand' }
>;
/** The rest are the session's: a new message type lands here and must get a handler. */
export type SessionMessage = Exclude<WebviewMessage, EditorMessage>;

export interface ChatSessionOptions {
  models: ModelService;
  store: ConversationStore;
  post(message: HostMessage): void;
  context: ChatContextSource;
  defaults(): ChatDefaults;
  modelOptions(): ModelOption[];
  /** The providers the router knows (built-in and custom): where chat reads their labels. */
  providers?: () => readonly NamedProvider[];
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
  log?: ChatLog;
}
