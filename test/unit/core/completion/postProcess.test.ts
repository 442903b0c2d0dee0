// Each post-processing rule on real code in several languages. The document is written with a `|`
// where the cursor is; the model's raw answer goes through postProcess exactly as in the engine.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cursorLines } from '../../../../src/core/completion/contextWindow';
import { decideLineMode, postProcess, unwrapFences } from '../../../../src/core/completion/postProcess';

function clean(
  languageId: string,
  docWithCursor: string,
  raw: string,
  extra: { maxLines?: number; maxChars?: number } = {},
) {
  const offset = docWithCursor.indexOf('|');
  assert.notEqual(offset, -1, 'test document needs a | cursor');
  const text = docWithCursor.slice(0, offset) + docWithCursor.slice(offset + 1);
  return postProcess(raw, { ...cursorLines(text, offset), languageId, ...extra });
}

describe('line mode decision', () => {
  test('code after the cursor on its line: inline', () => {
    assert.equal(decideLineMode('typescript', '  const x = foo(', ');'), 'inline');
    assert.equal(decideLineMode('python', '    total = ', ' + 1'), 'inline');
  });
  test('empty line or after a block opener: block', () => {
    assert.equal(decideLineMode('typescript', '    ', ''), 'block');
    assert.equal(decideLineMode('typescript', 'function f(a: number) {', ''), 'block');
    assert.equal(decideLineMode('python', 'def area(r: float) -> float:', ''), 'block');
    assert.equal(decideLineMode('go', 'for _, v := range values {', ''), 'block');
    assert.equal(decideLineMode('ruby', 'items.each do |item|', ''), 'block');
  });
  test('end of a finished statement: line', () => {
    assert.equal(decideLineMode('typescript', '  const total = a + b;', ''), 'line');
    assert.equal(decideLineMode('python', '    total = a + b', ''), 'line');
  });
});

describe('drops empty answers', () => {
  test('whitespace only', () => {
    assert.equal(clean('typescript', 'function f() {\n  |\n}', '   \n\t\n'), '');
    assert.equal(clean('python', 'x = |', ''), '');
  });
});

describe('single line or multi-line from the context', () => {
  test('inline keeps only the first line', () => {
    assert.equal(clean('typescript', 'const sum = add(|);', 'a, b);\nconsole.log(sum);'), 'a, b');
  });
  test('block keeps a body', () => {
    const out = clean(
      'typescript',
      'export function average(values: number[]): number {|\n}\n',
      '\n  if (values.length === 0) return 0;\n  return values.reduce((s, v) => s + v, 0) / values.length;\n}',
    );
    assert.equal(
      out,
      '\n  if (values.length === 0) return 0;\n  return values.reduce((s, v) => s + v, 0) / values.length;',
    );
  });
  test('line mode at the end of a statement keeps the rest of the line, or one next line', () => {
    assert.equal(
      clean('python', '    counts[word] = counts.get(word, 0) + 1|\n', '\n    return counts\nprint(x)'),
      '\n    return counts',
    );
    assert.equal(
      clean('go', '\tbest := values[0]|\n', '\n\tfor _, v := range values {\n\t\tif v > best {'),
      '\n\tfor _, v := range values {',
    );
  });
});

describe('stops where the suffix already continues', () => {
  test('TypeScript: answer runs into the next existing line', () => {
    const doc =
      'function clamp(v: number, lo: number, hi: number): number {\n  |\n  return Math.min(Math.max(v, lo), hi);\n}\n';
    const raw = 'if (lo > hi) throw new Error("bad range");\n  return Math.min(Math.max(v, lo), hi);\n}';
    assert.equal(clean('typescript', doc, raw), 'if (lo > hi) throw new Error("bad range");');
  });
  test('Python: answer repeats the line below the cursor', () => {
    const doc = 'def factorial(n: int) -> int:\n    |\n    return n * factorial(n - 1)\n';
    assert.equal(clean('python', doc, 'return n * factorial(n - 1)'), '');
  });
  test('inline answer that repeats the rest of the line is cut to the missing part', () => {
    assert.equal(clean('typescript', 'const total|= 5;', ' = 5;'), '');
    assert.equal(clean('typescript', 'const |= 5;', 'total = 5;'), 'total ');
  });
});

describe('stops at repeated lines', () => {
  test('Go: a model that loops', () => {
    const doc = 'func Sum(values []int) int {\n\ttotal := 0\n\t|\n}\n';
    const raw =
      'for _, v := range values {\n\t\ttotal += v\n\t\ttotal += v\n\t\ttotal += v\n\t}\n\treturn total';
    assert.equal(clean('go', doc, raw), 'for _, v := range values {\n\t\ttotal += v');
  });
  test('Python: repeating the line above the cursor gives nothing', () => {
    const doc =
      'class Stack:\n    def push(self, item: int) -> None:\n        self.items.append(item)\n        |\n';
    assert.equal(clean('python', doc, 'self.items.append(item)'), '');
  });
  test('closing braces in a row are not a loop', () => {
    const doc = 'function f(xs: number[][]) {\n  |\n';
    const raw = 'for (const row of xs) {\n    for (const x of row) {\n      use(x);\n    }\n  }\n}';
    assert.equal(clean('typescript', doc, raw), raw);
  });
});

