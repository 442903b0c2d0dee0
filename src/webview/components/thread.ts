// The conversation: the empty-state hint, one MessageView per message, scrolling that follows the
// answer unless the user scrolled up, and the Copy / Insert buttons of code blocks.
import type { ViewConversation, ViewMessage } from '../../core/common/chatProtocol';
import { PanelText } from '../../core/common/messages/chat';
import type { Actions } from '../actions';
import { h } from '../dom';
import { createFrameScheduler } from '../frames';
import { codeLanguage, codeText } from '../markdown';
import { MessageView } from './messageView';

export class Thread {
  /** The scrolling container (the conversation's log). */
  readonly element: HTMLElement;
  private readonly list: HTMLElement;
  private readonly emptyState: HTMLElement;
  private readonly views = new Map<string, MessageView>();
  private stickToBottom = true;
  private readonly schedule: (task: () => void) => void;

  constructor(private readonly actions: Actions) {
    this.schedule = createFrameScheduler(() => this.keepScrolled());
    this.list = h('div', { class: 'thread' });
    this.emptyState = h(
      'div',
      { class: 'empty' },
      h('p', { class: 'empty-title', text: PanelText.emptyTitle }),
      h('p', { text: PanelText.emptyBody }),
    );
    this.element = h(
      'div',
      { class: 'messages', attrs: { role: 'log', 'aria-label': PanelText.conversation, tabindex: '0' } },
      this.emptyState,
      this.list,
    );
    this.element.addEventListener('scroll', () => {
      const s = this.element;
      this.stickToBottom = s.scrollHeight - s.scrollTop - s.clientHeight < 40;
    });
    this.element.addEventListener('click', (e) => this.onClick(e));
  }

  /** Shows `conv` from scratch, scrolled to its end. */
  show(conv: ViewConversation): void {
    for (const v of this.views.values()) v.dispose();
    this.views.clear();
    this.list.replaceChildren();
    for (const m of conv.messages) this.add(m);
    this.stickToBottom = true;
    this.setEmpty(conv.messages.length === 0);
    this.keepScrolled();
  }

  add(m: ViewMessage): void {
    const view = new MessageView(m, this.schedule, {
      retry: (messageId) => this.actions.retry(messageId),
      runCommand: (command) => this.actions.runCommand(command),
      useFallbackNow: () => this.actions.useFallbackNow(),
    });
    this.views.set(m.id, view);
    this.list.append(view.element);
  }

  view(messageId: string): MessageView | undefined {
    return this.views.get(messageId);
  }

  /** A new turn: follow it to the bottom whatever the user scrolled to before. */
  follow(): void {
    this.stickToBottom = true;
    this.keepScrolled();
  }

  setEmpty(empty: boolean): void {
    this.emptyState.hidden = !empty;
  }

  setBusy(busy: boolean): void {
    this.element.setAttribute('aria-busy', busy ? 'true' : 'false');
  }

  keepScrolled(): void {
    if (this.stickToBottom) this.element.scrollTop = this.element.scrollHeight;
  }

  private onClick(e: MouseEvent): void {
    const target = e.target instanceof Element ? e.target.closest('button[data-action]') : null;
    if (!(target instanceof HTMLButtonElement)) return;
    const code = target.closest('.code-block')?.querySelector('pre > code');
    if (!code) return;
    const text = codeText(code);
    if (target.dataset.action === 'copy') {
      this.actions.copyCode(text);
      target.textContent = PanelText.copied;
      setTimeout(() => (target.textContent = PanelText.copy), 1500);
    } else if (target.dataset.action === 'insert') {
      this.actions.insertCode(text, codeLanguage(code));
    }
  }
}
