// The team queue when Redis fails (refused, restarted, frozen) and what it stores: editors behind
// real gates share an emulated account with cap 1, nobody's chat is lost when Redis goes away,
// and a scan of every key and value finds no prompt, answer or API key.
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Redis from 'ioredis';
import { realClock } from '../../../../src/core/common/clock';
import { LocalSlotSource } from '../../../../src/core/gate/slotSource';
import { createDeepSeekEndpoint } from '../../../../src/core/providers/providerEndpoint';
import { createProviderService } from '../../../../src/core/providers/providerService';
import type { ProviderService } from '../../../../src/core/providers/providerService';
import { createTeamSource } from '../../../../src/core/team/createTeamSource';
import type { TeamSlotSource } from '../../../../src/core/team/teamSlotSource';
import type { Emulator } from '../../../../tools/emulator/server';
import { startFastEmulator } from '../../../helpers/emulator';
import type { RedisServer } from '../../../helpers/redisServer';
import { startRedisServer } from '../../../helpers/redisServer';
import { sleep, teamEditor } from '../../../helpers/teamQueue';
import { waitFor } from '../../../helpers/waitFor';

describe('team queue faults', () => {
  let server: RedisServer;
  const editors: TeamSlotSource[] = [];
  const editor = async (options: Parameters<typeof teamEditor>[1] = {}) => {
    const source = await teamEditor(server.url, options);
    editors.push(source);
    return source;
  };

  before(async () => {
    server = await startRedisServer();
  });
  afterEach(async () => {
    for (const e of editors.splice(0)) e.dispose();
    await server.start(); // a test may have left it stopped
    server.thaw();
  });
  after(async () => {
    await server.close();
  });

  test('Redis refused: local pacing at once, the team queue again once Redis is back', async () => {
    const a = await editor();
    assert.equal(a.mode, 'team');
    await server.stop();
    const t0 = Date.now();
    const slot = await a.acquire({ waiting: 0, cls: 'chat' });
    assert.ok(Date.now() - t0 < 1000, `a slot within ${Date.now() - t0} ms`);
    assert.equal(a.mode, 'fallback');
    assert.ok(a.snapshot().fallbackSince !== undefined);
    slot.release({ kind: 'success' });
    await server.start();
    const backMs = await waitFor(() => a.mode === 'team', { timeoutMs: 5000, what: 'team mode again' });
    assert.ok(backMs < 5000);
    const again = await a.acquire({ waiting: 0, cls: 'chat' });
    assert.equal(a.snapshot().holders, 1, 'served by the (restarted, empty) team queue');
    again.release({ kind: 'success' });
  });

  test('Redis restarted while a chat waits: the chat moves to local pacing, nothing is lost', async () => {
    const [a, b] = [await editor(), await editor()];
    const holder = await a.acquire({ waiting: 0, cls: 'chat' });
    const waitingChat = Promise.resolve(b.acquire({ waiting: 0, cls: 'chat' }));
    await waitFor(() => b.snapshot().place === 1);
    await server.stop();
    const t0 = Date.now();
    const slot = await waitingChat;
    assert.ok(Date.now() - t0 < 1500, `the waiting chat got a local slot after ${Date.now() - t0} ms`);
    assert.equal(b.mode, 'fallback');
    holder.release({ kind: 'success' }); // Redis is gone: the lease would have expired anyway
    slot.release({ kind: 'success' });
    await server.start();
    await waitFor(() => a.mode === 'team' && b.mode === 'team', 5000);
    const s1 = await a.acquire({ waiting: 0, cls: 'chat' });
    const next = Promise.resolve(b.acquire({ waiting: 0, cls: 'chat' }));
    await sleep(100);
    s1.release({ kind: 'success' });
    (await next).release({ kind: 'success' });
  });

  test('Redis frozen (SIGSTOP): requests do not wait on the hung connection', async () => {
    const a = await editor();
    server.freeze();
    const t0 = Date.now();
    const slot = await a.acquire({ waiting: 0, cls: 'chat' });
    const took = Date.now() - t0;
    assert.ok(took < 1200, `slot after ${took} ms with Redis frozen`);
    assert.equal(a.mode, 'fallback');
    slot.release({ kind: 'success' });
    server.thaw();
    await waitFor(() => a.mode === 'team', { timeoutMs: 5000, what: 'team mode after the thaw' });
  });

  test('Redis frozen while an editor holds a slot or sits between requests: local pacing within a second, before its next request', async () => {
    const [holder, idle] = [await editor({ initialCap: 2 }), await editor({ initialCap: 2 })];
    const slot = await holder.acquire({ waiting: 0, cls: 'chat' });
    (await idle.acquire({ waiting: 0, cls: 'chat' })).release({ kind: 'success' });
    await sleep(400); // the idle editor's look at the queue after its request is done
    server.freeze();
    const t0 = Date.now();
    await waitFor(() => holder.mode === 'fallback' && idle.mode === 'fallback', {
      timeoutMs: 3000,
      what: 'both in fallback',
      detail: () => `holder ${holder.mode}, idle ${idle.mode}`,
    });
    const took = Date.now() - t0;
    assert.ok(took <= 1000, `fallback after ${took} ms`);
    const next = Date.now();
    (await idle.acquire({ waiting: 0, cls: 'chat' })).release({ kind: 'success' });
    assert.ok(Date.now() - next < 50, 'the next request does not wait on the hung connection');
    slot.release({ kind: 'success' });
  });

  test('Redis not there at start: the editor paces locally from its first request', async () => {
    await server.stop();
    const a = await editor();
    assert.equal(a.mode, 'fallback');
    const slot = await a.acquire({ waiting: 0, cls: 'completion' });
    slot.release({ kind: 'success' });
    await server.start();
    await waitFor(() => a.mode === 'team', 5000);
  });
});

