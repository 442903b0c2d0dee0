// activate(): wiring only. Every feature registers itself and pushes its disposables to
// context.subscriptions.
import { activateEntered, reportActivation } from './vscode/activationTiming';
import * as vscode from 'vscode';
import { registerChat } from './vscode/chat/registerChat';
import { registerCompletion } from './vscode/completion/registerCompletion';
import { createLogger } from './vscode/log';
import { registerProviders } from './vscode/providers/registerProviders';
import { Commands } from './core/common/commands';

// deactivate() awaits this, so the last streamed answer and throttled saves reach disk on close.
let flushChats: (() => Promise<void>) | undefined;

export function activate(context: vscode.ExtensionContext): void {
  activateEntered();
  const channel = vscode.window.createOutputChannel('Pacer', { log: true });
  context.subscriptions.push(channel);
  const log = createLogger(channel);
  context.subscriptions.push(vscode.commands.registerCommand(Commands.showLog, () => channel.show()));

  const services = registerProviders(context, log.child('providers'));
  registerCompletion(context, log.child('completion'), services);
  const chat = registerChat(context, log.child('chat'), services, {
    fallback: {
      label: (providerId) => services.router.chatFallbackLabel(providerId),
      useNow: (providerId) => services.router.moveWaitingChats(providerId),
    },
  });
  flushChats = () => chat.session.dispose();
  log.info(`Pacer ${context.extension.packageJSON.version as string} activated`);
  reportActivation(log);
}

export async function deactivate(): Promise<void> {
  await flushChats?.();
}
