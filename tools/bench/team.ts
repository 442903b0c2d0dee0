// The team queue (issue 12) in the overload scenario: 40 editors, an account with cap 8 at about
// twice its capacity, spread over 4 OS processes of 10 editors (not one event loop), each editor
// with its own gate and, in team mode, its own Redis connections to the section's own
// redis-server. Rows: SDK defaults, Pacer blind (today's gate in this layout), Pacer team; then
// one process killed mid-run, Redis stopped and frozen mid-run, and the cost of one acquire.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { Socket } from 'node:net';
import type { Server } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Redis from 'ioredis';
import { realClock } from '../../src/core/common/clock';
import { LocalSlotSource } from '../../src/core/gate/slotSource';
import { createTeamSource } from '../../src/core/team/createTeamSource';
import { teamKeys } from '../../src/core/team/teamKeys';
import type { RedisServer } from '../../test/helpers/redisServer';
import { startRedisServer } from '../../test/helpers/redisServer';
import type { EmulatorProcess } from './emulatorProcess';
import { startEmulatorProcess } from './emulatorProcess';
import { calibrate } from './overload';
import { delay, jain, percentile, round } from './stats';
import type { WorkerArgs, WorkerMode, WorkerResult } from './teamWorker';
import type { Row, SectionOptions, SectionOutput, Target } from './types';

const CLIENTS = 40;
const PROCESSES = 4;
const CAP = 8;
const DEADLINE_MS = 30_000;
const THINK_MS = 500;
const EMULATOR = { cap: CAP, ttft: 200, tps: 400, tokens: 60 };
const here = dirname(fileURLToPath(import.meta.url));

interface RunMetrics {
  userFailures: number;
  share429: number;
  goodputRatio: number;
  p50Ms: number;
  p95Ms: number;
  jain: number;
  /** Switches of an editor to local pacing (Redis too slow or gone); 0 in a healthy team run. */
  fallbacks?: number;
}

interface Worker {
  child: ChildProcess;
  ready: Promise<void>;
  result: Promise<WorkerResult | undefined>;
}

function startWorker(args: WorkerArgs): Worker {
  const tsx = createRequire(import.meta.url).resolve('tsx');
  const child = spawn(
    process.execPath,
    ['--import', tsx, join(here, 'teamWorker.ts'), JSON.stringify(args)],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  let out = '';
  let onReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  const result = new Promise<WorkerResult | undefined>((resolve) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('ready\n')) onReady();
    });
    child.once('exit', () => {
      onReady();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      resolve(line ? (JSON.parse(line) as WorkerResult) : undefined);
    });
  });
  return { child, ready, result };
}

interface Run {
  workers: Worker[];
  startedAt: number;
  done: Promise<Array<WorkerResult | undefined>>;
}

async function startRun(
  emu: EmulatorProcess,
  mode: WorkerMode,
  durationMs: number,
  redis: RedisServer | undefined,
): Promise<Run> {
  await emu.reset();
  const workers = Array.from({ length: PROCESSES }, (_, index) =>
    startWorker({
      mode,
      index,
      editors: CLIENTS / PROCESSES,
      emuUrl: emu.url,
      redisUrl: redis?.url,
      durationMs,
      deadlineMs: DEADLINE_MS,
      thinkMs: THINK_MS,
      // The team starts where a single editor starts and learns the account's cap together.
      initialCap: 2,
      maxCap: 16,
    }),
  );
  // A machine too busy to start the workers fails the section instead of hanging it.
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    Promise.all(workers.map((w) => w.ready)),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error('team bench: workers not ready within 60 s')), 60_000);
    }),
  ]).catch((error: unknown) => {
    for (const w of workers) w.child.kill('SIGKILL');
    throw error;
  });
  clearTimeout(timer);
  const startedAt = Date.now();
  for (const w of workers) w.child.stdin?.write(`go ${startedAt}\n`);
  return { workers, startedAt, done: Promise.all(workers.map((w) => w.result)) };
}

