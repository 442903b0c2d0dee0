// Which files are never sent to a provider, neither as the file being edited nor as context from
// another open editor or a chat chip. Globs follow VS Code's syntax (`**`, `*`, `?`, `{a,b}`,
// `[abc]`, `[!abc]`) and match the workspace-relative path. Deliberate widenings, because a miss
// leaks a secret while an extra match only costs a completion: matching ignores case (macOS and
// Windows file systems do), every pattern also matches below any folder (`secrets/**` catches
// `app/secrets/x`, `*.pem` catches `certs/a.pem`, as in .gitignore), which also makes a relative
// pattern catch an absolute path outside the workspace (`/home/u/.ssh/id_rsa`), and a pattern
// that cannot be read excludes everything until it is fixed (fail closed).
//
// Matching is not left to a glob library: picomatch's regular expressions backtrack as badly as
// the hand-written ones did (measured with picomatch 4.0.7: `**/*a*a*a*b` against a 257-character
// name takes 2.8 s, with eight stars 150 s), and a workspace can add patterns while any repository
// can name its files. Even as a mere syntax check it was 24 KB of the bundle; `unbalanced()` says
// what it said (an unbalanced `{` or `[`, a stray `]`), in its words. So matching is done here,
// segment by segment, trying each `*` and `**` at its earliest fit only, which is exact for globs
// (what follows a star does not depend on where the star stopped) and takes time linear in the
// path for each piece of the pattern.

/** Files no provider ever receives unless the user turns the defaults off. package.json copies this list. */
export const DEFAULT_EXCLUDE: readonly string[] = [
  '**/.env*',
  '**/*.pem',
  '**/*.key',
  '**/id_rsa*',
  '**/id_ed25519*',
  '**/id_ecdsa*',
  '**/secrets/**',
  '**/.secrets/**',
  '**/.ssh/**',
  '**/.aws/credentials',
  '**/.npmrc',
  '**/.pypirc',
  '**/.netrc',
  '**/.git-credentials',
  '**/.pgpass',
  '**/.htpasswd',
  '**/.kube/config',
  '**/.docker/config.json',
  '**/*.p12',
  '**/*.pfx',
  '**/*.jks',
  '**/*.keystore',
  '**/*.kdbx',
  '**/*.tfvars',
  '**/*.tfstate',
  '**/service-account*.json',
];

export interface InvalidPattern {
  pattern: string;
  reason: string;
}

export interface ExclusionMatcher {
  /** The pattern that keeps `path` from being sent, or undefined when it may be sent. */
  matchOf(path: string): string | undefined;
  excludes(path: string): boolean;
  /** Patterns that could not be read; each of them excludes every file. */
  readonly invalid: readonly InvalidPattern[];
}

/** Past these a pattern is refused (and so excludes everything): nobody writes them by hand. */
const MAX_PATTERN_CHARS = 1_000;
const MAX_ALTERNATIVES = 256;
/** A path longer than this is not a real file's; it is excluded rather than matched. */
const MAX_PATH_CHARS = 8_192;

export const NOTHING_EXCLUDED: ExclusionMatcher = {
  matchOf: () => undefined,
  excludes: () => false,
  invalid: [],
};

export function createExclusionMatcher(globs: readonly string[]): ExclusionMatcher {
  const compiled: { pattern: string; alternatives: Segment[][] }[] = [];
  const invalid: InvalidPattern[] = [];
  for (const raw of new Set(globs)) {
    if (typeof raw !== 'string') continue;
    const pattern = raw.trim();
    if (pattern === '') continue;
    const result = compile(pattern);
    if (typeof result === 'string') invalid.push({ pattern, reason: result });
    else compiled.push({ pattern, alternatives: result });
  }
  if (compiled.length === 0 && invalid.length === 0) return NOTHING_EXCLUDED;
  const matchOf = (path: string): string | undefined => {
    if (invalid.length > 0) return invalid[0]!.pattern;
    if (path.length > MAX_PATH_CHARS) return '(path too long to match)';
    const segments = splitPath(path);
    for (const { pattern, alternatives } of compiled) {
      if (alternatives.some((alt) => matchSegments(alt, segments))) return pattern;
    }
    return undefined;
  };
  return { matchOf, excludes: (path) => matchOf(path) !== undefined, invalid };
}

