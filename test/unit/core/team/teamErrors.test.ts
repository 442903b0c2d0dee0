// Why the team queue cannot use Redis, in words that name the fix: each kind of failure seen
// against a real redis-server (TLS, ACL, Cluster) maps to its sentence.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeTeamError } from '../../../../src/core/team/teamErrors';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

test('an untrusted certificate names the CA file, or asks for one', () => {
  const e = withCode('self-signed certificate in certificate chain', 'SELF_SIGNED_CERT_IN_CHAIN');
  assert.match(
    describeTeamError(e, { caFile: '/etc/ca.pem' }),
    /not signed by the CA in pacer\.team\.caFile \(\/etc\/ca\.pem\)/,
  );
  assert.match(describeTeamError(e), /Set pacer\.team\.caFile/);
  assert.match(describeTeamError(withCode('x', 'ERR_TLS_CERT_ALTNAME_INVALID')), /another host name/);
});

test('a refused password, a missing permission, a Cluster node and an unknown error', () => {
  assert.match(
    describeTeamError(new Error('WRONGPASS invalid username-password pair')),
    /Pacer: Set Team Redis Password/,
  );
  assert.match(
    describeTeamError(new Error("NOPERM User pacer has no permissions to run the 'zadd' command")),
    /ACL/,
  );
  assert.match(
    describeTeamError(new Error('MOVED 9331 127.0.0.1:47002')),
    /Redis Cluster node.*standalone Redis/,
  );
  assert.equal(
    describeTeamError(withCode('connect ECONNREFUSED 127.0.0.1:6379', 'ECONNREFUSED')),
    'connect ECONNREFUSED 127.0.0.1:6379',
  );
  assert.equal(describeTeamError('timeout'), 'timeout');
});
