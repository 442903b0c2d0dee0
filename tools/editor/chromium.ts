// Headless Debian Chromium driven by playwright-core, pointed at a code-server workbench.
import { format } from 'node:util';
import { chromium } from 'playwright-core';
import type { Browser, ConsoleMessage, Page } from 'playwright-core';
import { ensureEditor } from './installEditor.mjs';

export interface LaunchChromiumOptions {
  /** Environment for the browser (a scratch HOME, see scratchDirs.ts). */
  env?: NodeJS.ProcessEnv;
  headless?: boolean;
}

export async function launchChromium(options: LaunchChromiumOptions = {}): Promise<Browser> {
  const { chromium: executablePath } = await ensureEditor();
  return chromium.launch({
    executablePath,
    headless: options.headless ?? true,
    env: options.env ?? process.env,
    // Offline machine: no sandbox (root), no GPU, and nothing that phones home.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

export interface OpenWorkbenchOptions {
  /** Viewport; screenshots come out at this size. */
  width?: number;
  height?: number;
  /** Called before navigation, e.g. to expose `codeAutomationExit`. */
  beforeNavigate?: (page: Page) => Promise<void>;
  timeoutMs?: number;
}

/** Opens the workbench URL and waits until the workbench has rendered. */
export async function openWorkbench(
  browser: Browser,
  url: string,
  options: OpenWorkbenchOptions = {},
): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: options.height ?? 800 },
    deviceScaleFactor: 1,
  });
  const page = await context.newPage();
  await options.beforeNavigate?.(page);
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: options.timeoutMs ?? 90_000 });
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: options.timeoutMs ?? 90_000 });
  return page;
}

/**
 * The extension host's console output, as the workbench forwards it to the page console
 * (`%c  INFO` / `%c  ERR` plus a CSS argument): returns the text the extension logged, or
 * undefined for the workbench's own messages.
 */
export async function extensionHostLine(msg: ConsoleMessage): Promise<string | undefined> {
  const text = msg.text();
  if (!/^%c\s+(INFO|ERR|WARN|DEBUG|LOG)/.test(text)) return undefined;
  const args = await Promise.all(
    msg.args().map((a) => a.jsonValue().catch(() => '[unserializable]') as Promise<unknown>),
  );
  return format(...args.slice(2));
}
