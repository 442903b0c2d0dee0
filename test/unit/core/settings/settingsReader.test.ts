// The settings reader (src/core/settings) against package.json's own declarations: every
// `pacer.*` key is read from the file, so a new setting is covered without touching this test.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { providerSettingsIssues, resolveProviders } from '../../../../src/core/providers/catalog';
import type { ProviderSettings } from '../../../../src/core/providers/catalog';
import { realClock } from '../../../../src/core/common/clock';
import { AnswerCache } from '../../../../src/core/completion/answerCache';
import type { JsonSchema } from '../../../../src/core/settings/settingSchema';
import { checkValue } from '../../../../src/core/settings/settingSchema';
import { cacheOptions, orderBounds } from '../../../../src/core/settings/settingsChecks';
import type { SettingLayers } from '../../../../src/core/settings/settingsReader';
import { SettingsReader, WORKSPACE_RULES } from '../../../../src/core/settings/settingsReader';

const pkg = JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, JsonSchema> } };
};
const SCHEMA = pkg.contributes.configuration.properties;
const KEYS = Object.keys(SCHEMA).map((id) => id.replace(/^pacer\./, ''));

const BAD_VALUES: unknown[] = [
  null,
  'nonsense',
  '',
  -1,
  0,
  0.3,
  1e12,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  true,
  [],
  [1, 'a', null, { id: 5 }],
  {},
  { deepseek: 5, '*': 'yes', __proto__: { polluted: true } },
  [{ id: 'x' }, { id: 'ollama', baseUrl: 'http://127.0.0.1:1/v1' }, { id: 'mine', baseUrl: '127.0.0.1:9' }],
];

function reader(layers: Record<string, SettingLayers>): SettingsReader {
  return new SettingsReader(SCHEMA, (key) => ({
    defaultValue: SCHEMA[`pacer.${key}`]?.default,
    ...layers[key],
  }));
}

/** A value the rest of Pacer can use as declared: right type, within bounds, nothing clamped. */
function assertConforms(key: string, value: unknown, context: string): void {
  const r = checkValue(SCHEMA[`pacer.${key}`], value);
  assert.ok(r.ok, `${key} ${context}: ${r.ok ? '' : r.why}`);
  assert.deepEqual(r.notes, [], `${key} ${context}: value needs clamping`);
}

describe('no setting value stops activation: wrong types and values for every pacer.* key', () => {
  test('package.json declares settings (the table below is not empty)', () => {
    assert.ok(KEYS.length >= 20, `found ${KEYS.length} keys`);
  });

  for (const key of KEYS) {
    test(`pacer.${key}: every bad value in every layer reads as a usable value`, () => {
      for (const bad of BAD_VALUES) {
        for (const layer of ['globalValue', 'workspaceValue', 'workspaceFolderValue'] as const) {
          const r = reader({ [key]: { [layer]: bad } });
          const context = `${layer}=${JSON.stringify(bad)}`;
          const value = r.value(key, undefined);
          assertConforms(key, value, context);
          // Merged settings (languages, exclusions) are rebuilt from the layers, not passed through.
          const merged = ['languagesOnlyOff', 'union'].includes(WORKSPACE_RULES[`pacer.${key}`] ?? '');
          if (layer === 'globalValue' && r.issues.length === 0 && !merged) {
            // Taken as it is: then it must have been valid as written.
            assert.deepEqual(value, bad, `${key} ${context}: changed without an issue`);
          }
          for (const issue of r.issues) assert.equal(issue.key, `pacer.${key}`);
        }
      }
    });
  }

  test('an inspect() that throws reads as the default', () => {
    const r = new SettingsReader(SCHEMA, () => {
      throw new Error('boom');
    });
    assert.equal(r.value('cache.maxMB', 1), 16);
  });

  test('every number setting declares both bounds, so the reader can clamp it', () => {
    for (const [id, s] of Object.entries(SCHEMA)) {
      if (s.type !== 'number' && s.type !== 'integer') continue;
      assert.equal(typeof s.minimum, 'number', `${id} has no minimum`);
      assert.equal(typeof s.maximum, 'number', `${id} has no maximum`);
    }
  });

  test('a fractional cache size (0.3 MB) gives the answer cache whole limits it can use', () => {
    // Before: maxBytes 314572.8 went to lru-cache, which throws, and activation failed.
    for (const maxMB of [0.3, 0, 1e-9, 1024]) {
      const limits = cacheOptions({ maxMB, ttlMs: 500.5 });
      assert.ok(Number.isInteger(limits.maxBytes) && limits.maxBytes >= 0, `maxBytes ${limits.maxBytes}`);
      assert.equal(limits.ttlMs, 500);
      const cache = new AnswerCache(realClock);
      cache.setLimits(limits);
      cache.put('doc', 'const a = ', '', '1;');
      assert.equal(cache.lookup('doc', 'const a = ', '')?.text, limits.maxBytes > 0 ? '1;' : undefined);
    }
  });

  test('malformed provider settings never empty the provider list', () => {
    const broken = {
      ...providers(),
      enabled: 'deepseek',
      chatOrder: null,
      baseUrls: { deepseek: 42, ollama: '127.0.0.1:11434' },
      custom: [
        null,
        { id: 5 },
        { id: 'x', baseUrl: 'ftp://x' },
        { id: 'ok', baseUrl: 'http://127.0.0.1:9/v1' },
      ],
      models: { openai: 'gpt', deepseek: null },
    } as unknown as ProviderSettings;
    const list = resolveProviders(broken);
    assert.ok(list.some((p) => p.id === 'deepseek'));
    assert.ok(list.some((p) => p.id === 'ok'));
    assert.equal(list.find((p) => p.id === 'ollama')?.baseUrl, 'http://127.0.0.1:11434/v1');
    const issues = providerSettingsIssues(broken);
    assert.ok(
      issues.some((i) => /11434.*not an http\(s\) URL/.test(i.message)),
      JSON.stringify(issues),
    );
    assert.ok(issues.some((i) => i.key === 'providers.custom' && /"x": baseUrl/.test(i.message)));
  });

  test('a lower bound above its upper bound is ordered and named', () => {
    const notes: string[] = [];
    const b = orderBounds({ min: 900, max: 100 }, { min: 'a.min', max: 'a.max' }, (k, m) =>
      notes.push(`${k}: ${m}`),
    );
    assert.deepEqual(b, { min: 100, max: 100 });
    assert.match(notes[0], /^a\.min: 900 is above a\.max/);
  });
});

