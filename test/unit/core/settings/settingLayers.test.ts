import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { layersAt } from '../../../../src/core/settings/settingLayers';

describe('layersAt: one setting out of the section’s layers', () => {
  const section = {
    defaultValue: { completion: { maxTokens: 128, languages: { '*': true } }, chat: { model: 'flash' } },
    globalValue: { completion: { maxTokens: 64 }, providers: { baseUrls: { deepseek: 'http://x' } } },
    workspaceValue: { completion: { languages: { markdown: false } } },
  };

  test('each layer is walked by the dotted key', () => {
    assert.deepEqual(layersAt(section, 'completion.maxTokens'), { defaultValue: 128, globalValue: 64 });
    assert.deepEqual(layersAt(section, 'completion.languages'), {
      defaultValue: { '*': true },
      workspaceValue: { markdown: false },
    });
    assert.deepEqual(layersAt(section, 'providers.baseUrls'), { globalValue: { deepseek: 'http://x' } });
  });

  test('a key no layer holds has no layers set; no section at all is undefined', () => {
    assert.deepEqual(layersAt(section, 'chat.deadlineSeconds'), {});
    assert.deepEqual(layersAt(section, 'completion.maxTokens.deeper'), {});
    assert.equal(layersAt(undefined, 'chat.model'), undefined);
  });

  test('inherited names and arrays are not walked into', () => {
    assert.deepEqual(layersAt({ globalValue: { chat: ['a'] } }, 'chat.length'), {});
    assert.deepEqual(layersAt({ globalValue: {} }, 'toString'), {});
  });
});
