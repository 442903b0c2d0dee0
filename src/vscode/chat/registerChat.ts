// The chat's entry for today's `activate()`: creates the ChatContribution and hands it to the
// extension context. (Once extension.ts lists contributions, it creates ChatContribution itself.)
import type * as vscode from 'vscode';
import type { ChatSession } from '../../core/chat/chatSession';
import type { Logger } from '../log';
import type { PacerServices } from '../providers/registerProviders';
import { ChatContribution, type ChatOptions } from './chatContribution';
import type { ChatViewProvider } from './chatViewProvider';

export function registerChat(
  context: vscode.ExtensionContext,
  log: Logger,
  services: PacerServices,
  options: ChatOptions = {},
): { session: ChatSession; provider: ChatViewProvider } {
  const chat = new ChatContribution(context, log, services, options);
  context.subscriptions.push(chat);
  return { session: chat.session, provider: chat.provider };
}
