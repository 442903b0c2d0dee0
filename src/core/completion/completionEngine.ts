// Ties the completion pieces together for one editor: what may be sent (language, exclusions),
// what can be answered without a request (the suggestion on screen, recent answers, a request
// already on its way), when to ask (the debounce), what to ask (the context window) and how to
// clean the answer. Pure TypeScript on an injected clock: the VS Code provider, the unit tests
// and the typing benchmark all drive this same class.
import { sleep } from '../common/clock';
import { PacerError, isAbandoned } from '../common/errors';
import type { CacheLimits } from './answerCache';
import { AnswerCache, DEFAULT_CACHE_OPTIONS } from './answerCache';
import type { CursorLines } from './contextWindow';
import { DEFAULT_BUDGET, buildContext, cursorLines } from './contextWindow';
import type { FireCue, KeyContext } from './debounce';
import { classifyContext } from './debounce';
import type { ExclusionMatcher } from './exclusions';
import { NOTHING_EXCLUDED, createExclusionMatcher } from './exclusions';
import { EditWatch } from './editWatch';
import { InflightRequests } from './inflight';
import { LineEndOdds } from './lineEnds';
import { decideLineMode, postProcess } from './postProcess';
import type { Snippet } from './snippets';
import { DEFAULT_SNIPPET_OPTIONS, selectSnippets } from './snippets';
import { Typeahead } from './typeahead';
import type {
  CompletionEngineOptions,
  CompletionInput,
  CompletionOutput,
  CompletionSettings,
  CompletionSource,
  EngineEvent,
  EngineStats,
  RequestCause,
  ReuseOptions,
} from './completionTypes';
import { FULL_REUSE } from './completionTypes';

const INLINE_MAX_TOKENS = 64;

/** VS Code asks for inline completions this long after an edit, when nothing holds it up. */
const VSCODE_CALL_DELAY_MS = 50;

/** A place where the user may stop, and the chance the cursor is really there. */
interface Cue {
  cue: FireCue;
  odds: number;
}

export class CompletionEngine {
  private settings: CompletionSettings;
  private excluded: ExclusionMatcher;
  private readonly reuse: ReuseOptions;
  private readonly cache: AnswerCache;
  private readonly typeahead = new Typeahead();
  private readonly inflight: InflightRequests;
  private readonly edits = new EditWatch();
  private readonly lineEnds = new LineEndOdds();
  private readonly versions = new Map<string, number>();
  private readonly snippetMemo = new Map<string, Snippet[]>();
  private lastErrorKind: string | undefined;
  readonly stats: EngineStats = {
    requests: 0,
    answers: 0,
    errors: 0,
    served: { typeahead: 0, cache: 0, inflight: 0, request: 0 },
  };

  constructor(private readonly options: CompletionEngineOptions) {
    this.settings = options.settings;
    this.excluded = createExclusionMatcher(options.settings.exclude ?? []);
    this.reuse = options.reuse ?? FULL_REUSE;
    this.cache = new AnswerCache(options.clock, options.cache ?? DEFAULT_CACHE_OPTIONS);
    this.inflight = new InflightRequests(
      options.clock,
      this.reuse.inflight ? (options.adoptGraceMs ?? 150) : 0,
    );
  }

  configure(settings: CompletionSettings): void {
    this.settings = settings;
    this.excluded = createExclusionMatcher(settings.exclude ?? []);
    // Snippets chosen under the old exclusions must not be sent again under the new ones.
    this.snippetMemo.clear();
  }

  /** Whether this file may be completed (and sent) at all. */
  allows(path: string, languageId: string, docKey?: string): 'ok' | 'language' | 'excluded' {
    const langs = this.settings.languages;
    if (!(langs[languageId] ?? langs['*'] ?? true)) return 'language';
    if (this.isExcluded(path, docKey)) return 'excluded';
    return 'ok';
  }

