// #15 item 4: a provider whose answers stall until its circuit opens, then answers: the answer
// that arrives ends the alarm (the status must not turn red "down (not answering)" right after
// the user got the answer). A 429 storm keeps its rule: only a probe ends it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryKeyStore } from '../../../../src/core/providers/keyStore';
import type { Router } from '../../../../src/core/providers/router';
import type { Emulator } from '../../../../tools/emulator/server';
import { startFastEmulator } from '../../../helpers/emulator';
import { testRouter, twoProviders } from '../../../helpers/routerFixture';

let emu: Emulator;
before(async () => {
  emu = await startFastEmulator({ answerTokens: 8 });
});
after(async () => {
  await emu.close();
});

function router(): Router {
  return testRouter(
    twoProviders(emu),
    { probeIntervalMs: 60_000 },
    {
      keys: new MemoryKeyStore({ deepseek: 'sk-test' }),
      service: {
        client: { chatWatchdog: { firstTokenMs: 300, idleMs: 300 } },
        gate: { retryBackoff: { baseMs: 50, capMs: 100 } },
      },
    },
  );
}

describe('the status tells the truth: an answer ends a stall alarm', () => {
  test('three stalls open the circuit; the retry that answers closes it again', async () => {
    const r = router();
    try {
      emu.setFault({ kind: 'stall', count: 3, paths: ['/chat/completions'] });
      const result = await r.chat({
        messages: [{ role: 'user', content: 'hello' }],
        model: 'deepseek-flash',
      });
      assert.equal(result.providerId, 'deepseek');
      assert.ok((emu.stats().faultsInjected ?? 0) >= 3, 'the stalls happened');
      // The answer arrived: the provider is not shown as down.
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.notEqual(r.state().providers[0]!.health.kind, 'down');
    } finally {
      r.dispose();
      emu.setFault({ kind: 'none' });
    }
  });
});
