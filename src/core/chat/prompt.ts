// Builds the messages sent for one answer: a fixed system prompt first, then the conversation so
// far. Stable parts come first on purpose: DeepSeek caches whole prompt prefixes, so a follow-up
// question re-sends the earlier turns at the cache-hit price. A file attached to many turns goes
// once, where it first appears, for the same reason: the prefix stays the same turn after turn.
import type { ChatMessage } from '../providers/modelService';
import { LeftOutNotes } from '../common/messages/chat';
import { charsForTokens, estimateTokens, promptBudget } from './contextBudget';
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

export interface PromptOptions {
  system?: string;
  /** Most (estimated) tokens the prompt may take; unlimited when absent. */
  budgetTokens?: number;
  /**
   * Whether a file is excluded now. Stored context is sent again with every follow-up and retry,
   * so a file excluded after it was attached must be checked here, at every prompt.
   */
  isExcluded?: (path: string) => boolean;
}

export interface BuiltPrompt {
  messages: ChatMessage[];
  /** Estimated tokens of `messages`. */
  tokens: number;
  /** What was left out, in words for a note under the answer; absent when everything went. */
  leftOut?: string;
}

/**
 * The messages for the answer with id `answerId`: everything before it. Failed or empty answers
 * are left out (the model should not see its own error turns), and so are their prompts' answers.
 */
export function buildPrompt(conv: Conversation, answerId: string, system = SYSTEM_PROMPT): ChatMessage[] {
  return preparePrompt(conv, answerId, { system }).messages;
}

// One piece of stored context: a file or selection at one version. The same version attached to
// several turns is sent once (where it first appears in what is sent) and named after that.
interface Version {
  key: string;
  item: ContextItem;
  block: number;
  firstTurn: number;
  lastTurn: number;
  /** Text cut to fit, for the newest turn's context when even it alone is too big. */
  cut?: string;
}

interface Turn {
  index: number;
  user?: StoredMessage;
  versions: Version[];
  answer?: string;
  tokens: number;
}

// Per-message framing (role, separators) in the estimate.
const MESSAGE_OVERHEAD = 4;
const HEADER = 'Context from my editor:\n\n';

