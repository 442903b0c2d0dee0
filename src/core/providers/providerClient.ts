// One provider's HTTP calls through the real `openai` SDK, with `maxRetries: 0` so the gate is the
// only retry loop. Every failure leaves here as a PacerError; streams are guarded by watchdogs.
import type OpenAI from 'openai';
import type {
  ChatCompletionChunk,
  ChatCompletionCreateParamsStreaming,
} from 'openai/resources/chat/completions';
import type { CompletionCreateParamsNonStreaming } from 'openai/resources/completions';
import { isChunk, isJsonType, isObject, mediaType, modelIds } from './apiShapes';
import type { Clock } from '../common/clock';
import { realClock } from '../common/clock';
import { PacerError } from '../common/errors';
import { guardedFetch } from './guardedFetch';
import type { ChatRequest, FimRequest, Usage } from './modelService';
import type { ProviderEndpoint } from './providerEndpoint';
import type { RetryHints } from '../gate/retryHints';
import { parseSuccessHints } from '../gate/retryHints';
import type { WatchdogLimits } from './streamWatchdog';
import { StreamWatchdog } from './streamWatchdog';
import { toPacerError } from './toPacerError';
import { abortReason } from '../gate/abort';

export interface ProviderClientOptions {
  clock?: Clock;
  /** Chat stream watchdogs; defaults: first token 60 s, idle 30 s. */
  chatWatchdog?: WatchdogLimits;
  /** Longest a FIM request (or a chat standing in for FIM) may take; default 30 s. */
  fimTimeoutMs?: number;
  /** Longest `GET /models` may take; default 10 s. */
  probeTimeoutMs?: number;
}

export interface CallOptions {
  signal?: AbortSignal;
  /** The request is about to go out (the key was found, nothing aborted it): the usage history counts it. */
  onSend?(): void;
}

export interface StreamCallbacks extends CallOptions {
  onContent?(delta: string): void;
  onReasoning?(delta: string): void;
}

export interface ChatAttemptResult {
  text: string;
  reasoning: string;
  usage?: Usage;
  model: string;
  finishReason: string | null;
  /** Rate-limit headers of the successful response (the gate may cool down before a refusal). */
  hints: RetryHints;
}

export interface FimAttemptResult {
  text: string;
  usage?: Usage;
  model: string;
  finishReason: string | null;
  hints: RetryHints;
}

interface RawUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  prompt_cache_hit_tokens?: number;
  prompt_cache_miss_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number } | null;
  /** OpenRouter: what the answer cost, in credits (USD). */
  cost?: number;
}

/** DeepSeek's cache fields, or OpenAI's `cached_tokens`, as one `Usage`. */
export function mapUsage(raw: RawUsage | null | undefined): Usage | undefined {
  if (!raw) return undefined;
  const promptTokens = raw.prompt_tokens ?? 0;
  const cacheHitTokens = raw.prompt_cache_hit_tokens ?? raw.prompt_tokens_details?.cached_tokens ?? 0;
  return {
    promptTokens,
    completionTokens: raw.completion_tokens ?? 0,
    cacheHitTokens,
    cacheMissTokens: raw.prompt_cache_miss_tokens ?? Math.max(0, promptTokens - cacheHitTokens),
    ...(typeof raw.cost === 'number' && Number.isFinite(raw.cost) && raw.cost >= 0
      ? { costUsd: raw.cost }
      : {}),
  };
}

const FIM_VIA_CHAT_SYSTEM =
  'You are a code completion engine. The user sends a file with the marker <FILL_HERE> at the cursor. ' +
  'Reply with only the text that belongs at the marker: no explanation, no markdown fences, and do not ' +
  'repeat code that is already before or after the marker.';

const NOT_THE_API =
  'A proxy or a server that is not the API may be in the way: check the base URL and the proxy settings.';

/** Placeholder key for local servers that accept anything (the SDK refuses an empty key). */
const NO_KEY = 'pacer-no-key';

