// activate(): wiring only. Every feature registers itself and pushes its disposables to
// context.subscriptions.
import * as vscode from 'vscode';
import { registerChat } from './vscode/chat/registerChat';
import { registerCompletion } from './vscode/completion/registerCompletion';
import { createLogger } from './vscode/log';
import { registerProviders } from './vscode/providers/registerProviders';

export function activate(context: vscode.ExtensionContext): void {
  const channel = vscode.window.createOutputChannel('Pacer', { log: true });
  context.subscriptions.push(channel);
  const log = createLogger(channel);
  context.subscriptions.push(vscode.commands.registerCommand('pacer.showLog', () => channel.show()));

  const services = registerProviders(context, log.child('providers'));
  registerCompletion(context, log.child('completion'), services);
  registerChat(context, log.child('chat'), services, {
    fallback: {
      label: (providerId) => services.router.chatFallbackLabel(providerId),
      useNow: (providerId) => services.router.moveWaitingChats(providerId),
    },
  });
  log.info(`Pacer ${context.extension.packageJSON.version as string} activated`);
}

export function deactivate(): void {}
