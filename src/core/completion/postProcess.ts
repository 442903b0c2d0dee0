// Cleans a model's answer before it becomes ghost text. Models (FIM and even more so a chat model
// standing in for FIM) repeat code that is already there, loop, close brackets the code already
// closes and ramble past the point the user cares about. Each rule below removes one of those.
import type { CursorLines } from './contextWindow';
import { CLOSERS, OPENER_OF, opensBlock } from './languages';

/**
 * - `inline`: the cursor is before code on its line: only the rest of this line makes sense.
 * - `line`: at the end of a finished line: the rest of it, or (when the answer starts with a line
 *   break) the next line.
 * - `block`: on an empty line or after a block opener: several lines (a body) are welcome.
 */
export type LineMode = 'inline' | 'line' | 'block';

export interface PostProcessContext extends CursorLines {
  languageId: string;
  /** Longest answer in lines (block mode). */
  maxLines?: number;
  /** Longest answer in characters. */
  maxChars?: number;
}

export const DEFAULT_MAX_LINES = 12;
export const DEFAULT_MAX_CHARS = 800;

export function decideLineMode(languageId: string, linePrefix: string, lineSuffix: string): LineMode {
  // Code after the cursor, even just closing brackets: finish this line (the expression) only.
  if (lineSuffix.trim() !== '') return 'inline';
  if (linePrefix.trim() === '' || opensBlock(languageId, linePrefix)) return 'block';
  return 'line';
}

export function postProcess(raw: string, ctx: PostProcessContext): string {
  let text = raw.replace(/\r\n?/g, '\n');
  text = unwrapFences(text);
  text = stripEcho(text, ctx.linePrefix);
  const mode = decideLineMode(ctx.languageId, ctx.linePrefix, ctx.lineSuffix);
  let lines = text.split('\n');

  if (mode === 'inline') {
    lines = [lines[0]!];
  } else if (mode === 'line') {
    // An answer that starts with a line break proposes the next line: keep exactly one.
    lines = lines[0]!.trim() === '' && lines.length > 1 ? ['', firstNonEmpty(lines.slice(1))] : [lines[0]!];
  }

  lines = stopAtSuffixAndRepeats(lines, ctx);
  if (mode === 'block') lines = lines.slice(0, ctx.maxLines ?? DEFAULT_MAX_LINES);
  text = lines.join('\n');

  if (mode === 'inline') {
    text = dropSuffixOverlap(text, ctx.lineSuffix);
    text = dropRepeatedClosers(text, ctx.lineSuffix);
    // Trailing spaces matter only right before more code on the line.
    if (ctx.lineSuffix === '' || /^\s/.test(ctx.lineSuffix)) text = text.trimEnd();
  } else {
    text = text.replace(/[ \t]+$/gm, '').trimEnd();
  }

  text = boundLength(text, ctx.maxChars ?? DEFAULT_MAX_CHARS);
  return text.trim() === '' ? '' : text;
}

function firstNonEmpty(lines: string[]): string {
  return lines.find((l) => l.trim() !== '') ?? '';
}

/** Chat models wrap code in markdown fences even when told not to. */
export function unwrapFences(text: string): string {
  const m = /^\s*```[^\n]*\n([\s\S]*?)(?:\n?```[\s\S]*)?$/.exec(text);
  return m ? m[1]! : text;
}

/** Chat models often start by repeating the cursor's line; the editor already has it. */
function stripEcho(text: string, linePrefix: string): string {
  if (linePrefix === '') return text;
  if (linePrefix.trim() === '') {
    // Same indentation as the cursor already has, followed by code: the indentation is doubled.
    return text.startsWith(linePrefix) && /^\S/.test(text.slice(linePrefix.length))
      ? text.slice(linePrefix.length)
      : text;
  }
  const code = linePrefix.trimStart();
  if (code.length >= 3 && text.trimStart().startsWith(code)) return text.trimStart().slice(code.length);
  return text;
}

const TRIVIAL = /^[\s)\]};,]*$/;

function isOnlyClosers(s: string): boolean {
  return /^[\s)\]};,'"`]*$/.test(s);
}

/**
 * Cuts the answer where it starts repeating code: a line equal to the first line after the cursor
 * (the suffix already continues from there), a cursor line completed into that same next line, a
 * line equal to the one before it (a loop), or a line of closing brackets that closes something
 * the answer did not open when the code after the cursor already closes it at that indentation
 * or still continues the block at that depth.
 * Lines are compared with their spacing collapsed: `a /  b` repeats `a / b`.
 */
