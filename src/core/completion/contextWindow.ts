// Builds the FIM prompt and suffix from the document around the cursor, within a budget.
//
// DeepSeek caches prompt prefixes automatically, in whole units of 64 tokens, and bills a cache
// hit at about 2 % of a miss. So the prompt puts the stable parts first: the file's path and
// language, then snippets from other editors, then the code before the cursor. The start of that
// code window moves in steps of whole line blocks, not with every keystroke, so consecutive
// requests while typing share everything but their last few lines.
import type { Snippet } from './snippets';
import { formatSnippets } from './snippets';
import { commentLine } from './languages';

export interface ContextBudget {
  /** Characters of code before the cursor. */
  prefixChars: number;
  /** Characters of code after the cursor. */
  suffixChars: number;
  /** Lines by which the prefix window's start moves (prefix-cache friendliness). */
  lineQuantum: number;
}

export const DEFAULT_BUDGET: ContextBudget = { prefixChars: 6000, suffixChars: 1500, lineQuantum: 32 };

export interface ContextInput {
  /** Workspace-relative path, shown to the model (an absolute one is cut to the file name). */
  path: string;
  languageId: string;
  text: string;
  offset: number;
  snippets?: readonly Snippet[];
}

export interface CursorLines {
  /** The cursor's line up to the cursor. */
  linePrefix: string;
  /** The cursor's line after the cursor. */
  lineSuffix: string;
  /** Up to 3 lines before the cursor's line, nearest last. */
  linesBefore: string[];
  /** Up to 3 non-empty lines after the cursor's line, nearest first. */
  linesAfter: string[];
}

export interface BuiltContext extends CursorLines {
  prompt: string;
  suffix: string;
  /** The stable head of the prompt (path, language, snippets). */
  header: string;
  /** Index in the document where the prefix window starts. */
  windowStart: number;
}

export function buildHeader(path: string, languageId: string): string {
  return `${commentLine(languageId, `Path: ${promptPath(path)}`)}\n${commentLine(languageId, `Language: ${languageId}`)}\n`;
}

/**
 * The path as a provider may see it: workspace-relative, or the file name alone. An absolute path
 * (a file outside the workspace) would tell the provider the user's home folder and name.
 */
export function promptPath(path: string): string {
  const p = path.replace(/\\/g, '/');
  const outside = /^(?:\/|~|[A-Za-z]:|[A-Za-z][\w+.-]*:\/\/)/.test(p) || /(?:^|\/)\.\.(?:\/|$)/.test(p);
  return outside ? (p.split('/').filter(Boolean).pop() ?? '') : p;
}

export function buildContext(input: ContextInput, budget: ContextBudget = DEFAULT_BUDGET): BuiltContext {
  const { text, languageId } = input;
  const offset = Math.max(0, Math.min(input.offset, text.length));
  const windowStart = prefixWindowStart(text, offset, budget);
  const suffixEnd = suffixWindowEnd(text, offset, budget.suffixChars);
  const snippets = (input.snippets ?? []).map((s) => ({ ...s, path: promptPath(s.path) }));
  const header = buildHeader(input.path, languageId) + formatSnippets(snippets, languageId);
  return {
    prompt: header + text.slice(windowStart, offset),
    suffix: text.slice(offset, suffixEnd),
    header,
    windowStart,
    ...cursorLines(text, offset),
  };
}

/**
 * The smallest line start whose distance to the cursor fits the budget, rounded up to a multiple
 * of `lineQuantum` lines so it stays put while the cursor moves within a block of lines.
 */
export function prefixWindowStart(text: string, offset: number, budget: ContextBudget): number {
  if (offset <= budget.prefixChars) return 0;
  const earliest = offset - budget.prefixChars;
  const lineStarts = lineStartsUpTo(text, offset);
  // First line that starts at or after `earliest`.
  let idx = lineStarts.findIndex((s) => s >= earliest);
  if (idx === -1) return earliest; // the cursor's own line is longer than the budget (minified code)
  const quantum = Math.max(1, budget.lineQuantum);
  const rounded = Math.ceil(idx / quantum) * quantum;
  // Rounding must never drop the cursor's own line.
  if (rounded < lineStarts.length) idx = rounded;
  return lineStarts[idx]!;
}

function lineStartsUpTo(text: string, offset: number): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** Ends on a line break so the model never sees half a line after the cursor. */
export function suffixWindowEnd(text: string, offset: number, budget: number): number {
  const hardEnd = Math.min(text.length, offset + budget);
  if (hardEnd === text.length) return hardEnd;
  const lastBreak = text.lastIndexOf('\n', hardEnd);
  // Keep at least the rest of the cursor's line, even past the budget (long lines are rare).
  if (lastBreak < offset) {
    const eol = text.indexOf('\n', offset);
    return eol === -1 ? text.length : Math.min(eol, offset + budget * 2);
  }
  return lastBreak;
}

export function cursorLines(text: string, offset: number): CursorLines {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const eolRaw = text.indexOf('\n', offset);
  const lineEnd = eolRaw === -1 ? text.length : eolRaw;
  const before = text.slice(Math.max(0, lineStart - 2000), Math.max(0, lineStart - 1)).split('\n');
  const linesBefore = lineStart === 0 ? [] : before.slice(-3);
  const linesAfter: string[] = [];
  let pos = lineEnd + 1;
  while (pos <= text.length && linesAfter.length < 3 && pos - lineEnd < 4000) {
    const next = text.indexOf('\n', pos);
    const line = text.slice(pos, next === -1 ? text.length : next);
    if (line.trim() !== '') linesAfter.push(line);
    if (next === -1) break;
    pos = next + 1;
  }
  return {
    linePrefix: text.slice(lineStart, offset),
    lineSuffix: text.slice(offset, lineEnd).replace(/\r$/, ''),
    linesBefore,
    linesAfter,
  };
}
