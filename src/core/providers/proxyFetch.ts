// A fetch that goes through an HTTP(S) proxy, for the openai SDK (ProviderEndpoint.fetch). The
// editor reads VS Code's `http.proxy` settings and hands them here; hosts in `noProxy` go direct.
// Built on its own as dist/proxy.cjs (undici is most of its size): the extension loads it only for
// what the editor's own fetch ignores (see src/vscode/providers/proxySettings.ts); plain Node (the
// tests, a CLI) imports it directly.
import { fetch as undiciFetch, ProxyAgent } from 'undici';
import { isLoopbackUrl } from './catalog';

export interface ProxyConfig {
  /** `http://host:port` (credentials in the URL are allowed). */
  proxyUrl: string;
  /** Verify the TLS certificates of the proxied hosts (VS Code's `http.proxyStrictSSL`). */
  strictSSL?: boolean;
  /** A `Proxy-Authorization` header value (VS Code's `http.proxyAuthorization`). */
  authorization?: string;
  /** Hosts (or `.domain` suffixes, `*`) that bypass the proxy (VS Code's `http.noProxy`). */
  noProxy?: readonly string[];
}

/**
 * Whether `url` should bypass the proxy: always for loopback (a proxy cannot reach this machine's
 * servers, and local models must not leave it), else per a no_proxy-style list: host names match
 * themselves and their subdomains (`.example.com`, `*.example.com` too); IP addresses, IPv6 with
 * or without brackets (`::1`, `[::1]`, `[::1]:8080`), match only themselves.
 */
export function bypassesProxy(url: string, noProxy: readonly string[] = []): boolean {
  let host: string;
  let port: string;
  try {
    const parsed = new URL(url);
    host = parsed.hostname.toLowerCase().replace(/^\[|\]$/g, '');
    port = parsed.port;
  } catch {
    return false;
  }
  if (isLoopbackUrl(url)) return true;
  return noProxy.some((raw) => {
    const entry = parseEntry(raw);
    if (!entry) return false;
    if (entry.host === '*') return true;
    if (entry.port && entry.port !== port) return false;
    if (entry.ip || isIp(host)) return host === entry.host;
    const bare = entry.host.replace(/^\*?\./, '');
    return host === bare || host.endsWith(`.${bare}`);
  });
}

/** One no_proxy entry as host (canonical for IP addresses) and optional port. */
function parseEntry(raw: string): { host: string; port?: string; ip: boolean } | undefined {
  const entry = raw.trim().toLowerCase();
  if (!entry) return undefined;
  let host: string;
  let port: string | undefined;
  if (entry.startsWith('[')) {
    const close = entry.indexOf(']');
    if (close < 0) return undefined;
    host = entry.slice(1, close);
    port = /^:(\d+)$/.exec(entry.slice(close + 1))?.[1];
  } else if (entry.indexOf(':') !== entry.lastIndexOf(':')) {
    host = entry; // a bare IPv6 address: its colons are not a port
  } else {
    [host, port] = entry.split(':') as [string, string | undefined];
  }
  if (!isIp(host)) return { host, port, ip: false };
  // The URL parser writes addresses one way (`fd00::5`, `10.0.0.5`): compare in that form.
  const canonical = canonicalIp(host);
  return canonical ? { host: canonical, port, ip: true } : undefined;
}

function isIp(host: string): boolean {
  return host.includes(':') || /^\d+\.\d+\.\d+\.\d+$/.test(host);
}

function canonicalIp(host: string): string | undefined {
  try {
    const hostname = new URL(`http://${host.includes(':') ? `[${host}]` : host}/`).hostname;
    return hostname.replace(/^\[|\]$/g, '');
  } catch {
    return undefined;
  }
}

/** Redacts credentials so a proxy URL can be logged. */
export function redactProxyUrl(proxyUrl: string): string {
  try {
    const u = new URL(proxyUrl);
    if (u.username || u.password) {
      u.username = '***';
      u.password = '';
    }
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(invalid proxy URL)';
  }
}

export interface ProxyFetch {
  fetch: typeof fetch;
  close(): Promise<void>;
}

/** `proxy:3128` → `http://proxy:3128` (the form curl and most tools accept); others unchanged. */
export function withProxyScheme(proxyUrl: string): string {
  const url = proxyUrl.trim();
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `http://${url}`;
}

/** Throws when the proxy URL is unusable (the caller keeps its previous state then). */
export function createProxyFetch(config: ProxyConfig): ProxyFetch {
  const agent = new ProxyAgent({
    uri: withProxyScheme(config.proxyUrl),
    ...(config.authorization ? { token: config.authorization } : {}),
    requestTls: { rejectUnauthorized: config.strictSSL ?? true },
  });
  const proxied = ((input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (bypassesProxy(url, config.noProxy)) return fetch(input, init);
    // undici's fetch and Node's global fetch share the WHATWG API; only the types differ.
    return undiciFetch(
      input as never,
      { ...(init as object), dispatcher: agent } as never,
    ) as unknown as Promise<Response>;
  }) as typeof fetch;
  return { fetch: proxied, close: () => agent.close() };
}
