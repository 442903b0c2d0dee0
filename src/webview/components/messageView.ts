// One message in the conversation: the user's prompt (plain text, never markdown) or an answer
// with its reasoning (collapsed), notes, wait line, markdown body and error with its actions.
import type { ErrorView, ViewMessage } from '../../core/common/chatProtocol';
import {
  AnswerNotes,
  ChatErrors,
  MessageText,
  silentFor,
  waitText,
  type WaitLine,
} from '../../core/common/messages/chat';
import { button, h } from '../dom';
import { StreamingMarkdown } from '../streamingMarkdown';

export interface MessageActions {
  retry(messageId: string): void;
  runCommand(command: NonNullable<ErrorView['command']>['id']): void;
  useFallbackNow(): void;
}

export interface WaitState extends WaitLine {
  /** Date.now() when the wait ends, when known. */
  untilMs?: number;
  fallback?: string;
  hint?: string;
}

/** After this long with nothing from the provider, the answer says so (a stall shows itself). */
const SILENCE_MS = 8_000;

export class MessageView {
  readonly element: HTMLElement;
  private body?: StreamingMarkdown;
  private reasoning?: { details: HTMLDetailsElement; summary: HTMLElement; text: Text };
  private readonly noteEl: HTMLElement;
  private readonly waitEl: HTMLElement;
  private readonly errorEl: HTMLElement;
  private readonly metaEl: HTMLElement;
  private waitTimer: ReturnType<typeof setInterval> | undefined;
  private silenceTimer: ReturnType<typeof setInterval> | undefined;
  private lastActivityMs = Date.now();

  constructor(
    private msg: ViewMessage,
    schedule: (task: () => void) => void,
    private readonly actions: MessageActions,
  ) {
    const isUser = msg.role === 'user';
    this.metaEl = h('div', { class: 'meta' });
    this.noteEl = h('div', { class: 'note', attrs: { role: 'note' } });
    this.waitEl = h('div', { class: 'wait', attrs: { role: 'status' } });
    this.errorEl = h('div', { class: 'error', attrs: { role: 'alert' } });
    this.waitEl.hidden = true;
    this.element = h('article', {
      class: `message ${msg.role}`,
      attrs: {
        'aria-label': isUser ? MessageText.yourMessage : MessageText.answerFromPacer,
        'data-message-id': msg.id,
      },
    });
    this.element.append(this.metaEl);
    if (isUser) {
      this.element.append(h('div', { class: 'user-text', text: msg.text }));
      if (msg.context?.length) {
        this.element.append(
          h(
            'ul',
            { class: 'sent-context', attrs: { 'aria-label': MessageText.sentContext } },
            ...msg.context.map((c) =>
              h('li', { class: 'chip static', text: c.label, attrs: { title: c.detail ?? c.label } }),
            ),
          ),
        );
      }
    } else {
      const body = h('div', { class: 'markdown' });
      this.body = new StreamingMarkdown(body, schedule);
      this.element.append(this.noteEl, this.waitEl, body, this.errorEl);
      if (msg.reasoning) this.appendReasoning(msg.reasoning);
      if (msg.text) this.body.reset(msg.text);
      if (msg.status === 'streaming') this.watchSilence();
      if (msg.status !== 'streaming') {
        this.body.finish();
        this.msg = { ...this.msg, note: this.endNote(msg.status) ?? msg.note };
      }
    }
    this.renderMeta();
    this.renderNote();
    this.renderError();
  }

  get id(): string {
    return this.msg.id;
  }

  get text(): string {
    return this.body?.value ?? this.msg.text;
  }

  appendContent(delta: string): void {
    this.lastActivityMs = Date.now();
    this.clearWait();
    this.body?.append(delta);
  }

  appendReasoning(delta: string): void {
    if (!this.reasoning) {
      const summary = h('summary', { text: MessageText.reasoning });
      const text = document.createTextNode('');
      const details = h(
        'details',
        { class: 'reasoning' },
        summary,
        h('div', { class: 'reasoning-text' }, text),
      );
      this.element.insertBefore(details, this.noteEl);
      this.reasoning = { details, summary, text };
    }
    this.lastActivityMs = Date.now();
    this.clearWait();
    // Appending to one Text node is cheap and keeps the collapsed block out of layout work.
    this.reasoning.text.appendData(delta);
    this.renderMeta();
  }

  restart(note: string): void {
    this.clearWait();
    this.msg = { ...this.msg, note };
    this.body?.reset('');
    this.reasoning?.details.remove();
    this.reasoning = undefined;
    this.renderNote();
  }

  setProvider(provider: string, isFallback: boolean): void {
    this.msg = { ...this.msg, provider, isFallback };
    this.renderMeta();
  }