export class ProviderClient {
  private readonly clock: Clock;
  private readonly chatLimits: WatchdogLimits;
  private readonly fimTimeoutMs: number;
  private readonly probeTimeoutMs: number;
  private sdk: { apiKey: string; chat: OpenAI; fim: OpenAI } | undefined;
  private readonly guarded: typeof fetch;

  constructor(
    readonly endpoint: ProviderEndpoint,
    options: ProviderClientOptions = {},
  ) {
    this.clock = options.clock ?? realClock;
    this.chatLimits = options.chatWatchdog ?? { firstTokenMs: 60_000, idleMs: 30_000 };
    this.fimTimeoutMs = options.fimTimeoutMs ?? 30_000;
    this.probeTimeoutMs = options.probeTimeoutMs ?? 10_000;
    // Looked up per request: the endpoint's fetch (a proxy) or the global one.
    const inner: typeof fetch = (input, init) => (endpoint.fetch ?? fetch)(input, init);
    this.guarded = guardedFetch(inner, { providerId: endpoint.id, label: endpoint.label });
  }

  /** Streams a chat answer; resolves with the whole text once the provider says it is finished. */
  async streamChat(request: ChatRequest, callbacks: StreamCallbacks = {}): Promise<ChatAttemptResult> {
    const { chat } = await this.clients();
    if (!callbacks.signal?.aborted) callbacks.onSend?.();
    const watchdog = this.watchdog(this.chatLimits, callbacks.signal);
    const model = request.model ?? this.endpoint.chatModel;
    const body = {
      model,
      messages: request.messages,
      stream: true,
      stream_options: { include_usage: true },
      ...(request.maxTokens !== undefined ? { max_tokens: request.maxTokens } : {}),
      ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
      ...this.thinkingField(request.thinking ?? false),
    } as ChatCompletionCreateParamsStreaming;
    const result: ChatAttemptResult = { text: '', reasoning: '', model, finishReason: null, hints: {} };
    let chunks = 0;
    let contentType = '';
    try {
      const { data: stream, response } = await chat.chat.completions
        .create(body, { signal: watchdog.signal })
        .withResponse();
      contentType = mediaType(response);
      result.hints = parseSuccessHints(response.headers, this.clock.wallNow());
      for await (const chunk of stream as AsyncIterable<ChatCompletionChunk>) {
        if (!isChunk(chunk)) throw this.malformed('a stream chunk that is not a chat completion chunk');
        chunks++;
        if (chunk.model) result.model = chunk.model;
        if (chunk.usage) result.usage = mapUsage(chunk.usage as RawUsage);
        const choice = chunk.choices?.[0];
        if (!choice) continue;
        const delta = choice.delta as
          { content?: string | null; reasoning_content?: string | null } | undefined;
        if (delta?.reasoning_content) {
          watchdog.progress();
          result.reasoning += delta.reasoning_content;
          callbacks.onReasoning?.(delta.reasoning_content);
        }
        if (delta?.content) {
          watchdog.progress();
          result.text += delta.content;
          callbacks.onContent?.(delta.content);
        }
        if (choice.finish_reason) result.finishReason = choice.finish_reason;
      }
    } catch (error) {
      throw this.failure(error, watchdog, callbacks.signal);
    } finally {
      watchdog.dispose();
    }
    // The SDK ends the iteration quietly when its signal aborts, so check why the loop ended.
    this.throwIfStopped(watchdog, callbacks.signal);
    if (chunks === 0 && contentType !== '' && contentType !== 'text/event-stream') {
      throw this.malformed(`${contentType} instead of an event stream`);
    }
    if (result.finishReason === null) {
      throw new PacerError({
        kind: 'network',
        providerId: this.endpoint.id,
        message: `The connection to ${this.endpoint.label} ended before the answer was complete.`,
      });
    }
    return result;
  }

