// #14: the chance that the cursor is at a line end, read from the lines above it in the same
// document, so the line-end cue fires where this file's lines end and not at every `,` or `)`.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LineEndOdds, cursorMarkKey } from '../../../../src/core/completion/lineEnds';

/** The odds at the end of `text`, whose last line is the one being typed. */
function oddsAtEnd(text: string, odds = new LineEndOdds(), suffix = ''): number {
  const lineStart = text.lastIndexOf('\n') + 1;
  return odds.oddsAt('doc', text + suffix, lineStart, text.slice(lineStart), suffix);
}

const C = 'int a = 1;\nint b = f(a, 2);\nfor (i = 0; i < n; i++) {\n    g(i);\n}\n';

describe('LineEndOdds', () => {
  test('a ; with nothing open ends the lines of this C file', () => {
    assert.ok(oddsAtEnd(`${C}int c = 3;`) >= 0.8);
  });

  test('a ; inside the brackets of a for loop does not', () => {
    assert.ok(oddsAtEnd(`${C}for (j = 0;`) < 0.3);
  });

  test('a , inside a call does not; one ending each line of a list does', () => {
    const calls = 'f(a, b);\nf(c, d);\nf(e, g);\n';
    assert.ok(oddsAtEnd(`${calls}f(h,`) < 0.3);
    const list = 'xs = [\n    1,\n    2,\n    3,\n';
    assert.ok(oddsAtEnd(`${list}    4,`) >= 0.75);
  });

  test('a mark this document has not shown yet is an even chance', () => {
    assert.equal(oddsAtEnd('x = 1\ny = 2\nz = ('), 0.5);
  });

  test('a word, text after the cursor or a trailing space is no line end', () => {
    assert.equal(oddsAtEnd(`${C}int c`), 0);
    assert.equal(oddsAtEnd(`${C}int c = 3;`, new LineEndOdds(), ' int d = 4;'), 0);
    assert.equal(oddsAtEnd(`${C}int c = 3; `), 0);
  });

  test('the lines are counted again when the cursor moves to another line', () => {
    const odds = new LineEndOdds();
    // Before: `{` has ended no line yet; after a line that ends with one, it has.
    const before = oddsAtEnd('a = {x};\nif (a) {', odds);
    const after = oddsAtEnd('a = {x};\nif (a) {\n    b();\n}\nif (b) {', odds);
    assert.ok(after > before, `${after} > ${before}`);
  });

  test('the mark key counts the brackets still open after the mark', () => {
    assert.equal(cursorMarkKey('f(a,'), ',1');
    assert.equal(cursorMarkKey('f(a)'), ')0');
    assert.equal(cursorMarkKey('if (a) {'), '{1');
    assert.equal(cursorMarkKey('g(h([{x,'), ',3');
    assert.equal(cursorMarkKey('name'), undefined);
  });
});