async function metrics(
  emu: EmulatorProcess,
  results: Array<WorkerResult | undefined>,
  durationMs: number,
  capacityPerS: number,
): Promise<RunMetrics> {
  const live = results.filter((r): r is WorkerResult => r !== undefined);
  const stats = await emu.stats();
  const sent = stats.requestsByPath['/chat/completions'] ?? 0;
  const completed = live.flatMap((r) => r.completed);
  const latencies = live.flatMap((r) => r.latencies);
  return {
    userFailures: live.reduce((n, r) => n + r.failures, 0),
    share429: round(stats.sent429 / Math.max(1, sent)),
    goodputRatio: round(completed.reduce((a, b) => a + b, 0) / (durationMs / 1000) / capacityPerS),
    p50Ms: Math.round(percentile(latencies, 50)),
    p95Ms: Math.round(percentile(latencies, 95)),
    jain: round(jain(completed)),
    fallbacks: live.reduce((n, r) => n + r.fallbacks.reduce((m, f) => m + f.length, 0), 0),
  };
}

async function plainRun(
  emu: EmulatorProcess,
  mode: WorkerMode,
  durationMs: number,
  capacityPerS: number,
  redis?: RedisServer,
): Promise<RunMetrics> {
  const run = await startRun(emu, mode, durationMs, redis);
  return metrics(emu, await run.done, durationMs, capacityPerS);
}

/** One process (10 editors) killed mid-run: how long until Redis no longer counts its slots. */
async function editorKilled(
  emu: EmulatorProcess,
  redis: RedisServer,
  durationMs: number,
): Promise<{ slotsBackMs: number; otherFailures: number }> {
  const admin = new Redis(redis.url);
  const holders = teamKeys({ providerId: 'deepseek', model: 'deepseek-flash', apiKey: 'sk-bench' })
    .keys[0] as string;
  try {
    const run = await startRun(emu, 'team', durationMs, redis);
    await delay(durationMs / 3);
    // Wait until the victim holds slots, so requests are in flight when it dies.
    // Slots Redis still counts for the victim: an expired lease serves others only once a script
    // sweeps it (the same script hands it to the queue's head), so that wait is part of the time.
    const held = async () =>
      (await admin.zrange(holders, '0', '-1')).filter((t) => t.startsWith('p0e')).length;
    const until = Date.now() + 5000;
    while ((await held()) === 0 && Date.now() < until) await delay(5);
    run.workers[0]?.child.kill('SIGKILL');
    const killedAt = Date.now();
    while ((await held()) > 0 && Date.now() - killedAt < 20_000) await delay(20);
    const slotsBackMs = Date.now() - killedAt;
    const results = await run.done;
    const otherFailures = results.slice(1).reduce((n, r) => n + (r?.failures ?? 0), 0);
    return { slotsBackMs, otherFailures };
  } finally {
    admin.disconnect();
  }
}

