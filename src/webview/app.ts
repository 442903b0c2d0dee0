// The chat panel, composed: the state, the components (history, thread, notices, composer with
// its chips), the actions that post to the extension and the handlers of its messages. It only
// renders what the extension says and posts what the user does; the extension owns the
// conversation and its storage.
import {
  dispatch,
  parseHostMessage,
  tryParse,
  type HostMessage,
  type MessageHandlers,
  type ViewConversation,
} from '../core/common/chatProtocol';
import { Actions } from './actions';
import { Chips } from './components/chips';
import { Composer } from './components/composer';
import { HistoryPanel } from './components/history';
import { Notices } from './components/notices';
import { Thread } from './components/thread';
import { hostHandlers } from './events';
import { createState } from './state';
import type { VsCodeApi } from './vscodeApi';

export class ChatApp {
  readonly state = createState();
  readonly actions: Actions;
  readonly thread: Thread;
  readonly chips: Chips;
  readonly composer: Composer;
  readonly history: HistoryPanel;
  readonly notices: Notices;
  private readonly handlers: MessageHandlers<HostMessage>;

  constructor(root: HTMLElement, api: VsCodeApi) {
    this.actions = new Actions(api);
    this.thread = new Thread(this.actions);
    this.chips = new Chips(this.actions);
    this.composer = new Composer(this.actions, this.chips, () => this.state.streaming !== undefined);
    this.history = new HistoryPanel(this.actions, () => this.composer.focus());
    this.notices = new Notices(this.actions);
    root.replaceChildren(
      this.history.element,
      this.thread.element,
      this.notices.storage,
      this.notices.notice,
      this.composer.element,
      this.notices.announcer,
    );
    this.thread.setEmpty(true);
    this.handlers = hostHandlers(this);
  }

  start(): void {
    window.addEventListener('message', (e: MessageEvent) => this.receive(e.data));
    this.actions.ready();
  }

  receive(data: unknown): void {
    const parsed = tryParse(parseHostMessage, data);
    if (!parsed.ok) {
      console.warn(`[pacer] dropped a malformed message from the extension: ${parsed.error}`);
      return;
    }
    dispatch(this.handlers, parsed.message);
  }

  showConversation(conv: ViewConversation): void {
    this.state.conv = conv;
    this.thread.show(conv);
    this.composer.renderModels(this.state.models, conv.model, conv.thinking);
  }

  renderHistory(): void {
    this.history.render(this.state.history, this.state.conv?.id);
  }

  updateButtons(): void {
    const busy = this.state.streaming !== undefined;
    this.composer.setBusy(busy);
    this.thread.setBusy(busy);
  }
}
