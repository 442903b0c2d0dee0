// The one table of what each webview message does on the extension side. The session answers
// the conversation's messages; the editor, the clipboard and commands answer the rest. A message
// type with no row here fails to compile.
import * as vscode from 'vscode';
import type { HostMessage, MessageHandlers, WebviewMessage } from '../../core/common/chatProtocol';
import type { ChatSession } from '../../core/chat/chatSession';
import type { SessionMessage } from '../../core/chat/chatSessionOptions';
import { ChatNotices } from '../../core/common/messages/chat';
import type { EditorContext } from './editorContext';
import { insertCode } from './insertCode';

export type ChatMessageHandlers = MessageHandlers<WebviewMessage, Promise<void> | void>;

export interface ChatHandlerDeps {
  session: ChatSession;
  context: EditorContext;
  post(message: HostMessage): void;
}

export function chatMessageHandlers({ session, context, post }: ChatHandlerDeps): ChatMessageHandlers {
  const toSession = (m: SessionMessage) => session.handle(m);
  return {
    ready: toSession,
    requestState: toSession,
    send: toSession,
    stop: toSession,
    retry: toSession,
    newChat: toSession,
    openConversation: toSession,
    deleteConversation: toSession,
    setModel: toSession,
    useFallbackNow: toSession,
    removeContext: (m) => context.remove(m.id),
    addContext: (m) => context.add(m.kind),
    insertCode: async (m) => {
      const result = await insertCode(context.lastEditor(), m.code, m.language);
      if (result === 'opened') post({ type: 'notice', text: ChatNotices.insertOpenedEditor });
    },
    copyCode: async (m) => {
      await vscode.env.clipboard.writeText(m.code);
    },
    runCommand: async (m) => {
      await vscode.commands.executeCommand(m.command);
    },
  } satisfies ChatMessageHandlers;
}
