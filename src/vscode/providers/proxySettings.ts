// Honours VS Code's proxy settings (`http.proxy`, `http.proxyStrictSSL`, `http.proxyAuthorization`,
// `http.noProxy`, `http.proxySupport`) for provider traffic. Every endpoint gets the same stable
// fetch function, which delegates to the proxy of the moment, so a settings change applies to the
// next request without rebuilding any client.
import * as vscode from 'vscode';
import type { ProxyConfig, ProxyFetch } from '../../core/providers/proxyFetch';
import { createProxyFetch, redactProxyUrl } from '../../core/providers/proxyFetch';
import type { Logger } from '../log';

export function readProxyConfig(): ProxyConfig | undefined {
  const http = vscode.workspace.getConfiguration('http');
  if (http.get<string>('proxySupport') === 'off') return undefined;
  const proxyUrl = http.get<string>('proxy')?.trim();
  // Without an explicit proxy, the global fetch is used as is (VS Code's own proxy support, the
  // system proxy and the *_PROXY variables apply to it in the desktop editor).
  if (!proxyUrl) return undefined;
  return {
    proxyUrl,
    strictSSL: http.get<boolean>('proxyStrictSSL', true),
    authorization: http.get<string | null>('proxyAuthorization') ?? undefined,
    noProxy: http.get<string[]>('noProxy', []),
  };
}

export class ProxySettings implements vscode.Disposable {
  private current: ProxyFetch | undefined;
  private readonly subscription: vscode.Disposable;

  /** Pass this to every endpoint: it routes through the configured proxy, if any. */
  readonly fetch: typeof fetch = (input, init) =>
    this.current ? this.current.fetch(input, init) : fetch(input, init);

  constructor(private readonly log: Logger) {
    this.apply();
    this.subscription = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('http')) this.apply();
    });
  }

  private apply(): void {
    const old = this.current;
    const config = readProxyConfig();
    try {
      this.current = config ? createProxyFetch(config) : undefined;
    } catch (e) {
      // A proxy URL without a scheme (`proxy:8080`) must not stop activation. Requests fail with
      // what to fix rather than going around a proxy the user asked for.
      // The value is not echoed: it may hold credentials in a shape redactProxyUrl cannot parse.
      const why = `http.proxy is not a usable proxy URL (${e instanceof Error ? e.message : String(e)}): write it as http://host:port.`;
      this.log.warn(why);
      void vscode.window.showWarningMessage(`Pacer: ${why}`);
      this.current = { fetch: () => Promise.reject(new Error(why)), close: () => Promise.resolve() };
    }
    if (config) this.log.info(`provider traffic goes through the proxy ${redactProxyUrl(config.proxyUrl)}`);
    else if (old) this.log.info('provider traffic goes direct (no http.proxy)');
    void old?.close().catch(() => {});
  }

  dispose(): void {
    this.subscription.dispose();
    void this.current?.close().catch(() => {});
  }
}
