// The list of past chats: open one, delete one, start a new one. Escape or Close hides it.
import type { ConversationSummary } from '../../core/common/chatProtocol';
import { PanelText } from '../../core/common/messages/chat';
import type { Actions } from '../actions';
import { button, h } from '../dom';

export class HistoryPanel {
  readonly element: HTMLElement;
  private readonly list: HTMLElement;

  constructor(
    private readonly actions: Actions,
    /** Where focus goes when the panel closes (the input). */
    private readonly onClose: () => void,
  ) {
    this.list = h('ul', { class: 'history-list', attrs: { 'aria-label': PanelText.pastChats } });
    this.element = h(
      'section',
      { class: 'history', attrs: { 'aria-label': PanelText.pastChats } },
      h(
        'div',
        { class: 'history-header' },
        h('h2', { text: PanelText.pastChats }),
        button(PanelText.newChat, () => this.actions.newChat(), { class: 'secondary' }),
        button(PanelText.close, () => this.show(false), {
          class: 'secondary',
          attrs: { 'aria-label': PanelText.closePastChats },
        }),
      ),
      this.list,
    );
    this.element.hidden = true;
    this.element.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') this.show(false);
    });
  }

  render(items: ConversationSummary[], currentId: string | undefined): void {
    if (items.length === 0) {
      this.list.replaceChildren(h('li', { class: 'history-empty', text: PanelText.noPastChats }));
      return;
    }
    this.list.replaceChildren(...items.map((s) => this.item(s, s.id === currentId)));
  }

  show(show: boolean): void {
    if (this.element.hidden === !show) return;
    this.element.hidden = !show;
    if (show) this.list.querySelector<HTMLButtonElement>('button')?.focus();
    else this.onClose();
  }

  private item(s: ConversationSummary, current: boolean): HTMLElement {
    const when = new Date(s.updatedMs).toLocaleString();
    const open = button('', () => this.actions.openConversation(s.id), {
      class: 'history-open',
      attrs: { 'aria-label': PanelText.openChat(s.title, when) },
    });
    open.append(
      h('span', { class: 'history-title', text: s.title }),
      h('span', { class: 'history-date', text: when }),
    );
    if (current) open.setAttribute('aria-current', 'true');
    const del = button(PanelText.delete, () => this.actions.deleteConversation(s.id), {
      class: 'history-delete secondary',
      attrs: { 'aria-label': PanelText.deleteChat(s.title) },
    });
    return h('li', { class: 'history-item' }, open, del);
  }
}
