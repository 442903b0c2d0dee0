// Honours VS Code's proxy settings (`http.proxy`, `http.noProxy`, `http.proxyStrictSSL`,
// `http.proxyAuthorization`, `http.proxySupport`) for provider traffic. Every endpoint gets the
// same stable fetch function, which delegates to the path of the moment, so a settings change
// applies to the next request without rebuilding any client.
//
// VS Code 1.99+ patches the extension host's global `fetch` (`http.fetchAdditionalSupport`, on by
// default) so it follows `http.proxy` and `http.noProxy`: test/e2e/ui/proxy.test.ts proves it in
// the real editor. That fetch ignores `http.proxyStrictSSL: false` and `http.proxyAuthorization`
// (the test proves the first; @vscode/proxy-agent reads neither), so only then, or when the user
// turned the patch off, Pacer loads its own proxy agent: undici, bundled apart as dist/proxy.cjs
// so the extension bundle stays small for everyone else.
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { createProxyFetch, ProxyConfig, ProxyFetch } from '../../core/providers/proxyFetch';
import { redactProxyUrl } from '../../core/providers/proxyFetch';
import type { Logger } from '../log';
import { notify } from '../notifications';
import { Disposable, toDisposable } from '../../core/common/lifecycle';

/** What dist/proxy.cjs (built from core/providers/proxyFetch.ts) exports. */
interface ProxyFetchModule {
  createProxyFetch: typeof createProxyFetch;
}

/** How provider requests leave: as they are, through the editor's fetch, or through dist/proxy.cjs. */
export type ProxyPath = 'direct' | 'editor' | 'bundle';

export interface ProxyChoice {
  path: ProxyPath;
  config?: ProxyConfig;
  /** Why the bundle is needed (for the log). */
  reason?: string;
}

/**
 * `PACER_PROXY_PATH=editor|bundle` in the editor's environment forces a path whenever a proxy is
 * set: for troubleshooting a proxy that one path gets wrong, and for the test that shows what the
 * editor's fetch ignores.
 */
function forcedPath(): 'editor' | 'bundle' | undefined {
  const v = process.env.PACER_PROXY_PATH;
  return v === 'editor' || v === 'bundle' ? v : undefined;
}

export function readProxyConfig(): ProxyConfig | undefined {
  const http = vscode.workspace.getConfiguration('http');
  if (http.get<string>('proxySupport') === 'off') return undefined;
  const proxyUrl = http.get<string>('proxy')?.trim();
  // Without an explicit proxy, the global fetch is used as is (VS Code's own proxy support, the
  // system proxy and the *_PROXY variables apply to it).
  if (!proxyUrl) return undefined;
  return {
    proxyUrl,
    strictSSL: http.get<boolean>('proxyStrictSSL', true),
    authorization: http.get<string | null>('proxyAuthorization') ?? undefined,
    noProxy: http.get<string[]>('noProxy', []),
  };
}

export function chooseProxyPath(): ProxyChoice {
  const config = readProxyConfig();
  if (!config) return { path: 'direct' };
  const forced = forcedPath();
  if (forced) return { path: forced, config, reason: 'PACER_PROXY_PATH' };
  const http = vscode.workspace.getConfiguration('http');
  const reason =
    http.get<boolean>('fetchAdditionalSupport', true) === false
      ? 'http.fetchAdditionalSupport is off'
      : config.strictSSL === false
        ? 'http.proxyStrictSSL is off'
        : config.authorization
          ? 'http.proxyAuthorization is set'
          : undefined;
  return reason ? { path: 'bundle', config, reason } : { path: 'editor', config };
}

/** dist/proxy.cjs, next to this bundle: loaded on first need, then kept. */
let bundle: ProxyFetchModule | undefined;
function loadProxyBundle(): ProxyFetchModule {
  // A runtime path, so esbuild leaves it alone and undici stays out of dist/extension.cjs.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  bundle ??= require(join(__dirname, 'proxy.cjs')) as ProxyFetchModule;
  return bundle;
}

export class ProxySettings extends Disposable {
  private current: ProxyFetch | undefined;
  private path: ProxyPath = 'direct';

  /** Pass this to every endpoint: it routes through the configured proxy, if any. */
  readonly fetch: typeof fetch = (input, init) =>
    this.current ? this.current.fetch(input, init) : fetch(input, init);

  constructor(private readonly log: Logger) {
    super();
    this.apply();
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('http')) this.apply();
      }),
    );
    this._register(toDisposable(() => void this.current?.close().catch(() => {})));
  }

  private apply(): void {
    const old = this.current;
    const wasPath = this.path;
    const choice = chooseProxyPath();
    this.path = choice.path;
    this.current = undefined;
    if (choice.path === 'bundle' && choice.config) {
      try {
        this.current = loadProxyBundle().createProxyFetch(choice.config);
      } catch (e) {
        // A proxy URL without a scheme (`proxy:8080`) must not stop activation. Requests fail with
        // what to fix rather than going around a proxy the user asked for.
        // The value is not echoed: it may hold credentials in a shape redactProxyUrl cannot parse.
        const why = `http.proxy is not a usable proxy URL (${e instanceof Error ? e.message : String(e)}): write it as http://host:port.`;
        this.log.warn(why);
        void notify('warning', `Pacer: ${why}`);
        this.current = { fetch: () => Promise.reject(new Error(why)), close: () => Promise.resolve() };
      }
    }
    if (choice.config) {
      const via =
        choice.path === 'bundle'
          ? `Pacer's proxy agent (${choice.reason ?? 'forced'})`
          : "the editor's fetch";
      this.log.info(
        `provider traffic goes through the proxy ${redactProxyUrl(choice.config.proxyUrl)} via ${via}`,
      );
    } else if (wasPath !== 'direct') this.log.info('provider traffic goes direct (no http.proxy)');
    void old?.close().catch(() => {});
  }
}
