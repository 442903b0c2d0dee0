// The providers Pacer knows out of the box, plus the user's custom ones, resolved against the
// (application-scoped) settings into one list of ProviderInfo values. Pure data: no network.
import type { ModelPricing, ProviderEndpoint } from './providerEndpoint';
import { OPENAI_PRICING, OPENROUTER_PRICING } from '../usage/priceTables';
import type { LocalServerKind } from './localIdentity';
import {
  DEEPSEEK_BASE_URL,
  DEEPSEEK_BILLING_URL,
  DEEPSEEK_PRICING,
  deriveFimBaseUrl,
} from './providerEndpoint';

export interface ProviderInfo {
  id: string;
  label: string;
  baseUrl: string;
  /** Where FIM `/completions` goes (DeepSeek: `<base>/beta`). */
  fimBaseUrl?: string;
  supportsFim: boolean;
  /** A chat model quick enough to serve inline completions when the provider has no FIM. */
  fastForCompletions: boolean;
  needsKey: boolean;
  /** Costs money: paused when the daily spend limit is reached. */
  paid: boolean;
  /** Loopback server (Ollama, LM Studio, llama.cpp, the emulator): no key, no cost. */
  local: boolean;
  custom: boolean;
  /**
   * A built-in local server (Ollama, LM Studio, llama.cpp) on a well-known port: it receives code
   * only after localIdentity.ts confirmed that this server, not any other, answers there.
   */
  identity?: LocalServerKind;
  chatModel: string;
  completionModel: string;
  /** Whether `chatModel` / `completionModel` came from the user (never replaced by `/models`). */
  modelsPinnedByUser: { chat: boolean; completion: boolean };
  thinkingToggle: boolean;
  /** GET `/user/balance` tells whether the account can pay (DeepSeek): a 402 is rechecked with it. */
  balanceCheck: boolean;
  billingUrl?: string;
  /** Where the user gets a key (shown in the key prompt). */
  keyUrl?: string;
  pricing?: Readonly<Record<string, ModelPricing>>;
}

interface BuiltIn {
  id: string;
  label: string;
  baseUrl: string;
  supportsFim: boolean;
  fastForCompletions: boolean;
  needsKey: boolean;
  chatModel: string;
  completionModel: string;
  thinkingToggle?: boolean;
  balanceCheck?: boolean;
  billingUrl?: string;
  keyUrl?: string;
  pricing?: Readonly<Record<string, ModelPricing>>;
  identity?: LocalServerKind;
}

// Model names are defaults only: where a provider lists `/models`, Pacer reads them at run time.
const BUILT_INS: readonly BuiltIn[] = [
  {
    id: 'deepseek',
    label: 'DeepSeek',
    baseUrl: DEEPSEEK_BASE_URL,
    supportsFim: true,
    fastForCompletions: true,
    needsKey: true,
    chatModel: 'deepseek-flash',
    completionModel: 'deepseek-flash',
    thinkingToggle: true,
    balanceCheck: true,
    billingUrl: DEEPSEEK_BILLING_URL,
    keyUrl: 'https://platform.deepseek.com/api_keys',
    pricing: DEEPSEEK_PRICING,
  },
  {
    id: 'openai',
    label: 'OpenAI',
    baseUrl: 'https://api.openai.com/v1',
    supportsFim: false,
    fastForCompletions: false,
    needsKey: true,
    chatModel: 'gpt-4.1-mini',
    completionModel: 'gpt-4.1-mini',
    billingUrl: 'https://platform.openai.com/settings/organization/billing',
    keyUrl: 'https://platform.openai.com/api-keys',
    pricing: OPENAI_PRICING,
  },
  {
    id: 'openrouter',
    label: 'OpenRouter',
    baseUrl: 'https://openrouter.ai/api/v1',
    supportsFim: false,
    fastForCompletions: false,
    needsKey: true,
    chatModel: 'deepseek/deepseek-chat',
    completionModel: 'deepseek/deepseek-chat',
    billingUrl: 'https://openrouter.ai/settings/credits',
    keyUrl: 'https://openrouter.ai/settings/keys',
    pricing: OPENROUTER_PRICING,
  },
  {
    id: 'ollama',
    label: 'Ollama',
    baseUrl: 'http://127.0.0.1:11434/v1',
    // Ollama's OpenAI-compatible /v1/completions takes `suffix` for FIM-capable models.
    supportsFim: true,
    fastForCompletions: true,
    needsKey: false,
    chatModel: 'qwen2.5-coder:7b',
    completionModel: 'qwen2.5-coder:1.5b',
    identity: 'ollama',
  },
  {
    id: 'lmstudio',
    label: 'LM Studio',
    baseUrl: 'http://127.0.0.1:1234/v1',
    supportsFim: false,
    fastForCompletions: true,
    needsKey: false,
    chatModel: 'qwen2.5-coder-7b-instruct',
    completionModel: 'qwen2.5-coder-7b-instruct',
    identity: 'lmstudio',
  },
  {
    id: 'llamacpp',
    label: 'llama.cpp',
    baseUrl: 'http://127.0.0.1:8080/v1',
    supportsFim: false,
    fastForCompletions: true,
    needsKey: false,
    chatModel: 'default',
    completionModel: 'default',
    identity: 'llamacpp',
  },
];

