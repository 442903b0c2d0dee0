// Where and how "Insert" puts a chat code block into the editor. Dropped at the cursor as it is,
// a block glues onto the code around it (`…length;export function solve(`) and keeps the answer's
// own indentation; a user expects it on a line of its own, indented like the code it joins.

export interface Position {
  line: number;
  character: number;
}

export interface InsertionTarget {
  start: Position;
  end: Position;
  /** The text of a line of the document. */
  lineText(line: number): string;
}

export interface InsertionPlan {
  /** The range to replace (empty for a pure insertion). */
  start: Position;
  end: Position;
  text: string;
}

/**
 * - A selection is replaced by the block, indented like the selection's first line.
 * - On a blank line, the block takes the line, indented like the cursor.
 * - Before the first code of a line, the block goes on a new line above it; anywhere later in a
 *   line, on a new line below it. Either way indented like that line.
 */
export function planInsertion(code: string, target: InsertionTarget): InsertionPlan {
  const { start, end } = target;
  const block = dedent(code.replace(/\r\n?/g, '\n').replace(/\n+$/, ''));
  const startLine = target.lineText(start.line);
  const indentOfStart = leadingSpace(startLine);
  const isEmptySelection = start.line === end.line && start.character === end.character;

  if (!isEmptySelection) {
    // The first line lands where the selection starts; the rest follow its line's indentation.
    return { start, end, text: indent(block, indentOfStart, false) };
  }
  if (startLine.trim() === '') {
    // A blank line keeps whatever indentation it has (the editor's auto-indent put it there).
    const cursorIndent = startLine;
    return {
      start: { line: start.line, character: 0 },
      end: { line: start.line, character: startLine.length },
      text: indent(block, cursorIndent, true),
    };
  }
  if (start.character <= indentOfStart.length) {
    const at = { line: start.line, character: 0 };
    return { start: at, end: at, text: `${indent(block, indentOfStart, true)}\n` };
  }
  const eol = { line: start.line, character: startLine.length };
  return { start: eol, end: eol, text: `\n${indent(block, indentOfStart, true)}` };
}

function leadingSpace(line: string): string {
  return /^[ \t]*/.exec(line)![0];
}

/** Removes the indentation every non-blank line of the block shares. */
function dedent(block: string): string {
  const lines = block.split('\n');
  const indents = lines.filter((l) => l.trim() !== '').map((l) => leadingSpace(l));
  if (indents.length === 0) return block;
  let common = indents[0]!;
  for (const i of indents) while (!i.startsWith(common)) common = common.slice(0, -1);
  return lines.map((l) => (l.trim() === '' ? '' : l.slice(common.length))).join('\n');
}

function indent(block: string, prefix: string, firstLineToo: boolean): string {
  return block
    .split('\n')
    .map((l, i) => (l === '' || (i === 0 && !firstLineToo) ? l : prefix + l))
    .join('\n');
}
