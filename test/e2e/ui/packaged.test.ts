// The packaged pacer.vsix (what users install), not the source folder: a bundling or
// .vscodeignore mistake shows up here as a missing status item or an empty view. Team mode is on
// (a local redis-server), so the on-demand bundle dist/team.cjs must ship and load too.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { RedisServer } from '../../helpers/redisServer';
import { startRedisServer } from '../../helpers/redisServer';
import { startPacerEditor } from './harness';
import type { PacerEditor } from './harness';

describe('Pacer installed from pacer.vsix', () => {
  let editor: PacerEditor;
  let redis: RedisServer;

  before(async () => {
    redis = await startRedisServer();
    editor = await startPacerEditor({
      extension: 'vsix',
      settings: {
        'pacer.team.enabled': true,
        'pacer.team.redisUrl': redis.url,
        'pacer.team.queueName': 'packaged-test',
      },
    });
  });
  after(async () => {
    await editor?.close();
    await redis?.close();
  });

  test('installs into the editor with its bundle and no sources', () => {
    const dirs = readdirSync(editor.server.dirs.extensionsDir).filter((d) =>
      d.startsWith('pacer-dev.pacer-'),
    );
    assert.equal(
      dirs.length,
      1,
      `installed extensions: ${readdirSync(editor.server.dirs.extensionsDir).join(', ')}`,
    );
    const installed = join(editor.server.dirs.extensionsDir, dirs[0] ?? '');
    for (const bundle of [
      'extension.cjs',
      'team.cjs',
      'dashboard.cjs',
      'proxy.cjs',
      'webview.js',
      'usage.js',
    ])
      assert.ok(existsSync(join(installed, 'dist', bundle)), `dist/${bundle} is missing from the package`);
    assert.ok(!existsSync(join(installed, 'src')), 'TypeScript sources were packaged');
    assert.ok(!existsSync(join(installed, 'node_modules')), 'node_modules was packaged');
    assert.ok(!existsSync(join(installed, 'media', 'screenshots')), 'README screenshots were packaged');
  });

  test('shows Pacer in the status bar with DeepSeek, in the team queue', async () => {
    assert.match(await editor.waitForStatus(/DeepSeek/), /DeepSeek/);
    // The team icon appears once dist/team.cjs has loaded and the queue answered from Redis.
    await editor.statusItem().locator('.codicon-organization').waitFor({ timeout: 30_000 });
    await editor.screenshot('packaged-workbench', { parkMouse: true });
  });

  test('opens the Pacer view from the activity bar next to a source file', async () => {
    await editor.openFile('src/math.ts');
    const view = await editor.openPacerView();
    await view.locator('body *').first().waitFor({ state: 'attached', timeout: 20_000 });
    await editor.page.waitForTimeout(1500);
    await editor.screenshot('packaged-pacer-view', { parkMouse: true });
  });
});
