// VS Code's proxy settings in the real editor (code-server 4.100.3 = VS Code 1.100.3): does the
// extension host's global `fetch` honour `http.proxy`, `http.noProxy` and `http.proxyStrictSSL`?
// A small forward proxy here (absolute-form requests and CONNECT tunnels) is the only thing that
// resolves `provider.invalid`: it sends port 80 to the emulator and port 443 to a TLS front of the
// emulator with a self-signed certificate. Pacer's only provider is a custom one at
// `http(s)://provider.invalid`, so an answer can only arrive through the proxy.
//
// Findings the tests pin down (if one starts failing after an editor upgrade, revisit
// src/vscode/providers/proxySettings.ts, which chooses its path from them):
// - `http.proxy`: honoured by the editor's fetch (Pacer uses it as is; undici is not loaded).
// - `http.noProxy`: honoured (a covered host goes direct, so `provider.invalid` fails to resolve).
// - `http.proxyStrictSSL: false`: NOT honoured (the editor's fetch goes through the proxy but
//   refuses the self-signed certificate), so Pacer loads its own agent, dist/proxy.cjs, for it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import type { FrameLocator } from 'playwright-core';
import { startEmulator } from '../../../tools/emulator/server';
import type { Emulator } from '../../../tools/emulator/server';
import { startPacerEditor } from './harness';
import type { PacerEditor } from './harness';

const HOST = 'provider.invalid';

interface TestProxy {
  url: string;
  /** `CONNECT provider.invalid:443` or `POST http://provider.invalid/chat/completions`. */
  seen: string[];
  close(): Promise<void>;
}

