// Builds the messages sent for one answer: a fixed system prompt first, then the conversation so
// far. Stable parts come first on purpose: DeepSeek caches whole prompt prefixes, so a follow-up
// question re-sends the earlier turns at the cache-hit price.
import type { ChatMessage } from '../modelService';
import type { ContextItem, Conversation, StoredMessage } from './conversation';

export const SYSTEM_PROMPT = [
  'You are Pacer, a coding assistant inside the VS Code editor.',
  'Answer in Markdown. Put code in fenced code blocks with a language tag.',
  'Be concise; when the user shares code from their editor, refer to it by file name and line.',
].join(' ');

/** A fence longer than any backtick run in the text, so file content cannot close it early. */
function fenceFor(text: string): string {
  let longest = 0;
  for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  return '`'.repeat(Math.max(3, longest + 1));
}

export function formatContext(item: ContextItem): string {
  const where =
    item.kind === 'selection' && item.startLine !== undefined
      ? `Selection from \`${item.path}\`, lines ${item.startLine}-${item.endLine ?? item.startLine}`
      : `File \`${item.path}\``;
  const cut = item.truncated ? ' (cut short)' : '';
  const fence = fenceFor(item.text);
  return `${where}${cut}:\n${fence}${item.language}\n${item.text}\n${fence}`;
}

export function userContent(m: StoredMessage): string {
  if (!m.context?.length) return m.text;
  const blocks = m.context.map(formatContext).join('\n\n');
  return `Context from my editor:\n\n${blocks}\n\n${m.text}`;
}

/**
 * The messages for the answer with id `answerId`: everything before it. Failed or empty answers
 * are left out (the model should not see its own error turns), and so are their prompts' answers.
 */
export function buildPrompt(conv: Conversation, answerId: string, system = SYSTEM_PROMPT): ChatMessage[] {
  const out: ChatMessage[] = [{ role: 'system', content: system }];
  for (const m of conv.messages) {
    if (m.id === answerId) break;
    if (m.role === 'user') {
      out.push({ role: 'user', content: userContent(m) });
    } else if (m.status !== 'error' && m.text.trim()) {
      out.push({ role: 'assistant', content: m.text });
    }
  }
  // Two user turns in a row (an earlier answer failed) are legal for OpenAI-style APIs, but merging
  // them keeps strict providers happy and reads the same to the model.
  const merged: ChatMessage[] = [];
  for (const m of out) {
    const last = merged[merged.length - 1];
    if (last && last.role === 'user' && m.role === 'user') last.content = `${last.content}\n\n${m.content}`;
    else merged.push({ ...m });
  }
  return merged;
}