describe('does not repeat closing brackets already after the cursor', () => {
  test('TypeScript call: `)` and `;` already there', () => {
    assert.equal(clean('typescript', 'const m = Math.max(|);', 'a, b);'), 'a, b');
    assert.equal(clean('typescript', 'const m = Math.max(|);', 'Math.min(a, b));'), 'Math.min(a, b)');
  });
  test('keeps closers the answer opened itself', () => {
    assert.equal(clean('typescript', 'const m = Math.max(|);', 'a, Math.min(b, c)'), 'a, Math.min(b, c)');
  });
  test('Python string and call', () => {
    assert.equal(clean('python', 'print(f"Hello, {|}")', 'name}")'), 'name');
  });
  test('Go block: a `}` line the code already has is dropped, own braces stay', () => {
    const doc = 'func Max(values []int) int {\n\tbest := values[0]\n\t|\n}\n';
    const raw = 'for _, v := range values {\n\t\tif v > best {\n\t\t\tbest = v\n\t\t}\n\t}\n\treturn best\n}';
    assert.equal(
      clean('go', doc, raw),
      'for _, v := range values {\n\t\tif v > best {\n\t\t\tbest = v\n\t\t}\n\t}\n\treturn best',
    );
  });
  test('a missing closing brace is kept when the code has none after the cursor', () => {
    const doc = 'export function add(a: number, b: number): number {\n  |';
    assert.equal(clean('typescript', doc, 'return a + b;\n}'), 'return a + b;\n}');
  });
});

describe('bounds the length', () => {
  test('at most maxLines lines in a block', () => {
    const raw = Array.from({ length: 40 }, (_, i) => `    step_${i} = ${i}`).join('\n');
    const out = clean('python', 'def run():\n    |', raw, { maxLines: 5 });
    assert.equal(out.split('\n').length, 5);
  });
  test('at most maxChars, cut at a line end', () => {
    const raw = Array.from({ length: 40 }, (_, i) => `  const value${i} = compute(${i});`).join('\n');
    const out = clean('typescript', 'function f() {\n  |', raw, { maxChars: 100 });
    assert.ok(out.length <= 100);
    assert.ok(out.endsWith(';'), out);
  });
});

describe('answers from a chat model standing in for FIM', () => {
  test('markdown fences are removed', () => {
    assert.equal(unwrapFences('```python\nreturn a + b\n```'), 'return a + b');
    assert.equal(clean('python', 'def add(a, b):\n    |', '```python\nreturn a + b\n```'), 'return a + b');
  });
  test('an echo of the line before the cursor is removed', () => {
    assert.equal(
      clean('typescript', '  const total = values.|', 'const total = values.reduce((s, v) => s + v, 0);'),
      'reduce((s, v) => s + v, 0);',
    );
  });
  test('doubled indentation is removed', () => {
    assert.equal(clean('go', 'func Add(a int, b int) int {\n\t|', '\treturn a + b'), 'return a + b');
  });
});

// Issue #15 item 7: seen in a real editor on test/fixtures/workspace/src/math.ts.
describe('never offers code the file already has after the cursor', () => {
  const average = (cursorLine: string) =>
    'export function average(values: number[]): number {\n' +
    '  const total = values.reduce((sum, v) => sum + v, 0);\n' +
    cursorLine +
    '\n  return total / values.length;\n}\n';
  test('a suggestion that completes the cursor line into the line right after it is dropped', () => {
    assert.equal(clean('typescript', average('  return to|'), 'tal / values.length;'), '');
    assert.equal(clean('typescript', average('  return to|'), 'tal / values.length;\n}'), '');
  });
  test('a suggestion that only differs from the next line in spacing is dropped too', () => {
    assert.equal(clean('typescript', average('  return |'), 'total /  values.length;'), '');
  });
  test('a different line is kept', () => {
    assert.equal(clean('typescript', average('  return to|'), 'tal;'), 'tal;');
  });
  test('a `}` the following lines already close is not offered', () => {
    const doc =
      'export function average(values: number[]): number {\n' +
      '  const total = values.reduce((sum, v) => sum + v, 0);|\n' +
      '  return total / values.length;\n}\n';
    assert.equal(clean('typescript', doc, '\n}'), '');
    assert.equal(clean('typescript', doc.replace('|', '\n  |'), '}'), '');
  });
  test('a `}` that closes a block the following lines leave open is kept', () => {
    const doc = 'function f(x: boolean) {\n  if (x) {\n    foo();|\n}\n';
    assert.equal(clean('typescript', doc, '\n  }'), '\n  }');
    assert.equal(clean('typescript', 'function f() {\n  return 1;\n|', '}'), '}');
  });
});
