// The team's usage totals in Redis (teamUsage.ts) against a real redis-server: two editors' additions
// sum, hours split the range, the cost stays exact, the keys expire and hold only numbers, and
// additions made while Redis is down reach it once it is back.
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Redis from 'ioredis';
import { realClock } from '../../../../src/core/common/clock';
import { teamKeys } from '../../../../src/core/team/teamKeys';
import type { TeamClient } from '../../../../src/core/team/teamRedis';
import { createTeamClient } from '../../../../src/core/team/teamRedis';
import { TeamUsageLedger } from '../../../../src/core/team/teamUsage';
import type { RedisServer } from '../../../helpers/redisServer';
import { startRedisServer } from '../../../helpers/redisServer';
import { waitFor } from '../../../helpers/waitFor';

const HOUR = 3_600_000;
const keys = teamKeys({ providerId: 'deepseek', model: 'deepseek-chat', apiKey: 'sk-team-usage-test' });

describe('team usage totals in Redis', () => {
  let server: RedisServer;
  const open: Array<{ dispose(): void } | TeamClient> = [];

  const client = async (): Promise<TeamClient> => {
    const c = createTeamClient({ url: server.url });
    await c.connect();
    open.push(c);
    return c;
  };
  const ledger = (c: TeamClient | undefined, flushMs = 60_000) => {
    const l = new TeamUsageLedger({ keys, clock: realClock, flushMs });
    if (c) l.use(c);
    open.push(l);
    return l;
  };

  before(async () => {
    server = await startRedisServer();
  });
  afterEach(async () => {
    for (const o of open.splice(0).reverse()) {
      if ('dispose' in o) o.dispose();
      else o.disconnect();
    }
    await server.start();
    const admin = new Redis(server.url);
    await admin.flushall();
    admin.disconnect();
  });
  after(async () => {
    await server.close();
  });

  test("two editors' additions sum; either reads the team's totals", async () => {
    const a = ledger(await client());
    const b = ledger(await client());
    const now = Date.now();
    a.add({ at: now, answered: 3, rateLimited: 1, promptTokens: 100, costUsd: 0.1 });
    b.add({ at: now, answered: 2, errors: 1, fallback: 1, outputTokens: 40, costUsd: 0.2 });
    await Promise.all([a.flush(), b.flush()]);
    const totals = await a.totals(now - HOUR);
    assert.ok(totals);
    assert.equal(totals.answered, 5);
    assert.equal(totals.rateLimited, 1);
    assert.equal(totals.errors, 1);
    assert.equal(totals.fallback, 1);
    assert.equal(totals.promptTokens, 100);
    assert.equal(totals.outputTokens, 40);
    // Micro-dollars in Redis: 0.1 + 0.2 is 0.3 exactly, not 0.30000000000000004.
    assert.equal(totals.costUsd, 0.3);
    assert.deepEqual(await b.totals(now - HOUR), totals);
  });

  test("this editor's additions count before they are sent", async () => {
    const a = ledger(await client());
    const now = Date.now();
    a.add({ at: now, answered: 2 });
    assert.equal((await a.totals(now))?.answered, 2);
    await a.flush();
    assert.equal((await a.totals(now))?.answered, 2, 'counted once after the flush');
  });

  test('the range starts at its hour: older hours are left out', async () => {
    const a = ledger(await client());
    const now = Date.now();
    a.add({ at: now - 5 * HOUR, answered: 7 });
    a.add({ at: now, answered: 1 });
    await a.flush();
    assert.equal((await a.totals(now - 6 * HOUR))?.answered, 8);
    assert.equal((await a.totals(now - HOUR))?.answered, 1);
  });

  test('keys carry the queue hash tag, expire, and hold only numbers', async () => {
    const c = await client();
    const a = ledger(c);
    a.add({ at: Date.now(), answered: 1, promptTokens: 12, costUsd: 0.00042, estimatedUsd: 0.00042 });
    await a.flush();
    const found = await c.keys('*');
    assert.equal(found.length, 1);
    const [key] = found as [string];
    assert.ok(key.startsWith(keys.prefix), key);
    const ttl = await c.pttl(key);
    assert.ok(ttl > 90 * 24 * HOUR && ttl <= 91 * 24 * HOUR, `ttl ${ttl}`);
    const hash = await c.hgetall(key);
    for (const [field, value] of Object.entries(hash)) assert.match(value, /^\d+$/, `${field}=${value}`);
    assert.equal(hash.costMicroUsd, '420');
  });

  test('sent on its own after the flush interval', async () => {
    const c = await client();
    const a = ledger(c, 50);
    a.add({ at: Date.now(), answered: 1 });
    await waitFor(async () => (await c.keys('*')).length === 1, { timeoutMs: 2000, what: 'the timed flush' });
  });

  test('Redis down: additions wait and reach Redis once it is back; reads say unavailable meanwhile', async () => {
    const c = await client();
    const a = ledger(c, 100);
    await server.stop();
    await waitFor(() => c.status !== 'ready', { timeoutMs: 3000, what: 'the connection noticing' });
    const now = Date.now();
    a.add({ at: now, answered: 4, costUsd: 0.5 });
    await a.flush();
    assert.equal(await a.totals(now), undefined, 'no totals without Redis');
    await server.start();
    await waitFor(() => c.status === 'ready', { timeoutMs: 5000, what: 'the reconnect' });
    const reader = ledger(await client());
    await waitFor(async () => (await reader.totals(now))?.answered === 4, {
      timeoutMs: 3000,
      what: 'the held additions in Redis',
    });
    assert.equal((await reader.totals(now))?.costUsd, 0.5);
  });

  test('disposed: its last additions still reach Redis', async () => {
    const c = await client();
    const a = new TeamUsageLedger({ keys, clock: realClock, flushMs: 60_000 });
    a.use(c);
    const now = Date.now();
    a.add({ at: now, answered: 3 });
    a.dispose();
    const reader = ledger(await client());
    await waitFor(async () => (await reader.totals(now))?.answered === 3, {
      timeoutMs: 2000,
      what: 'the final flush',
    });
  });

  test('no connection yet: additions wait for the first one', async () => {
    const a = ledger(undefined, 50);
    const now = Date.now();
    a.add({ at: now, answered: 2 });
    assert.equal(await a.totals(now), undefined);
    a.use(await client());
    const reader = ledger(await client());
    await waitFor(async () => (await reader.totals(now))?.answered === 2, {
      timeoutMs: 2000,
      what: 'the additions after use()',
    });
  });
});
