// The `typing` section: how often each strategy asks the model while someone types real code,
// how many keystrokes its suggestions save, and how soon a suggestion is there when they pause.
//
//   naive          a request per keystroke (VS Code's own 50 ms wait only), no reuse
//   fixedDebounce  350 ms debounce, no reuse (the most common peer default, Continue's)
//   pacer          Pacer's engine: adaptive debounce, typeahead, in-flight reuse, answer cache
//
// Method: the real CompletionEngine is driven on a simulated clock (tools/bench/typingSim.ts)
// with the emulator's latency modelled (time to first token + tokens at its rate, defaults of
// tools/emulator/server.ts) and the typing oracle (tools/emulator/typingOracle.ts) as the model:
// the true rest of the line for 35 % of positions, a plausible wrong line otherwise. Traces are
// the files in test/fixtures/typing typed with synthetic human timing (tools/bench/typingTrace.ts).
//
// Pause definitions. `p50Ms`/`p95Ms` (the targets below) are this bench's own: pauses of 500 ms
// or more, a pause without a suggestion counted at its full length. `pauseToGhostP50Ms`,
// `pauseToGhostP95Ms` and `pausesWithGhost` are typingEditor's (#14): pauses of 400 ms or more,
// latencies over the pauses where a suggestion came. The simulation ends at the engine's answer
// (no render), so its pauseToGhost is the real editor's minus VS Code's call and draw time
// (typingEditor's timeline: provider called ~120 ms, returned-to-drawn ~60 ms after the key,
// on a loaded machine). The `editor latency` profile uses typingEditor's emulator latency (250 ms
// to the first token) so the two can be set side by side; the traces still differ (these
// fixtures, thinking pauses at line starts; typingEditor: Debian/node_modules files, thinking
// pauses mostly at line ends), so the calibration is of latency, not of the typist.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FULL_REUSE, NO_REUSE } from '../../src/core/completion/completionTypes';
import { AdaptiveDebounce, FixedDebounce } from '../../src/core/completion/debounce';
import { TypingOracle } from '../emulator/typingOracle';
import { percentile, round } from './stats';
import type { LatencyModel, SimOptions, StrategyResult, StrategySpec } from './typingSim';
import { simulate } from './typingSim';
import { HUMAN_TIMING, buildSessions } from './typingTrace';
import type { TimingModel, TraceFile } from './typingTrace';
import type { Row, SectionOptions, SectionOutput } from './types';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test', 'fixtures', 'typing');
const LANGUAGE: Record<string, string> = {
  '.ts': 'typescript',
  '.py': 'python',
  '.go': 'go',
  '.rs': 'rust',
  '.js': 'javascript',
};

/** The emulator's defaults: 150 ms to the first token, 200 tokens a second. */
export const EMULATOR_LATENCY: LatencyModel = { ttftMs: 150, tokensPerSecond: 200, networkMs: 2 };
/** typingEditor's emulator: 250 ms to the first token (the profile set against that bench). */
export const EDITOR_LATENCY: LatencyModel = { ttftMs: 250, tokensPerSecond: 200, networkMs: 2 };
/** A loaded provider, for comparison: 600 ms to the first token, 60 tokens a second. */
export const SLOW_LATENCY: LatencyModel = { ttftMs: 600, tokensPerSecond: 60, networkMs: 5 };

export const STRATEGIES: StrategySpec[] = [
  { name: 'naive', debouncer: () => new FixedDebounce(0), reuse: NO_REUSE },
  { name: 'fixedDebounce', debouncer: () => new FixedDebounce(350), reuse: NO_REUSE },
  // Bounds are the defaults of pacer.completion.debounceMinMs / debounceMaxMs.
  { name: 'pacer', debouncer: () => new AdaptiveDebounce({ minMs: 60, maxMs: 400 }), reuse: FULL_REUSE },
];

export function loadTraceFiles(): TraceFile[] {
  return readdirSync(FIXTURES)
    .filter((f) => LANGUAGE[extname(f)] !== undefined)
    .sort()
    .map((f) => ({
      path: `typing/${f}`,
      languageId: LANGUAGE[extname(f)]!,
      text: readFileSync(join(FIXTURES, f), 'utf8'),
    }));
}

export interface StrategySummary {
  requests: number;
  requestsPer100Keys: number;
  savedKeys: number;
  /** Wait in pauses of 500 ms or more: to the suggestion, or the whole pause when none came. */
  p50Ms: number;
  p95Ms: number;
  /** typingEditor's definitions: pauses of 400 ms or more, over those where a suggestion came. */
  pauseToGhostP50Ms: number;
  pauseToGhostP95Ms: number;
  /** Share of the pauses of 400 ms or more where a suggestion came. */
  pausesWithGhost: number;
  servedWithoutRequest?: number;
}

