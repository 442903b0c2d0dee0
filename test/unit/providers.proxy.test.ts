// Provider traffic through an HTTP proxy (VS Code's `http.proxy`): a real local proxy (CONNECT
// tunnels and absolute-form requests) in front of the emulator, the real gate and openai SDK.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { createProviderService } from '../../src/core/providerService';
import { createDeepSeekEndpoint } from '../../src/core/providerEndpoint';
import { bypassesProxy, createProxyFetch, redactProxyUrl } from '../../src/core/providers/proxyFetch';
import type { Emulator } from '../../tools/emulator/server';
import { startFastEmulator } from './helpers/emulator';

interface TestProxy {
  url: string;
  seen: string[];
  authorizations: (string | undefined)[];
  close(): Promise<void>;
}

async function startProxy(): Promise<TestProxy> {
  const seen: string[] = [];
  const authorizations: (string | undefined)[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    // Absolute-form: `GET http://host:port/path`.
    seen.push(`${req.method} ${req.url}`);
    authorizations.push(req.headers['proxy-authorization']);
    const target = new URL(req.url ?? '');
    const upstream = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname + target.search,
        method: req.method,
        headers: req.headers,
        agent: false,
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.on('connect', (req, client, head) => {
    seen.push(`CONNECT ${req.url}`);
    authorizations.push(req.headers['proxy-authorization']);
    const [host, port] = (req.url ?? '').split(':');
    const upstream = net.connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const s of [upstream, client as net.Socket]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => s.destroy());
    }
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    authorizations,
    close: async () => {
      for (const s of sockets) s.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

let emu: Emulator;
let proxy: TestProxy;

before(async () => {
  emu = await startFastEmulator();
  proxy = await startProxy();
});
after(async () => {
  await proxy.close();
  await emu.close();
});

describe('proxy support', () => {
  test('chat, FIM and /models go through the proxy, with its authorization', async () => {
    const { fetch: viaProxy, close } = createProxyFetch({
      proxyUrl: proxy.url,
      authorization: 'Basic dXNlcjpwYXNz',
    });
    const service = createProviderService(
      createDeepSeekEndpoint({ baseUrl: emu.url, getApiKey: async () => 'sk-test', fetch: viaProxy }),
    );
    try {
      const before = proxy.seen.length;
      const models = await service.probe();
      assert.ok(models.includes('deepseek-flash'));
      const chat = await service.chat({ messages: [{ role: 'user', content: 'hello' }] });
      assert.ok(chat.text.length > 0);
      const fim = await service.complete({
        prompt: 'function add(a, b) {\n  return ',
        suffix: '\n}\n',
        maxTokens: 16,
      });
      assert.ok(typeof fim.text === 'string');
      const host = new URL(emu.url).host;
      const through = proxy.seen.slice(before);
      assert.ok(through.length >= 1, 'the proxy saw the traffic');
      assert.ok(
        through.every((line) => line.includes(host)),
        through.join('\n'),
      );
      assert.ok(proxy.authorizations.slice(before).every((a) => a === 'Basic dXNlcjpwYXNz'));
    } finally {
      service.dispose();
      await close();
    }
  });

  test('hosts in noProxy go direct', async () => {
    const { fetch: viaProxy, close } = createProxyFetch({ proxyUrl: proxy.url, noProxy: ['127.0.0.1'] });
    const service = createProviderService(
      createDeepSeekEndpoint({ baseUrl: emu.url, getApiKey: async () => 'sk-test', fetch: viaProxy }),
    );
    try {
      const before = proxy.seen.length;
      await service.probe();
      assert.equal(proxy.seen.length, before);
    } finally {
      service.dispose();
      await close();
    }
  });

  test('a dead proxy is a clear network error, not a hang', async () => {
    const dead = await startProxy();
    await dead.close();
    const { fetch: viaProxy, close } = createProxyFetch({ proxyUrl: dead.url });
    const service = createProviderService(
      createDeepSeekEndpoint({ baseUrl: emu.url, getApiKey: async () => 'sk-test', fetch: viaProxy }),
    );
    try {
      await assert.rejects(service.probe(), (e: unknown) => (e as { kind?: string }).kind === 'network');
    } finally {
      service.dispose();
      await close();
    }
  });

  test('noProxy matching and credential redaction', () => {
    assert.equal(bypassesProxy('https://api.deepseek.com/v1', ['.deepseek.com']), true);
    assert.equal(bypassesProxy('https://api.deepseek.com/v1', ['deepseek.com']), true);
    assert.equal(bypassesProxy('https://api.deepseek.com/v1', ['*']), true);
    assert.equal(bypassesProxy('https://evildeepseek.com', ['deepseek.com']), false);
    assert.equal(bypassesProxy('http://127.0.0.1:8080/v1', ['127.0.0.1:9090']), false);
    assert.equal(bypassesProxy('http://127.0.0.1:8080/v1', ['127.0.0.1:8080']), true);
    assert.equal(bypassesProxy('https://openrouter.ai', []), false);
    assert.equal(redactProxyUrl('http://user:secret@proxy.local:3128'), 'http://***@proxy.local:3128');
    assert.ok(!redactProxyUrl('http://user:secret@proxy.local:3128').includes('secret'));
  });
});
