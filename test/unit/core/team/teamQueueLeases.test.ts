// How soon a dead editor's slots serve others, against a real redis-server: the bound is one lease
// from its death, also for tickets it left waiting (which the queue may grant after it died).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { TeamConnection } from '../../../../src/core/team/teamConnection';
import { sleep, teamQueueSuite } from '../../../helpers/teamQueue';

describe('team queue leases', () => {
  const editor = teamQueueSuite();

  test('a dead editor whose waiting ticket is granted after its death: the slot is back within one lease of the death', async () => {
    const LEASE = 1500;
    // Cap 1: the release hands the one slot to the dead editor's ticket.
    const [a, dead, b] = [
      await editor({ leaseMs: LEASE, maxCap: 1 }),
      await editor({ leaseMs: LEASE, maxCap: 1 }),
      await editor({ leaseMs: LEASE, maxCap: 1 }),
    ];
    const holder = await a.acquire({ waiting: 0, cls: 'chat' });
    void Promise.resolve(dead.acquire({ waiting: 0, cls: 'chat' })).catch(() => undefined);
    await sleep(50);
    const next = Promise.resolve(b.acquire({ waiting: 0, cls: 'chat' }));
    await sleep(50);
    // The editor's process dies while it waits: both connections drop without a word to Redis.
    (dead as unknown as { connection: TeamConnection }).connection.disconnect();
    const diedAt = Date.now();
    // Its ticket is still at the head of the queue (its last heartbeat is recent): it gets the slot,
    // which without a bound would stay lost for a whole lease from now.
    await sleep(500);
    holder.release({ kind: 'success' });
    const slot = await next;
    const backMs = Date.now() - diedAt;
    // One lease from the death, plus a heartbeat for the next script to run.
    console.log('backMs', backMs);
    assert.ok(backMs <= LEASE + 450, `the dead editor's slot served another after ${backMs} ms`);
    slot.release({ kind: 'success' });
  });
});