  /** `docKey` picks the document's own exclusions (its folder's settings) besides the global ones. */
  isExcluded(path: string, docKey?: string): boolean {
    if (this.excluded.excludes(path)) return true;
    const scoped = docKey !== undefined ? this.options.exclusionsFor?.(docKey) : undefined;
    return (scoped ?? NOTHING_EXCLUDED).excludes(path);
  }

  /** `pacer.cache.maxMB` / `pacer.cache.ttlMs`: the answer cache's memory and lifetime. */
  setCacheLimits(limits: CacheLimits): void {
    this.cache.setLimits(limits);
  }

  /** `Pacer: Clear Cache`: the answers kept and the suggestion on screen are forgotten. */
  clearCache(): void {
    this.cache.clear();
    this.typeahead.clear();
    this.snippetMemo.clear();
  }

  /**
   * The editor reports each change of a document as it happens, before it asks for a completion
   * at the new text: a call still waiting to ask for an older version gives up at once.
   */
  noteEdit(docKey: string, version: number): void {
    this.edits.edited(docKey, version, this.options.clock.now());
  }

  /** A closed document is no longer context, nor remembered as such. */
  forgetDocument(docKey: string): void {
    this.versions.delete(docKey);
    this.edits.forget(docKey);
    this.lineEnds.forget(docKey);
    for (const [memoKey, snippets] of this.snippetMemo) {
      if (memoKey.startsWith(`${docKey}\u0001`) || snippets.some((s) => s.key === docKey)) {
        this.snippetMemo.delete(memoKey);
      }
    }
  }

  dispose(): void {
    this.inflight.abortAll();
  }

  async provide(input: CompletionInput, signal: AbortSignal): Promise<CompletionOutput | undefined> {
    const { clock } = this.options;
    const calledAt = clock.now();
    const allowed = this.allows(input.path, input.languageId, input.docKey);
    if (allowed !== 'ok') {
      this.emit({ type: 'skipped', docKey: input.docKey, reason: allowed });
      return undefined;
    }
    const { docKey } = input;
    const offset = Math.max(0, Math.min(input.offset, input.text.length));
    const prefix = input.text.slice(0, offset);
    const suffix = input.text.slice(offset);
    const lines = cursorLines(input.text, offset);
    const keyContext = classifyContext(lines.linePrefix);
    const lineStart = offset - lines.linePrefix.length;
    const cue = this.cueAt(docKey, input.text, prefix, suffix, lineStart, lines);
    const keystroke = input.version === undefined || this.versions.get(docKey) !== input.version;
    // The key's time is when its change was heard (see EditWatch), else the call's: the gaps
    // learned are then this user's rhythm, not VS Code's scheduling. A call again for the same
    // version (the cursor moved, no key) counts from itself.
    const keyAt = (keystroke ? this.edits.heardAt(docKey, input.version) : undefined) ?? calledAt;
    if (keystroke) {
      this.options.debouncer.observeKey(docKey, keyAt, keyContext, cue?.cue, lineStart);
      if (input.version !== undefined) {
        this.versions.delete(docKey);
        this.versions.set(docKey, input.version);
        if (this.versions.size > 200) this.versions.delete(this.versions.keys().next().value as string);
      }
    }

    if (this.reuse.typeahead) {
      const hit = this.typeahead.match(docKey, prefix, suffix);
      if (hit) return this.served(docKey, 'typeahead', hit.text);
    }
    if (this.reuse.cache) {
      const hit = this.cache.lookup(docKey, prefix, suffix);
      if (hit && hit.text !== '') {
        this.typeahead.show(docKey, prefix, suffix, hit.text);
        return this.served(docKey, 'cache', hit.text);
      }
      // The model recently had nothing to say here: do not ask again unless asked explicitly.
      if (hit && !input.explicit) return undefined;
    }
    if (this.reuse.inflight) {
      const found = this.inflight.find(docKey, prefix, suffix);
      if (found) {
        const text = await this.inflight.attach(found.request, signal);
        if (signal.aborted) return undefined;
        if (text !== undefined && text.length > found.typed.length && text.startsWith(found.typed)) {
          const rest = text.slice(found.typed.length);
          this.typeahead.show(docKey, prefix, suffix, rest);
          return this.served(docKey, 'inflight', rest);
        }
      }
    }
    // Whatever is still on its way for this document answers another position now.
    this.inflight.supersedeOrphans(docKey);

    const delay = input.explicit ? 0 : this.delayMs(keyContext, cue);
    // The debounce's waits assume VS Code called on time; a call that came late has spent the rest.
    const waitStart = Math.min(calledAt, keyAt + VSCODE_CALL_DELAY_MS);
    const wait = delay - (clock.now() - waitStart);
    const cause: RequestCause = {
      keystroke,
      explicit: !!input.explicit,
      ...(cue && delay < this.options.debouncer.delayMs(keyContext) ? { cue: cue.cue } : {}),
      waitMs: delay,
    };
    // The wait (and gathering context) ends early when the user types on: nothing is sent then.
    let snippets: Snippet[] = [];
    const current = await this.edits.waitFor(docKey, input.version, signal, async (s) => {
      if (wait > 0) await sleep(clock, wait, s);
      snippets = await this.snippetsFor(input, prefix, s);
    });
    if (!current || signal.aborted) return undefined;
    const request = this.inflight.start(docKey, prefix, suffix, (s) =>
      this.ask(input, offset, lines, snippets, prefix, suffix, s, cause),
    );
    const text = await this.inflight.attach(request, signal);
    if (signal.aborted || text === undefined || text === '') return undefined;
    this.typeahead.show(docKey, prefix, suffix, text);
    return this.served(docKey, 'request', text);
  }