/** A 53-bit string hash (cyrb53): with the path and length, names one version of a file. */
function hash(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

function reference(item: ContextItem): string {
  return item.kind === 'selection' && item.startLine !== undefined
    ? `Selection from \`${item.path}\`, lines ${item.startLine}-${item.endLine ?? item.startLine}: unchanged, shown above.`
    : `File \`${item.path}\`: unchanged, shown above.`;
}

function listWords(parts: string[]): string {
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

function names(paths: Iterable<string>, max = 5): string {
  const all = [...new Set(paths)].map((p) => `\`${p}\``);
  return all.length > max ? `${all.slice(0, max).join(', ')} and ${all.length - max} more` : all.join(', ');
}

/**
 * The prompt for the answer `answerId`, within `budgetTokens`: each distinct file version is sent
 * once, context of files excluded since is left out, and when it still does not fit, the oldest
 * context goes first, then the oldest turns, and last the newest turn's context is cut. `leftOut`
 * says what went, so the user knows what the model did not see.
 */
export function preparePrompt(
  conv: Conversation,
  answerId: string,
  options: PromptOptions = {},
): BuiltPrompt {
  const system = options.system ?? SYSTEM_PROMPT;
  const budget = options.budgetTokens ?? Number.POSITIVE_INFINITY;
  const excluded: string[] = [];
  const versions = new Map<string, Version>();
  const turns: Turn[] = [];
  for (const m of conv.messages) {
    if (m.id === answerId) break;
    if (m.role === 'user') {
      const turn: Turn = { index: turns.length, user: m, versions: [], tokens: 0 };
      for (const item of m.context ?? []) {
        if (options.isExcluded?.(item.path)) {
          excluded.push(item.path);
          continue;
        }
        const key = `${item.path}\u0000${item.text.length}\u0000${hash(item.text)}`;
        let v = versions.get(key);
        if (!v) {
          v = {
            key,
            item,
            block: estimateTokens(formatContext(item)),
            firstTurn: turn.index,
            lastTurn: turn.index,
          };
          versions.set(key, v);
        }
        v.lastTurn = turn.index;
        if (!turn.versions.includes(v)) turn.versions.push(v);
      }
      turn.tokens =
        MESSAGE_OVERHEAD + estimateTokens(m.text) + (turn.versions.length ? estimateTokens(HEADER) : 0);
      turns.push(turn);
    } else if (m.status !== 'error' && m.text.trim()) {
      const turn = turns[turns.length - 1];
      // An answer before any prompt (a damaged file) has no turn to belong to: it is not sent.
      if (turn) {
        turn.answer = turn.answer === undefined ? m.text : `${turn.answer}\n\n${m.text}`;
        turn.tokens += MESSAGE_OVERHEAD + estimateTokens(m.text);
      }
    }
  }

  const keptTurns = new Set(turns);
  const dropped = new Set<Version>();
  const systemTokens = MESSAGE_OVERHEAD + estimateTokens(system);
  const blockOf = (v: Version) =>
    v.cut !== undefined ? estimateTokens(formatContext({ ...v.item, text: v.cut })) : v.block;
  const total = (): number => {
    let sum = systemTokens;
    const sent = new Set<Version>();
    for (const t of keptTurns) {
      sum += t.tokens;
      for (const v of t.versions) {
        if (dropped.has(v)) continue;
        if (sent.has(v)) sum += estimateTokens(reference(v.item));
        else {
          sent.add(v);
          sum += blockOf(v);
        }
      }
    }
    return sum;
  };

  const last = turns[turns.length - 1];
  const newest = new Set(last?.versions ?? []);
  let droppedTurns = 0;
  const cutPaths: string[] = [];
  if (total() > budget) {
    // 1. Older context the newest turn does not attach, least recently attached first.
    const older = [...versions.values()]
      .filter((v) => !newest.has(v))
      .sort((a, b) => a.lastTurn - b.lastTurn || a.firstTurn - b.firstTurn);
    for (const v of older) {
      if (total() <= budget) break;
      dropped.add(v);
    }
    // 2. The oldest turns, the one being answered aside.
    for (const t of turns) {
      if (t === last || total() <= budget) break;
      keptTurns.delete(t);
      droppedTurns++;
    }
    // 3. The newest turn's own context, cut to the room left (or left out when there is none).
    for (const v of [...newest].reverse()) {
      const over = total() - budget;
      if (over <= 0) break;
      const room = v.block - over - estimateTokens(reference(v.item));
      if (room < 256) dropped.add(v);
      else {
        v.cut = v.item.text.slice(0, charsForTokens(room - estimateTokens(v.item.path) - 40));
        cutPaths.push(v.item.path);
      }
    }
  }

  // Render what is kept, each version in full where it is first sent.
  const out: ChatMessage[] = [{ role: 'system', content: system }];
  const sent = new Set<Version>();
  for (const t of keptTurns) {
    const blocks: string[] = [];
    for (const v of t.versions) {
      if (dropped.has(v)) continue;
      if (sent.has(v)) blocks.push(reference(v.item));
      else {
        sent.add(v);
        const item: ContextItem = v.cut !== undefined ? { ...v.item, text: v.cut, truncated: true } : v.item;
        blocks.push(formatContext(item));
      }
    }
    const text = t.user?.text ?? '';
    out.push({ role: 'user', content: blocks.length ? `${HEADER}${blocks.join('\n\n')}\n\n${text}` : text });
    if (t.answer !== undefined) out.push({ role: 'assistant', content: t.answer });
  }
  // Two user turns in a row (an earlier answer failed) are legal for OpenAI-style APIs, but merging
  // them keeps strict providers happy and reads the same to the model.
  const merged: ChatMessage[] = [];
  for (const m of out) {
    const prev = merged[merged.length - 1];
    if (prev && prev.role === 'user' && m.role === 'user') prev.content = `${prev.content}\n\n${m.content}`;
    else merged.push({ ...m });
  }

  const notes: string[] = [];
  if (excluded.length > 0) {
    notes.push(LeftOutNotes.excluded(names(excluded)));
  }
  const fit: string[] = [];
  const droppedVersions = [...dropped];
  const stillSent = new Set([...sent].map((v) => v.item.path));
  const gonePaths = droppedVersions.filter((v) => !stillSent.has(v.item.path)).map((v) => v.item.path);
  const oldVersions = droppedVersions.filter((v) => stillSent.has(v.item.path)).map((v) => v.item.path);
  if (gonePaths.length) fit.push(names(gonePaths));
  if (oldVersions.length) fit.push(LeftOutNotes.earlierVersions(names(oldVersions)));
  if (droppedTurns) fit.push(LeftOutNotes.oldestMessages(droppedTurns));
  if (cutPaths.length) fit.push(LeftOutNotes.endOf(names(cutPaths)));
  if (fit.length > 0) {
    notes.push(LeftOutNotes.toFit(Math.round(budget / 1000), listWords(fit)));
  }
  const built: BuiltPrompt = { messages: merged, tokens: total() };
  if (notes.length) built.leftOut = notes.join(' ').slice(0, 1_900);
  return built;
}

/**
 * The messages for `answer`, within the model's context (`contextTokens`) and without files
 * excluded since; what was left out becomes the answer's note, so the user sees it from the start.
 */
export function promptForAnswer(
  conv: Conversation,
  answer: StoredMessage,
  contextTokens: number,
  isExcluded?: (path: string) => boolean,
): { messages: ChatMessage[]; note?: string } {
  const built = preparePrompt(conv, answer.id, {
    budgetTokens: promptBudget(contextTokens, conv.thinking),
    ...(isExcluded ? { isExcluded } : {}),
  });
  if (built.leftOut === undefined) return { messages: built.messages };
  answer.note = built.leftOut;
  return { messages: built.messages, note: built.leftOut };
}
