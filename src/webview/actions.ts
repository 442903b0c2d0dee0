// Everything the panel asks of the extension, one method per request, plus the draft kept across
// reloads. Components call these; nothing else posts to the host.
import type { AllowedCommand, ContextKind, WebviewMessage } from '../core/common/chatProtocol';
import type { SavedState } from './state';
import type { VsCodeApi } from './vscodeApi';

export class Actions {
  constructor(private readonly api: VsCodeApi) {}

  ready(): void {
    this.post({ type: 'ready' });
  }
  /** A delta went missing: the extension has the whole text, ask for it. */
  requestState(): void {
    this.post({ type: 'requestState' });
  }
  send(text: string): void {
    this.post({ type: 'send', text });
  }
  stop(): void {
    this.post({ type: 'stop' });
  }
  retry(messageId: string): void {
    this.post({ type: 'retry', messageId });
  }
  newChat(): void {
    this.post({ type: 'newChat' });
  }
  openConversation(id: string): void {
    this.post({ type: 'openConversation', id });
  }
  deleteConversation(id: string): void {
    this.post({ type: 'deleteConversation', id });
  }
  removeContext(id: string): void {
    this.post({ type: 'removeContext', id });
  }
  addContext(kind: ContextKind): void {
    this.post({ type: 'addContext', kind });
  }
  setModel(model: string, thinking: boolean): void {
    this.post({ type: 'setModel', model, thinking });
  }
  insertCode(code: string, language: string | undefined): void {
    this.post({ type: 'insertCode', code, ...(language ? { language } : {}) });
  }
  copyCode(code: string): void {
    this.post({ type: 'copyCode', code });
  }
  runCommand(command: AllowedCommand): void {
    this.post({ type: 'runCommand', command });
  }
  useFallbackNow(): void {
    this.post({ type: 'useFallbackNow' });
  }

  saveDraft(draft: string): void {
    const state: SavedState = { draft };
    this.api.setState(state);
  }

  savedDraft(): string | undefined {
    const saved = this.api.getState() as SavedState | undefined;
    return typeof saved?.draft === 'string' ? saved.draft : undefined;
  }

  private post(msg: WebviewMessage): void {
    this.api.postMessage(msg);
  }
}
