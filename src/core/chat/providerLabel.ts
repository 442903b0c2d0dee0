// Human names for provider ids, for sentences in the chat panel ("OpenRouter is rate-limiting").
import { LIMITS } from '../common/chatProtocol';
import { clip } from '../common/schema';

const LABELS: Record<string, string> = {
  deepseek: 'DeepSeek',
  openrouter: 'OpenRouter',
  openai: 'OpenAI',
  ollama: 'Ollama',
  lmstudio: 'LM Studio',
  llamacpp: 'llama.cpp',
};

export function providerLabel(id: string): string {
  // A custom provider's id is the user's: cut to what the panel accepts.
  return LABELS[id] ?? clip(id, LIMITS.label);
}
