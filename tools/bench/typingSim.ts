// Drives the real CompletionEngine through typing traces on a simulated clock, the way VS Code
// would: every edit cancels the previous call's token and calls the provider again 50 ms later;
// ghost text stays on screen while the user types characters that match it (VS Code's own
// behaviour, for every strategy); the simulated user presses Tab when the suggestion on screen
// is exactly the rest of the line they were about to type and has been visible for `readMs`.
// The model is the typing oracle with the emulator's latency (time to first token plus
// generation time at its token rate, for a non-streamed FIM answer).
import { performance } from 'node:perf_hooks';
import type { Clock, TimerHandle } from '../../src/core/common/clock';
import { CompletionEngine } from '../../src/core/completion/completionEngine';
import type { EngineEvent, ReuseOptions } from '../../src/core/completion/completionTypes';
import type { Debouncer } from '../../src/core/completion/debounce';
import { PacerError } from '../../src/core/common/errors';
import type {
  CompletionResult,
  FimRequest,
  ModelService,
  RequestOptions,
} from '../../src/core/providers/modelService';
import { splitTokens } from '../emulator/content';
import type { TypingOracle } from '../emulator/typingOracle';
import type { Session, TraceFile } from './typingTrace';

// ---------------------------------------------------------------------------------------------
// A discrete-event clock: timers in a heap; after each one fires, promise callbacks settle.

interface SimTimer {
  id: number;
  at: number;
  fn: () => void;
}

export class SimClock implements Clock {
  private time = 0;
  private nextId = 1;
  private heap: SimTimer[] = [];
  private readonly cancelled = new Set<number>();

  now(): number {
    return this.time;
  }

  wallNow(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer = { id: this.nextId++, at: this.time + Math.max(0, ms), fn };
    this.push(timer);
    return timer.id as unknown as TimerHandle;
  }

  clearTimeout(handle: TimerHandle): void {
    this.cancelled.add(handle as unknown as number);
  }

  /** Runs every timer due up to `t` in order, letting promises settle after each; then sets now = t. */
  async runUntil(t: number): Promise<void> {
    await settle();
    for (;;) {
      const top = this.heap[0];
      if (!top || top.at > t) break;
      this.pop();
      if (this.cancelled.delete(top.id)) continue;
      this.time = Math.max(this.time, top.at);
      top.fn();
      await settle();
    }
    this.time = Math.max(this.time, t);
  }

  private less(a: SimTimer, b: SimTimer): boolean {
    return a.at < b.at || (a.at === b.at && a.id < b.id);
  }

  private push(t: SimTimer): void {
    const h = this.heap;
    h.push(t);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop()!;
    if (h.length === 0) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
      if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }
}

/** Node drains every queued microtask before running an immediate. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

// ---------------------------------------------------------------------------------------------
// The model: the oracle's answer after the emulator's time for it.

export interface LatencyModel {
  ttftMs: number;
  tokensPerSecond: number;
  networkMs: number;
  /**
   * Time from the engine's call to the request reaching the server (0 by default): a request
   * aborted sooner was never received, so it is not counted (nor billed).
   */
  sendMs?: number;
}

export class OracleModel implements ModelService {
  requests = 0;
  aborted = 0;
  constructor(
    private readonly clock: SimClock,
    private readonly oracle: TypingOracle,
    private readonly latency: LatencyModel,
  ) {}

  async chat(): Promise<never> {
    throw new Error('the typing benchmark uses FIM only');
  }

