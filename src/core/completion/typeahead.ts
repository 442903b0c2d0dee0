// The suggestion on screen. While the user types characters that match it, the rest of it is
// served at once, without a request: typing through ghost text is the most common thing users
// do with it, and asking the model again there only costs money and flicker.
import type { CacheHit } from './answerCache';

interface Shown {
  docKey: string;
  prefix: string;
  suffixHead: string;
  text: string;
}

const SUFFIX_HEAD = 400;

export class Typeahead {
  private shown: Shown | undefined;

  show(docKey: string, prefix: string, suffix: string, text: string): void {
    this.shown = text === '' ? undefined : { docKey, prefix, suffixHead: suffix.slice(0, SUFFIX_HEAD), text };
  }

  /** The rest of the suggestion on screen when what was typed since is its start; else nothing. */
  match(docKey: string, prefix: string, suffix: string): CacheHit | undefined {
    const s = this.shown;
    if (!s || s.docKey !== docKey) return undefined;
    const typed = prefix.length - s.prefix.length;
    // typed === 0 is VS Code asking again at the same place (e.g. after a cursor event).
    if (typed < 0 || typed >= s.text.length) return undefined;
    if (suffix.slice(0, SUFFIX_HEAD) !== s.suffixHead || !prefix.startsWith(s.prefix)) return undefined;
    const since = prefix.slice(s.prefix.length);
    if (!s.text.startsWith(since)) return undefined;
    return { text: s.text.slice(typed), typed };
  }

  /** Whether the text typed or accepted since the suggestion was shown is all of it. */
  finished(docKey: string, prefix: string, suffix: string): boolean {
    const s = this.shown;
    return (
      !!s &&
      s.docKey === docKey &&
      prefix.length === s.prefix.length + s.text.length &&
      prefix.endsWith(s.text) &&
      prefix.startsWith(s.prefix) &&
      suffix.slice(0, SUFFIX_HEAD) === s.suffixHead
    );
  }

  clear(): void {
    this.shown = undefined;
  }
}
