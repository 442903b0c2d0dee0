// Test-only completion modes for the `typingEditor` bench (tools/bench/typingEditor.ts), which
// compares Pacer with other strategies in the real editor. Read from the extension host's
// environment only (PACER_BENCH_COMPLETION, PACER_BENCH_TIMELINE): no setting exposes them, and
// without the variables the extension behaves as shipped.
//
//   naive          a request per keystroke (VS Code's own wait only), no reuse
//   fixedDebounce  350 ms, nothing else
//   continueLike   350 ms plus the answer cache (an LRU with prefix reuse), the suggestion on
//                  screen and in-flight reuse, as Continue ships it
//   pacer          what ships
import { appendFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { ReuseOptions } from '../../core/completion/completionTypes';
import { FULL_REUSE, NO_REUSE } from '../../core/completion/completionTypes';
import type { Debouncer } from '../../core/completion/debounce';
import { FixedDebounce } from '../../core/completion/debounce';

export const BENCH_MODES = ['naive', 'fixedDebounce', 'continueLike', 'pacer'] as const;
export type BenchCompletionMode = (typeof BENCH_MODES)[number];

export function benchCompletionMode(env: NodeJS.ProcessEnv = process.env): BenchCompletionMode | undefined {
  const mode = env.PACER_BENCH_COMPLETION;
  return (BENCH_MODES as readonly string[]).includes(mode ?? '') ? (mode as BenchCompletionMode) : undefined;
}

/** The debounce and reuse of a mode other than `pacer` (which keeps what ships). */
export function benchStrategy(mode: Exclude<BenchCompletionMode, 'pacer'>): {
  debouncer: Debouncer;
  reuse: ReuseOptions;
} {
  switch (mode) {
    case 'naive':
      return { debouncer: new FixedDebounce(0), reuse: NO_REUSE };
    case 'fixedDebounce':
      return { debouncer: new FixedDebounce(350), reuse: NO_REUSE };
    case 'continueLike':
      return { debouncer: new FixedDebounce(350), reuse: FULL_REUSE };
  }
}

export type BenchTrace = (event: Record<string, unknown>) => void;

/** Appends timeline events (JSON lines, wall-clock ms) to PACER_BENCH_TIMELINE, if set. */
export function benchTimeline(env: NodeJS.ProcessEnv = process.env): BenchTrace | undefined {
  const file = env.PACER_BENCH_TIMELINE;
  if (!file) return undefined;
  return (event) => {
    try {
      appendFileSync(
        file,
        JSON.stringify({ t: performance.timeOrigin + performance.now(), ...event }) + '\n',
      );
    } catch {
      // a bench aid: never the user's problem
    }
  };
}
