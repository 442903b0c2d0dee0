// Registers the chat webview view and its commands, and wires the session to the model service,
// the editor context and the storage.
import * as vscode from 'vscode';
import type { ModelOption } from '../../core/common/chatProtocol';
import { ChatSession, type ChatFallbackHook } from '../../core/chat/chatSession';
import { contextTokensFor } from '../../core/chat/contextBudget';
import { ConversationStore } from '../../core/chat/conversationStore';
import { FolderChatStorage } from '../../core/chat/folderChatStorage';
import { realClock } from '../../core/common/clock';
import type { Logger } from '../log';
import type { PacerServices } from '../providers/registerProviders';
import { exclusionsFor } from '../exclusionSettings';
import { readSettings } from '../settings';
import { CHAT_VIEW_ID, ChatViewProvider } from './chatViewProvider';
import { EditorContext } from './editorContext';
import { Commands } from '../../core/common/commands';

export interface ChatOptions {
  /** The router's failover seam for the "Use <fallback> now" button (see ChatFallbackHook). */
  fallback?: ChatFallbackHook;
}

const BUILT_IN_MODELS: ModelOption[] = [
  { id: 'deepseek-flash', label: 'DeepSeek Flash' },
  { id: 'deepseek-v4-pro', label: 'DeepSeek V4 Pro' },
];

// Without a router hook the button opens the provider picker: still one click to move on.
const pickerFallback: ChatFallbackHook = {
  label: () => 'another provider',
  useNow: () => void vscode.commands.executeCommand(Commands.switchProvider),
};

export function registerChat(
  context: vscode.ExtensionContext,
  log: Logger,
  services: PacerServices,
  options: ChatOptions = {},
): { session: ChatSession; provider: ChatViewProvider } {
  const editorContext = new EditorContext();
  const provider = new ChatViewProvider(context.extensionUri, editorContext, log);
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
      return { model: s.model, thinking: s.thinking, deadlineMs: s.deadlineMs };
    },
    modelOptions: () => {
      const configured = readSettings().chat.model;
      const pinned = services.router.pinnedChatTarget();
      // Pinned to another provider: the box names what really answers (the router gives that
      // provider its own model whatever the panel sends).
      if (pinned) return [{ id: configured, label: `${pinned.label} · ${pinned.chatModel}` }];
      return BUILT_IN_MODELS.some((m) => m.id === configured)
        ? BUILT_IN_MODELS
        : [...BUILT_IN_MODELS, { id: configured, label: configured }];
    },
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
  provider.attach(session);
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
