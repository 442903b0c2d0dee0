// What a UI test needs to look at Pacer the way a person does: a DeepSeek emulator, code-server
// (VS Code 1.100) with Pacer loaded from source or installed from the packaged .vsix, a copy of
// the sample workspace, and a headless Chromium page on the workbench. `close()` ends all of it.
//
//   const editor = await startPacerEditor({ emulator: { ttftMs: 50 } });
//   after(() => editor.close());
//   await editor.waitForStatus(/DeepSeek/);
//   await editor.screenshot('my-feature');
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, FrameLocator, Locator, Page } from 'playwright-core';
import { launchChromium, openWorkbench } from '../../../tools/editor/chromium';
import { startCodeServer } from '../../../tools/editor/codeServer';
import type { RunningCodeServer } from '../../../tools/editor/codeServer';
import { repoRoot } from '../../../tools/editor/installEditor.mjs';
import { workbenchUrl } from '../../../tools/editor/workbenchUrl';
import { makeScratchDirs, removeScratchDirs } from '../../../tools/editor/scratchDirs';
import type { ScratchDirs } from '../../../tools/editor/scratchDirs';
import { copyWorkspace } from '../../../tools/editor/workspace';
import type { ScratchWorkspace } from '../../../tools/editor/workspace';
import { startEmulator } from '../../../tools/emulator/server';
import type { Emulator, EmulatorOptions } from '../../../tools/emulator/server';

export const resultsDir = join(repoRoot, 'test-results');
export const vsixPath = join(repoRoot, 'pacer.vsix');

export interface PacerEditorOptions {
  /** 'dev' loads the extension from this folder (dist/ must be built); 'vsix' installs pacer.vsix. */
  extension?: 'dev' | 'vsix';
  /** Emulator options, or false for none (Pacer then points at nothing). Default: an emulator with defaults. */
  emulator?: EmulatorOptions | false;
  /** User settings on top of the emulator base URL and a dark theme. */
  settings?: Record<string, unknown>;
  /** Folder copied as the workspace (default test/fixtures/workspace). */
  workspace?: string;
  /**
   * Workspace trust on, the folder not trusted: the window opens in Restricted Mode without the
   * trust prompt (for tests of what a cloned repository may change). Off by default.
   */
  restrictedMode?: boolean;
  width?: number;
  height?: number;
  /** Runs on the scratch profile before the editor starts (e.g. to put a history file in place). */
  beforeStart?: (dirs: ScratchDirs) => void;
}

const STATUS_BAR = '#workbench\\.parts\\.statusbar';

export class PacerEditor {
  /** Console errors of the page (workbench and extension host), for failure messages. */
  readonly consoleErrors: string[] = [];

  constructor(
    readonly page: Page,
    readonly browser: Browser,
    readonly server: RunningCodeServer,
    readonly emulator: Emulator | undefined,
    readonly workspace: ScratchWorkspace,
  ) {
    page.on('console', (msg) => {
      if (msg.type() === 'error') this.consoleErrors.push(msg.text());
    });
  }

  /** Pacer's status bar entry (VS Code gives it the id `<publisher>.<name>.<item id>`). */
  statusItem(): Locator {
    return this.page.locator(`${STATUS_BAR} .statusbar-item[id^="pacer-dev.pacer"]`).first();
  }

  /** Waits until Pacer's status item text matches, and returns the text. */
  async waitForStatus(pattern: RegExp, timeoutMs = 60_000): Promise<string> {
    let last = '(no Pacer status item)';
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const item = this.statusItem();
      if ((await item.count()) > 0) {
        last = (await item.innerText().catch(() => '')).trim();
        if (pattern.test(last)) return last;
      }
      await this.page.waitForTimeout(200);
    }
    throw new Error(
      `Pacer status item did not match ${pattern} within ${timeoutMs} ms; last text: "${last}"`,
    );
  }

  /** Runs a command from the command palette by its title, e.g. "Pacer: New Chat". */
  async runCommand(title: string): Promise<void> {
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(`>${title}`);
    const row = this.page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first();
    await row.waitFor({ state: 'visible', timeout: 10_000 });
    await this.page.keyboard.press('Enter');
  }

  /** Opens a workspace file through Quick Open and waits for its editor. */
  async openFile(relativePath: string): Promise<Locator> {
    const name = relativePath.split('/').pop() ?? relativePath;
    await this.page.keyboard.press('Control+P');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(relativePath);
    await this.page
      .locator('.quick-input-widget .monaco-list-row', { hasText: name })
      .first()
      .waitFor({ timeout: 10_000 });
    await this.page.keyboard.press('Enter');
    await this.page
      .locator(`.tabs-container .tab[data-resource-name="${name}"]`)
      .waitFor({ timeout: 10_000 });
    const editor = this.page.locator('.editor-instance .monaco-editor').first();
    await editor.waitFor({ state: 'visible', timeout: 10_000 });
    return editor;
  }

  /** Clicks Pacer's activity-bar icon and returns the chat webview's content frame. */
  async openPacerView(): Promise<FrameLocator> {
    const icon = this.page.locator('.activitybar .action-item a[aria-label^="Pacer"]').first();
    await icon.waitFor({ state: 'visible', timeout: 20_000 });
    const expanded = await icon.getAttribute('aria-expanded');
    if (expanded !== 'true') await icon.click();
    await this.page
      .locator('.sidebar .composite.title', { hasText: /pacer/i })
      .first()
      .waitFor({ state: 'visible', timeout: 10_000 });
    return this.pacerWebview();
  }

  /** The chat view's content: two frames deep (the webview host iframe, then its active frame). */
  pacerWebview(): FrameLocator {
    return this.page.frameLocator('iframe.webview').first().frameLocator('#active-frame');
  }

  /**
   * Saves a PNG under test-results/ and returns its path. `parkMouse` first moves the pointer to
   * an empty spot of the activity bar, so no hover tooltip covers the picture (leave it off when
   * the tooltip is the point).
   */
  async screenshot(name: string, options: { parkMouse?: boolean } = {}): Promise<string> {
    mkdirSync(resultsDir, { recursive: true });
    if (options.parkMouse) {
      const height = this.page.viewportSize()?.height ?? 800;
      await this.page.mouse.move(24, Math.round(height * 0.6));
      await this.page.waitForTimeout(300);
    }
    const path = join(resultsDir, `${name}.png`);
    await this.page.screenshot({ path });
    return path;
  }

  async close(): Promise<void> {
    await this.browser.close().catch(() => undefined);
    await this.server.close().catch(() => undefined);
    await this.emulator?.close().catch(() => undefined);
    this.workspace.remove();
  }
}

