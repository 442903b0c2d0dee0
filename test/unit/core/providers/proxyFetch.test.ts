// Provider traffic through an HTTP proxy (VS Code's `http.proxy`): a real local proxy (CONNECT
// tunnels and absolute-form requests) in front of the emulator, the real gate and openai SDK.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { createProviderService } from '../../../../src/core/providers/providerService';
import { createDeepSeekEndpoint } from '../../../../src/core/providers/providerEndpoint';
import {
  bypassesProxy,
  createProxyFetch,
  redactProxyUrl,
  withProxyScheme,
} from '../../../../src/core/providers/proxyFetch';
import type { Emulator } from '../../../../tools/emulator/server';
import { startFastEmulator } from '../../../helpers/emulator';

interface TestProxy {
  url: string;
  seen: string[];
  authorizations: (string | undefined)[];
  close(): Promise<void>;
}

/** Host names only this proxy resolves (`provider.invalid` → the emulator), as a corporate proxy would. */
const proxyHosts = new Map<string, { host: string; port: number }>();

function resolveViaProxy(host: string, port: number): { host: string; port: number } {
  return proxyHosts.get(host) ?? { host, port };
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
    const to = resolveViaProxy(target.hostname, Number(target.port || 80));
    const upstream = http.request(
      {
        host: to.host,
        port: to.port,
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
    const to = resolveViaProxy(host!, Number(port));
    const upstream = net.connect(to.port, to.host, () => {
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

/** A base URL only the proxy can reach: `.invalid` never resolves in DNS (RFC 2606). */
const PROVIDER = 'http://provider.invalid';

before(async () => {
  emu = await startFastEmulator();
  proxy = await startProxy();
  proxyHosts.set('provider.invalid', { host: '127.0.0.1', port: emu.port });
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
      createDeepSeekEndpoint({ baseUrl: PROVIDER, getApiKey: async () => 'sk-test', fetch: viaProxy }),
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
      const host = 'provider.invalid';
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

  test('hosts in noProxy go direct (here: to a name only the proxy knows, so the probe fails)', async () => {
    const { fetch: viaProxy, close } = createProxyFetch({ proxyUrl: proxy.url, noProxy: ['.invalid'] });
    const service = createProviderService(
      createDeepSeekEndpoint({ baseUrl: PROVIDER, getApiKey: async () => 'sk-test', fetch: viaProxy }),
    );
    try {
      const before = proxy.seen.length;
      await assert.rejects(service.probe(), (e: unknown) => (e as { kind?: string }).kind === 'network');
      assert.equal(proxy.seen.length, before);
    } finally {
      service.dispose();
      await close();
    }
  });

  test('loopback (127.0.0.0/8, localhost) always goes direct, even without a noProxy entry', async () => {
    const { fetch: viaProxy, close } = createProxyFetch({ proxyUrl: proxy.url });
    try {
      const before = proxy.seen.length;
      for (const base of [emu.url, `http://localhost:${emu.port}`]) {
        const service = createProviderService(
          createDeepSeekEndpoint({ baseUrl: base, getApiKey: async () => 'sk-test', fetch: viaProxy }),
        );
        try {
          assert.ok((await service.probe()).includes('deepseek-flash'));
        } finally {
          service.dispose();
        }
      }
      assert.deepEqual(proxy.seen.slice(before), [], 'the proxy saw no loopback traffic');
    } finally {
      await close();
    }
  });

  test('a dead proxy is a clear network error, not a hang', async () => {
    const dead = await startProxy();
    await dead.close();
    const { fetch: viaProxy, close } = createProxyFetch({ proxyUrl: dead.url });
    const service = createProviderService(
      createDeepSeekEndpoint({ baseUrl: PROVIDER, getApiKey: async () => 'sk-test', fetch: viaProxy }),
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
    assert.equal(bypassesProxy('http://10.0.0.5:8080/v1', ['10.0.0.5:9090']), false);
    assert.equal(bypassesProxy('http://10.0.0.5:8080/v1', ['10.0.0.5:8080']), true);
    assert.equal(bypassesProxy('https://openrouter.ai', []), false);
    assert.equal(bypassesProxy('http://user:pw@provider.invalid', []), false);
    assert.equal(redactProxyUrl('http://user:secret@proxy.local:3128'), 'http://***@proxy.local:3128');
    assert.ok(!redactProxyUrl('http://user:secret@proxy.local:3128').includes('secret'));
    assert.equal(withProxyScheme(' proxy.local:3128 '), 'http://proxy.local:3128');
    assert.equal(withProxyScheme('https://proxy.local'), 'https://proxy.local');
    assert.throws(() => createProxyFetch({ proxyUrl: 'ftp://proxy.local' }), /protocol/);
  });

  test('loopback always bypasses; IPv6 noProxy entries match with and without brackets and port', () => {
    for (const url of [
      'http://127.0.0.1:8080/v1',
      'http://127.1.2.3',
      'http://localhost:11434',
      'http://[::1]:1234/v1',
    ])
      assert.equal(bypassesProxy(url, []), true, url);
    assert.equal(bypassesProxy('http://[::1]:8080/v1', ['::1']), true);
    assert.equal(bypassesProxy('http://[fd00::5]:8080/v1', ['fd00::5']), true);
    assert.equal(bypassesProxy('http://[fd00::5]:8080/v1', ['[fd00::5]']), true);
    assert.equal(bypassesProxy('http://[fd00::5]:8080/v1', ['[fd00::5]:8080']), true);
    assert.equal(bypassesProxy('http://[fd00::5]:8080/v1', ['[fd00::5]:9090']), false);
    assert.equal(bypassesProxy('http://[FD00:0:0::5]/v1', ['fd00::5']), true, 'compared in canonical form');
    assert.equal(bypassesProxy('http://[fd00::6]/v1', ['fd00::5']), false);
    assert.equal(bypassesProxy('http://[fd00::5]/v1', ['.5']), false, 'no suffix matching on addresses');
    assert.equal(bypassesProxy('http://10.0.0.5/v1', ['0.0.5']), false, 'no suffix matching on addresses');
    assert.equal(bypassesProxy('http://10.0.0.5/v1', ['10.0.0.5']), true);
  });
});
