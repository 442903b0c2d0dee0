// The chat view: serves the webview's HTML, validates every message from it, and routes each to
// the session (conversation work) or to the editor (context chips, insert, clipboard, commands).
import * as vscode from 'vscode';
import {
  parseWebviewMessage,
  tryParse,
  type HostMessage,
  type WebviewMessage,
} from '../../core/common/chatProtocol';
import type { ChatSession } from '../../core/chat/chatSession';
import type { Logger } from '../log';
import { chatHtml } from './chatHtml';
import type { EditorContext } from './editorContext';
import { insertCode } from './insertCode';

export const CHAT_VIEW_ID = 'pacer.chatView';

export class ChatViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  private session: ChatSession | undefined;
  // Messages for a view that is not showing yet (a command opened it): sent after its `ready`.
  private queued: HostMessage[] = [];
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly context: EditorContext,
    private readonly log: Logger,
  ) {
    this.disposables.push(context.onDidChange(() => this.postChips()));
  }

  attach(session: ChatSession): void {
    this.session = session;
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
    const subs = [
      view.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      view.onDidChangeVisibility(() => {
        if (view.visible) this.postChips();
      }),
    ];
    view.onDidDispose(() => {
      for (const s of subs) s.dispose();
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

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  private receive(raw: unknown): void {
    const parsed = tryParse(parseWebviewMessage, raw);
    if (!parsed.ok) {
      this.log.warn(`Dropped a malformed message from the chat view: ${parsed.error}`);
      return;
    }
    this.handle(parsed.message).catch((e: unknown) => {
      this.log.error(
        `Chat view message ${parsed.message.type} failed: ${e instanceof Error ? e.message : String(e)}`,
      );
      // The webview drops notices over 2,000 characters; a long error must still show.
      this.post({ type: 'notice', text: (e instanceof Error ? e.message : String(e)).slice(0, 2000) });
    });
  }

  private async handle(msg: WebviewMessage): Promise<void> {
    switch (msg.type) {
      case 'removeContext':
        return this.context.remove(msg.id);
      case 'addContext':
        return this.context.add(msg.kind);
      case 'insertCode': {
        const result = await insertCode(this.context.lastEditor(), msg.code, msg.language);
        if (result === 'opened')
          this.post({ type: 'notice', text: 'No editor was open, so the code opened in a new one.' });
        return;
      }
      case 'copyCode':
        await vscode.env.clipboard.writeText(msg.code);
        return;
      case 'runCommand':
        await vscode.commands.executeCommand(msg.command);
        return;
      default:
        await this.session?.handle(msg);
        if (msg.type === 'ready') {
          const queued = this.queued;
          this.queued = [];
          for (const m of queued) this.post(m);
        }
    }
  }

  private postChips(): void {
    this.post({ type: 'chips', chips: this.context.chips(), addable: this.context.addable() });
  }
}