  /** Where the user may stop at this position, if anywhere. */
  private cueAt(
    docKey: string,
    text: string,
    prefix: string,
    suffix: string,
    lineStart: number,
    lines: CursorLines,
  ): Cue | undefined {
    // Checked before the line end: an accepted suggestion usually ends one.
    if (this.typeahead.finished(docKey, prefix, suffix)) return { cue: 'accepted', odds: 1 };
    const odds = this.lineEnds.oddsAt(docKey, text, lineStart, lines.linePrefix, lines.lineSuffix);
    return odds > 0 ? { cue: 'lineEnd', odds } : undefined;
  }

  /** The debounce's wait, or its shorter wait where the user is likely to stop (a cue). */
  private delayMs(ctx: KeyContext, cue: Cue | undefined): number {
    const { debouncer } = this.options;
    const wait = debouncer.delayMs(ctx);
    const early = cue ? debouncer.cueDelayMs?.(cue.cue, cue.odds) : undefined;
    return early === undefined ? wait : Math.min(wait, early);
  }

  private async ask(
    input: CompletionInput,
    offset: number,
    lines: CursorLines,
    snippets: Snippet[],
    prefix: string,
    suffix: string,
    signal: AbortSignal,
    cause: RequestCause,
  ): Promise<string | undefined> {
    const { clock, models } = this.options;
    const built = buildContext(
      { path: input.path, languageId: input.languageId, text: input.text, offset, snippets },
      this.options.budget ?? DEFAULT_BUDGET,
    );
    const inline = decideLineMode(input.languageId, lines.linePrefix, lines.lineSuffix) === 'inline';
    const id = ++this.stats.requests;
    this.emit({ type: 'request', docKey: input.docKey, id, cause });
    const sentAt = clock.now();
    try {
      const result = await models.complete(
        {
          prompt: built.prompt,
          suffix: built.suffix,
          model: this.settings.model,
          // The rest of one line needs few tokens, and stopping at the line end saves latency.
          maxTokens: inline ? Math.min(this.settings.maxTokens, INLINE_MAX_TOKENS) : this.settings.maxTokens,
          stop: inline ? ['\n'] : undefined,
        },
        { signal, deadlineMs: this.settings.deadlineMs },
      );
      const latencyMs = clock.now() - sentAt;
      this.options.debouncer.observeLatency(latencyMs);
      const text = postProcess(result.text, { ...lines, languageId: input.languageId });
      this.stats.answers++;
      this.lastErrorKind = undefined;
      this.emit({ type: 'answer', docKey: input.docKey, id, latencyMs, text });
      if (this.reuse.cache) this.cache.put(input.docKey, prefix, suffix, text);
      return text;
    } catch (error) {
      this.noteError(input.docKey, error, signal);
      return undefined;
    }
  }

