// What a person sees when Pacer is loaded from source: the workbench, Pacer's status item naming
// the active provider, and Pacer's own view in the activity bar.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startPacerEditor } from './harness';
import type { PacerEditor } from './harness';

describe('Pacer in the workbench (extension from source)', () => {
  let editor: PacerEditor;

  before(async () => {
    editor = await startPacerEditor();
  });
  after(async () => {
    await editor?.close();
  });

  test('the workbench loads with Pacer in the status bar showing DeepSeek', async () => {
    const text = await editor.waitForStatus(/DeepSeek/);
    assert.match(text, /DeepSeek/);
    const label = await editor.statusItem().getAttribute('aria-label');
    assert.match(label ?? '', /Pacer/);
    await editor.screenshot('workbench-status');
  });

  test('the Pacer view opens from the activity bar', async () => {
    const view = await editor.openPacerView();
    await view.locator('body *').first().waitFor({ state: 'attached', timeout: 20_000 });
    await editor.page.waitForTimeout(1500); // let the webview paint before the screenshot
    await editor.screenshot('pacer-view');
  });
});