// ---------------------------------------------------------------------------------------------
// Compiling

type Atom = { kind: 'char'; c: string } | { kind: 'any' } | { kind: 'class'; re: RegExp };
/** A segment without `*` is one piece; `a*b*c` is the pieces a, b, c. */
type Piece = Atom[];
type Segment = { kind: 'globstar' } | { kind: 'name'; pieces: Piece[] };

/**
 * A `{` never closed, a `[` never closed, or a `]` never opened (a `}` alone is a literal). Inside
 * a class everything up to its `]` is literal, and a `]` first in the class (after a `^`)
 * belongs to it.
 */
export function unbalanced(glob: string): string | undefined {
  let openBraces = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '[') {
      let first = i + 1;
      if (glob[first] === '^') first++;
      const close = glob.indexOf(']', first + 1);
      if (close < 0) return 'Missing closing: "]"';
      i = close;
    } else if (c === ']') return 'Missing opening: "["';
    else if (c === '{') openBraces++;
    else if (c === '}' && openBraces > 0) openBraces--;
  }
  return openBraces > 0 ? 'Missing closing: "}"' : undefined;
}

function compile(pattern: string): Segment[][] | string {
  if (pattern.length > MAX_PATTERN_CHARS) return `longer than ${MAX_PATTERN_CHARS} characters`;
  const glob = pattern.replace(/\\/g, '/');
  const syntax = unbalanced(glob);
  if (syntax !== undefined) return syntax;
  const alternatives = expandBraces(glob);
  if (alternatives === undefined) return `more than ${MAX_ALTERNATIVES} alternatives in braces`;
  const out: Segment[][] = [];
  for (const alt of alternatives) {
    const segments = compileAlternative(alt);
    if (typeof segments === 'string') return segments;
    out.push(segments);
  }
  return out;
}

function compileAlternative(glob: string): Segment[] | string {
  const parts = glob
    .replace(/^(?:\.\/)+/, '')
    .split('/')
    .filter((p) => p !== '' && p !== '.');
  // Every pattern also matches below any folder (see the top of the file).
  const segments: Segment[] = [{ kind: 'globstar' }];
  for (const part of parts) {
    if (part === '**') {
      if (segments.at(-1)?.kind !== 'globstar') segments.push({ kind: 'globstar' });
      continue;
    }
    const pieces = compileName(part);
    if (typeof pieces === 'string') return pieces;
    segments.push({ kind: 'name', pieces });
  }
  return segments;
}

function compileName(part: string): Piece[] | string {
  const pieces: Piece[] = [[]];
  for (let i = 0; i < part.length; i++) {
    const c = part[i]!;
    if (c === '*') {
      // `**` inside a name (`a**b`) is a plain star, as in VS Code.
      if (pieces.at(-1)!.length > 0 || pieces.length === 1) pieces.push([]);
      continue;
    }
    const piece = pieces.at(-1)!;
    if (c === '?') {
      piece.push({ kind: 'any' });
    } else if (c === '[') {
      const close = classEnd(part, i);
      if (close === -1) return `unclosed [ in "${part}"`;
      let body = part.slice(i + 1, close);
      const negated = body.startsWith('!') || body.startsWith('^');
      if (negated) body = body.slice(1);
      const escaped = body.replace(/[\\\]^[]/g, '\\$&');
      try {
        piece.push({ kind: 'class', re: new RegExp(`^[${negated ? '^' : ''}${escaped}]$`, 'iu') });
      } catch {
        return `bad character class [${part.slice(i + 1, close)}]`;
      }
      i = close;
    } else {
      piece.push({ kind: 'char', c: c.toLowerCase() });
    }
  }
  return pieces;
}

/** Index of the `]` closing the class opened at `open`; a `]` right after `[` or `[!` is a member. */
function classEnd(text: string, open: number): number {
  let i = open + 1;
  if (text[i] === '!' || text[i] === '^') i++;
  if (text[i] === ']') i++;
  return text.indexOf(']', i);
}

