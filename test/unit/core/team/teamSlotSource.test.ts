// The team queue's semaphore against a real redis-server: FIFO within a class, classes in order,
// leases that renew while held and expire when the holder dies, accounts kept apart, the learned
// shared cap and the team cooldown.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MIN_HINT_MS } from '../../../../src/core/gate/retryHints';
import type { Slot } from '../../../../src/core/gate/slotSource';
import { teamKeys } from '../../../../src/core/team/teamKeys';
import type { TeamConnection } from '../../../../src/core/team/teamConnection';
import { acquireInto, sleep, teamQueueSuite } from '../../../helpers/teamQueue';
import { waitFor } from '../../../helpers/waitFor';

const IDENTITY = { providerId: 'deepseek', model: 'deepseek-flash', apiKey: 'sk-team-test' };

describe('team slot source', () => {
  const editor = teamQueueSuite();

  test('a free slot is granted at once, in team mode, with the queue visible', async () => {
    const a = await editor({ initialCap: 2 });
    assert.equal(a.mode, 'team');
    const slot = await a.acquire({ waiting: 0, cls: 'chat' });
    assert.equal(a.inFlight, 1);
    const status = a.snapshot();
    assert.equal(status.holders, 1);
    assert.equal(status.cap, 2);
    assert.equal(status.editors, 1);
    assert.match(status.queueId, /^deepseek:deepseek-flash:k-[0-9a-f]{16}$/);
    slot.release({ kind: 'success' });
    assert.equal(a.inFlight, 0);
  });

  test('idle again, an editor looks at the queue once: its tooltip does not keep its own finished request', async () => {
    const [a, b] = [await editor(), await editor()];
    const first = await a.acquire({ waiting: 0, cls: 'chat' });
    assert.equal(a.snapshot().holders, 1);
    const next = Promise.resolve(b.acquire({ waiting: 0, cls: 'chat' }));
    await waitFor(() => b.snapshot().place === 1);
    first.release({ kind: 'success' });
    (await next).release({ kind: 'success' });
    await waitFor(() => a.snapshot().holders === 0 && a.snapshot().editors === 2, {
      timeoutMs: 2000,
      what: `editor A's status updated after release: ${JSON.stringify(a.snapshot())}`,
    });
    assert.equal(a.snapshot().queueLength, 0);
  });

  test('FIFO within a class across editors', async () => {
    const [a, b, c, d] = [await editor(), await editor(), await editor(), await editor()];
    const order: string[] = [];
    const first = await acquireInto(a, 'a', order);
    const waiting = [acquireInto(b, 'b', order)];
    await sleep(30);
    waiting.push(acquireInto(c, 'c', order));
    await sleep(30);
    waiting.push(acquireInto(d, 'd', order));
    await waitFor(() => a.snapshot().queueLength === 3 || d.snapshot().queueLength === 3);
    assert.equal(d.snapshot().place, 3, 'the last to ask is third in line');
    first.release({ kind: 'failed' });
    for (let i = 0; i < 3; i++) {
      await waitFor(() => order.length === i + 2);
      (await waiting[i])?.release({ kind: 'failed' });
    }
    assert.deepEqual(order, ['a', 'b', 'c', 'd']);
  });

  test('chat before completions before background, whatever the arrival order', async () => {
    const [a, b] = [await editor(), await editor()];
    const order: string[] = [];
    const holder = await acquireInto(a, 'holder', order);
    const bg = acquireInto(b, 'background', order, { cls: 'background' });
    await sleep(30);
    const completion = acquireInto(a, 'completion', order, { cls: 'completion' });
    await sleep(30);
    const chat = acquireInto(b, 'chat', order, { cls: 'chat' });
    await waitFor(() => a.snapshot().queueLength === 3 || b.snapshot().queueLength === 3);
    holder.release({ kind: 'failed' });
    (await chat).release({ kind: 'failed' });
    (await completion).release({ kind: 'failed' });
    (await bg).release({ kind: 'failed' });
    assert.deepEqual(order, ['holder', 'chat', 'completion', 'background']);
  });

  test('a held lease is renewed while its request runs, so nobody else gets the slot', async () => {
    const [a, b] = [await editor({ leaseMs: 600 }), await editor({ leaseMs: 600 })];
    const held = await a.acquire({ waiting: 0, cls: 'chat' });
    let got = undefined as Slot | undefined;
    void Promise.resolve(b.acquire({ waiting: 0, cls: 'chat' })).then((s) => (got = s));
    await sleep(2000); // more than three leases
    assert.equal(got, undefined, 'the renewed lease kept the slot');
    held.release({ kind: 'success' });
    await waitFor(() => got !== undefined, { timeoutMs: 1000 });
    (got as Slot | undefined)?.release({ kind: 'success' });
  });

  test('a holder that dies without releasing loses its slot within one lease', async () => {
    const dying = await editor({ leaseMs: 800 });
    const b = await editor({ leaseMs: 800 });
    await dying.acquire({ waiting: 0, cls: 'chat' });
    const t0 = Date.now();
    dying.dispose(); // the connection closes, renewals stop, nobody releases
    const slot = await b.acquire({ waiting: 0, cls: 'chat' });
    const backMs = Date.now() - t0;
    assert.ok(backMs <= 800 + 700, `slot back after ${backMs} ms`);
    slot.release({ kind: 'success' });
  });

  test('a waiting editor that dies leaves the queue; the next one is served', async () => {
    const [a, b] = [await editor({ leaseMs: 600 }), await editor({ leaseMs: 600 })];
    const dead = await editor({ leaseMs: 600 });
    const holder = await a.acquire({ waiting: 0, cls: 'chat' });
    void Promise.resolve(dead.acquire({ waiting: 0, cls: 'chat' })).catch(() => undefined);
    await sleep(30);
    let got = undefined as Slot | undefined;
    void Promise.resolve(b.acquire({ waiting: 0, cls: 'chat' })).then((s) => (got = s));
    await sleep(30);
    // The editor's process dies: both its connections drop without a word to Redis.
    (dead as unknown as { connection: TeamConnection }).connection.disconnect();
    await sleep(700); // the dead waiter's heartbeat has expired
    holder.release({ kind: 'success' });
    await waitFor(() => got !== undefined, { timeoutMs: 1500, what: 'the live waiter served' });
    (got as Slot | undefined)?.release({ kind: 'success' });
  });

  test('a completion leaves the queue at its deadline, and aborting rejects with its reason', async () => {
    const [a, b] = [await editor(), await editor()];
    const holder = await a.acquire({ waiting: 0, cls: 'chat' });
    const controller = new AbortController();
    const pending = b.acquire({
      waiting: 0,
      cls: 'completion',
      signal: controller.signal,
      deadlineAt: Date.now() + 150,
    });
    await waitFor(() => a.snapshot().queueLength === 1 || b.snapshot().queueLength === 1);
    await sleep(250);
    const status = await a.refresh();
    assert.equal(status.queueLength, 0, 'the completion left the queue at its deadline');
    controller.abort(new Error('deadline'));
    await assert.rejects(Promise.resolve(pending), /deadline/);
    holder.release({ kind: 'success' });
  });

  test('two API keys never share a queue', async () => {
    const a = await editor();
    const b = await editor({ identity: { ...IDENTITY, apiKey: 'sk-other-account' } });
    const s1 = await a.acquire({ waiting: 0, cls: 'chat' });
    // Cap 1 each: the second account is served at once.
    const s2 = await Promise.race([Promise.resolve(b.acquire({ waiting: 0, cls: 'chat' })), sleep(500)]);
    assert.ok(s2, 'the other account got its own slot');
    assert.notEqual(a.snapshot().queueId, b.snapshot().queueId);
    assert.notEqual(teamKeys(IDENTITY).keys[0], teamKeys({ ...IDENTITY, apiKey: 'x' }).keys[0]);
    // One queue name joins keys of one account.
    assert.equal(
      teamKeys({ ...IDENTITY, apiKey: 'a', queueName: 'acme' }).id,
      teamKeys({ ...IDENTITY, apiKey: 'b', queueName: 'acme' }).id,
    );
    s1.release({ kind: 'success' });
    (s2 as Slot).release({ kind: 'success' });
  });

  test('the shared cap grows with successes under demand and is cut on a 429, once per cooldown', async () => {
    const [a, b] = [
      await editor({ initialCap: 2, cooldownMs: 400 }),
      await editor({ initialCap: 2, cooldownMs: 400 }),
    ];
    // Demand above the cap: 2 hold, 1 waits; each success adds half a slot.
    const s1 = await a.acquire({ waiting: 0, cls: 'chat' });
    const s2 = await a.acquire({ waiting: 0, cls: 'chat' });
    const third = Promise.resolve(b.acquire({ waiting: 0, cls: 'chat' }));
    await waitFor(() => a.snapshot().queueLength === 1 || b.snapshot().queueLength === 1);
    s1.release({ kind: 'success' });
    const s3 = await third;
    const fourth = Promise.resolve(b.acquire({ waiting: 0, cls: 'chat' }));
    await sleep(50);
    s2.release({ kind: 'success' });
    const s4 = await fourth;
    const grown = (await a.refresh()).cap;
    assert.ok(grown > 2, `cap grew to ${grown}`);
    // A 429 reporting 1 request in flight on the account: the cap drops to 1, a cooldown starts,
    // and a second 429 of the same burst does not cut again.
    s3.release({ kind: 'rateLimited', reportedConcurrency: 1 });
    s4.release({ kind: 'rateLimited', reportedConcurrency: 1 });
    await sleep(50);
    const cut = await a.refresh();
    assert.equal(cut.cap, 1);
    assert.ok(cut.cooldownMs > 0 && cut.cooldownMs <= 400, `team cooldown ${cut.cooldownMs} ms`);
    assert.equal(a.limit, 1);
    // During the cooldown no slot is handed out; after it, one is.
    let got = undefined as Slot | undefined;
    void Promise.resolve(b.acquire({ waiting: 0, cls: 'chat' })).then((s) => (got = s));
    await sleep(150);
    assert.equal(got, undefined, 'nobody starts during the team cooldown');
    await waitFor(() => got !== undefined, { timeoutMs: 2500, what: 'a slot after the cooldown' });
    (got as Slot | undefined)?.release({ kind: 'success' });
  });

  test("a 429 pauses the team for the gate's shortest 429 pause, not longer than a short request", async () => {
    const [a, b] = [await editor({ initialCap: 2 }), await editor({ initialCap: 2 })];
    const s1 = await a.acquire({ waiting: 0, cls: 'completion' });
    s1.release({ kind: 'rateLimited', reportedConcurrency: 2 });
    await sleep(20);
    const paused = await a.refresh();
    assert.ok(
      paused.cooldownMs > 0 && paused.cooldownMs <= MIN_HINT_MS,
      `team cooldown ${paused.cooldownMs} ms`,
    );
    const t0 = Date.now();
    const next = await b.acquire({ waiting: 0, cls: 'completion' });
    const waited = Date.now() - t0;
    assert.ok(waited < MIN_HINT_MS + 150, `the next completion started after ${waited} ms`);
    next.release({ kind: 'success' });
  });

  test('the cap never passes the configured maximum', async () => {
    const a = await editor({ initialCap: 1, maxCap: 2 });
    for (let i = 0; i < 6; i++) {
      const s = await a.acquire({ waiting: 0, cls: 'chat' });
      const next = Promise.resolve(a.acquire({ waiting: 0, cls: 'chat' }));
      await sleep(10);
      s.release({ kind: 'success' });
      (await next).release({ kind: 'success' });
    }
    assert.ok((await a.refresh()).cap <= 2);
  });
});
