// The typed settings table against package.json (the one home of defaults), the renamed settings
// (old names still read, in their own unit, scope and bounds), the per-key change detection and
// the one-time notice that names the old keys.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { renamedSettingsNotice } from '../../../../src/core/common/messages/settings';
import { changedSettings } from '../../../../src/core/settings/changedSettings';
import { RENAMED_SETTINGS, renamesInUse } from '../../../../src/core/settings/renamedSettings';
import type { JsonSchema } from '../../../../src/core/settings/settingSchema';
import { checkValue } from '../../../../src/core/settings/settingSchema';
import type { SettingLayers } from '../../../../src/core/settings/settingsReader';
import { isSet, SettingsReader } from '../../../../src/core/settings/settingsReader';
import { SETTING_KEYS } from '../../../../src/core/settings/settingsTable';

type Declared = JsonSchema & { deprecationMessage?: string; markdownDeprecationMessage?: string };
const pkg = JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, Declared> } };
};
const SCHEMA = pkg.contributes.configuration.properties;

function reader(layers: Record<string, SettingLayers>): SettingsReader {
  return new SettingsReader(SCHEMA, (key) => ({
    defaultValue: SCHEMA[`pacer.${key}`]?.default,
    ...layers[key],
  }));
}

describe('the settings table and package.json name the same settings', () => {
  test('every declared key is in the table, or an old name of a renamed one', () => {
    const declared = Object.keys(SCHEMA)
      .map((id) => id.replace(/^pacer\./, ''))
      .sort();
    const known = [...SETTING_KEYS, ...RENAMED_SETTINGS.map((r) => r.from)].sort();
    assert.deepEqual(declared, known);
  });

  test('every key has a default in package.json that its own declaration accepts as written', () => {
    for (const key of SETTING_KEYS) {
      const schema = SCHEMA[`pacer.${key}`];
      assert.notEqual(schema.default, undefined, `${key} has no default`);
      const r = checkValue(schema, schema.default);
      assert.ok(
        r.ok && r.notes.length === 0,
        `${key}: default ${JSON.stringify(schema.default)} is not valid`,
      );
      assert.deepEqual(reader({}).value(key, Symbol('no fallback')), schema.default, key);
    }
  });

  test('durations end in Ms, sizes in MB, money in Usd', () => {
    const unitless = /(Seconds|Secs|Minutes|Bytes|KB|Cents|Dollars)$/;
    for (const key of SETTING_KEYS) assert.doesNotMatch(key, unitless, key);
  });
});

describe('renamed settings: the old name still reads', () => {
  for (const r of RENAMED_SETTINGS) {
    const from = SCHEMA[`pacer.${r.from}`];
    const to = SCHEMA[`pacer.${r.to}`];

    test(`pacer.${r.from} → pacer.${r.to}: same scope, converted default and bounds, deprecated`, () => {
      assert.equal(from.scope, to.scope);
      assert.equal(from.type, to.type);
      assert.equal((from.default as number) * r.factor, to.default);
      assert.equal(from.minimum! * r.factor, to.minimum);
      assert.equal(from.maximum! * r.factor, to.maximum);
      assert.ok(from.deprecationMessage?.includes(`pacer.${r.to}`), 'deprecationMessage names the new key');
      assert.ok(from.markdownDeprecationMessage?.includes(`pacer.${r.to}`), 'markdown one too');
    });

    test(`pacer.${r.from}: read with conversion, and clamped by its own bounds`, () => {
      const inside = (from.minimum! + from.maximum!) / 2;
      assert.equal(reader({ [r.from]: { globalValue: inside } }).value(r.to, -1), inside * r.factor);
      const high = reader({ [r.from]: { globalValue: from.maximum! * 10 } });
      assert.equal(high.value(r.to, -1), to.maximum);
      assert.deepEqual(
        high.issues.map((i) => i.key),
        [`pacer.${r.from}`],
      );
      assert.match(high.issues[0].message, /lowered to the maximum/);
      const low = reader({ [r.from]: { globalValue: -5 } });
      assert.equal(low.value(r.to, -1), to.minimum);
    });

    test(`pacer.${r.to} wins when both names are set`, () => {
      const both = reader({ [r.from]: { globalValue: from.minimum }, [r.to]: { globalValue: to.maximum } });
      assert.equal(both.value(r.to, -1), to.maximum);
      assert.deepEqual(both.issues, []);
    });

    test(`pacer.${r.from} keeps its scope: a workspace value of it is ignored`, () => {
      const ws = reader({ [r.from]: { workspaceValue: from.minimum } });
      assert.equal(ws.value(r.to, -1), to.default);
      assert.match(ws.issues[0]?.message ?? '', /user settings only/);
    });
  }

  test('the notice names each old key in use and its new name', () => {
    const layers: Record<string, SettingLayers> = {
      'chat.deadlineSeconds': { globalValue: 60 },
      'cache.ttlSeconds': { workspaceValue: 5 },
      'cache.ttlMs': { globalValue: 1000 },
    };
    const inUse = renamesInUse((key) => isSet(layers[key]));
    assert.deepEqual(
      inUse.map((r) => r.from),
      ['chat.deadlineSeconds', 'cache.ttlSeconds'],
    );
    const text = renamedSettingsNotice(inUse);
    assert.match(text, /pacer\.chat\.deadlineSeconds → pacer\.chat\.deadlineMs/);
    assert.match(text, /pacer\.cache\.ttlSeconds → pacer\.cache\.ttlMs/);
    assert.doesNotMatch(text, /probeInterval/);
    assert.deepEqual(
      renamesInUse(() => false),
      [],
    );
  });
});

describe('changes are detected per key', () => {
  test('a change names only its own keys', () => {
    assert.deepEqual([...changedSettings((id) => id === 'pacer.chat.model')], ['chat.model']);
    assert.deepEqual([...changedSettings(() => false)], []);
  });

  test('a change of an old name is a change of the new one', () => {
    assert.deepEqual(
      [...changedSettings((id) => id === 'pacer.health.probeIntervalSeconds')],
      ['health.probeIntervalMs'],
    );
  });

  test('a new upper bound is a change of its lower bound too', () => {
    const changed = changedSettings((id) => id === 'pacer.completion.debounceMaxMs');
    assert.ok(changed.has('completion.debounceMinMs'));
    assert.ok(
      !changedSettings((id) => id === 'pacer.completion.debounceMinMs').has('completion.debounceMaxMs'),
    );
  });

  test('a lower bound read with its upper one names an upper bound issue once', () => {
    const r = reader({ 'completion.debounceMaxMs': { globalValue: 99999 } });
    r.value('completion.debounceMaxMs', -1);
    r.value('completion.debounceMaxMs', -1);
    assert.equal(r.issues.length, 1);
  });
});
