// What the gate costs per request: sequential requests to an instant server, alternating a direct
// SDK call and the same request through Pacer (provider service: gate, coalescer, client with its
// watchdog; the cache is off so every request really goes out). Pairs cancel the server's noise.
// The tail is V8's young-generation GC landing in one request of a pair (the SDK and undici do
// most of the allocating); `p99NoGcMs` and `gc` say how much of p99 that is.
import { PerformanceObserver } from 'node:perf_hooks';
import type { PerformanceEntry } from 'node:perf_hooks';
import OpenAI from 'openai';
import type { CompletionCreateParamsNonStreaming } from 'openai/resources/completions';
import { createDeepSeekEndpoint } from '../../src/core/providers/providerEndpoint';
import { createProviderService } from '../../src/core/providers/providerService';
import { startInstantServer } from './instantServer';
import { percentile, round } from './stats';
import type { SectionOptions, SectionOutput } from './types';

export async function run({ quick }: SectionOptions): Promise<SectionOutput> {
  const pairs = quick ? 200 : 1000; // 2 requests per pair: 2,000 requests in the full run
  const warmup = 50;
  const server = await startInstantServer();
  const service = createProviderService(
    createDeepSeekEndpoint({ baseUrl: server.url, getApiKey: async () => 'sk-bench' }),
  );
  const direct = new OpenAI({
    baseURL: `${server.url}/beta`,
    apiKey: 'sk-bench',
    maxRetries: 0,
    logLevel: 'off',
  });
  const request = (i: number) => ({
    prompt: `function f${i}(a, b) {\n  return `,
    suffix: '\n}\n',
    maxTokens: 32,
  });
  const viaSdk = async (i: number) => {
    const r = request(i);
    const params = {
      model: 'deepseek-flash',
      prompt: r.prompt,
      suffix: r.suffix,
      max_tokens: r.maxTokens,
      stream: false,
      thinking: { type: 'disabled' },
    } as CompletionCreateParamsNonStreaming;
    const t0 = performance.now();
    await direct.completions.create(params);
    return performance.now() - t0;
  };
  const viaGate = async (i: number) => {
    const t0 = performance.now();
    await service.complete(request(i), { deadlineMs: 10_000 });
    return performance.now() - t0;
  };
  try {
    const diffs: number[] = [];
    const directTimes: number[] = [];
    const gateTimes: number[] = [];
    const gcs: PerformanceEntry[] = [];
    const observer = new PerformanceObserver((list) => gcs.push(...list.getEntries()));
    observer.observe({ entryTypes: ['gc'] });
    const spans: Array<[number, number]> = [];
    for (let i = 0; i < warmup + pairs; i++) {
      const start = performance.now();
      // Alternate which goes first, so drift (GC, JIT, sockets) does not favour one side.
      let d: number;
      let g: number;
      if (i % 2 === 0) {
        d = await viaSdk(2 * i);
        g = await viaGate(2 * i + 1);
      } else {
        g = await viaGate(2 * i + 1);
        d = await viaSdk(2 * i);
      }
      if (i < warmup) continue;
      spans.push([start, performance.now()]);
      diffs.push(g - d);
      directTimes.push(d);
      gateTimes.push(g);
    }
    await new Promise((resolve) => setTimeout(resolve, 50)); // GC entries arrive asynchronously
    observer.disconnect();
    const measured = gcs.filter((e) => e.startTime >= (spans[0]?.[0] ?? 0));
    const touched = spans.map(([a, b]) =>
      measured.some((e) => e.startTime < b && e.startTime + e.duration > a),
    );
    const result = {
      requests: pairs * 2,
      p50Ms: round(percentile(diffs, 50)),
      p99Ms: round(percentile(diffs, 99)),
      p99NoGcMs: round(
        percentile(
          diffs.filter((_, i) => !touched[i]),
          99,
        ),
      ),
      gc: {
        count: measured.length,
        pairsTouched: touched.filter(Boolean).length,
        p50PauseMs: round(
          percentile(
            measured.map((e) => e.duration),
            50,
          ),
        ),
      },
      directP50Ms: round(percentile(directTimes, 50)),
      gateP50Ms: round(percentile(gateTimes, 50)),
    };
    return {
      name: 'overhead',
      result,
      rows: [
        {
          pairs,
          'overhead p50 ms': result.p50Ms,
          'overhead p99 ms': result.p99Ms,
          'p99 w/o GC ms': result.p99NoGcMs,
          'GC pause p50 ms': result.gc.p50PauseMs,
          'direct p50 ms': result.directP50Ms,
          'gate p50 ms': result.gateP50Ms,
        },
      ],
      targets: [
        { name: 'overhead p50 <= 0.5 ms', met: result.p50Ms <= 0.5, value: `${result.p50Ms} ms` },
        {
          name: 'overhead p99 <= 2 ms',
          met: result.p99Ms <= 2,
          value: `${result.p99Ms} ms (${result.p99NoGcMs} ms without GC pauses)`,
        },
      ],
    };
  } finally {
    service.dispose();
    await server.close();
  }
}
