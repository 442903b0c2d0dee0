// The emulator keeps every request's raw body (bounded by total size), so a test can prove that a
// string, e.g. an excluded file's content, was never sent in any part of any request.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Emulator } from '../../../../tools/emulator/server';
import { BodyLog } from '../../../../tools/emulator/stats';
import { chatBody, chatClient, fimClient, startFastEmulator } from '../../../helpers/emulator';

let emu: Emulator;
before(async () => (emu = await startFastEmulator()));
after(() => emu.close());

describe('never sends an excluded file: the emulator can tell what was sent', () => {
  test('finds a string in any part of chat and FIM bodies, JSON-escaped or not, and forgets on reset', async () => {
    emu.resetStats();
    // Deep in the messages (not the last user message), and in a FIM suffix (not the prompt).
    await chatClient(emu).chat.completions.create({
      ...chatBody('hello'),
      messages: [
        { role: 'system', content: 'context: MARKER_SYSTEM_1 and "quoted\nMARKER"' },
        { role: 'user', content: 'hello' },
      ],
    });
    await fimClient(emu).completions.create({
      model: 'deepseek-flash',
      prompt: 'const a = 1;',
      suffix: '// MARKER_SUFFIX_2',
      max_tokens: 8,
    });
    assert.equal(emu.sent('MARKER_SYSTEM_1').matches, 1);
    assert.equal(emu.sent('MARKER_SUFFIX_2').matches, 1);
    assert.equal(emu.sent('"quoted\nMARKER"').matches, 1, 'found through its JSON escaping');
    assert.equal(emu.sent('NEVER_SENT_3').matches, 0);
    assert.equal(emu.sent('NEVER_SENT_3').requests, 2);

    const res = await fetch(`${emu.url}/_emulator/sent?contains=${encodeURIComponent('MARKER_SUFFIX_2')}`);
    assert.deepEqual(await res.json(), { matches: 1, requests: 2, dropped: 0 });

    await fetch(`${emu.url}/_emulator/reset`, { method: 'POST' });
    assert.deepEqual(emu.sent('MARKER_SUFFIX_2'), { matches: 0, requests: 0, dropped: 0 });
  });

  test('a body answered with a 429 before it was read still counts as sent', async () => {
    emu.resetStats();
    emu.setFault({ kind: 'rateLimited', count: 1 });
    await chatClient(emu)
      .chat.completions.create(chatBody('MARKER_429_4'))
      .catch(() => undefined);
    // The body may still be arriving when the 429 goes out: give it a moment to land.
    const deadline = Date.now() + 2_000;
    while (emu.sent('MARKER_429_4').matches === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    assert.equal(emu.sent('MARKER_429_4').matches, 1);
    assert.equal(emu.stats().sent429, 1);
  });

  test('the log is bounded by total bytes and says when it dropped requests', () => {
    const log = new BodyLog(100);
    log.add('a'.repeat(60) + 'FIRST');
    log.add('b'.repeat(60) + 'SECOND');
    assert.deepEqual(log.search('FIRST'), { matches: 0, requests: 1, dropped: 1 });
    assert.equal(log.search('SECOND').matches, 1);
  });
});