/** `{a,b}` expanded (nested too); undefined past MAX_ALTERNATIVES. */
function expandBraces(glob: string): string[] | undefined {
  let results = [glob];
  for (let round = 0; round < 64; round++) {
    const next: string[] = [];
    let changed = false;
    for (const g of results) {
      const group = innermostGroup(g);
      if (!group) {
        next.push(g);
        continue;
      }
      changed = true;
      const [start, end] = group;
      const options = g.slice(start + 1, end).split(',');
      for (const o of options) next.push(g.slice(0, start) + o + g.slice(end + 1));
      if (next.length > MAX_ALTERNATIVES) return undefined;
    }
    results = next;
    if (!changed) return results;
  }
  return undefined;
}

/** The first `{…}` holding no other brace; `[…]` classes are skipped. */
function innermostGroup(glob: string): [number, number] | undefined {
  let open = -1;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '[') {
      const close = classEnd(glob, i);
      if (close !== -1) i = close;
    } else if (c === '{') {
      open = i;
    } else if (c === '}' && open !== -1) {
      return [open, i];
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Matching

function splitPath(path: string): string[] {
  return path
    .replace(/\\/g, '/')
    .split('/')
    .filter((p) => p !== '' && p !== '.')
    .map((p) => p.toLowerCase());
}

/**
 * Blocks of name segments separated by `**`: the last block must end the path (the pattern
 * always starts with `**`), every other block goes at its earliest fit.
 */
function matchSegments(pattern: readonly Segment[], path: readonly string[]): boolean {
  const blocks: Segment[][] = [[]];
  for (const s of pattern) {
    if (s.kind === 'globstar') blocks.push([]);
    else blocks.at(-1)!.push(s);
  }
  const endsWithGlobstar = pattern.at(-1)?.kind === 'globstar';
  // blocks[0] is empty: the pattern starts with `**`.
  const middle = blocks.slice(1, endsWithGlobstar ? undefined : -1).filter((b) => b.length > 0);
  const last = endsWithGlobstar ? [] : blocks.at(-1)!;
  const end = path.length - last.length;
  if (end < 0) return false;
  if (!blockAt(last, path, end)) return false;
  let pos = 0;
  for (const block of middle) {
    let found = -1;
    for (let at = pos; at + block.length <= end; at++) {
      if (blockAt(block, path, at)) {
        found = at;
        break;
      }
    }
    if (found === -1) return false;
    pos = found + block.length;
  }
  return pos <= end;
}

function blockAt(block: readonly Segment[], path: readonly string[], at: number): boolean {
  for (let i = 0; i < block.length; i++) {
    const s = block[i]!;
    if (s.kind !== 'name' || !matchName(s.pieces, path[at + i]!)) return false;
  }
  return true;
}

/** Stars between pieces: the first piece starts the name, the last ends it, the rest go earliest. */
function matchName(pieces: readonly Piece[], name: string): boolean {
  if (pieces.length === 1) return name.length === pieces[0]!.length && pieceAt(pieces[0]!, name, 0);
  const first = pieces[0]!;
  const last = pieces.at(-1)!;
  const end = name.length - last.length;
  if (end < first.length || !pieceAt(first, name, 0) || !pieceAt(last, name, end)) return false;
  let pos = first.length;
  for (let p = 1; p < pieces.length - 1; p++) {
    const piece = pieces[p]!;
    let found = -1;
    for (let at = pos; at + piece.length <= end; at++) {
      if (pieceAt(piece, name, at)) {
        found = at;
        break;
      }
    }
    if (found === -1) return false;
    pos = found + piece.length;
  }
  return pos <= end;
}

function pieceAt(piece: Piece, name: string, at: number): boolean {
  for (let i = 0; i < piece.length; i++) {
    const atom = piece[i]!;
    const c = name[at + i];
    if (c === undefined) return false;
    if (atom.kind === 'char' ? atom.c !== c : atom.kind === 'class' ? !atom.re.test(c) : false) return false;
  }
  return true;
}
