// The team queue over `rediss://` against Debian's redis-server with TLS only, its certificate
// signed by a private CA made for the run: with that CA in `pacer.team.caFile` an editor takes and
// gives back a slot; with another CA, or none, it falls back to local pacing at once and says why.
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { realClock } from '../../../../src/core/common/clock';
import { LocalSlotSource } from '../../../../src/core/gate/slotSource';
import { createTeamSource } from '../../../../src/core/team/createTeamSource';
import { describeTeamError } from '../../../../src/core/team/teamErrors';
import type { TeamSlotSource } from '../../../../src/core/team/teamSlotSource';
import type { RedisServer, RedisTlsFiles } from '../../../helpers/redisServer';
import { startRedisServer } from '../../../helpers/redisServer';
import { teamEditor } from '../../../helpers/teamQueue';
import type { EditorOptions } from '../../../helpers/teamQueue';

describe('team queue over TLS (rediss://)', () => {
  let server: RedisServer;
  let tls: RedisTlsFiles;
  const editors: TeamSlotSource[] = [];
  const editor = async (options: EditorOptions) => {
    const source = await teamEditor(server.url, options);
    editors.push(source);
    return source;
  };

  before(async () => {
    server = await startRedisServer({ tls: true });
    assert.ok(server.tls);
    tls = server.tls;
    assert.match(server.url, /^rediss:\/\//);
  });
  afterEach(() => {
    for (const e of editors.splice(0)) e.dispose();
  });
  after(async () => {
    await server.close();
  });

  test('the private CA in caFile: the team queue over TLS, a slot taken and given back', async () => {
    const a = await editor({ caFile: tls.caFile });
    assert.equal(a.mode, 'team');
    const slot = await a.acquire({ waiting: 0, cls: 'chat' });
    assert.equal((await a.refresh()).holders, 1, 'the slot is held in Redis');
    slot.release({ kind: 'success' });
    assert.equal((await a.refresh()).holders, 0, 'and given back');
    assert.equal(a.mode, 'team');
  });

  test('a wrong CA: local pacing at once, and the reason names the CA file', async () => {
    const changes: unknown[] = [];
    const t0 = Date.now();
    const a = await editor({
      caFile: tls.otherCaFile,
      onModeChange: (mode, error) => mode === 'fallback' && changes.push(error),
    });
    const slot = await a.acquire({ waiting: 0, cls: 'chat' });
    const ms = Date.now() - t0;
    assert.ok(ms < 2000, `a local slot after ${ms} ms, no hang`);
    assert.equal(a.mode, 'fallback');
    assert.equal((changes[0] as { code?: string }).code, 'SELF_SIGNED_CERT_IN_CHAIN');
    const reason = a.snapshot().reason ?? '';
    assert.match(reason, /TLS certificate is not signed by the CA in pacer\.team\.caFile/);
    assert.ok(reason.includes(tls.otherCaFile), reason);
    slot.release({ kind: 'success' });
  });

  test('no caFile: the system authorities do not know the private CA, and the reason says to set one', async () => {
    const a = await editor({});
    assert.equal(a.mode, 'fallback');
    assert.match(a.snapshot().reason ?? '', /Set pacer\.team\.caFile/);
  });

  test('an unreadable caFile is said in words', () => {
    const start = () =>
      createTeamSource({
        url: server.url,
        caFile: '/nonexistent/ca.pem',
        identity: { providerId: 'deepseek', model: 'deepseek-flash' },
        local: new LocalSlotSource({ clock: realClock, initial: 1 }),
        clock: realClock,
      });
    assert.throws(start, (e: unknown) => {
      assert.match(describeTeamError(e), /pacer\.team\.caFile cannot be read: .*\/nonexistent\/ca\.pem/);
      return true;
    });
  });
});
