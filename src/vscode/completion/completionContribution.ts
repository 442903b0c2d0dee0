// Inline completion for every file: the engine, the debounce and the on/off/snooze switch are
// pure core/ classes; this contribution feeds them VS Code's settings and events, registers the
// inline provider and keeps a snooze across reloads. The status bar shows the switch by itself
// (StatusBarController).
import * as vscode from 'vscode';
import { realClock } from '../../core/common/clock';
import { Disposable } from '../../core/common/lifecycle';
import type { IDisposable } from '../../core/common/lifecycle';
import type { CompletionSettings, EngineEvent } from '../../core/completion/completionTypes';
import { CompletionEngine } from '../../core/completion/completionEngine';
import { CompletionSwitch } from '../../core/completion/completionSwitch';
import { AdaptiveDebounce } from '../../core/completion/debounce';
import type { Debouncer } from '../../core/completion/debounce';
import type { ModelService } from '../../core/providers/modelService';
import { cacheOptions } from '../../core/settings/settingsChecks';
import { exclusionsForKey, registerExclusionSettings } from '../exclusionSettings';
import type { Logger } from '../log';
import type { Settings } from '../settings';
import type { BenchTrace } from './benchMode';
import { benchCompletionMode, benchStrategy, benchTimeline } from './benchMode';
import { PacerInlineProvider } from './inlineProvider';

/** The engine's side of the bench timeline: requests with their cause, answers, reuse. */
function traceEngineEvent(trace: BenchTrace, e: EngineEvent): void {
  if (e.type === 'request') trace({ ev: 'request', id: e.id, ...e.cause });
  else if (e.type === 'answer') trace({ ev: 'answer', id: e.id, latencyMs: e.latencyMs, text: e.text });
  else if (e.type === 'served') trace({ ev: 'served', source: e.source });
}

const SNOOZE_KEY = 'pacer.completion.snoozeUntil';

/**
 * The settings that reconfigure the engine (the debounce bounds and the switch are set on their
 * own). The exclusions are read per document, but a change of them must reach `configure` too:
 * it drops the snippets chosen under the old ones.
 */
const ENGINE_KEYS = [
  'completion.exclude',
  'completion.excludeDefaults',
  'completion.languages',
  'completion.model',
  'completion.maxTokens',
  'completion.deadlineMs',
  'completion.contextFromOpenEditors',
] as const;

export interface CompletionServices {
  models: ModelService;
  /** Fires after `Pacer: Clear Cache`, so the engine drops its answers too. */
  onDidClearCache(listener: () => void): IDisposable;
}

export class CompletionContribution extends Disposable {
  readonly engine: CompletionEngine;
  readonly completionSwitch: CompletionSwitch;

  constructor(settings: Settings, globalState: vscode.Memento, services: CompletionServices, log: Logger) {
    super();
    const engineSettings = (): CompletionSettings => ({
      languages: settings.get('completion.languages'),
      model: settings.get('completion.model'),
      maxTokens: settings.get('completion.maxTokens'),
      deadlineMs: settings.get('completion.deadlineMs'),
      contextFromOpenEditors: settings.get('completion.contextFromOpenEditors'),
    });
    const debouncer = new AdaptiveDebounce({
      minMs: settings.get('completion.debounceMinMs'),
      maxMs: settings.get('completion.debounceMaxMs'),
    });
    // The typingEditor bench only (environment, no setting): another strategy and a timeline.
    const benchMode = benchCompletionMode();
    const bench = benchMode && benchMode !== 'pacer' ? benchStrategy(benchMode) : undefined;
    const trace = benchMode ? benchTimeline() : undefined;
    const engineDebouncer: Debouncer = bench?.debouncer ?? debouncer;
    this._register(registerExclusionSettings(log));
    const engine = (this.engine = this._register(
      new CompletionEngine({
        models: services.models,
        clock: realClock,
        debouncer: engineDebouncer,
        ...(bench ? { reuse: bench.reuse } : {}),
        ...(trace ? { onEvent: (e) => traceEngineEvent(trace, e) } : {}),
        settings: engineSettings(),
        // Exclusions are read for each document's folder and language, not once for the window.
        exclusionsFor: exclusionsForKey,
        log: { debug: (m) => log.debug(m), warn: (m) => log.warn(m) },
      }),
    ));
    const completionSwitch = (this.completionSwitch = this._register(
      new CompletionSwitch(
        realClock,
        settings.get('completion.enabled'),
        globalState.get<number>(SNOOZE_KEY),
      ),
    ));

    this._register(
      vscode.workspace.onDidCloseTextDocument((doc) => engine.forgetDocument(doc.uri.toString())),
    );
    // Reaches the engine before VS Code's next call (which is what cancels the previous one).
    // Pacer's own behaviour: the bench's comparison rows model extensions that only see VS Code's
    // cancellation, so they do not get it.
    if (!bench)
      this._register(
        vscode.workspace.onDidChangeTextDocument((e) => {
          if (e.contentChanges.length === 0) return;
          engine.noteEdit(e.document.uri.toString(), e.document.version);
          trace?.({ ev: 'edited', version: e.document.version });
        }),
      );
    this._register(
      completionSwitch.onDidChange((mode) => {
        void globalState.update(SNOOZE_KEY, mode.kind === 'snoozed' ? mode.untilMs : undefined);
        log.info(
          `completions ${mode.kind === 'snoozed' ? `snoozed until ${new Date(mode.untilMs).toLocaleTimeString()}` : mode.kind}`,
        );
      }),
    );
    this._register(
      vscode.languages.registerInlineCompletionItemProvider(
        { pattern: '**' },
        new PacerInlineProvider(engine, completionSwitch, log, trace),
      ),
    );
    this._register(settings.onDidChange(ENGINE_KEYS, () => engine.configure(engineSettings())));
    this._register(
      settings.onDidChange(['completion.debounceMinMs', 'completion.debounceMaxMs'], () =>
        debouncer.setBounds(
          settings.get('completion.debounceMinMs'),
          settings.get('completion.debounceMaxMs'),
        ),
      ),
    );
    this._register(
      settings.onDidChange('completion.enabled', () =>
        completionSwitch.setEnabled(settings.get('completion.enabled')),
      ),
    );
    // The one completion answer cache (#11): sized by pacer.cache.*, emptied by Pacer: Clear Cache.
    const cacheLimits = () =>
      cacheOptions({ maxMB: settings.get('cache.maxMB'), ttlMs: settings.get('cache.ttlMs') });
    engine.setCacheLimits(cacheLimits());
    this._register(
      settings.onDidChange(['cache.maxMB', 'cache.ttlMs'], () => engine.setCacheLimits(cacheLimits())),
    );
    this._register(services.onDidClearCache(() => engine.clearCache()));
  }
}
