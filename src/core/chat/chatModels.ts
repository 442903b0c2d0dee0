// What the model box under the input offers. Pinned to another provider, the box names what
// really answers (the router gives that provider its own model whatever the panel sends), with
// the label the router has for it, a custom provider's included.
import type { ModelOption } from '../common/chatProtocol';

export const BUILT_IN_MODELS: readonly ModelOption[] = [
  { id: 'deepseek-flash', label: 'DeepSeek Flash' },
  { id: 'deepseek-v4-pro', label: 'DeepSeek V4 Pro' },
];

export interface PinnedChat {
  label: string;
  chatModel: string;
}

export function chatModelOptions(configured: string, pinned: PinnedChat | undefined): ModelOption[] {
  if (pinned) return [{ id: configured, label: `${pinned.label} · ${pinned.chatModel}` }];
  return BUILT_IN_MODELS.some((m) => m.id === configured)
    ? [...BUILT_IN_MODELS]
    : [...BUILT_IN_MODELS, { id: configured, label: configured }];
}
