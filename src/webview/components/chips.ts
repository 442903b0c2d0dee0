// The context chips above the input: what goes along with the next message (removable), files
// kept out by an exclusion (shown switched off, with the reason), and "+ File" / "+ Selection".
import type { ContextKind, ContextRef } from '../../core/common/chatProtocol';
import { ChipText, PanelText } from '../../core/common/messages/chat';
import type { Actions } from '../actions';
import { button, h } from '../dom';

export class Chips {
  readonly element: HTMLElement;

  constructor(private readonly actions: Actions) {
    this.element = h('div', {
      class: 'chips',
      attrs: { role: 'list', 'aria-label': PanelText.contextList },
    });
  }

  render(chips: ContextRef[], addable: ContextKind[]): void {
    const items: HTMLElement[] = chips.map((c) =>
      c.excluded !== undefined ? excluded(c, c.excluded) : this.chip(c),
    );
    for (const kind of addable) items.push(this.addButton(kind));
    this.element.replaceChildren(...items);
    this.element.hidden = items.length === 0;
  }

  private chip(c: ContextRef): HTMLElement {
    return h(
      'span',
      { class: 'chip', attrs: { role: 'listitem', title: c.detail ?? c.label } },
      h('span', { class: 'chip-kind', text: c.kind === 'selection' ? ChipText.selection : ChipText.file }),
      h('span', { class: 'chip-label', text: c.label }),
      button('×', () => this.actions.removeContext(c.id), {
        class: 'chip-remove',
        attrs: { 'aria-label': ChipText.remove(c.kind === 'selection' ? 'selection' : 'file', c.label) },
      }),
    );
  }

  private addButton(kind: ContextKind): HTMLElement {
    const what = kind === 'selection' ? ChipText.selectionWord : ChipText.activeFile;
    return h(
      'span',
      { attrs: { role: 'listitem' } },
      button(ChipText.add(kind === 'selection' ? 'Selection' : 'File'), () => this.actions.addContext(kind), {
        class: 'chip-add',
        attrs: { 'aria-label': ChipText.addLabel(what) },
      }),
    );
  }
}

/** Shown switched off: nothing to remove, and the reason is on the chip, not only in a tooltip. */
function excluded(c: ContextRef, reason: string): HTMLElement {
  return h(
    'span',
    {
      class: 'chip excluded',
      attrs: { role: 'listitem', 'aria-disabled': 'true', title: `${c.detail ?? c.label}: ${reason}` },
    },
    h('span', { class: 'chip-kind', text: ChipText.file }),
    h('span', { class: 'chip-label', text: c.label }),
    h('span', { class: 'chip-reason', text: reason }),
  );
}
