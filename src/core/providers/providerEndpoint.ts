// What Pacer needs to know to talk to one OpenAI-compatible provider. The router/settings layer
// builds these; the client and the gate only read them.

/** USD per 1M tokens. */
export interface ModelPricing {
  cacheHit: number;
  cacheMiss: number;
  output: number;
  /** UTC hour ranges [start, end) in which prices are multiplied by `peakMultiplier`. */
  peakHoursUtc?: ReadonlyArray<readonly [number, number]>;
  peakMultiplier?: number;
}

export interface ProviderEndpoint {
  id: string;
  label: string;
  /** OpenAI-style base URL, e.g. `https://api.deepseek.com`. */
  baseUrl: string;
  /** Base URL for FIM `/completions` (DeepSeek: `<baseUrl>/beta`); `baseUrl` when omitted. */
  fimBaseUrl?: string;
  supportsFim: boolean;
  chatModel: string;
  completionModel: string;
  /** False for local servers (Ollama, llama.cpp) that take any key; default true. */
  needsKey?: boolean;
  /** Send DeepSeek's `thinking` body field (other providers reject unknown fields). */
  thinkingToggle?: boolean;
  /** DeepSeek's GET `/user/balance` ({is_available}) says whether the account can pay again. */
  balanceCheck?: boolean;
  /** Where the user tops up (named in the 402 message). */
  billingUrl?: string;
  getApiKey(): Promise<string | undefined>;
  /** Prices by model id; `'*'` applies to models without their own entry. */
  pricing?: Readonly<Record<string, ModelPricing>>;
  /** A custom fetch (proxies, tests). */
  fetch?: typeof fetch;
}

export const DEEPSEEK_BASE_URL = 'https://api.deepseek.com';
export const DEEPSEEK_BILLING_URL = 'https://platform.deepseek.com/top_up';

const DEEPSEEK_PEAK: ReadonlyArray<readonly [number, number]> = [
  [1, 4],
  [6, 10],
];
const FLASH: ModelPricing = {
  cacheHit: 0.003,
  cacheMiss: 0.15,
  output: 0.6,
  peakHoursUtc: DEEPSEEK_PEAK,
  peakMultiplier: 2,
};
const PRO: ModelPricing = {
  cacheHit: 0.022,
  cacheMiss: 0.66,
  output: 1.98,
  peakHoursUtc: DEEPSEEK_PEAK,
  peakMultiplier: 2,
};

/** DeepSeek's Nov 2026 off-peak prices (peak hours cost 2x). */
export const DEEPSEEK_PRICING: Readonly<Record<string, ModelPricing>> = {
  'deepseek-flash': FLASH,
  'deepseek-v4-flash': FLASH,
  'deepseek-v4-pro': PRO,
  '*': FLASH,
};

/**
 * The FIM base URL for a DeepSeek-style base URL: `<base>/beta`, without doubling a `/beta` the
 * user already typed (Continue #12600) and without a `/v1` in front of it.
 */
export function deriveFimBaseUrl(baseUrl: string): string {
  const trimmed = baseUrl.replace(/\/+$/, '');
  if (/\/beta$/i.test(trimmed)) return trimmed;
  return `${trimmed.replace(/\/v1$/i, '')}/beta`;
}

/** The chat base URL when the user pasted the beta URL as the base. */
function stripBeta(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, '').replace(/\/beta$/i, '');
}

export interface DeepSeekEndpointInit {
  getApiKey(): Promise<string | undefined>;
  baseUrl?: string;
  chatModel?: string;
  completionModel?: string;
  fetch?: typeof fetch;
}

export function createDeepSeekEndpoint(init: DeepSeekEndpointInit): ProviderEndpoint {
  const base = stripBeta(init.baseUrl ?? DEEPSEEK_BASE_URL);
  return {
    id: 'deepseek',
    label: 'DeepSeek',
    baseUrl: base,
    fimBaseUrl: deriveFimBaseUrl(base),
    supportsFim: true,
    chatModel: init.chatModel ?? 'deepseek-flash',
    completionModel: init.completionModel ?? 'deepseek-flash',
    needsKey: true,
    thinkingToggle: true,
    billingUrl: DEEPSEEK_BILLING_URL,
    getApiKey: init.getApiKey,
    pricing: DEEPSEEK_PRICING,
    fetch: init.fetch,
  };
}

/** The price entry for a model, if the endpoint knows one. */
export function pricingFor(
  endpoint: Pick<ProviderEndpoint, 'pricing'>,
  model: string,
): ModelPricing | undefined {
  return endpoint.pricing?.[model] ?? endpoint.pricing?.['*'];
}
