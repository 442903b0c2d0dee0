// "Insert" on a chat code block (issue #15 item 9): the block goes on a line of its own or
// replaces the selection, indented like the code it joins, never glued onto the cursor's line.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Position } from '../../../../src/core/chat/insertionPlan';
import { planInsertion } from '../../../../src/core/chat/insertionPlan';

/** Applies the plan to a document written with `|` for the cursor or `[` `]` around a selection. */
function insert(docWithCursor: string, code: string): string {
  const marks = [...docWithCursor.matchAll(/[|[\]]/g)].map((m) => m.index);
  const text = docWithCursor.replace(/[|[\]]/g, '');
  const lines = text.split('\n');
  const pos = (offset: number): Position => {
    const before = text.slice(0, offset).split('\n');
    return { line: before.length - 1, character: before.at(-1)!.length };
  };
  const start = pos(marks[0]!);
  const end = marks.length > 1 ? pos(marks[1]! - 1) : start;
  const plan = planInsertion(code, { start, end, lineText: (l) => lines[l]! });
  const offset = (p: Position) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  return text.slice(0, offset(plan.start)) + plan.text + text.slice(offset(plan.end));
}

const solve = 'export function solve(n: number): number {\n  return n * 2;\n}';

describe('chat Insert never glues code onto the line', () => {
  test('cursor at the end of a line: the block goes on the next line', () => {
    assert.equal(
      insert('  return total / values.length;|\n}\n', 'const x = 1;'),
      '  return total / values.length;\n  const x = 1;\n}\n',
    );
    assert.equal(insert('const total = 1;|\n', solve), `const total = 1;\n${solve}\n`);
  });
  test('cursor in the middle of a line: below that line, not inside it', () => {
    assert.equal(insert('  const a| = 1;\n', 'b();'), '  const a = 1;\n  b();\n');
  });
  test('cursor before the first code of a line: above it, indented like it', () => {
    assert.equal(
      insert('function f() {\n  |return 1;\n}', 'log();'),
      'function f() {\n  log();\n  return 1;\n}',
    );
  });
  test('a blank indented line takes the block, every line indented', () => {
    assert.equal(
      insert('class A {\n  |\n}', 'run() {\n  go();\n}'),
      'class A {\n  run() {\n    go();\n  }\n}',
    );
  });
  test("the answer's own indentation is replaced by the line's", () => {
    assert.equal(
      insert('def f():\n    x = 1|\n', '        y = 2\n        z = 3\n'),
      'def f():\n    x = 1\n    y = 2\n    z = 3\n',
    );
  });
  test('a selection is replaced, the following lines indented like its first line', () => {
    assert.equal(
      insert('function f() {\n  [return 1;]\n}', 'const v = 2;\nreturn v;'),
      'function f() {\n  const v = 2;\n  return v;\n}',
    );
  });
  test('an empty document gets the block as it is', () => {
    assert.equal(insert('|', solve), solve);
  });
});
