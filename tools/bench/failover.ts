// Failover: two emulators (primary "DeepSeek", fallback "Backup") behind Pacer's router, with
// chat traffic (closed loop, two chat panels) and completion traffic (a typist asking every
// 250 ms). Mid-run the primary goes into a 429 storm, then answers 503, then refuses
// connections, then recovers. Then each fault once more on its own, with a recovery after each.
//   failoverMs: first failure on the primary -> first success on the fallback (chat, completion)
//   lostChat:   chat requests that ended in an error (target 0: a chat that moves completes)
//   failbackMs: primary healthy again -> first request served by it again (target <= probe + 1 s)
import type { ProviderSettings } from '../../src/core/providers/catalog';
import { createRouter } from '../../src/core/providers/createRouter';
import { MemoryKeyStore } from '../../src/core/providers/keyStore';
import { PacerError } from '../../src/core/common/errors';
import type { Router } from '../../src/core/providers/router';
import { startEmulator } from '../emulator/server';
import type { Emulator, FaultKind } from '../emulator/server';
import { delay, percentile, round } from './stats';
import type { Row, SectionOptions, SectionOutput } from './types';

type Cls = 'chat' | 'completion';

interface Outcome {
  cls: Cls;
  startMs: number;
  endMs: number;
  providerId?: string;
  error?: string;
}

interface Timeline {
  /** Attempts on the primary that failed (HTTP >= 400 or no connection), from its fetch. */
  primaryFailures: number[];
  outcomes: Outcome[];
}

interface Episode {
  fault: string;
  failoverMs: { chat: number | null; completion: number | null };
  failbackMs: number | null;
  failbackByClass: { chat: number | null; completion: number | null };
  lostChat: number;
  completionErrors: number;
}

const FAULTS: Record<string, FaultKind> = {
  '429 storm': 'rateLimited',
  '503s': 'overloaded',
  refused: 'refuse',
};

/** Wraps fetch to timestamp every failed attempt on the primary (the start of a failover). */
function instrumentedFetch(timeline: Timeline): typeof fetch {
  return (async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
    try {
      const response = await fetch(input, init);
      if (response.status >= 400) timeline.primaryFailures.push(Date.now());
      return response;
    } catch (error) {
      if (!init?.signal?.aborted) timeline.primaryFailures.push(Date.now());
      throw error;
    }
  }) as typeof fetch;
}

function providerSettings(primary: Emulator, fallback: Emulator): ProviderSettings {
  return {
    enabled: ['deepseek', 'backup'],
    chatOrder: ['deepseek', 'backup'],
    completionOrder: ['deepseek', 'backup'],
    routing: 'automatic',
    pinned: 'deepseek',
    baseUrls: { deepseek: primary.url },
    custom: [
      {
        id: 'backup',
        label: 'Backup',
        baseUrl: `${fallback.url}/beta`,
        supportsFim: true,
        needsKey: false,
        chatModel: 'deepseek-flash',
      },
    ],
    models: {},
  };
}

/** Drives chat and completion traffic until stopped; every request's outcome lands in the timeline. */
function startTraffic(router: Router, timeline: Timeline): () => Promise<void> {
  let running = true;
  let n = 0;
  const record = async (cls: Cls, send: () => Promise<{ providerId: string }>) => {
    const startMs = Date.now();
    try {
      const r = await send();
      timeline.outcomes.push({ cls, startMs, endMs: Date.now(), providerId: r.providerId });
    } catch (error) {
      timeline.outcomes.push({
        cls,
        startMs,
        endMs: Date.now(),
        error: PacerError.is(error) ? error.kind : String(error),
      });
    }
  };
  const chatLoop = async (panel: number) => {
    while (running) {
      await record('chat', () =>
        router.chat({
          messages: [
            { role: 'user', content: `Panel ${panel}, question ${n++}: explain debounce vs throttle.` },
          ],
          model: 'deepseek-flash',
        }),
      );
      await delay(200);
    }
  };
  const typist = async () => {
    const pending: Promise<void>[] = [];
    while (running) {
      const i = n++;
      pending.push(
        record('completion', () =>
          router.complete({
            prompt: `const total${i} = items.reduce((sum, x) => `,
            suffix: ';\n',
            maxTokens: 16,
          }),
        ),
      );
      await delay(250);
    }
    await Promise.all(pending);
  };
  const loops = [chatLoop(1), chatLoop(2), typist()];
  return async () => {
    running = false;
    await Promise.all(loops);
  };
}

