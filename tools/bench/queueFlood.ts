// 10,000 completion requests queued while the provider cools down after a 429: every one must
// settle (answered, or dropped at its deadline) and the heap must stay small. The emulator runs
// in its own process so only Pacer's memory is measured.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { PacerError } from '../../src/core/common/errors';
import { createDeepSeekEndpoint } from '../../src/core/providers/providerEndpoint';
import { createProviderService } from '../../src/core/providers/providerService';
import { startEmulatorProcess } from './emulatorProcess';
import { round } from './stats';
import type { SectionOptions, SectionOutput } from './types';

function gcFunction(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

export async function run({ quick }: SectionOptions): Promise<SectionOutput> {
  const total = quick ? 2000 : 10_000;
  const gc = gcFunction();
  // A 1 s Retry-After: shorter than a completion's 1.5 s deadline, so requests queue instead of failing fast.
  const emu = await startEmulatorProcess({ 'retry-after': 1, ttft: 20, tps: 2000 });
  const service = createProviderService(
    createDeepSeekEndpoint({ baseUrl: emu.url, getApiKey: async () => 'sk-bench' }),
  );
  try {
    await fetch(`${emu.url}/_emulator/fault`, {
      method: 'POST',
      body: JSON.stringify({ kind: 'rateLimited', count: 1 }),
    });
    await service
      .chat({ messages: [{ role: 'user', content: 'start the cooldown' }] }, { deadlineMs: 100 })
      .catch(() => undefined);
    const cooling = service.snapshot();
    if (!cooling.cooldownUntil) throw new Error('the provider did not cool down');

    gc();
    const baseline = process.memoryUsage().heapUsed;
    let peak = baseline;
    const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 5);
    const t0 = performance.now();
    const outcome = { answered: 0, deadline: 0, other: 0 };
    const requests: Promise<void>[] = [];
    for (let i = 0; i < total; i++) {
      const pending = service
        .complete({ prompt: `const value${i} = compute(`, suffix: ');\n', maxTokens: 16 })
        .then(
          () => void outcome.answered++,
          (e: unknown) => void (PacerError.is(e, 'deadline') ? outcome.deadline++ : outcome.other++),
        );
      requests.push(pending);
    }
    const queued = service.snapshot().queued;
    peak = Math.max(peak, process.memoryUsage().heapUsed);
    // What the queued requests really hold (peak also counts garbage not yet collected).
    gc();
    const live = process.memoryUsage().heapUsed - baseline;
    await Promise.all(requests);
    const settleMs = performance.now() - t0;
    clearInterval(sample);
    requests.length = 0;
    gc();
    const retained = process.memoryUsage().heapUsed - baseline;
    const settled = outcome.answered + outcome.deadline + outcome.other;
    const result = {
      requests: total,
      queuedDuringCooldown: queued,
      settled,
      answered: outcome.answered,
      droppedAtDeadline: outcome.deadline,
      otherErrors: outcome.other,
      settleMs: Math.round(settleMs),
      heapMB: round(live / 1024 / 1024, 1),
      peakHeapMB: round((peak - baseline) / 1024 / 1024, 1),
      retainedMB: round(retained / 1024 / 1024, 1),
    };
    return {
      name: 'queueFlood',
      result,
      rows: [result],
      targets: [
        { name: 'every request settled', met: settled === total, value: `${settled} of ${total}` },
        { name: 'heapMB <= 50', met: result.heapMB <= 50, value: `${result.heapMB} MB` },
      ],
    };
  } finally {
    service.dispose();
    await emu.close();
  }
}