function stopAtSuffixAndRepeats(lines: string[], ctx: PostProcessContext): string[] {
  const nextLine = sameCode(ctx.lineSuffix.trim() !== '' ? ctx.lineSuffix : (ctx.linesAfter[0] ?? ''));
  const lineAbove = ctx.linePrefix.trim() === '' ? sameCode(ctx.linesBefore.at(-1) ?? '') : '';
  const nextCode = ctx.lineSuffix.trim() !== '' ? undefined : ctx.linesAfter[0];
  const closedAfter = closersLeftOpenBy(ctx.lineSuffix.trim() !== '' ? [] : ctx.linesAfter);
  const depth = new Map<string, number>();
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const trimmed = line.trim();
    // A line that begins the answer continues the cursor's line; comparing it to whole lines only
    // makes sense when the cursor's line is empty.
    const wholeLine = i > 0 || ctx.linePrefix.trim() === '';
    if (!wholeLine && ctx.lineSuffix.trim() === '' && !TRIVIAL.test(ctx.linePrefix + line)) {
      // `  return to|` answered with `tal / n;` while the next line is `  return total / n;`.
      if (sameCode(ctx.linePrefix + line) === nextLine) break;
    }
    if (trimmed !== '' && wholeLine) {
      if (TRIVIAL.test(trimmed)) {
        const indent = (i === 0 ? ctx.linePrefix : '') + leadingSpace(line);
        // Closing here would close twice, or end a block that the next lines still continue.
        const blockGoesOn = nextCode !== undefined && leadingSpace(nextCode).length >= indent.length;
        if (
          closesOutside(trimmed, depth) &&
          (closedAfter.has(`${firstCloser(trimmed)}${indent}`) || blockGoesOn)
        )
          break;
      } else {
        if (sameCode(trimmed) === nextLine) break;
        const previous = i === 0 ? lineAbove : i === 1 ? ctx.linePrefix + lines[0]! : lines[i - 1]!;
        if (sameCode(trimmed) === sameCode(previous)) break;
      }
    }
    out.push(line);
    track(line, depth);
  }
  return out;
}

function sameCode(line: string): string {
  return line.replace(/\s+/g, ' ').trim();
}

function leadingSpace(line: string): string {
  return /^[ \t]*/.exec(line)![0];
}

function firstCloser(trimmed: string): string | undefined {
  return [...trimmed].find((c) => CLOSERS.has(c));
}

/**
 * Closing brackets in the lines after the cursor that close something opened before the cursor,
 * each keyed by the bracket and its line's indentation (`}` + `  `): an answer line that closes
 * the same bracket at the same indentation would close it twice.
 */
function closersLeftOpenBy(linesAfter: readonly string[]): Set<string> {
  const depth = new Map<string, number>();
  const out = new Set<string>();
  for (const line of linesAfter) {
    for (const c of line) {
      if (c === '(' || c === '[' || c === '{') depth.set(c, (depth.get(c) ?? 0) + 1);
      else if (CLOSERS.has(c)) {
        const opener = OPENER_OF[c]!;
        if ((depth.get(opener) ?? 0) > 0) depth.set(opener, depth.get(opener)! - 1);
        else out.add(`${c}${leadingSpace(line)}`);
      }
    }
  }
  return out;
}

function track(line: string, depth: Map<string, number>): void {
  for (const c of line) {
    if (c === '(' || c === '[' || c === '{') depth.set(c, (depth.get(c) ?? 0) + 1);
    else if (CLOSERS.has(c)) depth.set(OPENER_OF[c]!, (depth.get(OPENER_OF[c]!) ?? 0) - 1);
  }
}

/** True when the first closer on the line has no opener inside the answer so far. */
function closesOutside(trimmed: string, depth: Map<string, number>): boolean {
  const first = firstCloser(trimmed);
  return first !== undefined && (depth.get(OPENER_OF[first]!) ?? 0) <= 0;
}

/** `x = 5;` typed before `= 5;`: the model repeated the rest of the line. */
function dropSuffixOverlap(text: string, lineSuffix: string): string {
  const rest = lineSuffix.trim();
  if (rest === '' || isOnlyClosers(rest)) return text;
  if (text.endsWith(lineSuffix.trimEnd())) return text.slice(0, text.length - lineSuffix.trimEnd().length);
  if (text.trimEnd().endsWith(rest)) return text.trimEnd().slice(0, -rest.length);
  return text;
}

/**
 * `foo(|)` answered with `a, b)`: the `)` is already after the cursor. Drops the answer's trailing
 * closers (and quotes, `;`, `,`) that the code after the cursor starts with, as long as the answer
 * did not open them itself.
 */
function dropRepeatedClosers(text: string, lineSuffix: string): string {
  const after = lineSuffix.trimStart();
  if (after === '') return text;
  const unmatched = unmatchedPositions(text);
  const body = text.trimEnd();
  for (let len = Math.min(body.length, after.length); len > 0; len--) {
    const tail = body.slice(body.length - len);
    if (!after.startsWith(tail) || !/^[)\]}'"`;,\s]+$/.test(tail)) continue;
    const start = body.length - len;
    const ownsAll = [...tail].every((c, k) => !/[)\]}'"`]/.test(c) || unmatched.has(start + k));
    if (ownsAll) return body.slice(0, start);
  }
  return text;
}

/** Indexes of closers and quotes in `text` that `text` itself did not open. */
function unmatchedPositions(text: string): Set<number> {
  const stack: { c: string; i: number }[] = [];
  const out = new Set<number>();
  const quoteCount = new Map<string, number>();
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '(' || c === '[' || c === '{') stack.push({ c, i });
    else if (CLOSERS.has(c)) {
      if (stack.at(-1)?.c === OPENER_OF[c]) stack.pop();
      else out.add(i);
    } else if (c === '"' || c === "'" || c === '`') {
      quoteCount.set(c, (quoteCount.get(c) ?? 0) + 1);
    }
  }
  // An odd count means the last quote of that kind closes a string opened before the cursor.
  for (const [q, n] of quoteCount) if (n % 2 === 1) out.add(text.lastIndexOf(q));
  return out;
}

function boundLength(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const cut = text.lastIndexOf('\n', maxChars);
  return cut > 0 ? text.slice(0, cut) : text.slice(0, maxChars);
}