  complete(request: FimRequest, options: RequestOptions = {}): Promise<CompletionResult> {
    this.requests++;
    let text = this.oracle.answer(request.prompt, request.suffix);
    for (const stop of request.stop ?? []) {
      const i = text.indexOf(stop);
      if (i >= 0) text = text.slice(0, i);
    }
    const tokens = splitTokens(text).slice(0, request.maxTokens);
    text = tokens.join('');
    const ms =
      this.latency.networkMs + this.latency.ttftMs + (tokens.length * 1000) / this.latency.tokensPerSecond;
    const calledAt = this.clock.now();
    return new Promise((resolve, reject) => {
      const signal = options.signal;
      const onAbort = () => {
        this.clock.clearTimeout(handle);
        this.aborted++;
        if (this.clock.now() - calledAt < (this.latency.sendMs ?? 0)) this.requests--;
        reject(new PacerError({ kind: 'cancelled', message: 'aborted' }));
      };
      const handle = this.clock.setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve({ text, providerId: 'emulator', model: request.model ?? 'deepseek-flash' });
      }, ms);
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

// ---------------------------------------------------------------------------------------------
// The editor and the user.

export interface StrategySpec {
  name: string;
  debouncer: () => Debouncer;
  reuse: ReuseOptions;
  /**
   * Pacer hears each document change itself (its edit watch): its wait counts from then, and with
   * `hostLagMs` a call waiting for an older version ends then. The other rows hear of an edit
   * only through VS Code's cancellation, which comes with its next call.
   */
  hearsEdits?: boolean;
}

export interface SimOptions {
  /** VS Code's own wait between an edit and calling the provider. */
  vscodeDelayMs: number;
  /** How long a suggestion must have been on screen before the user takes it. */
  readMs: number;
  /**
   * A gap at least this long is a pause whose wait is measured (`pauseLatencies`): the time to a
   * suggestion, or the whole pause when none came.
   */
  pauseMs: number;
  /**
   * typingEditor's definition (#14): a gap at least this long (400 ms) is a pause; `ghostLatencies`
   * holds the time to a suggestion over those where one came (`ghostPauses` counts them all).
   */
  ghostPauseMs?: number;
  latency: LatencyModel;
  maxTokens: number;
  deadlineMs: number;
  /** Diagnostics: every engine event. */
  onEngineEvent?: (event: EngineEvent) => void;
  /**
   * The extension host hears of an edit this long after the key (drawn per key; 0 by default):
   * the previous call is cancelled then, and VS Code calls again `vscodeDelayMs` after it.
   */
  hostLagMs?: () => number;
}

export interface StrategyResult {
  keys: number;
  requests: number;
  /** Requests aborted before their answer (the user typed on). */
  aborted: number;
  savedKeys: number;
  accepted: number;
  pauses: number;
  pausesWithSuggestion: number;
  pauseLatencies: number[];
  /** Pauses of `ghostPauseMs` or more (typingEditor's definition). */
  ghostPauses: number;
  /** Time to the suggestion over those of them where one came before the pause ended. */
  ghostLatencies: number[];
  served: Record<string, number>;
}

interface Visible {
  text: string;
  since: number;
}

export async function simulate(
  files: readonly TraceFile[],
  sessions: readonly Session[],
  spec: StrategySpec,
  oracle: TypingOracle,
  options: SimOptions,
): Promise<StrategyResult> {
  const clock = new SimClock();
  const model = new OracleModel(clock, oracle, options.latency);
  const engine = new CompletionEngine({
    models: model,
    clock,
    debouncer: spec.debouncer(),
    reuse: spec.reuse,
    settings: {
      languages: { '*': true },
      exclude: [],
      maxTokens: options.maxTokens,
      deadlineMs: options.deadlineMs,
      contextFromOpenEditors: false,
    },
    onEvent: options.onEngineEvent,
  });
  const ghostPauseMs = options.ghostPauseMs ?? options.pauseMs;
  const watchMs = Math.min(options.pauseMs, ghostPauseMs);
  const result: StrategyResult = {
    keys: 0,
    requests: 0,
    aborted: 0,
    savedKeys: 0,
    accepted: 0,
    pauses: 0,
    pausesWithSuggestion: 0,
    pauseLatencies: [],
    ghostPauses: 0,
    ghostLatencies: [],
    served: {},
  };

  let t = 0;
  let version = 0;
  for (const session of sessions) {
    const original = files[session.file]!.text;
    const head = original.slice(0, session.start);
    const tail = original.slice(session.end);
    let typed = '';
    let clean = true; // typed === original[start, start + typed.length)
    let visible: Visible | undefined;
    let call: AbortController | undefined;
    let callTimer: TimerHandle | undefined;
    let pause: { keyAt: number; until: number; answeredAt?: number } | undefined;
    let heardAt = 0;
    result.keys += session.keys.length;

    /** A new edit resets VS Code's wait; the running call ends now, or with the next call. */
    const cancelCall = (untilNextCall = false) => {
      if (callTimer !== undefined) clock.clearTimeout(callTimer);
      callTimer = undefined;
      if (untilNextCall) return;
      call?.abort();
      call = undefined;
    };

    const docKey = `file:///${session.path}`;
    /** The edit (version `v`) heard at `at` makes VS Code call the provider `vscodeDelayMs` later. */
    const scheduleCall = (
      at: number,
      v: number,
      watchPause: typeof pause,
      text = head + typed + tail,
      offset = head.length + typed.length,
    ) => {
      callTimer = clock.setTimeout(
        () => {
          callTimer = undefined;
          call?.abort();
          const ac = new AbortController();
          call = ac;
          const simStart = clock.now();
          const wallStart = performance.now();
          void engine
            .provide(
              {
                docKey,
                path: session.path,
                languageId: session.languageId,
                text,
                offset,
                version: v,
              },
              ac.signal,
            )
            .then((out) => {
              if (ac.signal.aborted || !out || out.text === '') return;
              // Answers that needed no simulated time still took real time: count it.
              const extra = clock.now() === simStart ? performance.now() - wallStart : 0;
              const shownAt = clock.now() + extra;
              result.served[out.source] = (result.served[out.source] ?? 0) + 1;
              visible = visible?.text === out.text ? visible : { text: out.text, since: shownAt };
              if (watchPause && watchPause.answeredAt === undefined && shownAt <= watchPause.until) {
                watchPause.answeredAt = shownAt;
              }
            });
        },
        at + options.vscodeDelayMs - clock.now(),
      );
    };

    /**
     * The document changed at `t` (a key or a Tab): the extension host hears of it `hostLagMs`
     * later, edits in the order they were made, and VS Code calls again after its own wait.
     */
    const edited = (t: number) => {
      const v = ++version;
      const lag = options.hostLagMs?.() ?? 0;
      if (lag <= 0) {
        if (spec.hearsEdits) engine.noteEdit(docKey, v);
        cancelCall();
        scheduleCall(t, v, pause);
        return;
      }
      const at = (heardAt = Math.max(heardAt, t + lag));
      const [p, text, offset] = [pause, head + typed + tail, head.length + typed.length];
      clock.setTimeout(() => {
        if (spec.hearsEdits) engine.noteEdit(docKey, v);
        cancelCall(!spec.hearsEdits);
        scheduleCall(at, v, p, text, offset);
      }, at - t);
    };

    const keys = session.keys;
    let k = 0;
    t += 5000; // a new session starts after a break
    await clock.runUntil(t);
    scheduleCall(t, ++version, undefined);
    while (k < keys.length) {
      const key = keys[k]!;
      t += key.gapMs;
      await clock.runUntil(t);
      if (pause) {
        const gap = pause.until - pause.keyAt;
        if (gap >= options.pauseMs) {
          result.pauses++;
          if (pause.answeredAt !== undefined) {
            result.pausesWithSuggestion++;
            result.pauseLatencies.push(pause.answeredAt - pause.keyAt);
          } else {
            result.pauseLatencies.push(gap);
          }
        }
        if (gap >= ghostPauseMs) {
          result.ghostPauses++;
          if (pause.answeredAt !== undefined) result.ghostLatencies.push(pause.answeredAt - pause.keyAt);
        }
        pause = undefined;
      }

      // Tab, when the suggestion is exactly the rest of the line about to be typed.
      const pos = session.start + typed.length;
      if (clean && visible && t - visible.since >= options.readMs) {
        const s = visible.text;
        const upcoming = original.slice(pos, session.end);
        const endsLine = upcoming.length === s.length || upcoming[s.length] === '\n';
        const target = pos + s.length;
        const j = endsLine && upcoming.startsWith(s) ? lastKeyReaching(keys, k, target) : -1;
        if (j >= 0) {
          result.accepted++;
          result.savedKeys += j - k; // keys k..j not typed, one Tab typed instead
          typed += s;
          visible = undefined;
          k = j + 1;
          pause = nextPause(keys, k, t, watchMs);
          edited(t);
          continue;
        }
      }

      // The key itself.
      if (key.kind === 'backspace') typed = typed.slice(0, -1);
      else typed += key.text;
      clean = key.pos !== -1;
      // VS Code keeps ghost text on screen while the typed text matches it.
      if (
        visible &&
        key.kind === 'char' &&
        visible.text.startsWith(key.text) &&
        visible.text.length > key.text.length
      ) {
        visible = { text: visible.text.slice(key.text.length), since: visible.since };
      } else {
        visible = undefined;
      }
      k++;
      pause = nextPause(keys, k, t, watchMs);
      edited(t);
    }
    await clock.runUntil(t + 5000);
    cancelCall();
  }
  engine.dispose();
  result.requests = model.requests;
  result.aborted = model.aborted;
  return result;
}

/** The pause after the key just typed (the next key's gap), if it is long enough to measure. */
function nextPause(keys: Session['keys'], next: number, now: number, pauseMs: number) {
  const gap = keys[next]?.gapMs;
  return gap !== undefined && gap >= pauseMs ? { keyAt: now, until: now + gap } : undefined;
}

/** Index of the key after which the document has `target` characters of the file typed. */
function lastKeyReaching(keys: Session['keys'], from: number, target: number): number {
  for (let j = from; j < keys.length; j++) {
    if (keys[j]!.pos === target) return j;
    if (keys[j]!.pos > target) return -1;
  }
  return -1;
}