const firstAfter = (times: number[], t: number) => times.find((x) => x >= t);

function firstSuccess(
  timeline: Timeline,
  cls: Cls | undefined,
  providerId: string,
  afterMs: number,
): number | undefined {
  return timeline.outcomes
    .filter((o) => (!cls || o.cls === cls) && o.providerId === providerId && o.endMs >= afterMs)
    .map((o) => o.endMs)
    .sort((a, b) => a - b)[0];
}

async function waitFor(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (check()) return true;
    await delay(20);
  }
  return check();
}

function measure(
  timeline: Timeline,
  fault: string,
  onsetMs: number,
  recoverMs: number,
  endMs: number,
): Episode {
  const firstFailure = firstAfter(timeline.primaryFailures, onsetMs);
  const failover = (cls: Cls) => {
    if (firstFailure === undefined) return null;
    const ok = firstSuccess(timeline, cls, 'backup', firstFailure);
    return ok !== undefined && ok <= recoverMs ? ok - firstFailure : null;
  };
  const back = (cls?: Cls) => {
    // Only requests that STARTED after the recovery count: an old one finishing late is not failback.
    const t = timeline.outcomes
      .filter((o) => (!cls || o.cls === cls) && o.providerId === 'deepseek' && o.startMs >= recoverMs)
      .map((o) => o.endMs)
      .sort((a, b) => a - b)[0];
    return t === undefined ? null : t - recoverMs;
  };
  const inWindow = timeline.outcomes.filter((o) => o.startMs >= onsetMs && o.startMs < endMs);
  return {
    fault,
    failoverMs: { chat: failover('chat'), completion: failover('completion') },
    failbackMs: back(),
    failbackByClass: { chat: back('chat'), completion: back('completion') },
    lostChat: inWindow.filter((o) => o.cls === 'chat' && o.error).length,
    completionErrors: inWindow.filter((o) => o.cls === 'completion' && o.error).length,
  };
}

