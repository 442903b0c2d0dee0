// Which providers share the team queue: DeepSeek unless the setting says otherwise, other
// providers by opting in, and a queue of their own for each (never DeepSeek's).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { teamQueueId } from '../../../../src/core/team/teamKeys';
import { DEFAULT_TEAM_PROVIDERS, teamProviders } from '../../../../src/core/team/teamProviders';

test('unset or not a list: DeepSeek only', () => {
  assert.deepEqual([...DEFAULT_TEAM_PROVIDERS], ['deepseek']);
  for (const setting of [undefined, null, 'openrouter', { deepseek: true }])
    assert.deepEqual([...teamProviders(setting)], ['deepseek'], JSON.stringify(setting));
});

test('other providers opt in by id, custom ones too; blanks and non-strings are dropped', () => {
  const ids = teamProviders(['deepseek', ' openrouter ', 'my-gateway', '', 7, null]);
  assert.deepEqual([...ids], ['deepseek', 'openrouter', 'my-gateway']);
  assert.equal(teamProviders(['openrouter']).has('deepseek'), false, 'DeepSeek can be left out');
  assert.equal(teamProviders([]).size, 0, 'an empty list: team mode for no provider');
});

test('an opted-in provider gets its own queue, apart from DeepSeek on the same queue name', () => {
  const deepseek = teamQueueId({ providerId: 'deepseek', model: 'deepseek-chat', queueName: 'team' });
  const gateway = teamQueueId({ providerId: 'my-gateway', model: 'deepseek-chat', queueName: 'team' });
  assert.notEqual(deepseek, gateway);
  assert.match(gateway, /^my-gateway:deepseek-chat:n-[0-9a-f]{16}$/);
});
