// Human names for provider ids, for sentences in the chat panel ("OpenRouter is rate-limiting").
const LABELS: Record<string, string> = {
  deepseek: 'DeepSeek',
  openrouter: 'OpenRouter',
  openai: 'OpenAI',
  ollama: 'Ollama',
  lmstudio: 'LM Studio',
  llamacpp: 'llama.cpp',
};

export function providerLabel(id: string): string {
  return LABELS[id] ?? id;
}
