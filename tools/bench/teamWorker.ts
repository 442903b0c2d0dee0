// One OS process of the `team` bench section: 10 editors, each with its own provider service
// (gate) and, in team mode, its own Redis connections, in a closed loop against the emulated
// account (one chat at a time, ~0.5 s think time). Started by team.ts; prints `ready`, waits for
// `go <startEpochMs>` on stdin, prints one JSON line with what it measured.
import OpenAI from 'openai';
import { realClock } from '../../src/core/common/clock';
import { LocalSlotSource } from '../../src/core/gate/slotSource';
import { createDeepSeekEndpoint } from '../../src/core/providers/providerEndpoint';
import { createProviderService } from '../../src/core/providers/providerService';
import { createTeamSource } from '../../src/core/team/createTeamSource';
import type { TeamSlotSource } from '../../src/core/team/teamSlotSource';
import { seeded } from '../../test/helpers/seededRandom';
import { delay } from './stats';

export type WorkerMode = 'team' | 'blind' | 'sdkDefaults';

export interface WorkerArgs {
  mode: WorkerMode;
  index: number;
  editors: number;
  emuUrl: string;
  redisUrl?: string;
  durationMs: number;
  deadlineMs: number;
  thinkMs: number;
  initialCap: number;
  maxCap: number;
}

export interface WorkerResult {
  index: number;
  requests: number;
  failures: number;
  /** Per editor: answers completed inside the window. */
  completed: number[];
  latencies: number[];
  /** Epoch ms of each switch to local pacing / back to the team queue, per editor. */
  fallbacks: number[][];
  returns: number[][];
}

type Send = (signal: AbortSignal, prompt: string) => Promise<void>;

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2] ?? '{}') as WorkerArgs;
  const fallbacks: number[][] = [];
  const returns: number[][] = [];
  const sources: TeamSlotSource[] = [];
  const disposers: Array<() => void> = [];
  const senders: Send[] = Array.from({ length: args.editors }, (_, e) => {
    fallbacks.push([]);
    returns.push([]);
    if (args.mode === 'sdkDefaults') {
      const client = new OpenAI({ baseURL: args.emuUrl, apiKey: 'sk-bench' });
      return async (signal, prompt) => {
        const stream = await client.chat.completions.create(
          {
            model: 'deepseek-flash',
            messages: [{ role: 'user', content: prompt }],
            stream: true,
            thinking: { type: 'disabled' },
          } as OpenAI.Chat.ChatCompletionCreateParamsStreaming,
          { signal },
        );
        for await (const _chunk of stream) {
          // only the end matters here
        }
      };
    }
    let slotSource: TeamSlotSource | undefined;
    if (args.mode === 'team') {
      slotSource = createTeamSource({
        url: args.redisUrl ?? '',
        identity: { providerId: 'deepseek', model: 'deepseek-flash', apiKey: 'sk-bench' },
        local: new LocalSlotSource({ clock: realClock }),
        clock: realClock,
        editorId: `p${args.index}e${e}`,
        initialCap: args.initialCap,
        maxCap: args.maxCap,
        onModeChange: (mode) => (mode === 'fallback' ? fallbacks[e] : returns[e])?.push(Date.now()),
      });
      sources.push(slotSource);
    }
    const service = createProviderService(
      createDeepSeekEndpoint({ baseUrl: args.emuUrl, getApiKey: async () => 'sk-bench' }),
      { gate: slotSource ? { slotSource } : {} },
    );
    disposers.push(() => service.dispose());
    return async (signal, prompt) => {
      await service.chat(
        { messages: [{ role: 'user', content: prompt }] },
        { signal, deadlineMs: args.deadlineMs },
      );
    };
  });
  // Connections open before the clock starts.
  const until = Date.now() + 3000;
  while (sources.some((s) => s.mode === 'connecting') && Date.now() < until) await delay(20);
  process.stdout.write('ready\n');
  const t0 = await new Promise<number>((resolve) => {
    let input = '';
    process.stdin.on('data', (chunk: Buffer) => {
      input += chunk.toString();
      const match = /go (\d+)/.exec(input);
      if (match) resolve(Number(match[1]));
    });
  });
  const random = seeded(100 + args.index);
  const result: WorkerResult = {
    index: args.index,
    requests: 0,
    failures: 0,
    completed: senders.map(() => 0),
    latencies: [],
    fallbacks,
    returns,
  };
  const editor = async (e: number) => {
    const send = senders[e] as Send;
    await delay(random() * args.thinkMs);
    for (let n = 0; Date.now() - t0 < args.durationMs; n++) {
      result.requests++;
      const start = Date.now();
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), args.deadlineMs);
      try {
        await send(controller.signal, `editor ${args.index}.${e} question ${n}`);
        const end = Date.now();
        result.latencies.push(end - start);
        if (end - t0 <= args.durationMs) result.completed[e] = (result.completed[e] ?? 0) + 1;
      } catch {
        result.failures++;
      } finally {
        clearTimeout(timer);
      }
      await delay(args.thinkMs * (0.5 + random()));
    }
  };
  await Promise.all(senders.map((_, e) => editor(e)));
  process.stdout.write(`${JSON.stringify(result)}\n`);
  for (const dispose of disposers) dispose();
  process.exit(0);
}

void main();
