// What the completion code needs to know about a language: how to write a comment (for the
// path/language header and context snippets) and which line endings open a block (for the
// single-line or multi-line decision). Unknown languages fall back to C-style comments.

export interface CommentStyle {
  start: string;
  end: string;
}

const HASH: CommentStyle = { start: '# ', end: '' };
const SLASH: CommentStyle = { start: '// ', end: '' };
const DASH: CommentStyle = { start: '-- ', end: '' };
const HTML: CommentStyle = { start: '<!-- ', end: ' -->' };
const BLOCK: CommentStyle = { start: '/* ', end: ' */' };

const COMMENTS: Record<string, CommentStyle> = {
  python: HASH,
  shellscript: HASH,
  ruby: HASH,
  perl: HASH,
  r: HASH,
  yaml: HASH,
  toml: HASH,
  makefile: HASH,
  dockerfile: HASH,
  powershell: HASH,
  elixir: HASH,
  julia: HASH,
  nim: HASH,
  coffeescript: HASH,
  sql: DASH,
  lua: DASH,
  haskell: DASH,
  elm: DASH,
  ada: DASH,
  html: HTML,
  xml: HTML,
  markdown: HTML,
  vue: HTML,
  svelte: HTML,
  css: BLOCK,
  scss: BLOCK,
  less: BLOCK,
  latex: { start: '% ', end: '' },
  matlab: { start: '% ', end: '' },
  erlang: { start: '% ', end: '' },
  clojure: { start: ';; ', end: '' },
  lisp: { start: ';; ', end: '' },
  scheme: { start: ';; ', end: '' },
  bat: { start: 'REM ', end: '' },
  vb: { start: "' ", end: '' },
  fsharp: SLASH,
};

export function commentStyle(languageId: string): CommentStyle {
  return COMMENTS[languageId] ?? SLASH;
}

export function commentLine(languageId: string, text: string): string {
  const style = commentStyle(languageId);
  return `${style.start}${text}${style.end}`;
}

// Line endings after which the next lines are a block body: there a multi-line answer is wanted.
const COMMON_OPENERS = [/[{([]\s*$/, /=>\s*$/];
const OPENERS: Record<string, RegExp[]> = {
  python: [/:\s*(#.*)?$/, /[{([]\s*$/],
  ruby: [/\b(do|then)\s*(\|[^|]*\|)?\s*$/, /^\s*(def|class|module|if|unless|while|until|case|begin)\b.*$/],
  lua: [/\b(do|then)\s*$/, /\bfunction\b[^)]*\)\s*$/, /[{(]\s*$/],
  shellscript: [/\b(then|do)\s*$/, /[{(]\s*$/],
  elixir: [/\bdo\s*$/, /->\s*$/],
  haskell: [/\b(where|do|of)\s*$/, /=\s*$/],
  yaml: [/:\s*$/],
};

export function opensBlock(languageId: string, linePrefix: string): boolean {
  const patterns = OPENERS[languageId] ?? COMMON_OPENERS;
  return patterns.some((re) => re.test(linePrefix));
}

/** Characters that close something opened earlier; an answer must not repeat them when the code already has them. */
export const CLOSERS = new Set([')', ']', '}']);
export const OPENER_OF: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
