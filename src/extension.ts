// activate(): a list of contributions, each a Disposable that owns its subscriptions. Order is
// what each one needs from the ones above it; VS Code disposes them all on deactivation.
// activationTiming stays the first import: it notes when the bundle started to load.
import { activateEntered, reportActivation } from './vscode/activationTiming';
import type * as vscode from 'vscode';
import { registerChat } from './vscode/chat/registerChat';
import { CompletionCommands } from './vscode/completion/completionCommands';
import { CompletionContribution } from './vscode/completion/completionContribution';
import { LogContribution } from './vscode/log';
import { registerProviders } from './vscode/providers/registerProviders';
import { Settings } from './vscode/settings';
import { SettingsNotices } from './vscode/settingsNotices';
import { StatusBarController } from './vscode/statusBarController';
import { UsageDashboard } from './vscode/usage/usageDashboard';

// deactivate() awaits this, so the last streamed answer and throttled saves reach disk on close.
let flushChats: (() => Promise<void>) | undefined;
// And the usage history this window recorded since its last flush (a reload keeps the hours).
let flushUsage: (() => Promise<void>) | undefined;

export function activate(context: vscode.ExtensionContext): void {
  activateEntered();
  const add = <T extends vscode.Disposable>(contribution: T): T => {
    context.subscriptions.push(contribution);
    return contribution;
  };
  const { log } = add(new LogContribution());
  const settings = add(new Settings());
  add(new SettingsNotices(settings, context.globalState, log.child('settings')));

  // Providers, key commands, spend notifier, ledger persistence: src/vscode/providers/ (its own
  // contributions take this place; it pushes its disposables to context.subscriptions for now).
  const services = registerProviders(context, log.child('providers'));

  const completion = add(
    new CompletionContribution(settings, context.globalState, services, log.child('completion')),
  );
  const status = add(new StatusBarController(services.router, completion.completionSwitch));
  add(new CompletionCommands(completion.completionSwitch, status));

  add(
    new UsageDashboard(
      context.extensionUri,
      services.usage.history,
      services.router,
      settings,
      log.child('usage'),
    ),
  );

  flushUsage = () => services.usage.history.flush();

  const chat = registerChat(context, log.child('chat'), services);
  flushChats = () => chat.session.dispose();
  log.info(`Pacer ${context.extension.packageJSON.version as string} activated`);
  reportActivation(log);
}

export async function deactivate(): Promise<void> {
  await Promise.all([flushChats?.(), flushUsage?.()]);
}
