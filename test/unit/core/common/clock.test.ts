// Intervals follow a monotonic clock: a backwards step of the wall clock (NTP, the user) must not
// extend a cooldown, while the calendar facts (the ledger's day, a provider's HTTP date or reset
// epoch) are read from the wall clock.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { monotonicEpoch, realClock } from '../../../../src/core/common/clock';
import { PacerError } from '../../../../src/core/common/errors';
import { Cooldown } from '../../../../src/core/gate/cooldown';
import { Gate } from '../../../../src/core/gate/gate';
import { ProviderClient } from '../../../../src/core/providers/providerClient';
import { createDeepSeekEndpoint } from '../../../../src/core/providers/providerEndpoint';
import type { Emulator } from '../../../../tools/emulator/server';
import { startFastEmulator } from '../../../helpers/emulator';
import { FakeClock, flush } from '../../../helpers/fakeClock';

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 10, 20, 12, 0, 0);

describe('cooldowns follow a monotonic clock, not the wall clock', () => {
  test('the reading never goes back, ignores a backwards step and follows the wall clock forwards', () => {
    let wall = NOW;
    let mono = 50;
    const now = monotonicEpoch(
      () => wall,
      () => mono,
    );
    assert.equal(now(), NOW, 'on the epoch scale');
    mono += 1000;
    wall += 1000;
    assert.equal(now(), NOW + 1000);
    wall -= HOUR; // stepped back an hour
    assert.equal(now(), NOW + 1000, 'a backwards step changes nothing');
    mono += 500;
    wall += 500;
    assert.equal(now(), NOW + 1500, 'time still passes at the monotonic rate');
    wall += 8 * HOUR; // the machine slept (the monotonic clock stood still): the wall clock runs ahead
    assert.equal(now(), wall, 'back on the wall clock after sleep');
  });

  test('real clock: a cooldown ends on time when the wall clock is stepped back an hour while it runs', async () => {
    const cooldown = new Cooldown({ clock: realClock, random: () => 0, backoff: { baseMs: 1, capMs: 1 } });
    const wallNow = Date.now;
    cooldown.trigger({ hintMs: 300 });
    Date.now = () => wallNow() - HOUR;
    try {
      await new Promise((r) => setTimeout(r, 400));
      assert.equal(cooldown.active, false, `still cooling for ${cooldown.remainingMs()} ms`);
    } finally {
      Date.now = wallNow;
      cooldown.dispose();
    }
  });

  test('gate on the fake clock: a backwards wall step during a 429 cooldown delays the retry by nothing', async () => {
    const clock = new FakeClock(NOW);
    const gate = new Gate({ providerId: 'deepseek', clock, random: () => 0 });
    let attempts = 0;
    const answer = gate.run(
      async () => {
        attempts++;
        if (attempts === 1)
          throw new PacerError({
            kind: 'rateLimited',
            providerId: 'deepseek',
            message: '429',
            retryAfterMs: 3000,
          });
        return 'ok';
      },
      { cls: 'chat', deadlineMs: 60_000 },
    );
    await flush();
    assert.equal(attempts, 1);
    clock.stepWall(-HOUR);
    await clock.advance(2999);
    assert.equal(attempts, 1);
    await clock.advance(1);
    assert.equal(await answer, 'ok');
    assert.equal(attempts, 2);
    assert.equal(gate.snapshot().cooldownRemainingMs, 0);
    gate.dispose();
  });
});

describe("a provider's HTTP date is read against the wall clock", () => {
  let emu: Emulator;
  before(async () => {
    emu = await startFastEmulator();
  });
  after(() => emu.close());

  test('after the wall clock was stepped back an hour, Retry-After: <date 5 s ahead> still means 5 s', async () => {
    // This machine's clock ran an hour fast, then NTP set it right: the wall clock is right again,
    // the interval reading is an hour ahead of it.
    const started = Date.now();
    const clock = new FakeClock(started + HOUR);
    clock.stepWall(-HOUR);
    emu.setOptions({ retryHeaders: { 'retry-after': '{date+5}' } });
    emu.setFault({ kind: 'rateLimited', count: 1 });
    const client = new ProviderClient(
      createDeepSeekEndpoint({ baseUrl: emu.url, getApiKey: async () => 'sk-test' }),
      { clock },
    );
    await assert.rejects(
      client.streamChat({ messages: [{ role: 'user', content: 'hi' }] }),
      (e: unknown) =>
        PacerError.is(e, 'rateLimited') &&
        e.retryAfterMs !== undefined &&
        // An HTTP date has whole seconds (up to 1 s lost), and the fake wall clock stood still
        // while the real one moved on (loading the SDK on a busy machine can take seconds): the
        // reading is 5 s plus that, give or take the second. Wrong readings are an hour off, or 0.
        e.retryAfterMs > 2000 &&
        e.retryAfterMs <= 5000 + (Date.now() - started),
    );
  });
});
