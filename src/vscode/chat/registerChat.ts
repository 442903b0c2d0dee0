// Registers the chat webview view and its commands, and wires the session to the model service,
// the editor context and the storage.
import * as vscode from 'vscode';
import { ChatSession } from '../../core/chat/chatSession';
import type { ChatFallbackHook } from '../../core/chat/chatSessionOptions';
import { contextTokensFor } from '../../core/chat/contextBudget';
import { ConversationStore } from '../../core/chat/conversationStore';
import { FolderChatStorage } from '../../core/chat/folderChatStorage';
import { realClock } from '../../core/common/clock';
import type { Logger } from '../log';
import type { PacerServices } from '../providers/registerProviders';
import { exclusionsFor } from '../exclusionSettings';
import { readSettings } from '../settings';
import { CHAT_VIEW_ID, ChatViewProvider } from './chatViewProvider';
import { chatMessageHandlers } from './chatMessageHandlers';
import { chatModelOptions } from '../../core/chat/chatModels';
import { ANOTHER_PROVIDER } from '../../core/common/messages/chat';
import { EditorContext } from './editorContext';
import { Commands } from '../../core/common/commands';

export interface ChatOptions {
  /** The router's failover seam for the "Use <fallback> now" button (see ChatFallbackHook). */
  fallback?: ChatFallbackHook;
}

// Without a router hook the button opens the provider picker: still one click to move on.
const pickerFallback: ChatFallbackHook = {
  label: () => ANOTHER_PROVIDER,
  useNow: () => void vscode.commands.executeCommand(Commands.switchProvider),
};

export function registerChat(
  context: vscode.ExtensionContext,
  log: Logger,
  services: PacerServices,
  options: ChatOptions = {},
): { session: ChatSession; provider: ChatViewProvider } {
  const editorContext = new EditorContext();
  const provider = new ChatViewProvider(context.extensionUri, log);
  const store = new ConversationStore({
    // A desktop or remote extension host keeps its storage on its own disk (file scheme).
    storage: new FolderChatStorage(
      vscode.Uri.joinPath(context.storageUri ?? context.globalStorageUri, 'chats').fsPath,
    ),
    clock: realClock,
    onError: (message, error) =>
      log.warn(`${message}: ${error instanceof Error ? error.message : String(error)}`),
  });
  const session = new ChatSession({
    models: services.models,
    store,
    post: (m) => provider.post(m),
    context: editorContext,
    defaults: () => {
      const s = readSettings().chat;
      return { model: s.model, thinking: s.thinking, deadlineMs: s.deadlineSeconds * 1000 };
    },
    modelOptions: () => chatModelOptions(readSettings().chat.model, services.router.pinnedChatTarget()),
    // Labels come from the providers the router knows, the user's custom ones included.
    providers: () => services.router.knownProviders(),
    fallback: options.fallback ?? pickerFallback,
    contextTokens: (model) => contextTokensFor(model, readSettings().chat.contextTokens),
    // Checked for every prompt, so a follow-up or Retry never re-sends a file excluded since.
    isExcluded: (path) => storedContextExcluded(path),
    clock: realClock,
    log: {
      warn: (m) => log.warn(m),
      error: (m, e) => log.error(`${m}: ${e instanceof Error ? e.message : String(e)}`),
    },
  });
  provider.attach(chatMessageHandlers({ session, context: editorContext, post: (m) => provider.post(m) }));
  // The chips follow the editor, and are read again when the view shows after being hidden.
  const postChips = () =>
    provider.post({ type: 'chips', chips: editorContext.chips(), addable: editorContext.addable() });
  context.subscriptions.push(editorContext.onDidChange(postChips), provider.onDidShow(postChips));
  // Pinning another provider (or unpinning) changes what the model box must say.
  let pinnedKey = pinnedKeyOf(services);
  context.subscriptions.push(
    services.router.onDidChange(() => {
      const key = pinnedKeyOf(services);
      if (key === pinnedKey) return;
      pinnedKey = key;
      session.postInit();
    }),
  );

  context.subscriptions.push(
    editorContext,
    provider,
    vscode.window.registerWebviewViewProvider(CHAT_VIEW_ID, provider),
    vscode.commands.registerCommand(Commands.newChat, async () => {
      await provider.reveal();
      await session.newChat();
    }),
    vscode.commands.registerCommand(Commands.showChatHistory, async () => {
      provider.postWhenReady({ type: 'showHistory' });
      await provider.reveal();
    }),
    { dispose: () => void session.dispose() },
  );
  return { session, provider };
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

function pinnedKeyOf(services: PacerServices): string {
  const p = services.router.pinnedChatTarget();
  return p ? `${p.label}\u0000${p.chatModel}` : '';
}
