// The README's minimal ACL for the team queue, checked against a real redis-server: a Redis user
// with only these commands, keys and channels runs every step of the queue (grant, wait and wake,
// renew, a 429 with its cooldown, the tooltip's look) without ever falling back; a wrong password
// falls back at once and says which command sets the right one. The team's usage totals run
// under it too.
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { realClock } from '../../../../src/core/common/clock';
import { teamKeys } from '../../../../src/core/team/teamKeys';
import { createTeamClient } from '../../../../src/core/team/teamRedis';
import type { TeamSlotSource } from '../../../../src/core/team/teamSlotSource';
import { TeamUsageLedger } from '../../../../src/core/team/teamUsage';
import type { RedisServer } from '../../../helpers/redisServer';
import { startRedisServer } from '../../../helpers/redisServer';
import { sleep, teamEditor } from '../../../helpers/teamQueue';
import type { EditorOptions } from '../../../helpers/teamQueue';
import { waitFor } from '../../../helpers/waitFor';

/** As the README's team section writes it (after `user pacer on >password`). */
const MINIMAL_ACL =
  '~pacer:* &pacer:* -@all +eval +evalsha +subscribe +ping +info +time +exists +get +set +incr +pexpire +pttl +publish +zadd +zcard +zcount +zrange +zrangebyscore +zrank +zrem +zremrangebyscore +zscore +hincrby +hgetall';

describe('team queue under the minimal ACL', () => {
  let server: RedisServer;
  let url: string;
  const editors: TeamSlotSource[] = [];
  const modes: string[] = [];
  const editor = async (options: EditorOptions = {}) => {
    const source = await teamEditor(url, {
      password: 's3cret',
      onModeChange: (mode, error) => modes.push(`${mode}${error ? `: ${String(error)}` : ''}`),
      ...options,
    });
    editors.push(source);
    return source;
  };

  before(async () => {
    server = await startRedisServer({
      args: ['--user', 'pacer', 'on', '>s3cret', ...MINIMAL_ACL.split(' ')],
    });
    url = server.url.replace('redis://', 'redis://pacer@');
  });
  afterEach(() => {
    for (const e of editors.splice(0)) e.dispose();
    modes.length = 0;
  });
  after(async () => {
    await server.close();
  });

  test('every step of the queue runs with these commands only', async () => {
    const [a, b] = [await editor({ leaseMs: 600 }), await editor({ leaseMs: 600, cooldownMs: 100 })];
    const first = await a.acquire({ waiting: 0, cls: 'chat' });
    const waiting = Promise.resolve(b.acquire({ waiting: 0, cls: 'chat' }));
    await waitFor(() => b.snapshot().place === 1, { what: 'B waits in line' });
    await sleep(450); // A renews its lease (every 200 ms), B beats while it waits
    first.release({ kind: 'success' });
    const second = await waiting;
    second.release({ kind: 'rateLimited', reportedConcurrency: 1 });
    const status = await a.refresh();
    assert.ok(status.cap >= 1);
    await sleep(200); // B's look at the queue after the team cooldown
    assert.deepEqual(
      [a.mode, b.mode],
      ['team', 'team'],
      `no fall back for want of a permission: ${modes.join('; ')}`,
    );
    assert.ok(!modes.some((m) => m.startsWith('fallback')), modes.join('; '));
  });

  test("the team's usage totals are added and read with these commands only", async () => {
    const client = createTeamClient({ url, password: 's3cret' });
    await client.connect();
    const ledger = new TeamUsageLedger({
      keys: teamKeys({ providerId: 'deepseek', model: 'm' }),
      clock: realClock,
    });
    try {
      ledger.use(client);
      const now = Date.now();
      ledger.add({ at: now, answered: 2, costUsd: 0.01 });
      await ledger.flush();
      ledger.add({ at: now, answered: 1 });
      // Read from Redis plus the one unsent addition; a refused command would make it undefined.
      assert.equal((await ledger.totals(now))?.answered, 3);
      assert.equal((await ledger.totals(now))?.costUsd, 0.01);
    } finally {
      ledger.dispose();
      client.disconnect();
    }
  });

  test('a wrong password: local pacing at once, and the reason names the command that fixes it', async () => {
    const a = await editor({ password: 'wrong' });
    assert.equal(a.mode, 'fallback');
    assert.match(a.snapshot().reason ?? '', /Redis refused the password.*Pacer: Set Team Redis Password/);
  });
});