  /** Errors while typing never reach the user as popups: they go to the log, once per kind. */
  private noteError(docKey: string, error: unknown, signal: AbortSignal): void {
    const pacerError = PacerError.is(error)
      ? error
      : signal.aborted
        ? new PacerError({ kind: 'cancelled', message: 'The completion was cancelled.', cause: error })
        : new PacerError({ kind: 'unavailable', message: String(error), cause: error });
    if (isAbandoned(pacerError.kind) || signal.aborted) {
      this.options.log?.debug(`completion dropped: ${pacerError.kind}`);
      return;
    }
    this.stats.errors++;
    this.emit({ type: 'error', docKey, error: pacerError });
    if (pacerError.kind !== this.lastErrorKind) {
      this.options.log?.warn(`completion failed (${pacerError.kind}): ${pacerError.message}`);
      this.lastErrorKind = pacerError.kind;
    } else {
      this.options.log?.debug(`completion failed again (${pacerError.kind})`);
    }
  }

  private async snippetsFor(input: CompletionInput, prefix: string, signal: AbortSignal): Promise<Snippet[]> {
    if (!this.settings.contextFromOpenEditors || !input.otherDocs) return [];
    // Recomputed once per block of lines so the prompt head (and DeepSeek's cache) stays stable.
    const lineNo = countLines(prefix);
    const quantum = (this.options.budget ?? DEFAULT_BUDGET).lineQuantum;
    const memoKey = `${input.docKey}\u0001${Math.floor(lineNo / quantum)}`;
    const docs = await this.withinTime(Promise.resolve().then(input.otherDocs), signal);
    if (!docs) return [];
    // Language switches are about showing completions; exclusions are about privacy, so only
    // they decide what may be sent as context.
    const allowed = docs.filter(
      (d) => d.path !== input.path && !this.isExcluded(d.path, d.key ?? input.docKey),
    );
    // The memo only keeps the choice stable (and the prompt head cacheable). A snippet is sent
    // again only while its document is still open, still allowed and still holds that text, so a
    // file excluded or closed since, or a line deleted from it, is never re-sent.
    const memo = this.snippetMemo.get(memoKey);
    if (memo) {
      const texts = new Map(allowed.map((d) => [d.key ?? d.path, d.text]));
      if (memo.every((s) => texts.get(s.key ?? s.path)?.includes(s.text))) return memo;
      this.snippetMemo.delete(memoKey);
    }
    const nearCursor = prefix.slice(Math.max(0, prefix.length - 1500));
    const snippets = selectSnippets(nearCursor, allowed, this.options.snippets ?? DEFAULT_SNIPPET_OPTIONS);
    this.snippetMemo.set(memoKey, snippets);
    if (this.snippetMemo.size > 50) this.snippetMemo.delete(this.snippetMemo.keys().next().value as string);
    return snippets;
  }

  private withinTime<T>(work: Promise<T>, signal: AbortSignal): Promise<T | undefined> {
    const { clock } = this.options;
    const ms = this.options.contextTimeoutMs ?? 100;
    return new Promise((resolve) => {
      const timer = clock.setTimeout(() => resolve(undefined), ms);
      const onAbort = () => resolve(undefined);
      signal.addEventListener('abort', onAbort, { once: true });
      work
        .then(
          (v) => resolve(v),
          () => resolve(undefined),
        )
        .finally(() => {
          clock.clearTimeout(timer);
          signal.removeEventListener('abort', onAbort);
        });
    });
  }

  private served(docKey: string, source: CompletionSource, text: string): CompletionOutput {
    this.stats.served[source]++;
    this.emit({ type: 'served', docKey, source, text });
    return { text, source };
  }

  private emit(event: EngineEvent): void {
    this.options.onEvent?.(event);
  }
}

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
