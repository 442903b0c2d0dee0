// The one interface the features (completion, chat, status) use to reach a model. A single
// provider's gate implements it, and so does the router that fails over between providers: the
// features never know which one they talk to.
import type { PacerError } from '../common/errors';
import type { RerouteToken } from './rerouteToken';

export type RequestClass = 'chat' | 'completion' | 'background';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface Usage {
  promptTokens: number;
  completionTokens: number;
  /** DeepSeek's `prompt_cache_hit_tokens` (0 where a provider does not report it). */
  cacheHitTokens: number;
  /** DeepSeek's `prompt_cache_miss_tokens` (promptTokens where a provider does not report it). */
  cacheMissTokens: number;
  /** What the provider says the answer cost in USD (OpenRouter's `usage.cost`), when it says. */
  costUsd?: number;
}

export interface ChatRequest {
  messages: ChatMessage[];
  /** Model id; the provider's default chat model when omitted. */
  model?: string;
  /** DeepSeek thinking mode; off unless asked for. */
  thinking?: boolean;
  maxTokens?: number;
  temperature?: number;
}

export interface FimRequest {
  /** Text before the cursor (with any header such as the file path already in front). */
  prompt: string;
  /** Text after the cursor. */
  suffix: string;
  model?: string;
  maxTokens: number;
  stop?: string[];
  temperature?: number;
}

/** Why a request is not running yet, for words in the UI ("rate-limited: retrying in 4 s"). */
export interface WaitInfo {
  providerId: string;
  reason: 'queued' | 'rateLimited' | 'retrying';
  /** Clock time (ms) when the wait ends, when known. */
  untilMs?: number;
  /** 1-based number of the attempt that will run next. */
  attempt: number;
  error?: PacerError;
  /** The provider a reroute would move this chat to now ("Use ⟨alternative⟩ now"), if any. */
  alternative?: string;
}

export interface RestartInfo {
  providerId: string;
  attempt: number;
  error: PacerError;
}

export interface ChatEvents {
  onContent?(delta: string): void;
  onReasoning?(delta: string): void;
  onWait?(info: WaitInfo): void;
  /** A stream failed midway and starts again: drop the partial text shown so far. */
  onRestart?(info: RestartInfo): void;
  /** Which provider serves the request; `isFallback` when it is not the first choice. */
  onProvider?(providerId: string, isFallback: boolean): void;
}

export interface RequestOptions {
  signal?: AbortSignal;
  /** Chat only: triggered when the user asks to move the request to its alternative now. */
  reroute?: RerouteToken;
  /** Overrides the class's default deadline. */
  deadlineMs?: number;
}

export interface ChatResult {
  text: string;
  reasoning: string;
  usage?: Usage;
  providerId: string;
  model: string;
  finishReason: string | null;
  /** How many times the stream was restarted after failing midway. */
  restarts: number;
}

export interface CompletionResult {
  text: string;
  usage?: Usage;
  providerId: string;
  model: string;
}

export interface ModelService {
  chat(request: ChatRequest, options?: RequestOptions & ChatEvents): Promise<ChatResult>;
  complete(request: FimRequest, options?: RequestOptions): Promise<CompletionResult>;
}