  /** Fill-in-the-middle through `/completions` (DeepSeek: on the `/beta` base URL). */
  async fim(request: FimRequest, options: CallOptions = {}): Promise<FimAttemptResult> {
    if (!this.endpoint.supportsFim) return this.fimViaChat(request, options);
    const { fim } = await this.clients();
    if (!options.signal?.aborted) options.onSend?.();
    const watchdog = this.watchdog({ totalMs: this.fimTimeoutMs }, options.signal);
    const model = request.model ?? this.endpoint.completionModel;
    const body = {
      model,
      prompt: request.prompt,
      suffix: request.suffix,
      max_tokens: request.maxTokens,
      stream: false,
      ...(request.stop?.length ? { stop: request.stop } : {}),
      ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
      // FIM works in non-thinking mode only.
      ...this.thinkingField(false),
    } as CompletionCreateParamsNonStreaming;
    try {
      const { data, response } = await fim.completions
        .create(body, { signal: watchdog.signal })
        .withResponse();
      if (!isJsonType(response)) throw this.notJson(response);
      if (!isObject(data)) throw this.malformed('an answer that is not a JSON object');
      const choice = Array.isArray(data.choices) ? data.choices[0] : undefined;
      if (!isObject(choice) || typeof choice.text !== 'string')
        throw this.malformed('a completion without text');
      return {
        text: choice.text,
        usage: mapUsage(data.usage as RawUsage | undefined),
        model: data.model ?? model,
        finishReason: choice.finish_reason ?? null,
        hints: parseSuccessHints(response.headers, this.clock.wallNow()),
      };
    } catch (error) {
      throw this.failure(error, watchdog, options.signal);
    } finally {
      watchdog.dispose();
    }
  }

  /** For providers without FIM: a chat prompt asking for the missing middle; raw text back. */
  async fimViaChat(request: FimRequest, options: CallOptions = {}): Promise<FimAttemptResult> {
    const { chat } = await this.clients();
    if (!options.signal?.aborted) options.onSend?.();
    const watchdog = this.watchdog({ totalMs: this.fimTimeoutMs }, options.signal);
    const model = request.model ?? this.endpoint.completionModel;
    const body = {
      model,
      messages: [
        { role: 'system', content: FIM_VIA_CHAT_SYSTEM },
        { role: 'user', content: `${request.prompt}<FILL_HERE>${request.suffix}` },
      ],
      max_tokens: request.maxTokens,
      stream: false,
      ...(request.stop?.length ? { stop: request.stop } : {}),
      ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
      ...this.thinkingField(false),
    } as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming;
    try {
      const { data, response } = await chat.chat.completions
        .create(body, { signal: watchdog.signal })
        .withResponse();
      if (!isJsonType(response)) throw this.notJson(response);
      if (!isObject(data)) throw this.malformed('an answer that is not a JSON object');
      const choice = Array.isArray(data.choices) ? data.choices[0] : undefined;
      const text = isObject(choice) && isObject(choice.message) ? choice.message.content : undefined;
      if (typeof text !== 'string') throw this.malformed('a chat answer without content');
      return {
        text,
        usage: mapUsage(data.usage as RawUsage | undefined),
        model: data.model ?? model,
        finishReason: choice?.finish_reason ?? null,
        hints: parseSuccessHints(response.headers, this.clock.wallNow()),
      };
    } catch (error) {
      throw this.failure(error, watchdog, options.signal);
    } finally {
      watchdog.dispose();
    }
  }

  /** `GET /models`: a cheap health probe, and the model ids the provider offers today. */
  async listModels(signal?: AbortSignal): Promise<string[]> {
    // The raw body, not the SDK's page: that takes any answer (an HTML page too) for an empty list.
    return this.getJson('/models', signal, (data) => {
      const ids = modelIds(data);
      if (!ids) throw this.malformed('a model list that is not {object: "list", data: [{id}, …]}');
      return ids;
    });
  }

  /**
   * After a 402: whether the account can pay again. DeepSeek answers `GET /user/balance` with
   * `{is_available}`; `undefined` where the provider has no such endpoint (then only a real
   * request can tell).
   */
  async balanceAvailable(signal?: AbortSignal): Promise<boolean | undefined> {
    if (!this.endpoint.balanceCheck) return undefined;
    return this.getJson('/user/balance', signal, (data) => {
      const available = (data as { is_available?: unknown } | null)?.is_available;
      if (typeof available !== 'boolean') throw this.malformed('a balance answer without is_available');
      return available;
    });
  }

