// Section `usage`: the usage history's cost. `fileKB`: the history file after 90 days of the worst
// case (every hour active for 6 providers × 3 classes, 20 requests an hour each, every outcome,
// latencies and waits spread log-uniformly from 1 ms to 60 s), built through the store's own
// compaction and encoding. `recordOverheadUs`: one synchronous record (attempt + billed), p50/p99.
// `flushMs`: one window's flush of an hour of pending buckets into that full file (lock, read it
// unless this window wrote it last, merge, compact, write); the median of five, so the first one,
// which reads, is not it. `openMs` needs the real editor (the UI suite measures it): null here.
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import type { Clock } from '../../src/core/common/clock';
import { realClock } from '../../src/core/common/clock';
import { HISTORY_CLASSES } from '../../src/core/usage/historyBuckets';
import { encodeHistory } from '../../src/core/usage/historyCodec';
import { HISTORY_FILE, UsageHistory } from '../../src/core/usage/usageHistory';
import { WORST_CASE_PROVIDERS as PROVIDERS, worstCaseBuckets } from '../../test/helpers/usageHistoryFixture';
import { seeded } from '../../test/helpers/seededRandom';
import { percentile, round } from './stats';
import type { SectionRunner } from './types';

/**
 * `openMs` from the real editor: the UI test seeds this worst case (test/helpers/usageHistoryFixture.ts)
 * and times `Show Usage` from Enter to the frame after every chart was drawn (the webview's clock),
 * cold (first after a reload) and warm (closed and opened again; the median of three), into
 * test-results/usage-open.json, with `warmReveal` (back from a background tab) and each run's
 * phases and load. Null when it has not run.
 */
function lastUiOpenMs(): { cold: number; warm: number } | null {
  const file = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test-results', 'usage-open.json');
  if (!existsSync(file)) return null;
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as { cold?: unknown; warm?: unknown };
    return typeof v.cold === 'number' && typeof v.warm === 'number' ? { cold: v.cold, warm: v.warm } : null;
  } catch {
    return null;
  }
}

export const run: SectionRunner = async ({ quick }) => {
  const now = Date.now();
  const days = quick ? 10 : 90;
  const buckets = worstCaseBuckets(now, days, 20);
  const plainJsonKB = round(
    Buffer.byteLength(
      // Histograms as [bin, count] pairs, as a Map of them would write.
      JSON.stringify([...buckets.values()], (_k, v: unknown) =>
        v instanceof Uint32Array ? [...v.entries()].filter(([, c]) => c > 0) : v,
      ),
    ) / 1024,
    1,
  );
  const dir = await mkdtemp(join(tmpdir(), 'pacer-bench-usage-'));
  try {
    // The full history on disk, written as a window writes it.
    const encoded = encodeHistory({ buckets });
    await writeFile(join(dir, HISTORY_FILE), encoded);
    const encodedKB = round(encoded.length / 1024, 1);
    const fileKB = round((await stat(join(dir, HISTORY_FILE))).size / 1024, 1);

    // Recording: single calls, as the gate makes them.
    const clock: Clock = realClock;
    const window = new UsageHistory({ dir, clock, flushMs: 1e9 });
    const rnd = seeded(2);
    const samples: number[] = [];
    const n = quick ? 2_000 : 50_000;
    for (let i = 0; i < n; i++) {
      const provider = PROVIDERS[i % PROVIDERS.length]!;
      const cls = HISTORY_CLASSES[i % 3]!;
      const t0 = performance.now();
      window.recordAttempt({
        provider,
        cls,
        outcome: i % 9 === 0 ? 'rateLimited' : 'answered',
        latencyMs: Math.exp(rnd() * 11),
        waitMs: Math.exp(rnd() * 8),
      });
      window.recordBilled({
        provider,
        cls,
        promptTokens: 900,
        cacheHitTokens: 600,
        cacheMissTokens: 300,
        outputTokens: 80,
        costUsd: 0.0001,
        estimatedUsd: 0,
      });
      samples.push((performance.now() - t0) * 1000);
    }
    const recordOverheadUs = {
      p50: round(percentile(samples, 50), 2),
      p99: round(percentile(samples, 99), 2),
    };

    // Flush: this window's pending hour into the full file.
    const flushes: number[] = [];
    for (let i = 0; i < (quick ? 1 : 5); i++) {
      window.recordAttempt({ provider: 'deepseek', cls: 'chat', outcome: 'answered', latencyMs: 300 });
      const t0 = performance.now();
      await window.flush();
      flushes.push(performance.now() - t0);
    }
    window.dispose();
    await window.flush();
    const flushMs = round(percentile(flushes, 50), 1);
    const openMs = lastUiOpenMs();
    const result = { fileKB, openMs, recordOverheadUs, flushMs };
    return {
      name: 'usage',
      result,
      rows: [
        { metric: 'days', value: days },
        { metric: 'buckets', value: buckets.size },
        { metric: 'plainJsonKB (names, no gzip)', value: plainJsonKB },
        { metric: 'encodedKB', value: encodedKB },
        { metric: 'fileKB', value: fileKB },
        { metric: 'recordOverheadUs p50', value: recordOverheadUs.p50 },
        { metric: 'recordOverheadUs p99', value: recordOverheadUs.p99 },
        { metric: 'flushMs', value: flushMs },
        {
          metric: 'openMs',
          value: openMs
            ? `cold ${openMs.cold} / warm ${openMs.warm} (from the last UI run of usageDashboard.test.ts)`
            : 'null: measured in the real editor by test/e2e/ui/usageDashboard.test.ts; run it first',
        },
      ],
      targets: quick
        ? undefined
        : [
            { name: 'fileKB <= 2048 (90 days, worst case)', met: fileKB <= 2048, value: `${fileKB} KB` },
            ...(openMs
              ? [
                  { name: 'openMs warm <= 500', met: openMs.warm <= 500, value: `${openMs.warm} ms` },
                  { name: 'openMs cold <= 1500', met: openMs.cold <= 1500, value: `${openMs.cold} ms` },
                ]
              : []),
            {
              name: 'recordOverheadUs p99 <= 50',
              met: recordOverheadUs.p99 <= 50,
              value: `${recordOverheadUs.p99} µs`,
            },
          ],
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};