describe('a workspace cannot change cost or privacy settings', () => {
  test('every setting is application-scoped, or one a workspace may only turn off or add to', () => {
    for (const [id, s] of Object.entries(SCHEMA)) {
      assert.ok(
        s.scope === 'application' || WORKSPACE_RULES[id],
        `${id}: give it "scope": "application" or a rule`,
      );
    }
  });

  test("a repository's hostile values are ignored, and each is named once in an issue", () => {
    const hostile: Record<string, unknown> = {
      'completion.model': 'o1-pro',
      'completion.maxTokens': 100000,
      'completion.debounceMinMs': 0,
      'chat.model': 'o1-pro',
      'chat.thinking': true,
      'chat.failoverAfterMs': 0,
      'cache.maxMB': 0.3,
      'budget.dailyLimitUsd': 0,
      'providers.baseUrls': { deepseek: 'https://evil.example/v1' },
      'providers.enabled': ['openai'],
    };
    const layers = Object.fromEntries(
      Object.entries(hostile).map(([k, v]) => [k, { workspaceValue: v } as SettingLayers]),
    );
    layers['budget.dailyLimitUsd'].globalValue = 5;
    const r = reader(layers);
    assert.equal(r.value('completion.model', ''), 'deepseek-flash');
    assert.equal(r.value('completion.maxTokens', 0), 128);
    assert.equal(r.value('completion.debounceMinMs', -1), 60);
    assert.equal(r.value('chat.model', ''), 'deepseek-flash');
    assert.equal(r.value('chat.thinking', true), false);
    assert.equal(r.value('chat.failoverAfterMs', -1), 2000);
    assert.equal(r.value('cache.maxMB', -1), 16);
    assert.equal(r.value('budget.dailyLimitUsd', -1), 5);
    assert.deepEqual(r.value('providers.baseUrls', null), {});
    assert.ok((r.value('providers.enabled', []) as string[]).includes('deepseek'));
    assert.deepEqual(
      r.issues.map((i) => i.key).sort(),
      Object.keys(hostile)
        .map((k) => `pacer.${k}`)
        .sort(),
    );
    assert.match(r.issues[0].message, /user settings only/);
  });

  test('the user value of a cost setting is clamped to its declared bounds', () => {
    const r = reader({
      'completion.maxTokens': { globalValue: 100000 },
      'gate.maxConcurrency': { globalValue: 2.6 },
    });
    assert.equal(r.value('completion.maxTokens', 0), 1024);
    assert.equal(r.value('gate.maxConcurrency', 0), 3);
    assert.deepEqual(
      r.issues.map((i) => i.key),
      ['pacer.completion.maxTokens', 'pacer.gate.maxConcurrency'],
    );
    assert.match(r.issues[0].message, /lowered to the maximum 1024/);
  });

  test('completions and open-editor context: a workspace may turn them off, never on', () => {
    const on = reader({ 'completion.enabled': { globalValue: false, workspaceValue: true } });
    assert.equal(on.value('completion.enabled', true), false);
    assert.match(on.issues[0]?.message ?? '', /cannot turn it on/);
    const off = reader({ 'completion.enabled': { workspaceFolderValue: false } });
    assert.equal(off.value('completion.enabled', true), false);
    assert.deepEqual(off.issues, []);
    const ctx = reader({ 'completion.contextFromOpenEditors': { globalValue: false, workspaceValue: true } });
    assert.equal(ctx.value('completion.contextFromOpenEditors', true), false);
  });

  test('languages: one is on only if no layer turns it off', () => {
    const r = reader({
      'completion.languages': {
        globalValue: { '*': true, python: false },
        workspaceValue: { '*': true, python: true, go: false, plaintext: true },
      },
    });
    const langs = r.value<Record<string, boolean>>('completion.languages', {});
    const on = (l: string) => langs[l] ?? langs['*'] ?? true;
    assert.equal(on('python'), false);
    assert.equal(on('go'), false);
    assert.equal(on('typescript'), true);
    // The user's map replaces the default: plaintext is on for this user and may stay on.
    assert.equal(on('plaintext'), true);
    assert.ok(r.issues.some((i) => /"python"/.test(i.message)));
    const starOff = reader({ 'completion.languages': { workspaceValue: { '*': false } } });
    const l2 = starOff.value<Record<string, boolean>>('completion.languages', {});
    assert.equal(l2.typescript ?? l2['*'], false);
  });

  test('exclusions add up across layers', () => {
    const r = reader({ 'completion.exclude': { workspaceValue: ['**/more/**', 7] } });
    const list = r.value<string[]>('completion.exclude', []);
    assert.ok(list.includes('**/.env*'));
    assert.ok(list.includes('**/more/**'));
    assert.ok(!list.includes(7 as unknown as string));
  });
});

function providers(): ProviderSettings {
  return {
    enabled: ['deepseek'],
    chatOrder: ['deepseek'],
    completionOrder: ['deepseek'],
    routing: 'automatic',
    pinned: 'deepseek',
    baseUrls: {},
    custom: [],
    models: {},
  };
}
