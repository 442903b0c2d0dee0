// How likely the cursor is at the end of a line, read from the lines of the same document (#14).
//
// Users stop to think at line ends, so the engine asks early there. But a mark alone does not
// tell a line end: `,` or `)` end lines in one file and sit mid-line in another, and while the
// user types at the end of a document nothing is ever after the cursor. So the odds are counted
// over the lines above the cursor: how often did a line that reached this mark, with this many
// brackets left open on it, end right there? `;` with nothing open ends nearly every line of C;
// `,` inside an open call never does. Words are not candidates: a word may still grow.

/** Brackets left open on the line, beyond this, count as this many (the odds barely differ). */
const MAX_DEPTH = 3;
/** Lines above the cursor that are counted. */
const MAX_LINES = 400;
const MAX_CHARS = 24_000;
/** Documents whose counts are kept. */
const MEMO_DOCS = 20;

interface Counts {
  /** For each mark and depth: how many times it was seen, and how many times it ended its line. */
  seen: Map<string, number>;
  ended: Map<string, number>;
}

/** The key of a mark at a position: the mark and the brackets still open on its line after it. */
function markKey(mark: string, depth: number): string {
  return `${mark}${Math.min(MAX_DEPTH, Math.max(0, depth))}`;
}

const OPENERS = '([{';
const CLOSERS = ')]}';

function isMark(ch: string): boolean {
  return !/[\sA-Za-z0-9_$]/.test(ch);
}

/** Each mark on `line`, with its key and index. */
function forEachMark(line: string, visit: (key: string, index: number) => void): void {
  let depth = 0;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (OPENERS.includes(ch)) depth++;
    else if (CLOSERS.includes(ch)) depth = Math.max(0, depth - 1);
    if (isMark(ch)) visit(markKey(ch, depth), i);
  }
}

function count(lines: readonly string[]): Counts {
  const seen = new Map<string, number>();
  const ended = new Map<string, number>();
  for (const line of lines) {
    const last = line.trimEnd().length - 1;
    forEachMark(line, (key, i) => {
      seen.set(key, (seen.get(key) ?? 0) + 1);
      if (i === last) ended.set(key, (ended.get(key) ?? 0) + 1);
    });
  }
  return { seen, ended };
}

/** The key of the cursor's position, when the line before it ends in a mark. */
export function cursorMarkKey(linePrefix: string): string | undefined {
  const last = linePrefix[linePrefix.length - 1];
  if (last === undefined || !isMark(last)) return undefined;
  let key: string | undefined;
  forEachMark(linePrefix, (k, i) => {
    if (i === linePrefix.length - 1) key = k;
  });
  return key;
}

export class LineEndOdds {
  private readonly memo = new Map<string, { lineStart: number; counts: Counts }>();

  /**
   * The chance that the line ends at the cursor: `lineStart` is the offset of the cursor's line
   * in `text`, `linePrefix` the text before the cursor on it. 0 when something follows the
   * cursor on its line or the line does not end in a mark.
   */
  oddsAt(docKey: string, text: string, lineStart: number, linePrefix: string, lineSuffix: string): number {
    if (lineSuffix.trim() !== '') return 0;
    const key = cursorMarkKey(linePrefix);
    if (key === undefined) return 0;
    const { seen, ended } = this.countsFor(docKey, text, lineStart);
    // Laplace's rule: a mark never seen in this document is an even chance.
    return ((ended.get(key) ?? 0) + 1) / ((seen.get(key) ?? 0) + 2);
  }

  forget(docKey: string): void {
    this.memo.delete(docKey);
  }

  /** Counted once per line of the cursor: typing along a line does not change the lines above. */
  private countsFor(docKey: string, text: string, lineStart: number): Counts {
    const kept = this.memo.get(docKey);
    if (kept && kept.lineStart === lineStart) return kept.counts;
    const above = text.slice(Math.max(0, lineStart - MAX_CHARS), Math.max(0, lineStart - 1)).split('\n');
    // The first piece may be a cut line when the window starts mid-line.
    const lines = above.slice(lineStart > MAX_CHARS ? 1 : 0).slice(-MAX_LINES);
    const counts = count(lines);
    this.memo.delete(docKey);
    this.memo.set(docKey, { lineStart, counts });
    if (this.memo.size > MEMO_DOCS) this.memo.delete(this.memo.keys().next().value as string);
    return counts;
  }
}
