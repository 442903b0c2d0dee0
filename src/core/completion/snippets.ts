// Short snippets from other open editors that look like the code around the cursor (the same
// identifiers), the way Copilot's "neighbouring tabs" work. Bounded in count and characters; the
// caller filters out excluded files before they get here.
import { commentLine } from './languages';

export interface ContextDoc {
  /** The document's identity (its URI), when the caller has one; the path otherwise. */
  key?: string;
  path: string;
  languageId: string;
  text: string;
}

export interface Snippet {
  /** The source document's `key`, to tell later whether it is still open and allowed. */
  key?: string;
  path: string;
  text: string;
}

export interface SnippetOptions {
  maxChars: number;
  maxSnippets: number;
  windowLines: number;
  /** Documents longer than this are skipped (generated or minified files). */
  maxDocChars: number;
}

export const DEFAULT_SNIPPET_OPTIONS: SnippetOptions = {
  maxChars: 1500,
  maxSnippets: 3,
  windowLines: 12,
  maxDocChars: 200_000,
};

const IDENT = /[A-Za-z_][A-Za-z0-9_]{2,}/g;

function identifiers(text: string): Set<string> {
  return new Set(text.match(IDENT) ?? []);
}

function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let common = 0;
  for (const x of a) if (b.has(x)) common++;
  return common / (a.size + b.size - common);
}

/** Picks the windows of other documents most similar to `nearCursor`. */
export function selectSnippets(
  nearCursor: string,
  docs: readonly ContextDoc[],
  options: SnippetOptions = DEFAULT_SNIPPET_OPTIONS,
): Snippet[] {
  const target = identifiers(nearCursor);
  if (target.size === 0) return [];
  const scored: { score: number; snippet: Snippet }[] = [];
  for (const doc of docs) {
    if (doc.text.length > options.maxDocChars) continue;
    const lines = doc.text.split('\n');
    let best: { score: number; start: number } | undefined;
    const step = Math.max(1, Math.floor(options.windowLines / 2));
    for (let start = 0; start < lines.length; start += step) {
      const score = jaccard(target, identifiers(lines.slice(start, start + options.windowLines).join('\n')));
      if (!best || score > best.score) best = { score, start };
    }
    if (best && best.score > 0.05) {
      const text = lines
        .slice(best.start, best.start + options.windowLines)
        .join('\n')
        .trimEnd();
      scored.push({ score: best.score, snippet: { key: doc.key, path: doc.path, text } });
    }
  }
  scored.sort((a, b) => b.score - a.score);
  const out: Snippet[] = [];
  let used = 0;
  for (const { snippet } of scored) {
    if (out.length >= options.maxSnippets) break;
    const room = options.maxChars - used;
    if (room < 80) break;
    const cut = snippet.text.lastIndexOf('\n', room);
    const text = snippet.text.length <= room ? snippet.text : snippet.text.slice(0, cut > 0 ? cut : room);
    if (text.trim() === '') continue;
    out.push({ key: snippet.key, path: snippet.path, text });
    used += text.length;
  }
  return out;
}

/** Snippets as comments in the current file's language, so the prompt stays valid-looking code. */
export function formatSnippets(snippets: readonly Snippet[], languageId: string): string {
  let out = '';
  for (const s of snippets) {
    out += commentLine(languageId, `Compare this snippet from ${s.path}:`) + '\n';
    for (const line of s.text.split('\n')) out += commentLine(languageId, line) + '\n';
  }
  return out;
}
