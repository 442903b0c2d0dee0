// The chat view: serves the webview's HTML under its CSP, validates every message from it and
// hands it to the handler table, and holds posts for a view that has not said `ready` yet.
import * as vscode from 'vscode';
import {
  dispatch,
  parseWebviewMessage,
  tryParse,
  type HostMessage,
  type WebviewMessage,
} from '../../core/common/chatProtocol';
import { Emitter } from '../../core/common/event';
import { Disposable, DisposableStore } from '../../core/common/lifecycle';
import type { Logger } from '../log';
import type { ChatMessageHandlers } from './chatMessageHandlers';
import { chatHtml } from './chatHtml';

export const CHAT_VIEW_ID = 'pacer.chatView';

export class ChatViewProvider extends Disposable implements vscode.WebviewViewProvider {
  private view: vscode.WebviewView | undefined;
  private handlers: ChatMessageHandlers | undefined;
  // Messages for a view that is not showing yet (a command opened it): sent after its `ready`.
  private queued: HostMessage[] = [];
  private readonly shown = this._register(new Emitter<void>());
  /** The view became visible again (what it shows may be stale). */
  readonly onDidShow = this.shown.event;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: Logger,
  ) {
    super();
  }

  /** Where the view's messages go (set once the session exists). */
  attach(handlers: ChatMessageHandlers): void {
    this.handlers = handlers;
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    const media = vscode.Uri.joinPath(this.extensionUri, 'media');
    const dist = vscode.Uri.joinPath(this.extensionUri, 'dist');
    view.webview.options = {
      enableScripts: true,
      enableCommandUris: false,
      localResourceRoots: [media, dist],
    };
    view.webview.html = chatHtml({
      cspSource: view.webview.cspSource,
      scriptUri: view.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
      styleUri: view.webview.asWebviewUri(vscode.Uri.joinPath(media, 'chat.css')).toString(),
    });
    const subs = new DisposableStore();
    subs.add(view.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)));
    subs.add(
      view.onDidChangeVisibility(() => {
        if (view.visible) this.shown.fire();
      }),
    );
    view.onDidDispose(() => {
      subs.dispose();
      if (this.view === view) this.view = undefined;
    });
  }

  get visible(): boolean {
    return this.view?.visible ?? false;
  }

  post(message: HostMessage): void {
    // postMessage to a hidden view is dropped; the view asks for everything again when it loads.
    this.view?.webview.postMessage(message).then(undefined, (e: unknown) => {
      this.log.debug(`Posting to the chat view failed: ${e instanceof Error ? e.message : String(e)}`);
    });
  }

  /** Posts now if the view is up, else after it has loaded and said `ready`. */
  postWhenReady(message: HostMessage): void {
    if (this.view?.visible) this.post(message);
    else this.queued.push(message);
  }

  async reveal(): Promise<void> {
    await vscode.commands.executeCommand(`${CHAT_VIEW_ID}.focus`);
  }

  private receive(raw: unknown): void {
    const parsed = tryParse(parseWebviewMessage, raw);
    if (!parsed.ok) {
      this.log.warn(`Dropped a malformed message from the chat view: ${parsed.error}`);
      return;
    }
    const msg = parsed.message;
    this.handle(msg).catch((e: unknown) => {
      const text = e instanceof Error ? e.message : String(e);
      this.log.error(`Chat view message ${msg.type} failed: ${text}`);
      // The webview drops notices over 2,000 characters; a long error must still show.
      this.post({ type: 'notice', text: text.slice(0, 2000) });
    });
  }

  private async handle(msg: WebviewMessage): Promise<void> {
    if (this.handlers) await dispatch(this.handlers, msg);
    // The handshake: the view has its state now, so what was held for it can follow.
    if (msg.type === 'ready') {
      const queued = this.queued;
      this.queued = [];
      for (const m of queued) this.post(m);
    }
  }
}
