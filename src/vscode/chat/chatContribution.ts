// The chat as one contribution: the webview view and its commands, the session wired to the
// model service, the editor context and the storage, and the subscriptions that keep the panel
// current (chips follow the editor; the model box follows pinning). Disposing it disposes them.
import * as vscode from 'vscode';
import { chatModelOptions, type PinnedChat } from '../../core/chat/chatModels';
import { ChatSession } from '../../core/chat/chatSession';
import type { ChatFallbackHook } from '../../core/chat/chatSessionOptions';
import { contextTokensFor } from '../../core/chat/contextBudget';
import { ConversationStore } from '../../core/chat/conversationStore';
import { FolderChatStorage } from '../../core/chat/folderChatStorage';
import type { NamedProvider } from '../../core/chat/providerLabel';
import { realClock } from '../../core/common/clock';
import { Commands } from '../../core/common/commands';
import { Disposable, toDisposable, type IDisposable } from '../../core/common/lifecycle';
import type { ModelService } from '../../core/providers/modelService';
import { exclusionsFor } from '../exclusionSettings';
import type { Logger } from '../log';
import type { Settings } from '../settings';
import { chatMessageHandlers } from './chatMessageHandlers';
import { CHAT_VIEW_ID, ChatViewProvider } from './chatViewProvider';
import { EditorContext } from './editorContext';

/** What chat reads from the router: its labels, what chat is pinned to, and when that changes. */
export interface ChatRouter {
  onDidChange(listener: () => void): IDisposable;
  pinnedChatTarget(): PinnedChat | undefined;
  knownProviders(): readonly NamedProvider[];
}

export interface ChatOptions {
  /** The router's failover seam for the "Use <fallback> now" button (see ChatFallbackHook). */
  fallback?: ChatFallbackHook;
}

export class ChatContribution extends Disposable {
  readonly session: ChatSession;
  readonly provider: ChatViewProvider;

  constructor(
    context: vscode.ExtensionContext,
    settings: Settings,
    log: Logger,
    services: { models: ModelService; router: ChatRouter },
    options: ChatOptions = {},
  ) {
    super();
    const { router } = services;
    const editorContext = this._register(new EditorContext());
    const provider = (this.provider = this._register(new ChatViewProvider(context.extensionUri, log)));
    const store = new ConversationStore({
      // A desktop or remote extension host keeps its storage on its own disk (file scheme).
      storage: new FolderChatStorage(
        vscode.Uri.joinPath(context.storageUri ?? context.globalStorageUri, 'chats').fsPath,
      ),
      clock: realClock,
      onError: (message, error) =>
        log.warn(`${message}: ${error instanceof Error ? error.message : String(error)}`),
    });
    const session = (this.session = new ChatSession({
      models: services.models,
      store,
      post: (m) => provider.post(m),
      context: editorContext,
      defaults: () => ({
        model: settings.get('chat.model'),
        thinking: settings.get('chat.thinking'),
        deadlineMs: settings.get('chat.deadlineMs'),
      }),
      modelOptions: () => chatModelOptions(settings.get('chat.model'), router.pinnedChatTarget()),
      // Labels come from the providers the router knows, the user's custom ones included.
      providers: () => router.knownProviders(),
      ...(options.fallback ? { fallback: options.fallback } : {}),
      contextTokens: (model) => contextTokensFor(model, settings.get('chat.contextTokens')),
      // Checked for every prompt, so a follow-up or Retry never re-sends a file excluded since.
      isExcluded: (path) => storedContextExcluded(path),
      clock: realClock,
      log: {
        warn: (m) => log.warn(m),
        error: (m, e) => log.error(`${m}: ${e instanceof Error ? e.message : String(e)}`),
      },
    }));
    this._register(toDisposable(() => void session.dispose()));
    provider.attach(chatMessageHandlers({ session, context: editorContext, post: (m) => provider.post(m) }));

    // The chips follow the editor, and are read again when the view shows after being hidden.
    const postChips = () =>
      provider.post({ type: 'chips', chips: editorContext.chips(), addable: editorContext.addable() });
    this._register(editorContext.onDidChange(postChips));
    this._register(provider.onDidShow(postChips));
    // Pinning another provider (or unpinning) changes what the model box must say.
    let pinnedKey = pinnedKeyOf(router);
    this._register(
      router.onDidChange(() => {
        const key = pinnedKeyOf(router);
        if (key === pinnedKey) return;
        pinnedKey = key;
        session.postInit();
      }),
    );

    this._register(vscode.window.registerWebviewViewProvider(CHAT_VIEW_ID, provider));
    this._register(
      vscode.commands.registerCommand(Commands.newChat, async () => {
        await provider.reveal();
        await session.newChat();
      }),
    );
    this._register(
      vscode.commands.registerCommand(Commands.showChatHistory, async () => {
        provider.postWhenReady({ type: 'showHistory' });
        await provider.reveal();
      }),
    );
  }

  /** Ends the answer in progress and writes every pending save (deactivate awaits this). */
  flush(): Promise<void> {
    return this.session.dispose();
  }
}

/**
 * Stored context names a file by its workspace-relative path (or its name alone outside a
 * workspace): checked against the exclusions of the folder it would live in, as of now, before
 * any follow-up or Retry sends it again.
 */
function storedContextExcluded(path: string): boolean {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0) return exclusionsFor(undefined).excludes(path);
  return folders.some((f) => exclusionsFor(vscode.Uri.joinPath(f.uri, path)).excludes(path));
}

function pinnedKeyOf(router: ChatRouter): string {
  const p = router.pinnedChatTarget();
  return p ? `${p.label}\u0000${p.chatModel}` : '';
}
