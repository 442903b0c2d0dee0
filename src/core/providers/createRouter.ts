// The one way to build a router: the extension, the tests and the bench differ only in where keys
// live, which fetch reaches the network and how each provider's service is tuned.
import type { ProviderInfo } from './catalog';
import { keyOrPlaceholder, toEndpoint } from './catalog';
import type { KeyStore } from './keyStore';
import type { ProviderServiceOptions } from './providerService';
import { ProviderService } from './providerService';
import type { RouterOptions } from './router';
import { Router } from './router';

export interface CreateRouterOptions extends Omit<RouterOptions, 'createService' | 'keys'> {
  /** Where API keys live; a missing key becomes the placeholder a loopback server accepts. */
  keys: KeyStore;
  /** The fetch a provider's requests go through (a proxy, an instrumented one); the global one when undefined. */
  fetch?: (info: ProviderInfo) => typeof fetch | undefined;
  /** Gate, client and cache tuning per provider, read each time a service is (re)built. */
  serviceOptions?: (info: ProviderInfo) => ProviderServiceOptions;
}

export function createRouter(options: CreateRouterOptions): Router {
  const { keys } = options;
  return new Router({
    ...options,
    keys,
    createService: (info) =>
      new ProviderService(
        toEndpoint(
          info,
          async () => keyOrPlaceholder(await keys.get(info.id), info.baseUrl),
          options.fetch?.(info),
        ),
        options.serviceOptions?.(info),
      ),
  });
}