export async function run({ quick }: SectionOptions): Promise<SectionOutput> {
  const probeIntervalMs = quick ? 1000 : 3000;
  const faultMs = quick ? 1200 : 4000;
  const warmMs = quick ? 600 : 2000;
  const timing = { ttftMs: 150, tokensPerSecond: 300, answerTokens: 40 };
  const primary = await startEmulator(timing);
  const fallback = await startEmulator(timing);
  const timeline: Timeline = { primaryFailures: [], outcomes: [] };
  const router = createRouter({
    settings: {
      providers: providerSettings(primary, fallback),
      failoverAfterMs: 2000,
      probeIntervalMs,
      dailyLimitUsd: 0,
      chatDeadlineMs: 180_000,
      completionDeadlineMs: 1500,
    },
    keys: new MemoryKeyStore(),
    fetch: (info) => (info.id === 'deepseek' ? instrumentedFetch(timeline) : undefined),
  });
  const onPrimary = () => {
    const r = router.state().route.chat;
    return r.kind === 'route' && r.id === 'deepseek';
  };
  const episodes: Episode[] = [];
  const stopTraffic = startTraffic(router, timeline);
  try {
    await delay(warmMs);
    // The sequence of the issue: storm, then 503s, then refused connections, then recovery.
    const onset = Date.now();
    for (const kind of Object.values(FAULTS)) {
      primary.setFault({ kind });
      await delay(faultMs);
    }
    const recover = Date.now();
    primary.setFault({ kind: 'none' });
    await waitFor(
      () => onPrimary() && firstSuccess(timeline, undefined, 'deepseek', recover) !== undefined,
      probeIntervalMs + 5000,
    );
    await delay(warmMs);
    episodes.push(measure(timeline, 'storm → 503s → refused → recovers', onset, recover, Date.now()));

    // Each fault on its own, so each gets its own failover and failback.
    for (const [name, kind] of Object.entries(FAULTS)) {
      const start = Date.now();
      primary.setFault({ kind });
      await delay(faultMs);
      const rec = Date.now();
      primary.setFault({ kind: 'none' });
      await waitFor(
        () => onPrimary() && firstSuccess(timeline, undefined, 'deepseek', rec) !== undefined,
        probeIntervalMs + 5000,
      );
      await delay(warmMs);
      episodes.push(measure(timeline, name, start, rec, Date.now()));
    }
  } finally {
    await stopTraffic();
    router.dispose();
    await Promise.all([primary.close(), fallback.close()]);
  }

  const worst = (values: Array<number | null>) =>
    values.some((v) => v === null) ? null : Math.max(...(values as number[]));
  const chats = timeline.outcomes.filter((o) => o.cls === 'chat');
  const completions = timeline.outcomes.filter((o) => o.cls === 'completion');
  const main = episodes[0];
  const result = {
    probeIntervalMs,
    failoverAfterMs: 2000,
    faultMs,
    failoverMs: main.failoverMs,
    lostChat: chats.filter((o) => o.error).length,
    failbackMs: main.failbackMs,
    worstOverEpisodes: {
      failoverMs: {
        chat: worst(episodes.map((e) => e.failoverMs.chat)),
        completion: worst(episodes.map((e) => e.failoverMs.completion)),
      },
      failbackMs: worst(episodes.map((e) => e.failbackMs)),
    },
    targets: { failoverMs: 1000, lostChat: 0, failbackMs: probeIntervalMs + 1000 },
    chat: {
      requests: chats.length,
      failed: chats.filter((o) => o.error).length,
      p50Ms: round(
        percentile(
          chats.filter((o) => !o.error).map((o) => o.endMs - o.startMs),
          50,
        ),
        0,
      ),
      p95Ms: round(
        percentile(
          chats.filter((o) => !o.error).map((o) => o.endMs - o.startMs),
          95,
        ),
        0,
      ),
    },
    completion: {
      requests: completions.length,
      failed: completions.filter((o) => o.error).length,
      errors: Object.fromEntries(
        [...new Set(completions.filter((o) => o.error).map((o) => o.error!))].map((k) => [
          k,
          completions.filter((o) => o.error === k).length,
        ]),
      ),
      servedByFallback: completions.filter((o) => o.providerId === 'backup').length,
    },
    episodes,
  };
  const rows: Row[] = episodes.map((e) => ({
    episode: e.fault,
    failoverChatMs: e.failoverMs.chat ?? 'n/a',
    failoverCompletionMs: e.failoverMs.completion ?? 'n/a',
    failbackMs: e.failbackMs ?? 'n/a',
    lostChat: e.lostChat,
    completionErrors: e.completionErrors,
  }));
  const within = (v: number | null, limit: number) => v !== null && v <= limit;
  return {
    name: 'failover',
    result,
    rows,
    targets: [
      {
        name: 'failoverMs (chat, completion) <= 1000',
        met: within(main.failoverMs.chat, 1000) && within(main.failoverMs.completion, 1000),
        value: `${main.failoverMs.chat} / ${main.failoverMs.completion} ms`,
      },
      { name: 'lostChat = 0', met: result.lostChat === 0, value: String(result.lostChat) },
      {
        name: `failbackMs <= probe interval + 1000 (${probeIntervalMs + 1000})`,
        met: within(main.failbackMs, probeIntervalMs + 1000),
        value: `${main.failbackMs} ms`,
      },
    ],
  };
}
