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
    let next: ProxyFetch | undefined;
    try {
      next = config ? createProxyFetch(config) : undefined;
    } catch (e) {
      // A bad http.proxy must not break activation: keep what worked until it is fixed.
      const why = e instanceof Error ? e.message : String(e);
      this.log.warn(
        `http.proxy ${redactProxyUrl(config!.proxyUrl)} is not usable (${why}); provider traffic ${old ? 'keeps the previous proxy' : 'goes direct'}`,
      );
      return;
    }
    this.current = next;
    if (config) this.log.info(`provider traffic goes through the proxy ${redactProxyUrl(config.proxyUrl)}`);
    else if (old) this.log.info('provider traffic goes direct (no http.proxy)');
    void old?.close().catch(() => {});
  }

  dispose(): void {
    this.subscription.dispose();
    void this.current?.close().catch(() => {});
  }
}