/** Redis stopped (refused) and later frozen (SIGSTOP), each for `faultMs`, during a team run. */
async function redisDown(
  emu: EmulatorProcess,
  redis: RedisServer,
  faultMs: number,
): Promise<{ userFailures: number; fallbackMs: number; returnMs: number; refused: Phase; frozen: Phase }> {
  const durationMs = faultMs * 2 + 3 * 2000 + 1000;
  const run = await startRun(emu, 'team', durationMs, redis);
  await delay(2000);
  const stoppedAt = Date.now();
  await redis.stop();
  await delay(faultMs);
  await redis.start();
  const startedAt = Date.now();
  await delay(3000);
  const frozenAt = Date.now();
  redis.freeze();
  await delay(faultMs);
  redis.thaw();
  const thawedAt = Date.now();
  const results = (await run.done).filter((r): r is WorkerResult => r !== undefined);
  const phase = (faultAt: number, backAt: number): Phase => {
    // Per editor: its first switch to local pacing after the fault, its first return after the recovery.
    // Editors that sent nothing during the fault never needed to fall back; every one that did must return.
    const fall: number[] = [];
    const back: number[] = [];
    for (const r of results)
      r.fallbacks.forEach((f, e) => {
        const at = f.find((t) => t >= faultAt && t <= backAt);
        if (at === undefined) return;
        fall.push(at - faultAt);
        // Its return is the first after that fallback. A reconnect may reach the restarted Redis
        // before `start()` resolves and `backAt` is read: that return took 0 ms, it is not missing
        // (searching only after `backAt` took the return after the next fault instead).
        const returned = r.returns[e]?.find((t) => t >= at);
        back.push(returned === undefined ? Number.POSITIVE_INFINITY : Math.max(0, returned - backAt));
      });
    const worst = (xs: number[]) => (xs.length === 0 ? -1 : Math.max(...xs));
    return { fallbackMs: worst(fall), returnMs: worst(back) };
  };
  const refused = phase(stoppedAt, startedAt);
  const frozen = phase(frozenAt, thawedAt);
  const worse = (a: number, b: number) => (a < 0 || b < 0 ? -1 : Math.max(a, b));
  return {
    userFailures: results.reduce((n, r) => n + r.failures, 0),
    fallbackMs: worse(refused.fallbackMs, frozen.fallbackMs),
    returnMs: worse(refused.returnMs, frozen.returnMs),
    refused,
    frozen,
  };
}

interface Phase {
  fallbackMs: number;
  returnMs: number;
}

/** A TCP proxy that holds every chunk `delayMs` each way: a distant Redis. */
function slowProxy(targetPort: number, delayMs: number): Promise<{ port: number; server: Server }> {
  const server = createServer((client) => {
    const upstream = new Socket();
    upstream.connect(targetPort, '127.0.0.1');
    client.on('data', (d) => setTimeout(() => upstream.write(d), delayMs));
    upstream.on('data', (d) => setTimeout(() => client.write(d), delayMs));
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', end);
    upstream.on('error', end);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ port: typeof address === 'object' && address ? address.port : 0, server });
    }),
  );
}

/** Uncontended acquire (one script round trip) with the previous release pipelined before it. */
async function acquireOverhead(url: string, rounds: number): Promise<{ p50Ms: number; p99Ms: number }> {
  const source = createTeamSource({
    url,
    identity: { providerId: 'deepseek', model: 'deepseek-flash', apiKey: 'sk-overhead' },
    local: new LocalSlotSource({ clock: realClock }),
    clock: realClock,
    // Slow enough for the proxy's 40 ms round trips.
    commandTimeoutMs: 500,
  });
  try {
    const until = Date.now() + 3000;
    while (source.mode === 'connecting' && Date.now() < until) await delay(10);
    const times: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const t0 = performance.now();
      const slot = await source.acquire({ waiting: 0, cls: 'completion' });
      times.push(performance.now() - t0);
      slot.release({ kind: 'success' });
    }
    if (source.mode !== 'team') throw new Error(`acquireOverhead: the source fell back (${source.mode})`);
    const warm = times.slice(Math.min(10, rounds - 1));
    return { p50Ms: round(percentile(warm, 50), 3), p99Ms: round(percentile(warm, 99), 3) };
  } finally {
    source.dispose();
  }
}

const row = (name: string, m: RunMetrics): Row => ({ run: name, ...m });

