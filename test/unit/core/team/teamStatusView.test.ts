// What the editor shows of the team queue, and how a pasted Redis URL loses its password.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StatusView } from '../../../../src/core/providers/statusView';
import type { TeamStatus } from '../../../../src/core/team/teamSlotSource';
import { withTeamStatus } from '../../../../src/core/team/teamStatusView';
import { splitRedisUrl } from '../../../../src/core/team/teamUrl';

const VIEW: StatusView = {
  text: '$(pulse) DeepSeek',
  tooltip: '**Pacer** · DeepSeek healthy',
  ariaLabel: 'Pacer, DeepSeek healthy',
  ticking: false,
};
const TEAM: TeamStatus = {
  mode: 'team',
  queueId: 'deepseek:deepseek-flash:k-0123456789abcdef',
  queueLength: 5,
  cap: 8.4,
  holders: 8,
  editors: 12,
  place: 3,
  cooldownMs: 0,
};

test('team mode in use: an icon, and the queue, the shared limit, the editors and our place in the tooltip', () => {
  const view = withTeamStatus(VIEW, [TEAM], 0);
  assert.equal(view.text, '$(pulse) DeepSeek $(organization)');
  assert.equal(view.background, undefined);
  assert.match(
    view.tooltip,
    /5 waiting · shared limit 8 · 8 in flight · 12 editors active · this editor is #3 in line/,
  );
  assert.match(view.tooltip, /deepseek:deepseek-flash:k-0123456789abcdef/);
  assert.equal(withTeamStatus(VIEW, [], 0), VIEW, 'team mode off: the view unchanged');
});

test('fallen back: amber, and the tooltip says this editor paces alone and for how long', () => {
  const view = withTeamStatus(VIEW, [{ ...TEAM, mode: 'fallback', fallbackSince: 1000 }], 13_000);
  assert.equal(view.text, '$(pulse) DeepSeek $(debug-disconnect)');
  assert.equal(view.background, 'warning');
  assert.match(view.tooltip, /Team queue unreachable for 12 s: this editor paces alone/);
  assert.match(view.ariaLabel, /pacing alone/);
});

test('fallen back with a reason: the tooltip gives it, its codes and paths without markdown', () => {
  const reason =
    "Redis's TLS certificate is not signed by the CA in pacer.team.caFile (/etc/team_ca.pem): x (SELF_SIGNED_CERT_IN_CHAIN).";
  const view = withTeamStatus(VIEW, [{ ...TEAM, mode: 'fallback', fallbackSince: 0, reason }], 0);
  assert.ok(
    view.tooltip.includes('pacer.team.caFile (/etc/team\\_ca.pem): x (SELF\\_SIGNED\\_CERT\\_IN\\_CHAIN).'),
    view.tooltip,
  );
  assert.ok(
    !withTeamStatus(VIEW, [{ ...TEAM, reason }], 0).tooltip.includes('caFile'),
    'only while fallen back',
  );
});

test('two team providers: one line per queue, each naming its provider; one out of reach makes it a warning', () => {
  const other: TeamStatus = {
    ...TEAM,
    queueId: 'openrouter:some-model:n-feedbeef',
    queueLength: 2,
    place: undefined,
  };
  const both = withTeamStatus(VIEW, [TEAM, other], 0);
  assert.equal(both.text, '$(pulse) DeepSeek $(organization)');
  assert.match(both.tooltip, /deepseek Team queue: 5 waiting[^]*openrouter Team queue: 2 waiting/);
  assert.match(both.tooltip, /queue `openrouter:some-model:n-feedbeef`/);
  assert.match(both.ariaLabel, /team queue, 7 waiting/);
  // Before: only the first provider's queue was shown, so this fallback was invisible.
  const down = withTeamStatus(VIEW, [TEAM, { ...other, mode: 'fallback', fallbackSince: 0 }], 4000);
  assert.equal(down.text, '$(pulse) DeepSeek $(debug-disconnect)');
  assert.equal(down.background, 'warning');
  assert.match(down.tooltip, /openrouter Team queue unreachable for 4 s/);
  assert.match(down.tooltip, /deepseek Team queue: 5 waiting/);
});

test('a Redis URL keeps its host and user; the password is split off for SecretStorage', () => {
  assert.deepEqual(splitRedisUrl('redis://pacer:s3cr%40t@redis.internal:6379/2'), {
    url: 'redis://pacer@redis.internal:6379/2',
    password: 's3cr@t',
  });
  assert.deepEqual(splitRedisUrl(' rediss://redis.internal:6380 '), {
    url: 'rediss://redis.internal:6380',
    password: undefined,
  });
  assert.equal(splitRedisUrl('http://redis.internal'), undefined);
  assert.equal(splitRedisUrl('not a url'), undefined);
});