  showWait(wait: WaitState): void {
    this.clearWait();
    const text = h('span', { class: 'wait-text' });
    const update = () => {
      const remainingMs = wait.untilMs === undefined ? undefined : wait.untilMs - Date.now();
      text.textContent = waitText({ ...wait, remainingMs });
    };
    update();
    this.waitEl.append(h('span', { class: 'spinner', attrs: { 'aria-hidden': 'true' } }), text);
    if (wait.detail) {
      // The provider's own words are for whoever wants them; the line above says it plainly.
      this.waitEl.append(
        h(
          'details',
          { class: 'wait-detail' },
          h('summary', { text: MessageText.details }),
          h('span', { text: wait.detail }),
        ),
      );
    }
    if (wait.hint) this.waitEl.append(h('div', { class: 'wait-hint', text: wait.hint }));
    if (wait.fallback) {
      this.waitEl.append(
        button(MessageText.useNow(wait.fallback), () => this.actions.useFallbackNow(), {
          class: 'secondary',
        }),
      );
    }
    this.waitEl.hidden = false;
    if (wait.untilMs !== undefined) this.waitTimer = setInterval(update, 250);
  }

  clearWait(): void {
    // Called for every delta: touch the DOM only when a wait line is actually showing.
    if (this.waitTimer === undefined && this.waitEl.hidden) return;
    if (this.waitTimer !== undefined) clearInterval(this.waitTimer);
    this.waitTimer = undefined;
    if (this.waitEl.childNodes.length) this.waitEl.replaceChildren();
    this.waitEl.hidden = true;
  }

  end(status: ViewMessage['status'], error?: ErrorView): void {
    this.stopSilenceWatch();
    this.clearWait();
    this.body?.finish();
    this.msg = { ...this.msg, status, ...(error ? { error } : {}), note: this.endNote(status) };
    this.renderMeta();
    this.renderNote();
    this.renderError();
  }

  /**
   * The note an ended answer keeps. A restart note explained a wait that is over once the answer
   * is complete; an answer the sanitizer emptied must say why the bubble is blank.
   */
  private endNote(status: ViewMessage['status']): string | undefined {
    const body = this.body;
    if (
      status === 'done' &&
      body &&
      body.value.trim() !== '' &&
      body.element.textContent?.trim() === '' &&
      !body.element.querySelector('hr, pre, table')
    )
      return AnswerNotes.htmlOnly;
    return status === 'done' ? undefined : this.msg.note;
  }

  dispose(): void {
    this.stopSilenceWatch();
    this.clearWait();
  }

  /**
   * While an answer streams, a provider that sends nothing for a while is named with the time it
   * has been silent, so a stall is never a bare spinner. Any delta or wait line takes over.
   */
  private watchSilence(): void {
    this.silenceTimer = setInterval(() => {
      const silentMs = Date.now() - this.lastActivityMs;
      if (silentMs < SILENCE_MS || !this.waitEl.hidden) return;
      const who = this.msg.provider ?? ChatErrors.someProvider;
      const line = h('span', {
        class: 'wait-text',
        text: silentFor(who, Math.floor(silentMs / 1000)),
      });
      this.waitEl.replaceChildren(h('span', { class: 'spinner', attrs: { 'aria-hidden': 'true' } }), line);
      this.waitEl.hidden = false;
      this.waitEl.dataset.silence = 'true';
    }, 1000);
  }

  private stopSilenceWatch(): void {
    if (this.silenceTimer !== undefined) clearInterval(this.silenceTimer);
    this.silenceTimer = undefined;
  }

  private renderMeta(): void {
    const m = this.msg;
    if (m.role === 'user') {
      this.metaEl.textContent = MessageText.you;
      return;
    }
    const parts: string[] = [MessageText.pacer];
    if (m.provider) parts.push(m.isFallback ? MessageText.fallback(m.provider) : m.provider);
    if (m.status === 'streaming')
      parts.push(this.reasoning && !this.body?.value ? MessageText.thinkingMeta : MessageText.answeringMeta);
    if (m.status === 'stopped') parts.push(MessageText.stoppedMeta);
    this.metaEl.textContent = parts.join(' · ');
    this.element.setAttribute('aria-busy', m.status === 'streaming' ? 'true' : 'false');
    if (this.reasoning)
      this.reasoning.summary.textContent =
        m.status === 'streaming' && !this.body?.value ? MessageText.thinkingSummary : MessageText.reasoning;
  }

  private renderNote(): void {
    this.noteEl.textContent = this.msg.note ?? '';
    this.noteEl.hidden = !this.msg.note;
  }

  private renderError(): void {
    const m = this.msg;
    this.errorEl.replaceChildren();
    const canRetry =
      m.role === 'assistant' &&
      (m.status === 'stopped' || (m.status === 'error' && m.error?.retry !== false));
    if (m.status === 'error' && m.error)
      this.errorEl.append(h('span', { class: 'error-text', text: m.error.message }));
    if (m.status === 'error' && m.error?.command) {
      const command = m.error.command;
      this.errorEl.append(button(command.label, () => this.actions.runCommand(command.id)));
    }
    if (canRetry) {
      this.errorEl.append(
        button(MessageText.retry, () => this.actions.retry(m.id), {
          class: m.status === 'error' ? 'retry' : 'retry secondary',
        }),
      );
    }
    this.errorEl.hidden = this.errorEl.childNodes.length === 0;
    this.errorEl.setAttribute('role', m.status === 'error' ? 'alert' : 'group');
  }
}
