// On, off and snoozed: the switch behind `pacer.toggleCompletions` / `pacer.snoozeCompletions`.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CompletionSwitch } from '../../../../src/core/completion/completionSwitch';
import type { CompletionMode } from '../../../../src/core/completion/completionSwitch';
import { FakeClock } from '../../../helpers/fakeClock';

describe('completion switch', () => {
  test('off follows the setting', () => {
    const s = new CompletionSwitch(new FakeClock(), true);
    assert.deepEqual(s.mode, { kind: 'on' });
    s.setEnabled(false);
    assert.deepEqual(s.mode, { kind: 'off' });
    assert.equal(s.active, false);
  });

  test('a snooze ends by itself and tells the listeners', async () => {
    const clock = new FakeClock();
    const s = new CompletionSwitch(clock, true);
    const seen: CompletionMode[] = [];
    s.onDidChange((m) => seen.push(m));
    s.snooze(10 * 60_000);
    assert.deepEqual(s.mode, { kind: 'snoozed', untilMs: clock.now() + 600_000 });
    assert.equal(s.active, false);
    await clock.advance(600_000 - 1);
    assert.equal(s.mode.kind, 'snoozed');
    await clock.advance(1);
    assert.deepEqual(s.mode, { kind: 'on' });
    assert.deepEqual(
      seen.map((m) => m.kind),
      ['snoozed', 'on'],
    );
  });

  test('resume ends a snooze early; off wins over snoozed', () => {
    const clock = new FakeClock();
    const s = new CompletionSwitch(clock, true);
    // A function, not s.mode.kind: TypeScript would narrow the getter's value after each assert.
    const kind = () => s.mode.kind;
    s.snooze(60_000);
    s.setEnabled(false);
    assert.equal(kind(), 'off');
    s.setEnabled(true);
    assert.equal(kind(), 'snoozed');
    s.resume();
    assert.equal(kind(), 'on');
    assert.equal(clock.pendingTimers, 0);
  });

  test('a persisted snooze survives a restart, an expired one does not', () => {
    const clock = new FakeClock();
    assert.equal(new CompletionSwitch(clock, true, clock.now() + 5000).mode.kind, 'snoozed');
    assert.equal(new CompletionSwitch(clock, true, clock.now() - 5000).mode.kind, 'on');
  });
});