export const BUILT_IN_PROVIDER_IDS: readonly string[] = BUILT_INS.map((b) => b.id);

/** The `pacer.providers.*` settings (declared in package.json; read by src/vscode/settings.ts). */
export interface ProviderSettings {
  enabled: string[];
  chatOrder: string[];
  completionOrder: string[];
  routing: 'automatic' | 'pinned';
  pinned: string;
  baseUrls: Record<string, string>;
  custom: CustomProvider[];
  models: Record<string, { chat?: string; completion?: string }>;
}

export interface CustomProvider {
  id: string;
  label?: string;
  baseUrl: string;
  supportsFim?: boolean;
  needsKey?: boolean;
  chatModel?: string;
  completionModel?: string;
  fastForCompletions?: boolean;
}

/** True for `localhost`, `127.0.0.0/8` and `::1`: servers on this machine, which need no key. */
export function isLoopbackUrl(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  host = host.replace(/^\[|\]$/g, '');
  return (
    host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host)
  );
}

function trimSlash(url: string): string {
  return url.trim().replace(/\/+$/, '');
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The user's model choice for one provider: only strings count. */
function modelsOf(settings: ProviderSettings, id: string): { chat?: string; completion?: string } {
  const m: unknown = settings.models?.[id];
  if (typeof m !== 'object' || m === null) return {};
  const { chat, completion } = m as Record<string, unknown>;
  return { chat: text(chat), completion: text(completion) };
}

function validUrl(url: unknown): string | undefined {
  if (typeof url !== 'string' || !url) return undefined;
  try {
    const parsed = new URL(url.trim());
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? trimSlash(url) : undefined;
  } catch {
    return undefined;
  }
}

function fromBuiltIn(b: BuiltIn, settings: ProviderSettings): ProviderInfo {
  const override = validUrl(settings.baseUrls?.[b.id]);
  const isDeepSeek = b.id === 'deepseek';
  // DeepSeek keeps its chat URL without `/beta`; FIM goes to `<base>/beta` (never doubled).
  const baseUrl = isDeepSeek ? (override ?? b.baseUrl).replace(/\/beta$/i, '') : (override ?? b.baseUrl);
  const local = isLoopbackUrl(baseUrl);
  const models = modelsOf(settings, b.id);
  return {
    id: b.id,
    label: b.label,
    baseUrl,
    fimBaseUrl: isDeepSeek ? deriveFimBaseUrl(baseUrl) : undefined,
    supportsFim: b.supportsFim,
    fastForCompletions: b.fastForCompletions,
    // A loopback override (the emulator, a local proxy) takes any key.
    needsKey: b.needsKey && !local,
    // Cloud providers cost money even when reached through a loopback URL (emulator, proxy).
    paid: b.needsKey,
    local,
    custom: false,
    identity: b.identity,
    chatModel: models.chat || b.chatModel,
    completionModel: models.completion || b.completionModel,
    modelsPinnedByUser: { chat: !!models.chat, completion: !!models.completion },
    thinkingToggle: b.thinkingToggle ?? false,
    balanceCheck: b.balanceCheck ?? false,
    billingUrl: b.billingUrl,
    keyUrl: b.keyUrl,
    pricing: b.pricing,
  };
}

function fromCustom(c: CustomProvider, settings: ProviderSettings): ProviderInfo | undefined {
  // Settings are checked against package.json's schema before they get here; this stays safe
  // for any value anyway, because one broken entry must never empty the provider list.
  if (typeof c !== 'object' || c === null) return undefined;
  const id = typeof c.id === 'string' ? c.id.trim() : '';
  if (!id || BUILT_IN_PROVIDER_IDS.includes(id)) return undefined;
  const baseUrl = validUrl(settings.baseUrls?.[id] ?? c.baseUrl);
  if (!baseUrl) return undefined;
  const local = isLoopbackUrl(baseUrl);
  const models = modelsOf(settings, id);
  const chatModel = models.chat || text(c.chatModel) || 'default';
  const needsKey = (c.needsKey ?? true) !== false && !local;
  return {
    id,
    label: text(c.label)?.trim() || id,
    baseUrl,
    supportsFim: c.supportsFim === true,
    fastForCompletions: c.fastForCompletions === true,
    needsKey,
    // Someone else's server bills, key or not (a team gateway); only this machine's is free.
    paid: !local,
    local,
    custom: true,
    chatModel,
    completionModel: models.completion || text(c.completionModel) || chatModel,
    modelsPinnedByUser: {
      chat: !!(models.chat || text(c.chatModel)),
      completion: !!(models.completion || text(c.completionModel)),
    },
    thinkingToggle: false,
    balanceCheck: false,
  };
}

/**
 * What `resolveProviders` will ignore in these settings, in words that name the setting: a base
 * URL that is not http(s) (e.g. `127.0.0.1:11434` without a scheme), a custom provider without a
 * usable id or URL, or one that reuses a built-in or earlier id. The provider list never breaks
 * for it; the user is told.
 */
export function providerSettingsIssues(settings: ProviderSettings): { key: string; message: string }[] {
  const issues: { key: string; message: string }[] = [];
  for (const [id, url] of Object.entries(settings.baseUrls ?? {})) {
    if (!validUrl(url))
      issues.push({
        key: 'providers.baseUrls',
        message: `"${id}": ${JSON.stringify(url)} is not an http(s) URL (write it with http:// or https://); ${BUILT_IN_PROVIDER_IDS.includes(id) ? 'the default URL is used' : 'it is ignored'}.`,
      });
  }
  const seen = new Set(BUILT_IN_PROVIDER_IDS);
  (settings.custom ?? []).forEach((c, i) => {
    const id = typeof c?.id === 'string' ? c.id.trim() : '';
    const name = id ? `"${id}"` : `entry ${i + 1}`;
    if (!id) issues.push({ key: 'providers.custom', message: `${name} has no id; it is ignored.` });
    else if (seen.has(id))
      issues.push({
        key: 'providers.custom',
        message: `${name} reuses the id of ${BUILT_IN_PROVIDER_IDS.includes(id) ? 'a built-in provider' : 'an earlier entry'}; it is ignored.`,
      });
    else if (!validUrl(settings.baseUrls?.[id] ?? c.baseUrl))
      issues.push({
        key: 'providers.custom',
        message: `${name}: baseUrl ${JSON.stringify(c.baseUrl)} is not an http(s) URL; the provider is ignored.`,
      });
    if (id) seen.add(id);
  });
  return issues;
}

/** Every known provider (built-in first, then custom), whether enabled or not. */
export function resolveProviders(settings: ProviderSettings): ProviderInfo[] {
  const list = BUILT_INS.map((b) => fromBuiltIn(b, settings));
  const seen = new Set(list.map((p) => p.id));
  for (const c of Array.isArray(settings.custom) ? settings.custom : []) {
    const info = fromCustom(c, settings);
    if (info && !seen.has(info.id)) {
      seen.add(info.id);
      list.push(info);
    }
  }
  return list;
}

/** Whether a provider may serve inline completions at all. */
export function fitForCompletions(info: Pick<ProviderInfo, 'supportsFim' | 'fastForCompletions'>): boolean {
  return info.supportsFim || info.fastForCompletions;
}

/**
 * The failover order for one class: the configured order first, then any enabled provider the
 * order forgot (a custom provider the user enabled but did not place), never a disabled one.
 */
export function orderFor(
  kind: 'chat' | 'completion',
  settings: ProviderSettings,
  known: readonly ProviderInfo[],
): string[] {
  const stringsOf = (v: unknown): string[] =>
    Array.isArray(v) ? v.filter((x) => typeof x === 'string') : [];
  const enabled = new Set(stringsOf(settings.enabled));
  const ids = new Set(known.map((p) => p.id));
  const configured = stringsOf(kind === 'chat' ? settings.chatOrder : settings.completionOrder);
  const out: string[] = [];
  for (const id of [...configured, ...enabled]) {
    if (enabled.has(id) && ids.has(id) && !out.includes(id)) out.push(id);
  }
  return out;
}

/** Builds the gate's endpoint for one provider. `getApiKey` decides placeholder keys for loopback. */
export function toEndpoint(
  info: ProviderInfo,
  getApiKey: () => Promise<string | undefined>,
  fetchImpl?: typeof fetch,
): ProviderEndpoint {
  return {
    id: info.id,
    label: info.label,
    baseUrl: info.baseUrl,
    fimBaseUrl: info.fimBaseUrl,
    supportsFim: info.supportsFim,
    chatModel: info.chatModel,
    completionModel: info.completionModel,
    needsKey: info.needsKey,
    thinkingToggle: info.thinkingToggle,
    balanceCheck: info.balanceCheck,
    billingUrl: info.billingUrl,
    getApiKey,
    pricing: info.pricing,
    fetch: fetchImpl,
  };
}

/** The key to send: the stored one, else a placeholder for loopback servers (they ignore it). */
export function keyOrPlaceholder(stored: string | undefined, baseUrl: string): string | undefined {
  if (stored) return stored;
  return isLoopbackUrl(baseUrl) ? 'sk-local-no-key' : undefined;
}
