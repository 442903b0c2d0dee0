// The chat panel: conversation, composer (input, context chips, model, thinking, send/stop) and the
// list of past chats. It only renders what the extension says and posts what the user does; the
// extension owns the conversation and its storage.
import {
  parseHostMessage,
  tryParse,
  type AllowedCommand,
  type ContextKind,
  type ContextRef,
  type ConversationSummary,
  type HostMessage,
  type ModelOption,
  type ViewConversation,
  type WebviewMessage,
} from '../core/common/chatProtocol';
import { button, h } from './dom';
import { createFrameScheduler } from './frames';
import { codeLanguage, codeText } from './markdown';
import { MessageView } from './messageView';
import type { VsCodeApi } from './vscodeApi';
import { Commands } from '../core/common/commands';

interface SavedState {
  draft?: string;
}

export class ChatApp {
  private conv?: ViewConversation;
  private readonly views = new Map<string, MessageView>();
  private streaming?: { messageId: string; nextSeq: number };
  private models: ModelOption[] = [];
  private history: ConversationSummary[] = [];
  private stickToBottom = true;
  private noticeTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly schedule: (task: () => void) => void;

  private readonly scroller: HTMLElement;
  private readonly thread: HTMLElement;
  private readonly emptyState: HTMLElement;
  private readonly historyPanel: HTMLElement;
  private readonly historyList: HTMLElement;
  private readonly chips: HTMLElement;
  private readonly input: HTMLTextAreaElement;
  private readonly modelSelect: HTMLSelectElement;
  private readonly thinking: HTMLInputElement;
  private readonly sendButton: HTMLButtonElement;
  private readonly stopButton: HTMLButtonElement;
  private readonly notice: HTMLElement;
  private readonly storageNotice: HTMLElement;
  private readonly storageText: HTMLElement;
  private readonly announcer: HTMLElement;