/** Packages pacer.vsix when it is missing (npm test packages it before the UI suites run). */
export function ensureVsix(): string {
  if (!existsSync(vsixPath)) {
    const r = spawnSync('npm', ['run', 'package'], { cwd: repoRoot, stdio: 'inherit' });
    if (r.status !== 0 || !existsSync(vsixPath))
      throw new Error('npm run package did not produce pacer.vsix');
  }
  return vsixPath;
}

export async function startPacerEditor(options: PacerEditorOptions = {}): Promise<PacerEditor> {
  const mode = options.extension ?? 'dev';
  if (mode === 'dev' && !existsSync(join(repoRoot, 'dist', 'extension.cjs'))) {
    throw new Error('dist/extension.cjs is missing: run npm run build first');
  }
  const cleanups: (() => Promise<unknown> | void)[] = [];
  try {
    const emulator = options.emulator === false ? undefined : await startEmulator(options.emulator ?? {});
    if (emulator) cleanups.push(() => emulator.close());
    const workspace = copyWorkspace(options.workspace);
    cleanups.push(() => workspace.remove());
    let dirs: ScratchDirs | undefined;
    if (options.beforeStart) {
      const scratch = (dirs = makeScratchDirs());
      cleanups.push(() => removeScratchDirs(scratch));
      options.beforeStart(scratch);
    }
    const server = await startCodeServer({
      ...(dirs ? { dirs } : {}),
      userSettings: {
        'workbench.colorTheme': 'Default Dark Modern',
        // Base URLs from the test's settings (a second emulator as a fallback) add to DeepSeek's.
        'pacer.providers.baseUrls': {
          ...(emulator ? { deepseek: emulator.url } : {}),
          ...((options.settings?.['pacer.providers.baseUrls'] as Record<string, string> | undefined) ?? {}),
        },
        ...(options.restrictedMode
          ? {
              'security.workspace.trust.startupPrompt': 'never',
              'security.workspace.trust.untrustedFiles': 'open',
            }
          : {}),
        ...Object.fromEntries(
          Object.entries(options.settings ?? {}).filter(([key]) => key !== 'pacer.providers.baseUrls'),
        ),
      },
      workspaceTrust: options.restrictedMode ?? false,
      ...(mode === 'vsix' ? { vsix: [ensureVsix()] } : {}),
    });
    cleanups.push(() => server.close());
    const browser = await launchChromium({ env: server.env });
    cleanups.push(() => browser.close());
    const url = workbenchUrl(server.url, {
      folder: workspace.path,
      extensionDevelopmentPath: mode === 'dev' ? [repoRoot] : [],
    });
    const page = await openWorkbench(browser, url, {
      ...(options.width ? { width: options.width } : {}),
      ...(options.height ? { height: options.height } : {}),
    });
    return new PacerEditor(page, browser, server, emulator, workspace);
  } catch (err) {
    for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
    throw err;
  }
}

export interface AnotherWindowOptions {
  /** Folder copied as this window's workspace (default test/fixtures/workspace). */
  workspace?: string;
  width?: number;
  height?: number;
}

/** A second window of an editor: closing it closes only that window and its workspace copy. */
class PacerWindow extends PacerEditor {
  override async close(): Promise<void> {
    await this.page
      .context()
      .close()
      .catch(() => undefined);
    this.workspace.remove();
  }
}

/**
 * Another VS Code window on the same code-server, with Pacer loaded from source: its own
 * extension host (so its own Pacer, as on a second machine), its own browser context (its own
 * browser storage) and its own workspace copy, without the cost of a second server and browser.
 * The user settings are the first window's. Close it before the first one.
 */
export async function openAnotherWindow(
  editor: PacerEditor,
  options: AnotherWindowOptions = {},
): Promise<PacerEditor> {
  const workspace = copyWorkspace(options.workspace);
  try {
    const url = workbenchUrl(editor.server.url, {
      folder: workspace.path,
      extensionDevelopmentPath: [repoRoot],
    });
    const page = await openWorkbench(editor.browser, url, {
      ...(options.width ? { width: options.width } : {}),
      ...(options.height ? { height: options.height } : {}),
    });
    return new PacerWindow(page, editor.browser, editor.server, editor.emulator, workspace);
  } catch (err) {
    workspace.remove();
    throw err;
  }
}
