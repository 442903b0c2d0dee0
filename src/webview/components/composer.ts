// The composer: context chips, the input (Enter sends, Shift+Enter breaks the line, Escape stops),
// the model box, the thinking switch and Send / Stop.
import type { ModelOption } from '../../core/common/chatProtocol';
import { PanelText } from '../../core/common/messages/chat';
import type { Actions } from '../actions';
import { button, h } from '../dom';
import type { Chips } from './chips';

export class Composer {
  readonly element: HTMLElement;
  private readonly input: HTMLTextAreaElement;
  private readonly modelSelect: HTMLSelectElement;
  private readonly thinking: HTMLInputElement;
  private readonly sendButton: HTMLButtonElement;
  private readonly stopButton: HTMLButtonElement;

  constructor(
    private readonly actions: Actions,
    chips: Chips,
    /** Whether an answer is streaming (no sending then; Escape stops it). */
    private readonly busy: () => boolean,
  ) {
    this.input = h('textarea', {
      class: 'input',
      attrs: { rows: '3', 'aria-label': PanelText.inputLabel, placeholder: PanelText.inputPlaceholder },
    });
    this.input.addEventListener('keydown', (e) => this.onKey(e));
    this.input.addEventListener('input', () => this.saveDraft());
    this.modelSelect = h('select', { class: 'model', attrs: { 'aria-label': PanelText.model } });
    this.modelSelect.addEventListener('change', () => this.postModel());
    this.thinking = h('input', { attrs: { type: 'checkbox', 'aria-label': PanelText.thinkingMode } });
    this.thinking.addEventListener('change', () => this.postModel());
    this.sendButton = button(PanelText.send, () => this.send(), {
      class: 'send',
      attrs: { 'aria-label': PanelText.sendMessage },
    });
    this.stopButton = button(PanelText.stop, () => this.actions.stop(), {
      class: 'stop',
      attrs: { 'aria-label': PanelText.stopAnswer },
    });
    this.stopButton.hidden = true;
    this.element = h(
      'div',
      { class: 'composer' },
      chips.element,
      this.input,
      h(
        'div',
        { class: 'toolbar' },
        this.modelSelect,
        h('label', { class: 'thinking' }, this.thinking, PanelText.thinking),
        h('span', { class: 'spacer' }),
        this.stopButton,
        this.sendButton,
      ),
    );
    const draft = actions.savedDraft();
    if (draft !== undefined) this.input.value = draft;
  }

  focus(): void {
    this.input.focus();
  }

  /** Puts a failed or stopped prompt back, unless the user has started typing another. */
  restore(text: string): void {
    if (this.input.value.trim()) return;
    this.input.value = text;
    this.saveDraft();
  }

  renderModels(models: ModelOption[], selected: string, thinking: boolean): void {
    const options = models.some((m) => m.id === selected)
      ? models
      : [...models, { id: selected, label: selected }];
    this.modelSelect.replaceChildren(
      ...options.map((m) => {
        const o = h('option', { text: m.label, attrs: { value: m.id } });
        o.selected = m.id === selected;
        return o;
      }),
    );
    this.thinking.checked = thinking;
  }

  setBusy(busy: boolean): void {
    this.stopButton.hidden = !busy;
    this.sendButton.hidden = busy;
  }

  private send(): void {
    const text = this.input.value;
    if (!text.trim() || this.busy()) return;
    this.actions.send(text);
    this.input.value = '';
    this.saveDraft();
  }

  private onKey(e: KeyboardEvent): void {
    if (e.key === 'Enter' && !e.shiftKey && !e.altKey && !e.isComposing) {
      e.preventDefault();
      this.send();
    } else if (e.key === 'Escape' && this.busy()) {
      e.preventDefault();
      this.actions.stop();
    }
  }

  private postModel(): void {
    this.actions.setModel(this.modelSelect.value, this.thinking.checked);
  }

  private saveDraft(): void {
    this.actions.saveDraft(this.input.value);
  }
}
