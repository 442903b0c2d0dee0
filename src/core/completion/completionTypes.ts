// The completion engine's vocabulary: its settings, what a caller passes in and gets back, why a
// request went out, and the events the editor's log and the typing benches listen to.
import type { Clock } from '../common/clock';
import type { PacerError } from '../common/errors';
import type { ModelService } from '../providers/modelService';
import type { CacheOptions } from './answerCache';
import type { ContextBudget } from './contextWindow';
import type { Debouncer, FireCue } from './debounce';
import type { ExclusionMatcher } from './exclusions';
import type { ContextDoc, SnippetOptions } from './snippets';

export interface CompletionSettings {
  /** Per language id; `*` is the default for the rest. */
  languages: Record<string, boolean>;
  /**
   * Patterns for every document (the tests, the benchmark). The editor reads them per document
   * scope instead and passes `exclusionsFor`; both apply when both are given.
   */
  exclude?: readonly string[];
  model?: string;
  maxTokens: number;
  deadlineMs: number;
  contextFromOpenEditors: boolean;
}

export interface ReuseOptions {
  typeahead: boolean;
  inflight: boolean;
  cache: boolean;
}

export const FULL_REUSE: ReuseOptions = { typeahead: true, inflight: true, cache: true };
export const NO_REUSE: ReuseOptions = { typeahead: false, inflight: false, cache: false };

export interface CompletionInput {
  /** Identifies the document (its URI). */
  docKey: string;
  /** Workspace-relative path: shown to the model and matched against the exclude globs. */
  path: string;
  languageId: string;
  text: string;
  offset: number;
  /** Document version; a new one means a keystroke (for the debounce's rhythm). */
  version?: number;
  /** The user asked explicitly (no debounce, no cached "nothing"). */
  explicit?: boolean;
  /** Other open documents for context; the engine bounds the time and drops excluded ones. */
  otherDocs?: () => readonly ContextDoc[] | Promise<readonly ContextDoc[]>;
}

export type CompletionSource = 'typeahead' | 'cache' | 'inflight' | 'request';

export interface CompletionOutput {
  text: string;
  source: CompletionSource;
}

/** Why a request went out (the typingEditor bench's timeline counts them by cause). */
export interface RequestCause {
  /** A new document version, not VS Code asking again at the same one. */
  keystroke: boolean;
  explicit: boolean;
  /** The cue whose shorter wait was used, if any. */
  cue?: FireCue;
  waitMs: number;
}

export type EngineEvent =
  | { type: 'request'; docKey: string; id: number; cause?: RequestCause }
  | { type: 'answer'; docKey: string; id: number; latencyMs: number; text: string }
  | { type: 'served'; docKey: string; source: CompletionSource; text: string }
  | { type: 'error'; docKey: string; error: PacerError }
  | { type: 'skipped'; docKey: string; reason: 'language' | 'excluded' };

export interface EngineLogger {
  debug(message: string): void;
  warn(message: string): void;
}

export interface CompletionEngineOptions {
  models: ModelService;
  clock: Clock;
  debouncer: Debouncer;
  settings: CompletionSettings;
  /** The exclusions that apply to a document (by its key), e.g. read for its workspace folder. */
  exclusionsFor?: (docKey: string) => ExclusionMatcher;
  reuse?: ReuseOptions;
  budget?: ContextBudget;
  snippets?: SnippetOptions;
  cache?: CacheOptions;
  /** How long a request whose caller was cancelled waits to be adopted by the next keystroke. */
  adoptGraceMs?: number;
  /** Each context source gets this long; a slow one is left out rather than delaying the request. */
  contextTimeoutMs?: number;
  log?: EngineLogger;
  onEvent?: (event: EngineEvent) => void;
}

export interface EngineStats {
  requests: number;
  answers: number;
  errors: number;
  served: Record<CompletionSource, number>;
}