/** A forward proxy that resolves `provider.invalid` (and nothing else) to local ports. */
async function startProxy(routes: Record<number, number>): Promise<TestProxy> {
  const seen: string[] = [];
  const target = (host: string, port: number) =>
    host === HOST && routes[port] ? { host: '127.0.0.1', port: routes[port] } : undefined;
  const server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    let url: URL;
    try {
      url = new URL(req.url ?? '');
    } catch {
      res.writeHead(400).end('absolute-form requests only');
      return;
    }
    const to = target(url.hostname, Number(url.port || 80));
    if (!to) {
      res.writeHead(502).end(`the proxy cannot resolve ${url.hostname}`);
      return;
    }
    const upstream = http.request(
      { ...to, method: req.method, path: url.pathname + url.search, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    seen.push(`CONNECT ${req.url}`);
    const [host = '', port = '443'] = (req.url ?? '').split(':');
    const to = target(host, Number(port));
    if (!to) {
      client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
      return;
    }
    const upstream = net.connect(to.port, to.host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** HTTPS in front of the emulator with a self-signed certificate for provider.invalid. */
async function startTlsFront(emulator: Emulator): Promise<{ port: number; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'pacer-proxy-cert-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        `/CN=${HOST}`,
        '-addext',
        `subjectAltName=DNS:${HOST}`,
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    const emu = new URL(emulator.url);
    const server = https.createServer(
      { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
      (req, res) => {
        const upstream = http.request(
          {
            host: emu.hostname,
            port: emu.port,
            method: req.method,
            path: req.url,
            headers: req.headers,
          },
          (up) => {
            res.writeHead(up.statusCode ?? 502, up.headers);
            up.pipe(res);
          },
        );
        upstream.on('error', () => res.destroy());
        req.pipe(upstream);
      },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return {
      port: (server.address() as AddressInfo).port,
      close: () =>
        new Promise((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Pacer's one provider: a custom one at `baseUrl`, which needs no key. */
function pacerSettings(baseUrl: string, http: Record<string, unknown>): Record<string, unknown> {
  return {
    'pacer.providers.custom': [
      {
        id: 'corp',
        label: 'Corp',
        baseUrl,
        needsKey: false,
        chatModel: 'deepseek-flash',
        completionModel: 'deepseek-flash',
      },
    ],
    'pacer.providers.enabled': ['corp'],
    'pacer.providers.chatOrder': ['corp'],
    'pacer.providers.completionOrder': ['corp'],
    'pacer.completion.enabled': false,
    'pacer.chat.deadlineSeconds': 10,
    ...http,
  };
}

/** Every file under `dir` (bounded). */
function filesUnder(dir: string, out: string[] = [], depth = 0): string[] {
  if (!existsSync(dir) || depth > 12) return out;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const st = statSync(path, { throwIfNoEntry: false });
    if (st?.isDirectory()) {
      if (name !== 'node_modules' && name !== 'extensions') filesUnder(path, out, depth + 1);
    } else if (st) out.push(path);
  }
  return out;
}

/** Pacer's log lines (the LogOutputChannel's file) that contain `text`. */
function pacerLogLines(editor: PacerEditor, text: string): string[] {
  return filesUnder(editor.server.dirs.root)
    .filter((f) => f.endsWith('.log'))
    .flatMap((f) => readFileSync(f, 'utf8').split('\n'))
    .filter((l) => l.includes(text));
}

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The chat panel: ask, and return the answer's meta line or its error text. */
class Chat {
  constructor(readonly view: FrameLocator) {}
  private input = () => this.view.getByRole('textbox', { name: /Message Pacer/ });

  async ask(text: string): Promise<{ meta: string; error: string; body: string }> {
    const answers = this.view.locator('article.message.assistant');
    const before = await answers.count();
    await this.input().click();
    await this.input().fill(text);
    await this.input().press('Enter');
    const answer = answers.nth(before);
    await answer.waitFor({ timeout: 10_000 });
    await answer.and(this.view.locator('[aria-busy="false"]')).waitFor({ timeout: 60_000 });
    const meta = (
      (await answer
        .locator('.meta')
        .textContent()
        .catch(() => '')) ?? ''
    ).trim();
    const error = (
      (await answer
        .locator('.error-text')
        .textContent()
        .catch(() => '')) ?? ''
    ).trim();
    const body = ((await answer.textContent()) ?? '').trim();
    return { meta, error, body };
  }
}

async function openChat(editor: PacerEditor): Promise<Chat> {
  const view = await editor.openPacerView();
  await view.getByRole('textbox', { name: /Message Pacer/ }).waitFor({ timeout: 30_000 });
  return new Chat(view);
}

const chatRequests = (emulator: Emulator) =>
  emulator.stats().lastRequests.filter((r) => r.path.endsWith('/chat/completions')).length;

describe("VS Code's proxy settings and the editor's global fetch", () => {
  let emulator: Emulator;
  let tls: { port: number; close(): Promise<void> };
  let proxy: TestProxy;
  let editor: PacerEditor | undefined;

  before(async () => {
    emulator = await startEmulator({ ttftMs: 30, tokensPerSecond: 500, answerTokens: 12 });
    tls = await startTlsFront(emulator);
    proxy = await startProxy({ 80: Number(new URL(emulator.url).port), 443: tls.port });
  });
  afterEach(async () => {
    await editor?.close();
    editor = undefined;
    delete process.env.PACER_PROXY_PATH;
  });
  after(async () => {
    await proxy?.close();
    await tls?.close();
    await emulator?.close();
  });

  test("http.proxy is honoured by the editor's fetch", async () => {
    editor = await startPacerEditor({
      emulator: false,
      settings: pacerSettings(`http://${HOST}`, { 'http.proxy': proxy.url }),
    });
    await editor.waitForStatus(/corp/i);
    const chat = await openChat(editor);

    const viaProxy = await chat.ask('Hello through the proxy');
    assert.equal(viaProxy.error, '', `an answer, not an error: ${viaProxy.body}`);
    assert.match(viaProxy.meta, /corp/i);
    assert.ok(
      proxy.seen.some((s) => s.includes(`${HOST}`)),
      `the proxy carried the request: ${proxy.seen.join(', ')}`,
    );
    assert.ok(chatRequests(emulator) >= 1, 'the emulator answered, reached only through the proxy');
    // Pacer handed the request to the editor's global fetch: VS Code did the proxying.
    const path = await waitFor('the proxy log line', () =>
      pacerLogLines(editor!, 'provider traffic goes through the proxy').at(-1),
    );
    assert.match(path, /via the editor's fetch/);
    await editor.screenshot('proxy-http-proxy', { parkMouse: true });
  });

  // A second editor: a settings.json written while the editor runs does not reach code-server's
  // extension host reliably, so the setting is there from the start.
  test('http.noProxy is honoured: a covered host goes direct and fails to resolve', async () => {
    // Counted from the start: the health probes must not use the proxy either.
    const seenBefore = proxy.seen.length;
    const emulatorBefore = chatRequests(emulator);
    editor = await startPacerEditor({
      emulator: false,
      settings: pacerSettings(`http://${HOST}`, { 'http.proxy': proxy.url, 'http.noProxy': [HOST] }),
    });
    await editor.waitForStatus(/corp/i);
    const chat = await openChat(editor);
    const direct = await chat.ask('Hello around the proxy');
    assert.notEqual(
      direct.error,
      '',
      `the direct request must fail to resolve: ${direct.body}; the proxy saw ${proxy.seen.slice(seenBefore).join(', ')}`,
    );
    assert.deepEqual(
      proxy.seen.slice(seenBefore).filter((s) => s.includes(HOST)),
      [],
      'the proxy saw nothing once noProxy covers the host',
    );
    assert.equal(chatRequests(emulator), emulatorBefore, 'nothing reached the emulator');
    await editor.screenshot('proxy-no-proxy', { parkMouse: true });
  });

  test("http.proxyStrictSSL: false is NOT honoured by the editor's fetch", async () => {
    // Forced onto the editor's fetch, as if Pacer trusted it with every setting.
    process.env.PACER_PROXY_PATH = 'editor';
    editor = await startPacerEditor({
      emulator: false,
      settings: pacerSettings(`https://${HOST}`, {
        'http.proxy': proxy.url,
        'http.proxyStrictSSL': false,
      }),
    });
    await editor.waitForStatus(/corp/i);
    const chat = await openChat(editor);
    const seenBefore = proxy.seen.length;
    const emulatorBefore = chatRequests(emulator);
    const refused = await chat.ask('Hello over TLS through the proxy');
    assert.notEqual(refused.error, '', `the self-signed certificate must be refused: ${refused.body}`);
    assert.ok(
      proxy.seen.slice(seenBefore).includes(`CONNECT ${HOST}:443`),
      `the editor's fetch did use the proxy: ${proxy.seen.join(', ')}`,
    );
    assert.equal(chatRequests(emulator), emulatorBefore, 'no request got past the TLS handshake');
    await editor.screenshot('proxy-strict-ssl-editor-fetch', { parkMouse: true });
  });

  test("http.proxyStrictSSL: false works through Pacer's own agent (dist/proxy.cjs)", async () => {
    // Counted from the start: the agent keeps tunnels alive, so the chat may reuse the probe's.
    const seenBefore = proxy.seen.length;
    editor = await startPacerEditor({
      emulator: false,
      settings: pacerSettings(`https://${HOST}`, {
        'http.proxy': proxy.url,
        'http.proxyStrictSSL': false,
      }),
    });
    await editor.waitForStatus(/corp/i);
    const chat = await openChat(editor);
    const answer = await chat.ask('Hello over TLS through the proxy again');
    assert.equal(answer.error, '', `an answer, not an error: ${answer.body}`);
    assert.match(answer.meta, /corp/i);
    assert.ok(proxy.seen.slice(seenBefore).includes(`CONNECT ${HOST}:443`), proxy.seen.join(', '));
    const path = await waitFor('the proxy log line', () =>
      pacerLogLines(editor!, 'provider traffic goes through the proxy').at(-1),
    );
    assert.match(path, /via Pacer's proxy agent \(http\.proxyStrictSSL is off\)/);
    await editor.screenshot('proxy-strict-ssl-pacer-agent', { parkMouse: true });
  });
});
