// 40 editors, each with its own gate (40 VS Code windows), share one emulated DeepSeek account
// with a concurrency cap of 8 at about twice its capacity: closed loop, one chat at a time, ~0.5 s
// think time. Once with the SDK's defaults (what most tools ship: a plain `new OpenAI()`, 2
// retries), once with Pacer's gate, and a few pacing settings for the frontier.
import OpenAI from 'openai';
import type { BackoffOptions } from '../../src/core/gate/backoff';
import { DEFAULT_COOLDOWN_BACKOFF } from '../../src/core/gate/gate';
import { createDeepSeekEndpoint } from '../../src/core/providers/providerEndpoint';
import { createProviderService } from '../../src/core/providers/providerService';
import type { ProviderService } from '../../src/core/providers/providerService';
import type { EmulatorProcess } from './emulatorProcess';
import { startEmulatorProcess } from './emulatorProcess';
import { seeded } from '../../test/helpers/seededRandom';
import { delay, jain, percentile, round } from './stats';
import type { Row, SectionOptions, SectionOutput } from './types';

const CLIENTS = 40;
const CAP = 8;
const DEADLINE_MS = 30_000;
const THINK_MS = 500;
// No Retry-After: DeepSeek sends none.
const EMULATOR = { cap: CAP, ttft: 200, tps: 400, tokens: 60 };

/** One setting of the provider-wide cooldown after a 429 (the only pacing a one-request-at-a-time editor has). */
export interface Pacing {
  setting: string;
  cooldownBackoff: BackoffOptions;
}

type Send = (signal: AbortSignal, prompt: string) => Promise<void>;

interface RunMetrics {
  requests: number;
  userFailures: number;
  userFailureRate: number;
  completed: number;
  sent: number;
  got429: number;
  share429: number;
  goodputRatio: number;
  p50Ms: number;
  p95Ms: number;
  jain: number;
}

const body = (prompt: string) =>
  ({
    model: 'deepseek-flash',
    messages: [{ role: 'user', content: prompt }],
    stream: true,
    stream_options: { include_usage: true },
    thinking: { type: 'disabled' },
  }) as OpenAI.Chat.ChatCompletionCreateParamsStreaming;

async function consume(stream: AsyncIterable<unknown>): Promise<void> {
  for await (const _chunk of stream) {
    // the editor renders the tokens; here we only wait for the end
  }
}

/**
 * Service time of one request with the account exactly full (CAP at once, no 429s): what one
 * slot serves per second. Measured once, after a warm-up (a cold process measures JIT and
 * connection setup, not the provider), and used for every run so their goodputs compare.
 */
export async function calibrate(emu: EmulatorProcess): Promise<number> {
  const client = new OpenAI({ baseURL: emu.url, apiKey: 'sk-bench', maxRetries: 0 });
  const times: number[] = [];
  for (let round = 0; round < 8; round++) {
    const durations = await Promise.all(
      Array.from({ length: CAP }, async (_, i) => {
        const t0 = performance.now();
        await consume(await client.chat.completions.create(body(`calibration ${round}.${i}`)));
        return performance.now() - t0;
      }),
    );
    if (round >= 2) times.push(...durations); // the first rounds warm up JIT and connections
  }
  await emu.reset();
  // The median: a scheduling hiccup on a busy machine should not move the capacity.
  return percentile(times, 50);
}

/** One closed-loop run: every editor asks, waits for the answer (or its failure), thinks, asks again. */
async function closedLoop(
  emu: EmulatorProcess,
  senders: Send[],
  durationMs: number,
  capacityPerS: number,
  seed: number,
): Promise<RunMetrics> {
  await emu.reset();
  const random = seeded(seed);
  const perEditor = senders.map(() => 0);
  const latencies: number[] = [];
  let requests = 0;
  let failures = 0;
  let completedInWindow = 0;
  const t0 = performance.now();
  const editor = async (index: number) => {
    const send = senders[index] as Send;
    await delay(random() * THINK_MS); // editors do not all start in the same millisecond
    for (let n = 0; performance.now() - t0 < durationMs; n++) {
      requests++;
      const start = performance.now();
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), DEADLINE_MS);
      try {
        await send(controller.signal, `editor ${index} asks question ${n}: explain the pacing`);
        const end = performance.now();
        if (end - start > DEADLINE_MS) failures++;
        else {
          latencies.push(end - start);
          if (end - t0 <= durationMs) {
            completedInWindow++;
            perEditor[index] = (perEditor[index] as number) + 1;
          }
        }
      } catch {
        failures++;
      } finally {
        clearTimeout(timer);
      }
      await delay(THINK_MS * (0.5 + random()));
    }
  };
  await Promise.all(senders.map((_, i) => editor(i)));
  const stats = await emu.stats();
  const sent = stats.requestsByPath['/chat/completions'] ?? 0;
  return {
    requests,
    userFailures: failures,
    userFailureRate: round(failures / Math.max(1, requests)),
    completed: completedInWindow,
    sent,
    got429: stats.sent429,
    share429: round(stats.sent429 / Math.max(1, sent)),
    goodputRatio: round(completedInWindow / (durationMs / 1000) / capacityPerS),
    p50Ms: Math.round(percentile(latencies, 50)),
    p95Ms: Math.round(percentile(latencies, 95)),
    jain: round(jain(perEditor)),
  };
}

