// Passing notices (gone after six seconds), the chat-history notice (stays until solved or
// dismissed: a passing notice would be missed, and the user's chats are at stake) and the
// screen-reader announcer.
import { Commands } from '../../core/common/commands';
import type { StorageProblem } from '../../core/common/chatProtocol';
import { PanelText } from '../../core/common/messages/chat';
import type { Actions } from '../actions';
import { button, h } from '../dom';

export class Notices {
  readonly notice: HTMLElement;
  readonly storage: HTMLElement;
  readonly announcer: HTMLElement;
  private readonly storageText: HTMLElement;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(actions: Actions) {
    this.notice = h('div', { class: 'notice', attrs: { role: 'status' } });
    this.notice.hidden = true;
    this.storageText = h('span', { class: 'storage-notice-text' });
    this.storage = h(
      'div',
      { class: 'notice storage-notice', attrs: { role: 'alert' } },
      this.storageText,
      ' ',
      button(PanelText.showLog, () => actions.runCommand(Commands.showLog), { class: 'secondary' }),
      ' ',
      button(PanelText.dismiss, () => (this.storage.hidden = true), { class: 'secondary' }),
    );
    this.storage.hidden = true;
    this.announcer = h('div', { class: 'sr-only', attrs: { 'aria-live': 'polite' } });
  }

  show(text: string): void {
    this.notice.textContent = text;
    this.notice.hidden = false;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => (this.notice.hidden = true), 6000);
  }

  showStorage(problem: StorageProblem, text: string): void {
    this.storageText.textContent = text;
    this.storage.hidden = problem === 'none';
  }

  announce(text: string): void {
    this.announcer.textContent = text;
  }
}
