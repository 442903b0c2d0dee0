// What the emulator says: FIM answers that fit the code around the cursor, chat answers in
// markdown, and the "thinking" text. Deterministic, so content tests can assert on it. Kept apart
// from the HTTP layer so other modes (e.g. a typing-bench oracle) can plug in their own answers.

export type Lang = 'ts' | 'py' | 'go';

/** Splits text into "tokens" (words, punctuation, with leading whitespace); join() gives back the text. */
export function splitTokens(text: string): string[] {
  return text.match(/\s*(?:[A-Za-z0-9_]+|[^\sA-Za-z0-9_])|\s+/g) ?? [];
}

/** DeepSeek-ish prompt token estimate: about 4 characters a token. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** FNV-1a: a stable seed so the same prompt always gets the same answer. */
export function hashText(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function guessLanguage(text: string): Lang {
  if (/^\s*def \w+\(|^\s*from [\w.]+ import |^\s*import \w+\s*$|\bpython\b|\.py\b/im.test(text)) return 'py';
  if (/^package \w+|^func |\bgolang\b|\bgo\b.*\bfunc\b|\.go\b/im.test(text)) return 'go';
  return 'ts';
}

// ---------------------------------------------------------------------------------------------
// FIM

export interface FimSource {
  lang: Lang;
  text: string;
}

interface FimLine {
  lang: Lang;
  text: string; // the full line, with its indentation
  trimmed: string;
  prevTrimmed: string; // the previous non-empty line, trimmed ('' at the top)
  next?: string; // the following non-empty line, with its indentation
}

/**
 * Answers FIM requests from known source text: the line the cursor is on (trimmed, before the
 * cursor) is looked up among the known lines. Typed the start of a known line: the rest of it.
 * Cursor at the end of a known line: a newline and the next line. On an empty line after a
 * known line: that next line. Anything else gets a short comment that fits the language.
 */
export class FimOracle {
  private readonly lines: FimLine[] = [];

  constructor(sources: readonly FimSource[]) {
    for (const src of sources) {
      const nonEmpty = src.text.split('\n').filter((l) => l.trim() !== '');
      nonEmpty.forEach((text, i) => {
        this.lines.push({
          lang: src.lang,
          text,
          trimmed: text.trim(),
          prevTrimmed: i > 0 ? nonEmpty[i - 1]!.trim() : '',
          next: nonEmpty[i + 1],
        });
      });
    }
  }

  answer(prompt: string, suffix = ''): string {
    const lang = guessLanguage(prompt + '\n' + suffix);
    const lineStart = prompt.lastIndexOf('\n') + 1;
    const current = prompt.slice(lineStart);
    const currentTrimmed = current.trim();
    const prevTrimmed = lastNonEmptyLine(prompt.slice(0, lineStart));
    let answer: string | undefined;

    if (currentTrimmed === '') {
      const line = this.pick(prevTrimmed, lang, (l) => l.trimmed === prevTrimmed && l.next !== undefined);
      // The editor usually auto-indents; then only the code is missing.
      if (line?.next !== undefined) answer = current === '' ? line.next : line.next.trimStart();
    } else {
      const exact = this.pick(prevTrimmed, lang, (l) => l.trimmed === currentTrimmed && l.next !== undefined);
      if (exact?.next !== undefined && current.trimEnd() === current) {
        answer = '\n' + exact.next;
      } else {
        const typed = current.trimStart();
        const partial = this.pick(
          prevTrimmed,
          lang,
          (l) => l.trimmed.startsWith(typed) && l.trimmed.length > typed.length,
        );
        if (partial) answer = partial.trimmed.slice(typed.length);
      }
    }
    answer ??= defaultFimAnswer(lang, currentTrimmed === '');
    return trimSuffixOverlap(answer, suffix);
  }

  /** Best candidate: same previous line and same language first, then same language, then any. */
  private pick(prevTrimmed: string, lang: Lang, accept: (l: FimLine) => boolean): FimLine | undefined {
    const candidates = this.lines.filter(accept);
    return (
      candidates.find((l) => l.lang === lang && l.prevTrimmed === prevTrimmed) ??
      candidates.find((l) => l.prevTrimmed === prevTrimmed) ??
      candidates.find((l) => l.lang === lang) ??
      candidates[0]
    );
  }
}

function lastNonEmptyLine(text: string): string {
  const lines = text.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const t = lines[i]!.trim();
    if (t !== '') return t;
  }
  return '';
}

function defaultFimAnswer(lang: Lang, atLineStart: boolean): string {
  const comment = lang === 'py' ? '#' : '//';
  return atLineStart ? `${comment} TODO: handle this case` : ` ${comment} TODO`;
}

/** A model that sees the suffix does not repeat the rest of the line after the cursor. */
function trimSuffixOverlap(answer: string, suffix: string): string {
  const restOfLine = suffix.split('\n')[0]!.trim();
  if (restOfLine !== '' && !answer.includes('\n') && answer.trimEnd().endsWith(restOfLine)) {
    return answer.trimEnd().slice(0, -restOfLine.length);
  }
  return answer;
}

/** The code of test/fixtures/workspace/src/*, so FIM positions in those files get their real code. */
export const FIXTURE_SOURCES: readonly FimSource[] = [
  {
    lang: 'ts',
    text: `export function add(a: number, b: number): number {
  return a + b;
}
export function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}
export function fibonacci(n: number): number {
  if (n < 2) {
    return n;
  }
  return fibonacci(n - 1) + fibonacci(n - 2);
}
export function average(values: number[]): number {
  if (values.length === 0) {
    return 0;
  }
  const total = values.reduce((sum, v) => sum + v, 0);
  return total / values.length;
}
export class Counter {
  private count = 0;
  increment(): number {
    this.count += 1;
    return this.count;
  }
}`,
  },
  {
    lang: 'py',
    text: `def greet(name: str) -> str:
    return f"Hello, {name}!"
def is_even(n: int) -> bool:
    return n % 2 == 0
def factorial(n: int) -> int:
    if n <= 1:
        return 1
    return n * factorial(n - 1)
def word_count(text: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for word in text.split():
        counts[word] = counts.get(word, 0) + 1
    return counts
class Stack:
    def __init__(self) -> None:
        self.items: list[int] = []
    def push(self, item: int) -> None:
        self.items.append(item)`,
  },
  {
    lang: 'go',
    text: `package server
import (
	"fmt"
	"strings"
)
func Add(a int, b int) int {
	return a + b
}
func Greet(name string) string {
	return fmt.Sprintf("Hello, %s!", name)
}
func Max(values []int) int {
	best := values[0]
	for _, v := range values {
		if v > best {
			best = v
		}
	}
	return best
}
func Shout(s string) string {
	return strings.ToUpper(s) + "!"
}`,
  },
];

export const fixtureOracle = new FimOracle(FIXTURE_SOURCES);

// ---------------------------------------------------------------------------------------------
// Chat

const SENTENCES = [
  'The simplest approach keeps the data flow explicit and easy to test.',
  'Start with a small function that does one job, then compose it.',
  'Validate the input early so errors surface close to their cause.',
  'Prefer clear names over comments that repeat what the code says.',
  'Keep side effects at the edges and the core logic pure.',
  'A short test pins the behaviour down before you refactor.',
  'Measure before optimising; the obvious version is often fast enough.',
  'Handle the empty case first, it removes a whole class of bugs.',
  'Return early instead of nesting conditions several levels deep.',
  'Document the one surprising decision, not the obvious ones.',
];

const REASONING = [
  'Let me think about what is being asked.',
  'The key constraint is to keep the example small and correct.',
  'I should show a short explanation and then a code sample.',
  'Edge cases: empty input and very long input.',
  'A pure function is easiest to test here.',
  'I will keep the answer concise.',
];

const CODE: Record<Lang, { fence: string; head: string[]; body: (i: number) => string; tail: string[] }> = {
  ts: {
    fence: 'ts',
    head: ['export function solve(input: string): string {', '  const trimmed = input.trim();'],
    body: (i) => `  const step${i} = trimmed.length + ${i};`,
    tail: ['  return trimmed;', '}'],
  },
  py: {
    fence: 'python',
    head: ['def solve(text: str) -> str:', '    trimmed = text.strip()'],
    body: (i) => `    step${i} = len(trimmed) + ${i}`,
    tail: ['    return trimmed'],
  },
  go: {
    fence: 'go',
    head: ['func Solve(input string) string {', '\ttrimmed := strings.TrimSpace(input)'],
    body: (i) => `\t_ = len(trimmed) + ${i}`,
    tail: ['\treturn trimmed', '}'],
  },
};

function topicOf(prompt: string): string {
  const words = prompt
    .replace(/```[\s\S]*?```/g, ' ')
    .replace(/[^\w\s'-]/g, ' ')
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 8);
  return words.length > 0 ? words.join(' ') : 'your question';
}

/**
 * A markdown answer: one paragraph (no heading) and one fenced code block, about `answerTokens`
 * tokens long (as counted by splitTokens), the same for the same prompt.
 */
export function chatAnswer(prompt: string, answerTokens: number): string {
  const seed = hashText(prompt);
  const lang = guessLanguage(prompt);
  const code = CODE[lang];
  const codeBudget = Math.max(12, Math.round(answerTokens * 0.4));
  const codeLines = [...code.head];
  let codeText = '';
  for (let i = 1; ; i++) {
    codeText = ['```' + code.fence, ...codeLines, ...code.tail, '```'].join('\n');
    if (splitTokens(codeText).length >= codeBudget || i > 10_000) break;
    codeLines.push(code.body(i));
  }
  const sentences = [`Here is a short answer about ${topicOf(prompt)}.`];
  const budget = answerTokens - splitTokens(codeText).length;
  for (let i = 0; splitTokens(sentences.join(' ')).length < budget && i < 100_000; i++) {
    sentences.push(SENTENCES[(seed + i) % SENTENCES.length]!);
  }
  return `${sentences.join(' ')}\n\n${codeText}`;
}

/** The "thinking" text streamed as reasoning_content before the answer. */
export function reasoningText(prompt: string, tokens: number): string {
  const seed = hashText(prompt);
  const parts = [`The user asks about ${topicOf(prompt)}.`];
  for (let i = 0; splitTokens(parts.join(' ')).length < tokens && i < 100_000; i++) {
    parts.push(REASONING[(seed + i) % REASONING.length]!);
  }
  return parts.join(' ');
}