/** SDK defaults: what most tools ship, a plain client (maxRetries 2, its own backoff), nothing else. */
export async function runSdkDefaults(
  emu: EmulatorProcess,
  durationMs: number,
  capacityPerS: number,
): Promise<RunMetrics> {
  const senders: Send[] = Array.from({ length: CLIENTS }, () => {
    const client = new OpenAI({ baseURL: emu.url, apiKey: 'sk-bench' });
    return async (signal, prompt) => consume(await client.chat.completions.create(body(prompt), { signal }));
  });
  return closedLoop(emu, senders, durationMs, capacityPerS, 1);
}

/** Pacer: one provider service (its own gate) per editor, as 40 VS Code windows would have. */
export async function runPacer(
  emu: EmulatorProcess,
  pacing: Pacing,
  durationMs: number,
  capacityPerS: number,
): Promise<RunMetrics> {
  const services: ProviderService[] = [];
  try {
    const senders: Send[] = Array.from({ length: CLIENTS }, () => {
      const service = createProviderService(
        createDeepSeekEndpoint({ baseUrl: emu.url, getApiKey: async () => 'sk-bench' }),
        { gate: { cooldownBackoff: pacing.cooldownBackoff } },
      );
      services.push(service);
      return async (signal, prompt) => {
        await service.chat(
          { messages: [{ role: 'user', content: prompt }] },
          { signal, deadlineMs: DEADLINE_MS },
        );
      };
    });
    return await closedLoop(emu, senders, durationMs, capacityPerS, 1);
  } finally {
    for (const service of services) service.dispose();
  }
}

export const DEFAULT_PACING: Pacing = {
  setting: 'default: 429 backoff shrinking 6 s..2 s, full jitter',
  cooldownBackoff: DEFAULT_COOLDOWN_BACKOFF,
};

// Growing windows (the classic schedule) beside the shrinking default: about the same refusals
// and throughput, less fair (the unlucky wait longer and lose again).
const FRONTIER: Pacing[] = [
  { setting: '429 backoff 1 s..8 s', cooldownBackoff: { baseMs: 1000, capMs: 8000 } },
  { setting: '429 backoff 2 s..8 s', cooldownBackoff: { baseMs: 2000, capMs: 8000 } },
  { setting: '429 backoff 4 s..8 s', cooldownBackoff: { baseMs: 4000, capMs: 8000 } },
  { setting: '429 backoff flat 5 s', cooldownBackoff: { baseMs: 5000, capMs: 5000 } },
  DEFAULT_PACING,
  { setting: '429 backoff 6 s..12 s', cooldownBackoff: { baseMs: 6000, capMs: 12_000 } },
];

const row = (name: string, m: RunMetrics): Row => ({
  run: name,
  userFailures: m.userFailures,
  requests: m.requests,
  sent: m.sent,
  got429: m.got429,
  share429: m.share429,
  goodputRatio: m.goodputRatio,
  p50Ms: m.p50Ms,
  p95Ms: m.p95Ms,
  jain: m.jain,
});

export async function run({ quick }: SectionOptions): Promise<SectionOutput> {
  // One emulator process for every run (reset in between): starting one costs seconds.
  const emu = await startEmulatorProcess(EMULATOR);
  try {
    return await runAll(emu, quick);
  } finally {
    await emu.close();
  }
}

async function runAll(emu: EmulatorProcess, quick: boolean): Promise<SectionOutput> {
  const durationMs = quick ? 4000 : 20_000;
  const frontierMs = quick ? 3000 : 20_000;
  const serviceMs = await calibrate(emu);
  const capacityPerS = CAP / (serviceMs / 1000);
  const sdkDefaults = await runSdkDefaults(emu, durationMs, capacityPerS);
  const pacer = await runPacer(emu, DEFAULT_PACING, durationMs, capacityPerS);
  const frontier: Array<{
    setting: string;
    share429: number;
    goodputRatio: number;
    p95Ms: number;
    userFailures: number;
    jain: number;
  }> = [];
  const rows: Row[] = [row('sdkDefaults', sdkDefaults), row('pacer', pacer)];
  // Quick: one setting beside the default, to show the trade-off exists; full: the whole frontier.
  const settings = quick ? FRONTIER.slice(0, 1) : FRONTIER;
  for (const pacing of settings) {
    // The default setting's full run is already measured; reuse it when the durations match.
    const m =
      pacing === DEFAULT_PACING && frontierMs === durationMs
        ? pacer
        : await runPacer(emu, pacing, frontierMs, capacityPerS);
    frontier.push({
      setting: pacing.setting,
      share429: m.share429,
      goodputRatio: m.goodputRatio,
      p95Ms: m.p95Ms,
      userFailures: m.userFailures,
      jain: m.jain,
    });
    rows.push(row(`frontier: ${pacing.setting}`, m));
  }
  return {
    name: 'overload',
    result: {
      clients: CLIENTS,
      cap: CAP,
      durationS: durationMs / 1000,
      deadlineS: DEADLINE_MS / 1000,
      meanServiceMs: Math.round(serviceMs),
      capacityPerS: round(capacityPerS, 2),
      sdkDefaults,
      pacer,
      frontier,
    },
    rows,
    targets: [
      { name: 'pacer.userFailures = 0', met: pacer.userFailures === 0, value: String(pacer.userFailures) },
      { name: 'pacer.share429 <= 0.35', met: pacer.share429 <= 0.35, value: String(pacer.share429) },
      {
        name: 'pacer.goodputRatio >= 0.85',
        met: pacer.goodputRatio >= 0.85,
        value: String(pacer.goodputRatio),
      },
      { name: 'pacer.jain >= 0.9', met: pacer.jain >= 0.9, value: String(pacer.jain) },
    ],
  };
}
