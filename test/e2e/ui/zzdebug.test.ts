import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startPacerEditor } from '/work/main/test/e2e/ui/harness';
test('debug', async () => {
  const fixture = mkdtempSync(join(tmpdir(), 'pacer-dbg-'));
  copyFileSync('/work/main/test/fixtures/workspace/src/math.ts', join(fixture, 'math.ts'));
  const editor = await startPacerEditor({ workspace: fixture, emulator: { ttftMs: 60 }, settings: { 'pacer.providers.enabled': ['deepseek'], 'editor.quickSuggestions': { other: 'off', comments: 'off', strings: 'off' } } });
  try {
    console.log('status', await editor.waitForStatus(/DeepSeek/));
    await editor.page.locator('.explorer-viewlet .monaco-list-row').filter({ hasText: 'math.ts' }).first().dblclick({ timeout: 20000 });
    await editor.page.locator('.editor-instance .monaco-editor').first().click();
    await editor.page.keyboard.press('Control+G'); await editor.page.keyboard.type('4'); await editor.page.keyboard.press('Enter');
    await editor.page.keyboard.press('End'); await editor.page.keyboard.press('Shift+Home'); await editor.page.keyboard.press('Delete');
    await editor.page.keyboard.type('ret', { delay: 120 });
    for (let i = 0; i < 10; i++) {
      await editor.page.waitForTimeout(1000);
      const s = editor.emulator!.stats();
      console.log(i, JSON.stringify(s.requestsByPath), s.lastRequests.slice(-2).map(r => [r.path, r.status, (r.prompt ?? '').slice(-40)]), await editor.page.locator('.ghost-text-decoration').count());
    }
    await editor.screenshot('dbg');
    console.log(editor.consoleErrors.slice(-10).join('\n'));
  } finally { await editor.close(); }
});