export function summarize(r: StrategyResult, withServed: boolean): StrategySummary {
  const served = Object.values(r.served).reduce((a, b) => a + b, 0);
  const reused = (r.served.typeahead ?? 0) + (r.served.cache ?? 0) + (r.served.inflight ?? 0);
  return {
    requests: r.requests,
    requestsPer100Keys: round((100 * r.requests) / r.keys, 2),
    savedKeys: round(r.savedKeys / r.keys, 4),
    p50Ms: Math.round(percentile(r.pauseLatencies, 50)),
    p95Ms: Math.round(percentile(r.pauseLatencies, 95)),
    pauseToGhostP50Ms: Math.round(percentile(r.ghostLatencies, 50)),
    pauseToGhostP95Ms: Math.round(percentile(r.ghostLatencies, 95)),
    pausesWithGhost: round(r.ghostLatencies.length / Math.max(1, r.ghostPauses), 3),
    ...(withServed ? { servedWithoutRequest: served === 0 ? 0 : round(reused / served, 4) } : {}),
  };
}

export async function runTyping(options: {
  quick: boolean;
  latency?: LatencyModel;
  timing?: TimingModel;
  seeds?: number[];
}): Promise<{
  keys: number;
  summaries: Record<string, StrategySummary>;
  raw: Record<string, StrategyResult>;
}> {
  const files = loadTraceFiles();
  // Each seed types every file once (about 7000 keys) with its own timing.
  const seeds = options.seeds ?? (options.quick ? [11, 12] : [11, 12, 13, 14, 15]);
  const sessions = seeds.flatMap((seed) => buildSessions(files, seed, options.timing ?? HUMAN_TIMING));
  const oracle = new TypingOracle(files, { accuracy: 0.35, seed: 5 });
  const sim: SimOptions = {
    vscodeDelayMs: 50,
    readMs: 150,
    pauseMs: 500,
    ghostPauseMs: 400,
    latency: options.latency ?? EMULATOR_LATENCY,
    maxTokens: 128,
    deadlineMs: 1500,
  };
  const summaries: Record<string, StrategySummary> = {};
  const raw: Record<string, StrategyResult> = {};
  for (const spec of STRATEGIES) {
    const r = await simulate(files, sessions, spec, oracle, sim);
    raw[spec.name] = r;
    summaries[spec.name] = summarize(r, spec.name === 'pacer');
  }
  return { keys: raw.pacer!.keys, summaries, raw };
}

function rowsFor(profile: string, run: Awaited<ReturnType<typeof runTyping>>): Row[] {
  return STRATEGIES.map(({ name }) => {
    const s = run.summaries[name]!;
    const r = run.raw[name]!;
    return {
      profile,
      strategy: name,
      requests: s.requests,
      per100Keys: s.requestsPer100Keys,
      savedKeys: s.savedKeys,
      p50Ms: s.p50Ms,
      p95Ms: s.p95Ms,
      ghostP50Ms: s.pauseToGhostP50Ms,
      ghostP95Ms: s.pauseToGhostP95Ms,
      withGhost: s.pausesWithGhost,
      shownInPause: round(r.pausesWithSuggestion / Math.max(1, r.pauses), 3),
      accepted: r.accepted,
      noRequest: s.servedWithoutRequest,
    };
  });
}

export async function run({ quick }: SectionOptions): Promise<SectionOutput> {
  const main = await runTyping({ quick });
  const rows = rowsFor('emulator', main);
  if (!quick) {
    // How the numbers move: a loaded provider, and a typist who also hesitates mid-line (2 % of
    // keys, 0.4-1.2 s), which adds real pauses that every strategy must answer.
    rows.push(...rowsFor('editor latency', await runTyping({ quick, latency: EDITOR_LATENCY })));
    rows.push(...rowsFor('slow provider', await runTyping({ quick, latency: SLOW_LATENCY })));
    rows.push(
      ...rowsFor(
        '+hesitations',
        await runTyping({ quick, timing: { ...HUMAN_TIMING, hesitationShare: 0.02 } }),
      ),
    );
  }
  const { naive, fixedDebounce, pacer } = main.summaries as Record<
    'naive' | 'fixedDebounce' | 'pacer',
    StrategySummary
  >;
  const ok =
    pacer.requests <= 0.6 * fixedDebounce.requests &&
    pacer.p50Ms <= fixedDebounce.p50Ms &&
    pacer.savedKeys >= fixedDebounce.savedKeys;
  console.log(
    `typing: ${main.keys} keys (fake clock, emulator latency modelled); pacer/fixedDebounce requests ` +
      `${round(pacer.requests / fixedDebounce.requests, 3)} (target <= 0.6), p50 ${pacer.p50Ms} vs ${fixedDebounce.p50Ms} ms, ` +
      `saved ${pacer.savedKeys} vs ${fixedDebounce.savedKeys}: ${ok ? 'target met' : 'TARGET MISSED'}`,
  );
  const ratio = round(pacer.requests / fixedDebounce.requests, 3);
  return {
    name: 'typing',
    result: { keys: main.keys, naive, fixedDebounce, pacer },
    rows,
    targets: [
      { name: 'pacer requests <= 0.6 x fixedDebounce', met: ratio <= 0.6, value: `${ratio}x` },
      {
        name: 'pacer p50 <= fixedDebounce p50',
        met: pacer.p50Ms <= fixedDebounce.p50Ms,
        value: `${pacer.p50Ms} vs ${fixedDebounce.p50Ms} ms`,
      },
      {
        name: 'pacer savedKeys >= fixedDebounce savedKeys',
        met: pacer.savedKeys >= fixedDebounce.savedKeys,
        value: `${pacer.savedKeys} vs ${fixedDebounce.savedKeys}`,
      },
    ],
  };
}
