// List prices (USD per 1M tokens) of the built-in cloud providers' common models, for the cost
// estimate and the daily limit. Public list prices as of late 2025; a model missing here is priced
// by the user's `pacer.budget.prices` or, failing that, by a deliberately high default
// (prices.ts), never at 0. Keys match by longest prefix, so dated ids
// (`gpt-4.1-mini-2025-04-14`) find their model.
import type { ModelPricing } from '../providers/providerEndpoint';

const p = (input: number, cachedInput: number, output: number): ModelPricing => ({
  cacheMiss: input,
  cacheHit: cachedInput,
  output,
});

export const OPENAI_PRICING: Readonly<Record<string, ModelPricing>> = {
  'gpt-5': p(1.25, 0.125, 10),
  'gpt-5-mini': p(0.25, 0.025, 2),
  'gpt-5-nano': p(0.05, 0.005, 0.4),
  'gpt-4.1': p(2, 0.5, 8),
  'gpt-4.1-mini': p(0.4, 0.1, 1.6),
  'gpt-4.1-nano': p(0.1, 0.025, 0.4),
  'gpt-4o': p(2.5, 1.25, 10),
  'gpt-4o-mini': p(0.15, 0.075, 0.6),
  o1: p(15, 7.5, 60),
  'o1-pro': p(150, 150, 600),
  o3: p(2, 0.5, 8),
  'o3-mini': p(1.1, 0.55, 4.4),
  'o3-pro': p(20, 20, 80),
  'o4-mini': p(1.1, 0.275, 4.4),
};

// OpenRouter reports what each answer cost (`usage.cost`), which wins over this table; the table
// covers answers without it (a stopped stream, an older gateway).
export const OPENROUTER_PRICING: Readonly<Record<string, ModelPricing>> = {
  'deepseek/deepseek-chat': p(0.3, 0.07, 1.2),
  'deepseek/deepseek-r1': p(0.55, 0.14, 2.19),
  'deepseek/deepseek-v3': p(0.3, 0.07, 1.2),
  ...Object.fromEntries(Object.entries(OPENAI_PRICING).map(([model, price]) => [`openai/${model}`, price])),
  'anthropic/claude-opus-4': p(15, 1.5, 75),
  'anthropic/claude-sonnet-4': p(3, 0.3, 15),
  'anthropic/claude-3.7-sonnet': p(3, 0.3, 15),
  'anthropic/claude-3.5-sonnet': p(3, 0.3, 15),
  'anthropic/claude-3.5-haiku': p(0.8, 0.08, 4),
  'google/gemini-2.5-pro': p(1.25, 0.31, 10),
  'google/gemini-2.5-flash': p(0.3, 0.075, 2.5),
  'qwen/qwen-2.5-coder-32b-instruct': p(0.2, 0.2, 0.6),
  'qwen/qwen3-coder': p(0.4, 0.4, 1.6),
  'meta-llama/llama-3.3-70b-instruct': p(0.13, 0.13, 0.4),
  'mistralai/codestral': p(0.3, 0.3, 0.9),
};
