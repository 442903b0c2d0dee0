// The typing benchmark's "model": it knows the files being typed, finds where the cursor is from
// the FIM prompt, and answers with the file's true rest of the line for `accuracy` (35 %) of the
// positions and with a plausible wrong line otherwise: the true line with one identifier swapped
// (right start, wrong end, the most common real miss) or another line of the same file.
//
// The verdict is a hash of the position, not a random draw per request, so every strategy in the
// benchmark gets the same answer at the same place (and asking twice does not re-roll the dice,
// as with a real model at temperature 0).
import { hashText } from './content';

export interface TypingOracleFile {
  path: string;
  text: string;
}

export interface TypingOracleOptions {
  /** Share of positions answered with the truth; default 0.35. */
  accuracy?: number;
  seed?: number;
}

export interface TypingOracleStats {
  answers: number;
  located: number;
  correct: number;
}

const TAILS = [400, 160, 60, 24, 10];
const IDENT = /[A-Za-z_][A-Za-z0-9_]*/g;

export class TypingOracle {
  private readonly accuracy: number;
  private readonly seed: number;
  private readonly vocab: string[][];
  private readonly lines: string[][];
  readonly stats: TypingOracleStats = { answers: 0, located: 0, correct: 0 };

  constructor(
    private readonly files: readonly TypingOracleFile[],
    options: TypingOracleOptions = {},
  ) {
    this.accuracy = options.accuracy ?? 0.35;
    this.seed = options.seed ?? 1;
    this.vocab = files.map((f) => [...new Set(f.text.match(IDENT) ?? [])].filter((w) => w.length >= 3));
    this.lines = files.map((f) =>
      f.text
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l.length >= 4),
    );
  }

  /** Plugs into the emulator: `startEmulator({ fimAnswer: oracle.answer })`. */
  readonly answer = (prompt: string, _suffix: string): string => {
    this.stats.answers++;
    const at = this.locate(prompt);
    if (!at) return this.otherLine(0, hashText(prompt));
    this.stats.located++;
    const truth = this.truth(at.file, at.pos);
    const h = hashText(`${this.seed}:${at.file}:${at.pos}`);
    if (truth !== '' && (h % 10_000) / 10_000 < this.accuracy) {
      this.stats.correct++;
      return truth;
    }
    const wrong = (h >>> 16) % 2 === 0 ? this.nearMiss(at.file, truth, h) : undefined;
    const answer = wrong ?? this.otherLine(at.file, h);
    if (answer === truth) this.stats.correct++;
    return answer;
  };

  /** What the user would type next: the rest of the line, or at a line end the next line. */
  truth(file: number, pos: number): string {
    const text = this.files[file]!.text;
    const eol = text.indexOf('\n', pos);
    const rest = text.slice(pos, eol === -1 ? text.length : eol);
    if (rest.trim() !== '' || eol === -1) return rest;
    const nextEol = text.indexOf('\n', eol + 1);
    return text.slice(eol, nextEol === -1 ? text.length : nextEol);
  }

  /** The file and offset whose preceding text ends like the prompt. */
  locate(prompt: string): { file: number; pos: number } | undefined {
    for (const len of TAILS) {
      if (prompt.length < len) continue;
      const tail = prompt.slice(-len);
      for (let f = 0; f < this.files.length; f++) {
        const i = this.files[f]!.text.indexOf(tail);
        if (i !== -1) return { file: f, pos: i + len };
      }
    }
    return undefined;
  }

  private nearMiss(file: number, truth: string, h: number): string | undefined {
    const idents = [...truth.matchAll(IDENT)].filter((m) => m[0].length >= 2);
    const vocab = this.vocab[file]!;
    if (idents.length === 0 || vocab.length < 2) return undefined;
    const target = idents[h % idents.length]!;
    let replacement = vocab[(h >>> 8) % vocab.length]!;
    if (replacement === target[0]) replacement = vocab[((h >>> 8) + 1) % vocab.length]!;
    const at = target.index!;
    return truth.slice(0, at) + replacement + truth.slice(at + target[0].length);
  }

  private otherLine(file: number, h: number): string {
    const lines = this.lines[file] ?? [];
    return lines.length === 0 ? '// TODO' : lines[(h >>> 4) % lines.length]!;
  }
}
