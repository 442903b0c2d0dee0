// activate(): a list of contributions, each a Disposable that owns its subscriptions. Order is
// what each one needs from the ones above it; VS Code disposes them all on deactivation.
// activationTiming stays the first import: it notes when the bundle started to load.
import {
  activateEntered,
  markPhase,
  modulesEvaluated,
  reportActivation,
  reportHostWait,
} from './vscode/activationTiming';
import { afterActivation } from './vscode/afterActivation';
import type * as vscode from 'vscode';
import { ChatContribution } from './vscode/chat/chatContribution';
import { CompletionCommands } from './vscode/completion/completionCommands';
import { CompletionContribution } from './vscode/completion/completionContribution';
import { LogContribution } from './vscode/log';
import { registerProviders } from './vscode/providers/registerProviders';
import { Settings } from './vscode/settings';
import { SettingsNotices } from './vscode/settingsNotices';
import { StatusBarController } from './vscode/statusBarController';
import { UsageDashboard } from './vscode/usage/usageDashboard';

modulesEvaluated();

// deactivate() awaits this, so the last streamed answer and throttled saves reach disk on close.
let flushChats: (() => Promise<void>) | undefined;
// And the usage history this window recorded since its last flush (a reload keeps the hours),
// with what it added to its team's totals in Redis.
let flushUsage: (() => Promise<void>) | undefined;

export function activate(context: vscode.ExtensionContext): void {
  activateEntered();
  const add = <T extends vscode.Disposable>(contribution: T): T => {
    context.subscriptions.push(contribution);
    return contribution;
  };
  const { log } = add(new LogContribution());
  markPhase('log');
  const settings = add(new Settings());
  markPhase('settings');
  add(new SettingsNotices(settings, context.globalState, log.child('settings')));
  markPhase('settingsNotices');

  // Providers, key commands, spend notifier, ledger persistence: src/vscode/providers/ (it pushes
  // its contributions to context.subscriptions itself). markPhase() notes each step's time for
  // the activation log line, which the activation bench prints.
  const services = registerProviders(context, settings, log.child('providers'));
  markPhase('providers');

  const completion = add(
    new CompletionContribution(settings, context.globalState, services, log.child('completion')),
  );
  markPhase('completion');
  const status = add(new StatusBarController(services.router, completion.completionSwitch, services.team));
  add(new CompletionCommands(completion.completionSwitch, status));
  markPhase('status');

  add(
    new UsageDashboard(
      context.extensionUri,
      services.usage.history,
      services.router,
      settings,
      log.child('usage'),
      services.team.recordUsageOf(services.usage.history),
    ),
  );

  flushUsage = async () => {
    await Promise.all([services.usage.history.flush(), services.team.flushUsage()]);
  };
  markPhase('usage');

  const chat = add(new ChatContribution(context, settings, log.child('chat'), services));
  flushChats = () => chat.session.dispose();
  markPhase('chat');
  log.info(`Pacer ${context.extension.packageJSON.version as string} activated`);
  reportActivation(log);
  add(afterActivation(() => reportHostWait(log, context.extension.id)));
}

export async function deactivate(): Promise<void> {
  await Promise.all([flushChats?.(), flushUsage?.()]);
}
