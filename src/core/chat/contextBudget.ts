// How much a chat prompt may hold: the context window of the model it goes to (one table, here),
// less room for the answer, counted in estimated tokens. Past it a provider answers 400 to every
// message of the chat, so the prompt is trimmed to fit instead (see prompt.ts).

/**
 * Context windows of the built-in chat models, in tokens. DeepSeek documents 1M for its V4
 * models, but the 400s this budget prevents were measured at 128k; an answer that is sure to be
 * accepted is worth more than old context, so DeepSeek counts as 128k until that is settled.
 */
const CONTEXT_TOKENS: Readonly<Record<string, number>> = {
  'deepseek-flash': 128_000,
  'deepseek-v4-flash': 128_000,
  'deepseek-v4-pro': 128_000,
  'gpt-4.1-mini': 1_047_576,
  'deepseek/deepseek-chat': 163_840,
  'qwen2.5-coder:7b': 32_768,
  'qwen2.5-coder-7b-instruct': 32_768,
};

/** For models not in the table, unless the user says otherwise (`pacer.chat.contextTokens`). */
export const DEFAULT_CONTEXT_TOKENS = 32_768;
const MIN_CONTEXT_TOKENS = 2_048;
const MAX_CONTEXT_TOKENS = 10_000_000;

/** The setting's value made safe: a number in range, else the default. */
export function clampContextTokens(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return DEFAULT_CONTEXT_TOKENS;
  return Math.round(Math.min(MAX_CONTEXT_TOKENS, Math.max(MIN_CONTEXT_TOKENS, value)));
}

/** The context window of `model`: from the table, else `unknownModels` (the user's setting). */
export function contextTokensFor(model: string, unknownModels = DEFAULT_CONTEXT_TOKENS): number {
  return CONTEXT_TOKENS[model] ?? clampContextTokens(unknownModels);
}

/** What the prompt may take of a context window: the rest is kept for the answer (and thinking). */
export function promptBudget(contextTokens: number, thinking: boolean): number {
  const reserve = Math.min(thinking ? 32_768 : 8_192, Math.floor(contextTokens / 4));
  return contextTokens - reserve;
}

/**
 * Tokens in `text`, over- rather than under-estimated: code runs about 3.5-4 characters a token
 * with DeepSeek's and OpenAI's tokenizers, so 3 leaves a margin without a tokenizer in the bundle.
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 3);
}

/** Characters that fit in `tokens` by the same estimate. */
export function charsForTokens(tokens: number): number {
  return Math.max(0, Math.floor(tokens * 3));
}
