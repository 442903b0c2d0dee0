// What a paid provider's answer costs per token: its built-in table, else the user's
// `pacer.budget.prices`, else a high default. Free (local) providers have no price. A price the
// provider reports for an answer (OpenRouter's `usage.cost`) wins over all of these (router).
import type { ModelPricing } from '../providers/providerEndpoint';

/** `pacer.budget.prices` as read from USER settings: `"<providerId>/<model>"` or `"<providerId>"`. */
export interface UserPrice {
  inputPerMTok: number;
  outputPerMTok: number;
  /** Cached prompt tokens; the input price when omitted. */
  cachedInputPerMTok?: number;
}
export type UserPrices = Readonly<Record<string, UserPrice>>;

/**
 * For a paid provider's model nobody priced: high on purpose (o1's list price), so an unknown
 * model pauses early rather than spending unmetered. The usage view names it as an estimate.
 */
export const DEFAULT_PAID_PRICING: ModelPricing = { cacheHit: 15, cacheMiss: 15, output: 60 };

export type PriceSource = 'table' | 'user' | 'default';

export interface ResolvedPrice {
  pricing: ModelPricing;
  source: PriceSource;
}

/** Exact id, then the longest key the model id starts with (dated ids), then `'*'`. */
export function tablePrice(
  table: Readonly<Record<string, ModelPricing>> | undefined,
  model: string,
): ModelPricing | undefined {
  if (!table) return undefined;
  const id = model.toLowerCase();
  if (table[id]) return table[id];
  let best: string | undefined;
  for (const key of Object.keys(table)) {
    if (key !== '*' && id.startsWith(key) && (!best || key.length > best.length)) best = key;
  }
  return best ? table[best] : table['*'];
}

function fromUser(price: UserPrice | undefined): ModelPricing | undefined {
  if (!price) return undefined;
  return {
    cacheMiss: price.inputPerMTok,
    cacheHit: price.cachedInputPerMTok ?? price.inputPerMTok,
    output: price.outputPerMTok,
  };
}

/** The price of `model` on a provider; undefined for a free one. */
export function resolvePrice(
  provider: { id: string; paid: boolean; pricing?: Readonly<Record<string, ModelPricing>> },
  model: string,
  user: UserPrices = {},
): ResolvedPrice | undefined {
  if (!provider.paid) return undefined;
  const exactUser = fromUser(user[`${provider.id}/${model}`]);
  if (exactUser) return { pricing: exactUser, source: 'user' };
  const table = tablePrice(provider.pricing, model);
  if (table) return { pricing: table, source: 'table' };
  const providerUser = fromUser(user[provider.id]);
  if (providerUser) return { pricing: providerUser, source: 'user' };
  return { pricing: DEFAULT_PAID_PRICING, source: 'default' };
}

const MAX_PRICE = 10_000;

/**
 * Keeps the well-formed entries of a raw setting value (finite, 0..10000 USD per 1M tokens);
 * reports each entry it drops. Callers pass the USER value only: a workspace never prices a model.
 */
export function parseUserPrices(raw: unknown, ignored: (key: string) => void = () => {}): UserPrices {
  const out: Record<string, UserPrice> = {};
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return out;
  const ok = (n: unknown): n is number =>
    typeof n === 'number' && Number.isFinite(n) && n >= 0 && n <= MAX_PRICE;
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    const v = value as Partial<Record<keyof UserPrice, unknown>> | null;
    if (
      key.trim() &&
      v &&
      typeof v === 'object' &&
      ok(v.inputPerMTok) &&
      ok(v.outputPerMTok) &&
      (v.cachedInputPerMTok === undefined || ok(v.cachedInputPerMTok))
    ) {
      out[key.trim()] = {
        inputPerMTok: v.inputPerMTok,
        outputPerMTok: v.outputPerMTok,
        ...(v.cachedInputPerMTok !== undefined ? { cachedInputPerMTok: v.cachedInputPerMTok as number } : {}),
      };
    } else ignored(key);
  }
  return out;
}
