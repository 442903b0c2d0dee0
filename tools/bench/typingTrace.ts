// Typing traces for the `typing` benchmark: real source files typed key by key with synthetic
// human timing, as the issue describes it: gaps between keys of about 150-200 ms, longer after
// punctuation, thinking pauses of 0.5-3 s at some line starts. Two additions: an occasional typo
// that is noticed and fixed with Backspace (so the answer cache meets what it is for), and
// optional hesitations in the middle of lines (0 by default; the benchmark runs a profile with
// them to show how the numbers move). Enter brings the next line's indentation (auto-indent), as
// in an editor. Everything is drawn from a seeded generator, so runs are repeatable.
import { seeded } from '../../test/helpers/seededRandom';

export interface Key {
  /** Time since the previous key, ms. */
  gapMs: number;
  kind: 'char' | 'backspace';
  /** Inserted text: one character, or a line break plus the next line's indentation. */
  text: string;
  /** Offset in the original file after this key, when the document matches the file again. */
  pos: number;
}

export interface Session {
  /** Index of the file in the trace's file list. */
  file: number;
  path: string;
  languageId: string;
  /** The document before the first key: the file without the region being typed. */
  start: number;
  end: number;
  keys: Key[];
}

export interface TimingModel {
  baseMeanMs: number;
  baseSdMs: number;
  baseMinMs: number;
  baseMaxMs: number;
  /** Extra time after punctuation: uniform in [min, max]. */
  punctExtraMs: [number, number];
  /** Share of line starts with a thinking pause. */
  thinkingShare: number;
  thinkingMs: [number, number];
  hesitationShare: number;
  hesitationMs: [number, number];
  typoShare: number;
  /** Time to notice a typo before pressing Backspace. */
  typoNoticeMs: [number, number];
}

export const HUMAN_TIMING: TimingModel = {
  baseMeanMs: 175,
  baseSdMs: 25,
  baseMinMs: 110,
  baseMaxMs: 260,
  punctExtraMs: [60, 250],
  thinkingShare: 0.35,
  thinkingMs: [500, 3000],
  hesitationShare: 0,
  hesitationMs: [400, 1200],
  typoShare: 0.015,
  typoNoticeMs: [200, 400],
};

const PUNCT = /[;,.(){}[\]:=<>+\-*/&|!?"'`%^~@#\\]/;

export interface TraceFile {
  path: string;
  languageId: string;
  text: string;
}

/**
 * Each file is typed in two sessions: its first half with the rest of the file already below the
 * cursor (FIM with a real suffix), then its second half at the end of the file.
 */
export function buildSessions(
  files: readonly TraceFile[],
  seed: number,
  timing: TimingModel = HUMAN_TIMING,
): Session[] {
  const rand = seeded(seed);
  const uniform = ([a, b]: [number, number]) => a + (b - a) * rand();
  const normal = () => {
    const u = Math.max(1e-9, rand());
    const v = rand();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  const base = () =>
    Math.min(timing.baseMaxMs, Math.max(timing.baseMinMs, timing.baseMeanMs + timing.baseSdMs * normal()));

  const sessions: Session[] = [];
  files.forEach((file, index) => {
    const text = file.text;
    const middle = text.indexOf('\n', Math.floor(text.length / 2)) + 1;
    for (const [start, end] of [
      [0, middle],
      [middle, text.length],
    ] as const) {
      const keys: Key[] = [];
      let prev = '\n';
      let pos = start;
      while (pos < end) {
        let gap: number;
        if (prev === '\n') gap = rand() < timing.thinkingShare ? uniform(timing.thinkingMs) : base();
        else if (PUNCT.test(prev)) gap = base() + uniform(timing.punctExtraMs);
        else gap = base();
        if (prev !== '\n' && rand() < timing.hesitationShare) gap = uniform(timing.hesitationMs);
        const ch = text[pos]!;
        if (ch === '\n') {
          // Enter plus auto-indent: the next line's leading whitespace comes with it.
          let next = pos + 1;
          while (next < end && (text[next] === ' ' || text[next] === '\t')) next++;
          keys.push({ gapMs: gap, kind: 'char', text: text.slice(pos, next), pos: next });
          pos = next;
          prev = '\n';
          continue;
        }
        if (/[a-z]/i.test(ch) && rand() < timing.typoShare) {
          const wrong = ch === 'e' ? 'r' : 'e';
          keys.push({ gapMs: gap, kind: 'char', text: wrong, pos: -1 });
          keys.push({ gapMs: uniform(timing.typoNoticeMs), kind: 'backspace', text: '', pos });
          gap = base();
        }
        keys.push({ gapMs: gap, kind: 'char', text: ch, pos: pos + 1 });
        pos++;
        prev = ch;
      }
      sessions.push({ file: index, path: file.path, languageId: file.languageId, start, end, keys });
    }
  });
  return sessions;
}
