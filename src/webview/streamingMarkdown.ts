// Renders a growing markdown answer without re-rendering all of it each frame. Every block but the
// last is complete (a later token cannot change a paragraph, list or fence that another block
// already follows), so it is rendered once and frozen; only the last, still-growing block is
// rendered again on each frame. The cost of a frame stays flat however long the answer gets.
import type { Token } from 'marked';
import { lex, renderTokens } from './markdown';

// Highlighting a code block that is still growing is redone each frame: cap it.
const LIVE_HIGHLIGHT_LIMIT = 20_000;

export class StreamingMarkdown {
  private text = '';
  private frozenLength = 0;
  private readonly frozen: HTMLElement;
  private readonly live: HTMLElement;
  private dirty = false;

  constructor(
    readonly element: HTMLElement,
    private readonly schedule: (task: () => void) => void,
  ) {
    this.frozen = document.createElement('div');
    this.frozen.className = 'md-frozen';
    this.live = document.createElement('div');
    this.live.className = 'md-live';
    element.append(this.frozen, this.live);
  }

  get value(): string {
    return this.text;
  }

  append(delta: string): void {
    // marked turns \r\n into \n before lexing; doing it here keeps token offsets equal to ours.
    this.text += delta.replace(/\r/g, '');
    this.markDirty();
  }

  /** Replaces everything (a restarted stream, or a stored message). */
  reset(text = ''): void {
    this.text = text.replace(/\r/g, '');
    this.frozenLength = 0;
    this.frozen.replaceChildren();
    this.live.replaceChildren();
    this.markDirty();
  }

  /** Renders now, without waiting for a frame, and freezes everything (the stream has ended). */
  finish(): void {
    this.render(true);
  }

  private markDirty(): void {
    if (this.dirty) return;
    this.dirty = true;
    this.schedule(() => this.render(false));
  }

  private render(final: boolean): void {
    this.dirty = false;
    const tail = this.text.slice(this.frozenLength);
    const tokens = lex(tail);
    let last = tokens.length - 1;
    while (last >= 0 && tokens[last]?.type === 'space') last--;
    const cut = final ? tokens.length : Math.max(0, last);
    const done = tokens.slice(0, cut);
    const doneText = done.map((t) => t.raw).join('');
    // Offsets must line up with the text; if marked ever rewrote the source, freeze nothing.
    if (done.length > 0 && tail.startsWith(doneText)) {
      // One wrapper per frozen batch: the stylesheet lets the browser skip laying out and
      // painting batches scrolled out of view, so a long answer does not slow every frame.
      const block = document.createElement('div');
      block.className = 'md-block';
      block.append(renderTokens(done));
      this.frozen.append(block);
      this.frozenLength += doneText.length;
      this.live.replaceChildren(
        renderTokens(tokens.slice(cut) as Token[], { highlightLimit: LIVE_HIGHLIGHT_LIMIT }),
      );
    } else {
      this.live.replaceChildren(renderTokens(tokens, { highlightLimit: LIVE_HIGHLIGHT_LIMIT }));
    }
  }
}