export async function run({ quick }: SectionOptions): Promise<SectionOutput> {
  const emu = await startEmulatorProcess(EMULATOR);
  const redis = await startRedisServer();
  try {
    const durationMs = quick ? 3000 : 20_000;
    // Quick: the emulator's nominal service time (first token + tokens at its rate) instead of
    // measuring it, which takes seconds; the full run measures, as the overload section does.
    const serviceMs = quick ? EMULATOR.ttft + (EMULATOR.tokens / EMULATOR.tps) * 1000 : await calibrate(emu);
    const capacityPerS = CAP / (serviceMs / 1000);
    // Quick (CI smoke): the team rows only; SDK defaults and Pacer blind in the full run.
    const skipped: RunMetrics = {
      userFailures: -1,
      share429: -1,
      goodputRatio: -1,
      p50Ms: -1,
      p95Ms: -1,
      jain: -1,
    };
    const sdkDefaults = quick ? skipped : await plainRun(emu, 'sdkDefaults', durationMs, capacityPerS);
    const blind = quick ? skipped : await plainRun(emu, 'blind', durationMs, capacityPerS);
    const team = await plainRun(emu, 'team', durationMs, capacityPerS, redis);
    const killed = await editorKilled(emu, redis, quick ? 7000 : 20_000);
    const down = await redisDown(emu, redis, quick ? 1000 : 5000);
    const local = await acquireOverhead(redis.url, quick ? 200 : 2000);
    const proxy = await slowProxy(redis.port, 20);
    const distant = await acquireOverhead(`redis://127.0.0.1:${proxy.port}`, quick ? 10 : 50).finally(() =>
      proxy.server.close(),
    );
    const result = {
      clients: CLIENTS,
      processes: PROCESSES,
      cap: CAP,
      durationS: durationMs / 1000,
      capacityPerS: round(capacityPerS, 2),
      team,
      blind,
      sdkDefaults,
      editorKilled: killed,
      redisDown: down,
      acquireOverhead: { ...local, via20msProxy: distant },
    };
    const targets: Target[] = [
      { name: 'team.userFailures = 0', met: team.userFailures === 0, value: String(team.userFailures) },
      { name: 'team.share429 <= 0.02', met: team.share429 <= 0.02, value: String(team.share429) },
      { name: 'team.goodputRatio >= 0.95', met: team.goodputRatio >= 0.95, value: String(team.goodputRatio) },
      { name: 'team.p95Ms <= 2000', met: team.p95Ms <= 2000, value: String(team.p95Ms) },
      { name: 'team.jain >= 0.95', met: team.jain >= 0.95, value: String(team.jain) },
      {
        name: 'editorKilled.slotsBackMs <= 6000',
        met: killed.slotsBackMs <= 6000,
        value: String(killed.slotsBackMs),
      },
      {
        name: 'editorKilled.otherFailures = 0',
        met: killed.otherFailures === 0,
        value: String(killed.otherFailures),
      },
      { name: 'redisDown.userFailures = 0', met: down.userFailures === 0, value: String(down.userFailures) },
      {
        name: 'redisDown.fallbackMs <= 1000',
        met: down.fallbackMs >= 0 && down.fallbackMs <= 1000,
        value: String(down.fallbackMs),
      },
      {
        name: 'redisDown.returnMs <= 5000',
        met: down.returnMs >= 0 && down.returnMs <= 5000,
        value: String(down.returnMs),
      },
      { name: 'acquireOverhead.p50Ms <= 1', met: local.p50Ms <= 1, value: String(local.p50Ms) },
      { name: 'acquireOverhead.p99Ms <= 5', met: local.p99Ms <= 5, value: String(local.p99Ms) },
    ];
    return {
      name: 'team',
      result,
      rows: [
        row('team', team),
        row('blind', blind),
        row('sdkDefaults', sdkDefaults),
        { run: 'editorKilled', ...killed },
        {
          run: 'redisDown',
          userFailures: down.userFailures,
          fallbackMs: down.fallbackMs,
          returnMs: down.returnMs,
          refusedFallbackMs: down.refused.fallbackMs,
          refusedReturnMs: down.refused.returnMs,
          frozenFallbackMs: down.frozen.fallbackMs,
          frozenReturnMs: down.frozen.returnMs,
        },
        { run: 'acquireOverhead', ...local },
        { run: 'acquireOverhead via 20 ms proxy', ...distant },
      ],
      targets,
    };
  } finally {
    await redis.close();
    await emu.close();
  }
}
