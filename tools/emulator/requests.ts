// Parses and validates request bodies the way DeepSeek does: 400 for a malformed body, an unknown
// model or an out-of-range value, 422 for a missing or mistyped field.
import { badRequest, modelNotExist, unprocessable } from './errors';
import type { HttpError } from './errors';

export const MODELS = ['deepseek-flash', 'deepseek-v4-flash', 'deepseek-v4-pro'] as const;

const FIM_MAX_TOKENS = 4096;
const CHAT_MAX_TOKENS = 384 * 1024;

interface Common {
  model: string;
  stream: boolean;
  includeUsage: boolean;
  maxTokens?: number;
  stop: string[];
  /** The text the prefix cache sees, in order. */
  cacheText: string;
  /** What the stats show as the prompt: FIM prompt or the last user message. */
  shownPrompt: string;
}

export interface ChatRequest extends Common {
  kind: 'chat';
  thinking: boolean;
  lastUser: string;
}

export interface FimRequest extends Common {
  kind: 'fim';
  prompt: string;
  suffix: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: HttpError };

const fail = <T>(error: HttpError): Parsed<T> => ({ ok: false, error });
const missing = (field: string) =>
  unprocessable(`Failed to deserialize the JSON body into the target type: missing field \`${field}\``);

export function parseJson(raw: string): Parsed<Record<string, unknown>> {
  try {
    const value: unknown = JSON.parse(raw);
    if (value && typeof value === 'object' && !Array.isArray(value))
      return { ok: true, value: value as Record<string, unknown> };
  } catch {
    // fall through
  }
  return fail(badRequest('Failed to parse the request body as JSON.'));
}

function common(
  body: Record<string, unknown>,
  maxAllowed: number,
): Parsed<Omit<Common, 'cacheText' | 'shownPrompt'>> {
  const { model, stream, stream_options: streamOptions, max_tokens: maxTokens, stop } = body;
  if (typeof model !== 'string') return fail(missing('model'));
  if (!(MODELS as readonly string[]).includes(model)) return fail(modelNotExist());
  if (maxTokens !== undefined && maxTokens !== null) {
    if (
      typeof maxTokens !== 'number' ||
      !Number.isInteger(maxTokens) ||
      maxTokens < 1 ||
      maxTokens > maxAllowed
    ) {
      return fail(
        badRequest(`Invalid max_tokens value, the valid range of max_tokens is [1, ${maxAllowed}]`),
      );
    }
  }
  const stops =
    typeof stop === 'string'
      ? [stop]
      : Array.isArray(stop)
        ? stop.filter((s): s is string => typeof s === 'string')
        : [];
  const includeUsage = Boolean(
    streamOptions &&
    typeof streamOptions === 'object' &&
    (streamOptions as { include_usage?: unknown }).include_usage,
  );
  return {
    ok: true,
    value: {
      model,
      stream: stream === true,
      includeUsage,
      maxTokens: typeof maxTokens === 'number' ? maxTokens : undefined,
      stop: stops,
    },
  };
}

function thinkingType(body: Record<string, unknown>): string | undefined {
  const t = body.thinking;
  return t && typeof t === 'object' ? String((t as { type?: unknown }).type) : undefined;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((p) =>
        p && typeof p === 'object' && typeof (p as { text?: unknown }).text === 'string'
          ? (p as { text: string }).text
          : '',
      )
      .join('');
  }
  return '';
}

export function parseChat(body: Record<string, unknown>): Parsed<ChatRequest> {
  const base = common(body, CHAT_MAX_TOKENS);
  if (!base.ok) return base;
  const messages = body.messages;
  if (!Array.isArray(messages)) return fail(missing('messages'));
  if (messages.length === 0) return fail(badRequest('Empty input messages'));
  const parts: string[] = [];
  let lastUser = '';
  for (const m of messages) {
    if (!m || typeof m !== 'object' || typeof (m as { role?: unknown }).role !== 'string')
      return fail(missing('role'));
    const { role, content } = m as { role: string; content?: unknown };
    const text = textOf(content);
    parts.push(`${role}: ${text}\n`);
    if (role === 'user') lastUser = text;
  }
  // Thinking is ON unless explicitly disabled, as on DeepSeek since V3.1.
  const thinking = thinkingType(body) !== 'disabled';
  return {
    ok: true,
    value: {
      ...base.value,
      kind: 'chat',
      thinking,
      lastUser,
      cacheText: parts.join(''),
      shownPrompt: lastUser,
    },
  };
}

export function parseFim(body: Record<string, unknown>): Parsed<FimRequest> {
  const base = common(body, FIM_MAX_TOKENS);
  if (!base.ok) return base;
  if (typeof body.prompt !== 'string') return fail(missing('prompt'));
  if (body.suffix !== undefined && body.suffix !== null && typeof body.suffix !== 'string')
    return fail(unprocessable('suffix must be a string'));
  if (thinkingType(body) === 'enabled')
    return fail(
      badRequest('FIM completion is not supported in thinking mode; set thinking.type to disabled.'),
    );
  const prompt = body.prompt;
  const suffix = typeof body.suffix === 'string' ? body.suffix : '';
  return {
    ok: true,
    value: {
      ...base.value,
      kind: 'fim',
      prompt,
      suffix,
      cacheText: `${prompt}\u0000${suffix}`,
      shownPrompt: prompt,
    },
  };
}
