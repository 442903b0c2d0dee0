// A fetch that goes through an HTTP(S) proxy, for the openai SDK (ProviderEndpoint.fetch). The
// editor reads VS Code's `http.proxy` settings and hands them here; hosts in `noProxy` go direct.
import { fetch as undiciFetch, ProxyAgent } from 'undici';

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

/** Whether `url` should bypass the proxy per a no_proxy-style list. */
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
  return noProxy.some((raw) => {
    const entry = raw.trim().toLowerCase();
    if (!entry) return false;
    if (entry === '*') return true;
    const [entryHost, entryPort] = entry.startsWith('[')
      ? [entry.slice(1, entry.indexOf(']')), entry.split(']:')[1]]
      : entry.split(':');
    if (entryPort && entryPort !== port) return false;
    const bare = entryHost.replace(/^\*?\./, '');
    return host === bare || host.endsWith(`.${bare}`);
  });
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

export function createProxyFetch(config: ProxyConfig): ProxyFetch {
  const agent = new ProxyAgent({
    uri: config.proxyUrl,
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