  constructor(
    root: HTMLElement,
    private readonly api: VsCodeApi,
  ) {
    this.schedule = createFrameScheduler(() => this.keepScrolled());

    this.thread = h('div', { class: 'thread' });
    this.emptyState = h(
      'div',
      { class: 'empty' },
      h('p', { class: 'empty-title', text: 'Ask Pacer about your code.' }),
      h('p', {
        text: 'Your selection or active file goes along as context (remove the chip to leave it out). Answers keep coming when DeepSeek rate-limits: Pacer waits, retries, or switches provider.',
      }),
    );
    this.scroller = h(
      'div',
      { class: 'messages', attrs: { role: 'log', 'aria-label': 'Conversation', tabindex: '0' } },
      this.emptyState,
      this.thread,
    );
    this.scroller.addEventListener('scroll', () => {
      const s = this.scroller;
      this.stickToBottom = s.scrollHeight - s.scrollTop - s.clientHeight < 40;
    });
    this.scroller.addEventListener('click', (e) => this.onThreadClick(e));

    this.historyList = h('ul', { class: 'history-list', attrs: { 'aria-label': 'Past chats' } });
    this.historyPanel = h(
      'section',
      { class: 'history', attrs: { 'aria-label': 'Past chats' } },
      h(
        'div',
        { class: 'history-header' },
        h('h2', { text: 'Past chats' }),
        button('New chat', () => this.post({ type: 'newChat' }), { class: 'secondary' }),
        button('Close', () => this.showHistory(false), {
          class: 'secondary',
          attrs: { 'aria-label': 'Close past chats' },
        }),
      ),
      this.historyList,
    );
    this.historyPanel.hidden = true;
    this.historyPanel.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') this.showHistory(false);
    });

    this.chips = h('div', {
      class: 'chips',
      attrs: { role: 'list', 'aria-label': 'Context for your next message' },
    });
    this.input = h('textarea', {
      class: 'input',
      attrs: {
        rows: '3',
        'aria-label': 'Message Pacer. Enter sends, Shift+Enter starts a new line.',
        placeholder: 'Ask Pacer… (Enter to send, Shift+Enter for a new line)',
      },
    });
    this.input.addEventListener('keydown', (e) => this.onInputKey(e));
    this.input.addEventListener('input', () => this.saveDraft());
    this.modelSelect = h('select', { class: 'model', attrs: { 'aria-label': 'Model' } });
    this.modelSelect.addEventListener('change', () => this.postModel());
    this.thinking = h('input', { attrs: { type: 'checkbox', 'aria-label': 'Thinking mode' } });
    this.thinking.addEventListener('change', () => this.postModel());
    this.sendButton = button('Send', () => this.send(), {
      class: 'send',
      attrs: { 'aria-label': 'Send message' },
    });
    this.stopButton = button('Stop', () => this.post({ type: 'stop' }), {
      class: 'stop',
      attrs: { 'aria-label': 'Stop the answer' },
    });
    this.stopButton.hidden = true;
    const composer = h(
      'div',
      { class: 'composer' },
      this.chips,
      this.input,
      h(
        'div',
        { class: 'toolbar' },
        this.modelSelect,
        h('label', { class: 'thinking' }, this.thinking, ' Thinking'),
        h('span', { class: 'spacer' }),
        this.stopButton,
        this.sendButton,
      ),
    );
    this.notice = h('div', { class: 'notice', attrs: { role: 'status' } });
    this.notice.hidden = true;
    // Chat history trouble stays until it is solved or dismissed: a passing notice would be missed,
    // and the user's chats are at stake.
    this.storageText = h('span', { class: 'storage-notice-text' });
    this.storageNotice = h(
      'div',
      { class: 'notice storage-notice', attrs: { role: 'alert' } },
      this.storageText,
      ' ',
      button('Show log', () => this.post({ type: 'runCommand', command: Commands.showLog }), {
        class: 'secondary',
      }),
      ' ',
      button('Dismiss', () => (this.storageNotice.hidden = true), { class: 'secondary' }),
    );
    this.storageNotice.hidden = true;
    this.announcer = h('div', { class: 'sr-only', attrs: { 'aria-live': 'polite' } });

    root.replaceChildren(
      this.historyPanel,
      this.scroller,
      this.storageNotice,
      this.notice,
      composer,
      this.announcer,
    );
    const saved = this.api.getState() as SavedState | undefined;
    if (typeof saved?.draft === 'string') this.input.value = saved.draft;
    this.updateEmpty();
  }

  start(): void {
    window.addEventListener('message', (e: MessageEvent) => this.receive(e.data));
    this.post({ type: 'ready' });
  }

  receive(data: unknown): void {
    const parsed = tryParse(parseHostMessage, data);
    if (!parsed.ok) {
      console.warn(`[pacer] dropped a malformed message from the extension: ${parsed.error}`);
      return;
    }
    this.apply(parsed.message);
  }

  private apply(msg: HostMessage): void {
    switch (msg.type) {
      case 'init':
        this.models = msg.models;
        this.history = msg.history;
        this.renderConversation(msg.conversation);
        this.streaming = msg.streaming
          ? { messageId: msg.streaming.messageId, nextSeq: msg.streaming.seq }
          : undefined;
        this.renderHistory();
        this.renderChips(msg.chips, msg.addable);
        this.updateButtons();
        return;
      case 'conversation': {
        this.renderConversation(msg.conversation);
        const live = msg.conversation.messages.find((m) => m.status === 'streaming');
        this.streaming = live ? { messageId: live.id, nextSeq: 0 } : undefined;
        this.showHistory(false);
        this.renderHistory();
        this.updateButtons();
        return;
      }
      case 'history':
        this.history = msg.items;
        this.renderHistory();
        return;
      case 'chips':
        this.renderChips(msg.chips, msg.addable);
        return;
      case 'turnStart':
        if (!this.conv) return;
        this.conv.messages.push(msg.user, msg.assistant);
        this.addMessage(msg.user);
        this.addMessage(msg.assistant);
        this.streaming = { messageId: msg.assistant.id, nextSeq: 0 };
        this.stickToBottom = true;
        this.keepScrolled();
        this.updateEmpty();
        this.updateButtons();
        return;
      case 'delta': {
        const s = this.streaming;
        if (!s || s.messageId !== msg.messageId || msg.seq < s.nextSeq) return;
        if (msg.seq > s.nextSeq) {
          // A delta went missing: the extension has the whole text, ask for it.
          this.streaming = undefined;
          this.post({ type: 'requestState' });
          return;
        }
        s.nextSeq++;
        const view = this.views.get(msg.messageId);
        if (msg.reasoning) view?.appendReasoning(msg.reasoning);
        if (msg.content) view?.appendContent(msg.content);
        return;
      }
      case 'wait': {
        const view = this.views.get(msg.messageId);
        view?.showWait({
          reason: msg.reason,
          provider: msg.provider,
          attempt: msg.attempt,
          ...(msg.why !== undefined ? { why: msg.why } : {}),
          ...(msg.detail !== undefined ? { detail: msg.detail } : {}),
          ...(msg.hint !== undefined ? { hint: msg.hint } : {}),
          ...(msg.delayMs !== undefined ? { untilMs: Date.now() + msg.delayMs } : {}),
          ...(msg.fallback !== undefined ? { fallback: msg.fallback } : {}),
        });
        this.keepScrolled();
        return;
      }
      case 'restart':
        this.views.get(msg.messageId)?.restart(msg.note);
        return;
      case 'provider':
        this.views.get(msg.messageId)?.setProvider(msg.provider, msg.isFallback);
        return;
      case 'turnEnd': {
        this.views.get(msg.messageId)?.end(msg.status, msg.error);
        if (this.streaming?.messageId === msg.messageId) this.streaming = undefined;
        if (msg.restoreInput && !this.input.value.trim()) {
          this.input.value = msg.restoreInput;
          this.saveDraft();
        }
        this.announce(
          msg.status === 'done'
            ? 'Answer complete.'
            : msg.status === 'stopped'
              ? 'Answer stopped. Your message is back in the input box.'
              : `Answer failed: ${msg.error?.message ?? 'unknown error'}`,
        );
        this.updateButtons();
        this.keepScrolled();
        return;
      }
      case 'showHistory':
        this.showHistory(true);
        return;
      case 'focusInput':
        this.showHistory(false);
        this.input.focus();
        return;
      case 'notice':
        this.showNotice(msg.text);
        return;
      case 'storageNotice':
        this.storageText.textContent = msg.text;
        this.storageNotice.hidden = msg.problem === 'none';
        return;
    }
  }

  private post(msg: WebviewMessage): void {
    this.api.postMessage(msg);
  }

  private send(): void {
    const text = this.input.value;
    if (!text.trim() || this.streaming) return;
    this.post({ type: 'send', text });
    this.input.value = '';
    this.saveDraft();
  }

  private onInputKey(e: KeyboardEvent): void {
    if (e.key === 'Enter' && !e.shiftKey && !e.altKey && !e.isComposing) {
      e.preventDefault();
      this.send();
    } else if (e.key === 'Escape' && this.streaming) {
      e.preventDefault();
      this.post({ type: 'stop' });
    }
  }

  private postModel(): void {
    this.post({ type: 'setModel', model: this.modelSelect.value, thinking: this.thinking.checked });
  }

  private saveDraft(): void {
    const state: SavedState = { draft: this.input.value };
    this.api.setState(state);
  }

  private renderConversation(conv: ViewConversation): void {
    for (const v of this.views.values()) v.dispose();
    this.views.clear();
    this.thread.replaceChildren();
    this.conv = conv;
    for (const m of conv.messages) this.addMessage(m);
    this.renderModels(conv.model, conv.thinking);
    this.stickToBottom = true;
    this.updateEmpty();
    this.keepScrolled();
  }

  private addMessage(m: ViewConversation['messages'][number]): void {
    const view = new MessageView(m, this.schedule, {
      retry: (messageId) => this.post({ type: 'retry', messageId }),
      runCommand: (command: AllowedCommand) => this.post({ type: 'runCommand', command }),
      useFallbackNow: () => this.post({ type: 'useFallbackNow' }),
    });
    this.views.set(m.id, view);
    this.thread.append(view.element);
  }

  private renderModels(selected: string, thinking: boolean): void {
    const options = this.models.some((m) => m.id === selected)
      ? this.models
      : [...this.models, { id: selected, label: selected }];
    this.modelSelect.replaceChildren(
      ...options.map((m) => {
        const o = h('option', { text: m.label, attrs: { value: m.id } });
        o.selected = m.id === selected;
        return o;
      }),
    );
    this.thinking.checked = thinking;
  }

  private renderChips(chips: ContextRef[], addable: ContextKind[]): void {
    const items: HTMLElement[] = chips.map((c) =>
      c.excluded !== undefined
        ? // Shown switched off: nothing to remove, and the reason is on the chip, not only in a tooltip.
          h(
            'span',
            {
              class: 'chip excluded',
              attrs: {
                role: 'listitem',
                'aria-disabled': 'true',
                title: `${c.detail ?? c.label}: ${c.excluded}`,
              },
            },
            h('span', { class: 'chip-kind', text: 'File' }),
            h('span', { class: 'chip-label', text: c.label }),
            h('span', { class: 'chip-reason', text: c.excluded }),
          )
        : h(
            'span',
            { class: 'chip', attrs: { role: 'listitem', title: c.detail ?? c.label } },
            h('span', { class: 'chip-kind', text: c.kind === 'selection' ? 'Selection' : 'File' }),
            h('span', { class: 'chip-label', text: c.label }),
            button('×', () => this.post({ type: 'removeContext', id: c.id }), {
              class: 'chip-remove',
              attrs: {
                'aria-label': `Remove ${c.kind === 'selection' ? 'selection' : 'file'} ${c.label} from the context`,
              },
            }),
          ),
    );
    for (const kind of addable) {
      const what = kind === 'selection' ? 'selection' : 'active file';
      items.push(
        h(
          'span',
          { attrs: { role: 'listitem' } },
          button(
            `+ ${kind === 'selection' ? 'Selection' : 'File'}`,
            () => this.post({ type: 'addContext', kind }),
            {
              class: 'chip-add',
              attrs: { 'aria-label': `Add the ${what} as context` },
            },
          ),
        ),
      );
    }
    this.chips.replaceChildren(...items);
    this.chips.hidden = items.length === 0;
  }

  private renderHistory(): void {
    const currentId = this.conv?.id;
    if (this.history.length === 0) {
      this.historyList.replaceChildren(h('li', { class: 'history-empty', text: 'No past chats yet.' }));
      return;
    }
    this.historyList.replaceChildren(
      ...this.history.map((s) => {
        const when = new Date(s.updatedMs).toLocaleString();
        const open = button('', () => this.post({ type: 'openConversation', id: s.id }), {
          class: 'history-open',
          attrs: { 'aria-label': `Open chat: ${s.title}, ${when}` },
        });
        open.append(
          h('span', { class: 'history-title', text: s.title }),
          h('span', { class: 'history-date', text: when }),
        );
        if (s.id === currentId) open.setAttribute('aria-current', 'true');
        const del = button('Delete', () => this.post({ type: 'deleteConversation', id: s.id }), {
          class: 'history-delete secondary',
          attrs: { 'aria-label': `Delete chat: ${s.title}` },
        });
        return h('li', { class: 'history-item' }, open, del);
      }),
    );
  }

  private showHistory(show: boolean): void {
    if (this.historyPanel.hidden === !show) return;
    this.historyPanel.hidden = !show;
    if (show) this.historyList.querySelector<HTMLButtonElement>('button')?.focus();
    else this.input.focus();
  }

  private onThreadClick(e: MouseEvent): void {
    const target = e.target instanceof Element ? e.target.closest('button[data-action]') : null;
    if (!(target instanceof HTMLButtonElement)) return;
    const code = target.closest('.code-block')?.querySelector('pre > code');
    if (!code) return;
    const text = codeText(code);
    if (target.dataset.action === 'copy') {
      this.post({ type: 'copyCode', code: text });
      target.textContent = 'Copied';
      setTimeout(() => (target.textContent = 'Copy'), 1500);
    } else if (target.dataset.action === 'insert') {
      const language = codeLanguage(code);
      this.post({ type: 'insertCode', code: text, ...(language ? { language } : {}) });
    }
  }

  private updateButtons(): void {
    const busy = this.streaming !== undefined;
    this.stopButton.hidden = !busy;
    this.sendButton.hidden = busy;
    this.scroller.setAttribute('aria-busy', busy ? 'true' : 'false');
  }

  private updateEmpty(): void {
    this.emptyState.hidden = (this.conv?.messages.length ?? 0) > 0;
  }

  private keepScrolled(): void {
    if (this.stickToBottom) this.scroller.scrollTop = this.scroller.scrollHeight;
  }

  private showNotice(text: string): void {
    this.notice.textContent = text;
    this.notice.hidden = false;
    if (this.noticeTimer !== undefined) clearTimeout(this.noticeTimer);
    this.noticeTimer = setTimeout(() => (this.notice.hidden = true), 6000);
  }

  private announce(text: string): void {
    this.announcer.textContent = text;
  }
}
