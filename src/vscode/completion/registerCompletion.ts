// Registers the inline completion provider (every file), its commands and its settings. The
// engine, the debounce and the on/off/snooze switch are pure core/ classes; this file only feeds
// them VS Code's settings and events and shows the switch in the status bar.
import * as vscode from 'vscode';
import { realClock } from '../../core/common/clock';
import type { CompletionSettings } from '../../core/completion/completionEngine';
import { CompletionEngine } from '../../core/completion/completionEngine';
import { CompletionSwitch } from '../../core/completion/completionSwitch';
import { AdaptiveDebounce } from '../../core/completion/debounce';
import { exclusionsForKey, registerExclusionSettings } from '../exclusionSettings';
import type { Logger } from '../log';
import type { PacerServices } from '../providers/registerProviders';
import type { PacerSettings } from '../settings';
import { onDidChangeSettings, readSettings } from '../settings';
import { registerCompletionCommands } from './completionCommands';
import { PacerInlineProvider } from './inlineProvider';

const SNOOZE_KEY = 'pacer.completion.snoozeUntil';

export interface CompletionFeature {
  engine: CompletionEngine;
  completionSwitch: CompletionSwitch;
  /** Forgets recent answers (for `pacer.clearCache`). */
  clearCache(): void;
}

export function engineSettings(s: PacerSettings['completion']): CompletionSettings {
  return {
    languages: s.languages,
    model: s.model,
    maxTokens: s.maxTokens,
    deadlineMs: s.deadlineMs,
    contextFromOpenEditors: s.contextFromOpenEditors,
  };
}

export function registerCompletion(
  context: vscode.ExtensionContext,
  log: Logger,
  services: PacerServices,
): CompletionFeature {
  let settings = readSettings().completion;
  const debouncer = new AdaptiveDebounce({ minMs: settings.debounceMinMs, maxMs: settings.debounceMaxMs });
  const engine = new CompletionEngine({
    models: services.models,
    clock: realClock,
    debouncer,
    settings: engineSettings(settings),
    // Exclusions are read for each document's folder and language, not once for the window.
    exclusionsFor: exclusionsForKey,
    log: { debug: (m) => log.debug(m), warn: (m) => log.warn(m) },
  });
  const completionSwitch = new CompletionSwitch(
    realClock,
    settings.enabled,
    context.globalState.get<number>(SNOOZE_KEY),
  );
  const showMode = () => services.status.setCompletionMode(completionSwitch.mode);
  showMode();

  context.subscriptions.push(
    registerExclusionSettings(log),
    vscode.workspace.onDidCloseTextDocument((doc) => engine.forgetDocument(doc.uri.toString())),
    completionSwitch.onDidChange((mode) => {
      showMode();
      void context.globalState.update(SNOOZE_KEY, mode.kind === 'snoozed' ? mode.untilMs : undefined);
      log.info(
        `completions ${mode.kind === 'snoozed' ? `snoozed until ${new Date(mode.untilMs).toLocaleTimeString()}` : mode.kind}`,
      );
    }),
    vscode.languages.registerInlineCompletionItemProvider(
      { pattern: '**' },
      new PacerInlineProvider(engine, completionSwitch, log),
    ),
    ...registerCompletionCommands(completionSwitch),
    onDidChangeSettings(() => {
      settings = readSettings().completion;
      engine.configure(engineSettings(settings));
      debouncer.setBounds(settings.debounceMinMs, settings.debounceMaxMs);
      completionSwitch.setEnabled(settings.enabled);
    }),
    { dispose: () => engine.dispose() },
    completionSwitch,
  );
  context.subscriptions.push(services.onDidClearCache(() => engine.clearCache()));
  return { engine, completionSwitch, clearCache: () => engine.clearCache() };
}
