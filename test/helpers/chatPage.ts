// The chat webview page shared by the webview tests and the chatRender benchmark: the production
// bundle, served with the panel's real HTML and CSP on 127.0.0.1 to headless Chromium, with a stand-in
// for VS Code's webview host (acquireVsCodeApi and a record of what the page posted).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import type {
  HostMessage,
  ViewConversation,
  ViewMessage,
  WebviewMessage,
} from '../../src/core/common/chatProtocol';
import { chatHtml } from '../../src/vscode/chat/chatHtml';
import { chromiumPath } from '../../tools/editor/installEditor.mjs';

// Callbacks handed to page.evaluate run in Chromium. This program is compiled without the DOM lib
// (src/core must not see browser globals), so this file declares the page's globals itself, loosely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
declare const window: any;

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

// ---------------------------------------------------------------------------------------------
// A plain page that hosts the webview bundle the way VS Code does (same HTML, same CSP).

export interface ChatPageServer {
  origin: string;
  close(): Promise<void>;
}

let bundleCache: string | undefined;

/** The production webview bundle, built in memory from src/webview/main.ts. */
export async function buildWebviewBundle(): Promise<string> {
  if (bundleCache) return bundleCache;
  const out = await esbuild.build({
    entryPoints: [join(ROOT, 'src/webview/main.ts')],
    bundle: true,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  bundleCache = out.outputFiles[0]?.text ?? '';
  return bundleCache;
}

/** Serves the chat HTML (with or without its CSP), the bundle and the stylesheet on 127.0.0.1. */
export async function startChatPageServer(options: { csp?: boolean } = {}): Promise<ChatPageServer> {
  const bundle = await buildWebviewBundle();
  const css = readFileSync(join(ROOT, 'media/chat.css'), 'utf8');
  const server = createServer((req, res) => {
    const origin = `http://${req.headers.host ?? '127.0.0.1'}`;
    if (req.url === '/webview.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
    } else if (req.url === '/chat.css') {
      res.writeHead(200, { 'content-type': 'text/css' }).end(css);
    } else if (req.url === '/') {
      let html = chatHtml({
        cspSource: origin,
        scriptUri: `${origin}/webview.js`,
        styleUri: `${origin}/chat.css`,
      });
      if (options.csp === false) html = html.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, '');
      res.writeHead(200, { 'content-type': 'text/html' }).end(html);
    } else if (req.url === '/favicon.ico') {
      res.writeHead(204).end();
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export async function launchBrowser(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error('Chromium not found: install Debian chromium or set CHROMIUM_PATH');
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--no-first-run',
      '--disable-background-networking',
    ],
  });
}

export interface ChatPage {
  page: Page;
  /** Posts a message to the webview as the extension host would. */
  send(message: HostMessage): Promise<void>;
  /** Messages the webview posted to the "extension". */
  posted(): Promise<WebviewMessage[]>;
  /** Page errors and console errors since the last (re)load. */
  errors: string[];
  /** Loads the panel afresh (a new document, nothing kept), from `server` or the same one. */
  reload(server?: ChatPageServer): Promise<void>;
  close(): Promise<void>;
}

export async function openChatPage(browser: Browser, server: ChatPageServer): Promise<ChatPage> {
  const context = await browser.newContext({ viewport: { width: 420, height: 800 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  // tsx (esbuild keepNames) wraps named functions in `__name(...)`; functions this file hands to
  // page.evaluate carry that call into the page, so the page needs the helper too.
  await page.addInitScript('window.__name = (f) => f;');
  // Stands in for VS Code's webview host: acquireVsCodeApi() and a record of what was posted.
  await page.addInitScript(() => {
    const w = window as unknown as { __posted: unknown[]; __state: unknown; acquireVsCodeApi: () => unknown };
    w.__posted = [];
    w.acquireVsCodeApi = () => ({
      postMessage: (m: unknown) => w.__posted.push(m),
      getState: () => w.__state,
      setState: (s: unknown) => (w.__state = s),
    });
  });
  let origin = server.origin;
  // A new page costs a renderer process (over a second); a reload of the same page does not.
  const reload = async (next?: ChatPageServer) => {
    if (next) origin = next.origin;
    errors.length = 0;
    await page.goto(`${origin}/`);
    await page.waitForFunction(() =>
      (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'ready'),
    );
  };
  await reload();
  return {
    page,
    errors,
    send: (message) => page.evaluate((m) => window.postMessage(m, '*'), message),
    posted: () => page.evaluate(() => (window as unknown as { __posted: WebviewMessage[] }).__posted),
    reload,
    close: () => context.close(),
  };
}

/** The fixed creation time of the messages below: the page shows times, tests compare them. */
export const MESSAGE_TIME = 1_700_000_000_000;

/** A finished user message as the host sends it. */
export function userMessage(id: string, text: string): ViewMessage {
  return { id, role: 'user', text, status: 'done', createdMs: MESSAGE_TIME };
}

/** A finished assistant answer as the host sends it; `over` sets status, error, note, … */
export function answerMessage(id: string, text: string, over: Partial<ViewMessage> = {}): ViewMessage {
  return { id, role: 'assistant', text, status: 'done', createdMs: MESSAGE_TIME, ...over };
}

export function emptyConversation(id = 'c1'): ViewConversation {
  return { id, title: 'Bench', model: 'deepseek-flash', thinking: false, messages: [] };
}

export function initMessage(conversation: ViewConversation = emptyConversation()): HostMessage {
  return {
    type: 'init',
    conversation,
    history: [],
    chips: [],
    addable: [],
    models: [
      { id: 'deepseek-flash', label: 'DeepSeek Flash' },
      { id: 'deepseek-v4-pro', label: 'DeepSeek V4 Pro' },
    ],
  };
}

/** Why the page tests skip (Chromium comes with the editor tools), or false when they can run. */
export const chatPageSkip: string | false = chromiumPath()
  ? false
  : 'Chromium is not installed (node tools/editor/installEditor.mjs)';