  /** A small GET under the probe timeout: JSON only, read by `read`, failures mapped as usual. */
  private async getJson<T>(
    path: string,
    signal: AbortSignal | undefined,
    read: (data: unknown) => T,
  ): Promise<T> {
    const { chat } = await this.clients();
    const watchdog = this.watchdog({ totalMs: this.probeTimeoutMs }, signal);
    try {
      const { data, response } = await chat.get<unknown>(path, { signal: watchdog.signal }).withResponse();
      if (!isJsonType(response)) throw this.notJson(response);
      return read(data);
    } catch (error) {
      throw this.failure(error, watchdog, signal);
    } finally {
      watchdog.dispose();
    }
  }

  private thinkingField(enabled: boolean): Record<string, unknown> {
    return this.endpoint.thinkingToggle ? { thinking: { type: enabled ? 'enabled' : 'disabled' } } : {};
  }

  private watchdog(limits: WatchdogLimits, signal: AbortSignal | undefined): StreamWatchdog {
    return new StreamWatchdog(this.clock, limits, signal, this.endpoint.id, this.endpoint.label);
  }

  private async clients(): Promise<{ chat: OpenAI; fim: OpenAI }> {
    const key = await this.endpoint.getApiKey();
    if (!key && this.endpoint.needsKey !== false) {
      throw new PacerError({
        kind: 'needsKey',
        providerId: this.endpoint.id,
        message: `No API key for ${this.endpoint.label} yet. Run 'Pacer: Set API Key' to add one.`,
      });
    }
    const apiKey = key || NO_KEY;
    if (this.sdk?.apiKey !== apiKey) {
      // The SDK is a third of the bundle and its module code took about 20 ms of activation:
      // loaded by the first request instead (esbuild keeps it in the bundle, evaluated lazily).
      const { default: OpenAI } = await import('openai');
      const make = (baseURL: string) =>
        new OpenAI({
          apiKey,
          baseURL,
          maxRetries: 0,
          // Our watchdogs time requests; this only bounds a connection that never sends headers.
          timeout: 10 * 60_000,
          // Redirects, HTML pages and oversized bodies stop here (see guardedFetch).
          fetch: this.guarded,
          // Never pick up OPENAI_ORG_ID / OPENAI_PROJECT_ID from the environment for another provider.
          organization: null,
          project: null,
          // The SDK would print unparsable chunks (prompt text) to the console.
          logLevel: 'off',
        });
      const chat = make(this.endpoint.baseUrl);
      const fimBase = this.endpoint.fimBaseUrl ?? this.endpoint.baseUrl;
      this.sdk = { apiKey, chat, fim: fimBase === this.endpoint.baseUrl ? chat : make(fimBase) };
    }
    return this.sdk;
  }

  private malformed(what: string): PacerError {
    return new PacerError({
      kind: 'malformed',
      providerId: this.endpoint.id,
      message: `${this.endpoint.label} sent ${what}. ${NOT_THE_API}`,
    });
  }

  private notJson(response: Response): PacerError {
    return this.malformed(
      `${mediaType(response) || 'an answer without a content type'} instead of the API's JSON`,
    );
  }

  private throwIfStopped(watchdog: StreamWatchdog, signal: AbortSignal | undefined): void {
    if (watchdog.fired) throw watchdog.fired;
    if (signal?.aborted) throw abortReason(signal, this.endpoint.id);
  }

  private failure(error: unknown, watchdog: StreamWatchdog, signal: AbortSignal | undefined): PacerError {
    if (watchdog.fired) return watchdog.fired;
    if (signal?.aborted) return abortReason(signal, this.endpoint.id);
    return toPacerError(error, {
      providerId: this.endpoint.id,
      label: this.endpoint.label,
      billingUrl: this.endpoint.billingUrl,
      nowMs: this.clock.wallNow(),
    });
  }
}
