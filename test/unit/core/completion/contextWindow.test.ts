// The context window: path and language first, then snippets, then the code before the cursor
// within a budget, with a window start that stays put while typing (DeepSeek's prefix cache).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  buildContext,
  buildHeader,
  cursorLines,
  prefixWindowStart,
  promptPath,
} from '../../../../src/core/completion/contextWindow';
import { formatSnippets, selectSnippets } from '../../../../src/core/completion/snippets';
import { PrefixCache } from '../../../../tools/emulator/prefixCache';

const goFile = readFileSync(new URL('../../../fixtures/typing/ratelimit.go', import.meta.url), 'utf8');
const pyFile = readFileSync(new URL('../../../fixtures/typing/textstats.py', import.meta.url), 'utf8');

describe('header', () => {
  test('path and language in the language comment syntax, first in the prompt', () => {
    assert.equal(buildHeader('src/app.py', 'python'), '# Path: src/app.py\n# Language: python\n');
    assert.equal(
      buildHeader('web/index.html', 'html'),
      '<!-- Path: web/index.html -->\n<!-- Language: html -->\n',
    );
    const ctx = buildContext({ path: 'pkg/ratelimit.go', languageId: 'go', text: goFile, offset: 300 });
    assert.ok(ctx.prompt.startsWith('// Path: pkg/ratelimit.go\n// Language: go\n'));
    assert.equal(ctx.prompt, ctx.header + goFile.slice(0, 300));
  });
});

describe("never sends the user's home folder: paths outside the workspace", () => {
  test('an absolute path is cut to the file name, in the header and in snippets', () => {
    const ctx = buildContext({
      path: '/home/alice/scratch/notes.ts',
      languageId: 'typescript',
      text: 'const total = add(a, b);\n',
      offset: 10,
      snippets: [{ path: 'C:\\Users\\alice\\tmp\\add.ts', text: 'function add(a, b) {}' }],
    });
    assert.ok(ctx.prompt.startsWith('// Path: notes.ts\n'), ctx.prompt);
    assert.match(ctx.prompt, /Compare this snippet from add\.ts:/);
    assert.doesNotMatch(ctx.prompt, /alice|home|Users/);
  });
  test('workspace-relative paths stay as they are', () => {
    assert.equal(promptPath('src/app.ts'), 'src/app.ts');
    assert.equal(promptPath('Untitled-1'), 'Untitled-1');
    assert.equal(promptPath('~/notes.md'), 'notes.md');
    assert.equal(promptPath('../other/secret.ts'), 'secret.ts');
    assert.equal(promptPath('vscode-remote://ssh-remote+box/home/alice/x.ts'), 'x.ts');
  });
});

describe('budget', () => {
  test('a small file goes in whole', () => {
    const offset = pyFile.indexOf('def ');
    const ctx = buildContext({ path: 'a.py', languageId: 'python', text: pyFile, offset });
    assert.equal(ctx.prompt.slice(ctx.header.length), pyFile.slice(0, offset));
    assert.equal(
      ctx.suffix,
      pyFile.slice(offset, Math.min(pyFile.length, pyFile.lastIndexOf('\n', offset + 1500))),
    );
  });

  test('a long file is cut to the budget at line starts; the suffix ends on a line break', () => {
    const big = Array.from({ length: 2000 }, (_, i) => `const value${i} = compute(${i});`).join('\n');
    const offset = big.indexOf('const value1500');
    const budget = { prefixChars: 3000, suffixChars: 800, lineQuantum: 16 };
    const ctx = buildContext({ path: 'big.ts', languageId: 'typescript', text: big, offset }, budget);
    const body = ctx.prompt.slice(ctx.header.length);
    assert.ok(body.length <= 3000, `prefix ${body.length} chars`);
    assert.ok(body.length > 3000 - 16 * 40, 'rounding loses at most one block of lines');
    assert.ok(big[ctx.windowStart - 1] === '\n', 'window starts at a line start');
    assert.ok(ctx.suffix.length <= 800);
    assert.equal(big[offset + ctx.suffix.length], '\n');
  });

  test('the window start stays put while typing within a block of lines', () => {
    const lines = Array.from({ length: 3000 }, (_, i) => `x${i} = f(${i})`);
    const text = lines.join('\n');
    const budget = { prefixChars: 4000, suffixChars: 500, lineQuantum: 32 };
    const starts = new Set<number>();
    const base = text.indexOf('x2000 ');
    for (let k = 0; k < 200; k++) starts.add(prefixWindowStart(text, base + k, budget));
    assert.ok(starts.size <= 2, `window start moved ${starts.size} times over 200 keystrokes`);
  });

  test('consecutive prompts while typing hit the prefix cache (emulator model of DeepSeek)', () => {
    const lines = Array.from(
      { length: 1500 },
      (_, i) => `    total_${i} = compute(values, ${i})  # step ${i}`,
    );
    const text = lines.join('\n');
    const cache = new PrefixCache();
    let hits = 0;
    let tokens = 0;
    const base = text.indexOf('total_900');
    for (let k = 0; k < 30; k++) {
      const { prompt } = buildContext({ path: 'calc.py', languageId: 'python', text, offset: base + k });
      hits += cache.lookupAndStore('deepseek-flash', prompt);
      tokens += prompt.length / 4;
    }
    assert.ok(hits / tokens > 0.8, `prefix cache hit share ${(hits / tokens).toFixed(2)}`);
  });
});

describe('cursor lines', () => {
  test('line before and after the cursor, neighbours', () => {
    const text = 'a = 1\nb = 2\n\nc = f(x, y)\n\nd = 4\ne = 5\n';
    const offset = text.indexOf('x, y');
    const l = cursorLines(text, offset);
    assert.equal(l.linePrefix, 'c = f(');
    assert.equal(l.lineSuffix, 'x, y)');
    assert.deepEqual(l.linesBefore, ['a = 1', 'b = 2', '']);
    assert.deepEqual(l.linesAfter, ['d = 4', 'e = 5']);
  });
});

describe('snippets from other open editors', () => {
  test('picks the most similar window and formats it as comments', () => {
    const near = 'def word_count(text):\n    counts = {}\n    for word in text.split():\n';
    const docs = [
      { path: 'other/unrelated.py', languageId: 'python', text: 'import os\nprint(os.getcwd())\n' },
      { path: 'other/stats.py', languageId: 'python', text: pyFile },
    ];
    const snippets = selectSnippets(near, docs);
    assert.equal(snippets[0]?.path, 'other/stats.py');
    const formatted = formatSnippets(snippets, 'python');
    assert.ok(formatted.startsWith('# Compare this snippet from other/stats.py:\n# '));
    const ctx = buildContext({
      path: 'a.py',
      languageId: 'python',
      text: near,
      offset: near.length,
      snippets,
    });
    assert.ok(ctx.prompt.startsWith('# Path: a.py\n# Language: python\n# Compare this snippet'));
    assert.ok(ctx.prompt.endsWith(near));
  });

  test('bounded in characters', () => {
    const docs = Array.from({ length: 5 }, (_, i) => ({
      path: `d${i}.py`,
      languageId: 'python',
      text: pyFile,
    }));
    const snippets = selectSnippets('counts word text split', docs, {
      maxChars: 500,
      maxSnippets: 5,
      windowLines: 12,
      maxDocChars: 1e6,
    });
    assert.ok(snippets.length >= 1);
    assert.ok(snippets.reduce((n, s) => n + s.text.length, 0) <= 500);
  });
});