describe('team queue behind real gates', () => {
  let server: RedisServer;
  let emu: Emulator;
  let admin: Redis;
  before(async () => {
    server = await startRedisServer();
    admin = new Redis(server.url);
    emu = await startFastEmulator({ concurrencyCap: 1 });
  });
  after(async () => {
    admin.disconnect();
    await emu.close();
    await server.close();
  });

  const services = (n: number, apiKey: string): ProviderService[] =>
    Array.from({ length: n }, () => {
      const local = new LocalSlotSource({ clock: realClock });
      const slotSource = createTeamSource({
        url: server.url,
        identity: { providerId: 'deepseek', model: 'deepseek-flash', apiKey },
        local,
        clock: realClock,
        // The account's cap is known here: no additive probe above it (that would be one 429).
        initialCap: 1,
        maxCap: 1,
      });
      return createProviderService(
        createDeepSeekEndpoint({ baseUrl: emu.url, getApiKey: async () => apiKey }),
        { gate: { slotSource } },
      );
    });

  test('three editors on an account with cap 1: every chat answered, no 429, nothing private in Redis', async () => {
    const SECRET = 'sk-SECRET-team-key-7f3a';
    const PROMPT = 'PROMPT-MARKER-team-queue-privacy';
    const editors = services(3, SECRET);
    try {
      await sleep(200); // connections open
      const answers = await Promise.all(
        editors.flatMap((s, i) =>
          [0, 1].map((n) =>
            s.chat({ messages: [{ role: 'user', content: `${PROMPT} editor ${i} question ${n}` }] }),
          ),
        ),
      );
      assert.equal(answers.length, 6);
      const stats = emu.stats();
      assert.equal(
        stats.sent429,
        0,
        `the shared queue kept the account under its cap: ${JSON.stringify(stats)}`,
      );
      assert.equal(stats.maxInFlight, 1);
      // Every key and every value Redis holds.
      const dump: string[] = [];
      for (const key of await admin.keys('*')) {
        dump.push(key);
        const type = await admin.type(key);
        if (type === 'string') dump.push(String(await admin.get(key)));
        else if (type === 'zset') dump.push(...(await admin.zrange(key, '0', '-1', 'WITHSCORES')));
        else if (type === 'hash') dump.push(...Object.entries(await admin.hgetall(key)).flat());
        else if (type === 'list') dump.push(...(await admin.lrange(key, 0, -1)));
        else if (type === 'set') dump.push(...(await admin.smembers(key)));
        else dump.push(`unexpected type ${type}`);
        assert.ok((await admin.pttl(key)) > 0, `${key} expires`);
      }
      assert.ok(dump.length > 4, 'the queue is in Redis');
      const text = dump.join('\n');
      assert.doesNotMatch(text, /unexpected type/);
      for (const secret of [SECRET, 'SECRET', PROMPT, 'MARKER', 'question'])
        assert.ok(!text.includes(secret), `Redis holds "${secret}"`);
      for (const answer of answers) {
        const words = answer.text.split(/\s+/).filter((w) => w.length >= 8);
        for (const w of words) assert.ok(!text.includes(w), `Redis holds a word of an answer: ${w}`);
      }
    } finally {
      for (const s of editors) s.dispose();
    }
  });
});
