// The packaged manifest and the running extension agree: Pacer is installed, activates on
// startup, registers every command it declares and exposes its settings with their defaults.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { emulatorStats, emulatorUrl, resetEmulator } from './support/emulatorControl';

const EXTENSION_ID = 'pacer-dev.pacer';

interface ManifestProperty {
  default?: unknown;
}
interface Manifest {
  contributes: {
    commands: { command: string }[];
    configuration: { properties: Record<string, ManifestProperty> };
  };
}

function pacer(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not installed in this editor`);
  return ext;
}

suite('Pacer extension', () => {
  test('is installed and activates on startup', async () => {
    const ext = pacer();
    // onStartupFinished: it may not have run yet when the suite starts, so wait for it.
    const deadline = Date.now() + 15_000;
    while (!ext.isActive && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await ext.activate();
    assert.equal(ext.isActive, true);
  });

  test('registers every command it declares', async () => {
    const manifest = pacer().packageJSON as Manifest;
    const declared = manifest.contributes.commands.map((c) => c.command);
    assert.ok(declared.length > 0, 'the manifest declares no commands');
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = declared.filter((c) => !registered.has(c));
    assert.ok(missing.length === 0, `declared but not registered: ${missing.join(', ')}`);
  });

  test('exposes every setting with its declared default', () => {
    const properties = (pacer().packageJSON as Manifest).contributes.configuration.properties;
    const keys = Object.keys(properties);
    assert.ok(keys.length > 0);
    const config = vscode.workspace.getConfiguration();
    for (const key of keys) {
      const inspected = config.inspect(key);
      assert.ok(inspected, `${key} is not a known setting`);
      assert.deepEqual(inspected.defaultValue, properties[key]?.default, `default of ${key}`);
    }
    assert.equal(vscode.workspace.getConfiguration('pacer').get('completion.enabled'), true);
  });

  test('Tab accepts the ghost text: the suggest widget does not open over a suggestion by default', () => {
    // contributes.configurationDefaults; a user setting still wins.
    const inspected = vscode.workspace
      .getConfiguration('editor')
      .inspect('inlineSuggest.suppressSuggestions');
    assert.equal(inspected?.defaultValue, true);
  });

  test('reads the user settings the test harness wrote', function () {
    const raw = process.env.PACER_E2E_SETTINGS;
    if (!raw) this.skip();
    const settings = JSON.parse(raw ?? '{}') as Record<string, unknown>;
    const pacerKeys = Object.keys(settings).filter((k) => k.startsWith('pacer.'));
    if (pacerKeys.length === 0) this.skip();
    for (const key of pacerKeys) {
      assert.deepEqual(vscode.workspace.getConfiguration().inspect(key)?.globalValue, settings[key], key);
    }
  });

  test('the DeepSeek emulator of this run is reachable from the extension host', async function () {
    if (!process.env.PACER_E2E_EMULATOR_URL) this.skip();
    await resetEmulator();
    const stats = await emulatorStats();
    assert.equal(typeof stats.requests, 'number');
    assert.equal(stats.faultsInjected, 0);
    const baseUrls = vscode.workspace
      .getConfiguration('pacer')
      .get<Record<string, string>>('providers.baseUrls');
    assert.equal(baseUrls?.deepseek, emulatorUrl(), 'Pacer is not pointed at the emulator');
  });
});
