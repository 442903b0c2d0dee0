// What a provider tells us about when to come back: `retry-after-ms`, `retry-after` (seconds or an
// HTTP date), the `x-ratelimit-*` family (OpenAI durations like "6m0s", epoch seconds, deltas) and
// DeepSeek's "Your current concurrency: N." in the 429 body. DeepSeek documents none of the
// headers; other providers (and proxies in front of DeepSeek) do send them.

export type HeaderSource =
  { get(name: string): string | null } | Record<string, string | string[] | undefined>;

export interface RetryHints {
  /** How long the provider asked us to wait, in ms. */
  retryAfterMs?: number;
  /** Account-wide requests in flight at the time of the 429 (DeepSeek's body). */
  reportedConcurrency?: number;
  /** `x-ratelimit-limit-requests` (per window, not a concurrency; informative only). */
  limitRequests?: number;
  /** `x-ratelimit-remaining-requests`: 0 means the next request will be refused. */
  remainingRequests?: number;
}

/** A provider asking for more than this is treated as asking for this (a bogus date must not park us for days). */
export const MAX_HINT_MS = 10 * 60_000;

/**
 * A hint under this is no hint: `Retry-After: 0`, an HTTP date already past (ordinary clock skew)
 * or a reset epoch gone by say nothing about when the provider has room again, and taken at their
 * word they remove all pacing (a retry loop hundreds of times a second). The gate then paces as if
 * no hint came, and no wait after a 429 is shorter than this.
 */
export const MIN_HINT_MS = 250;

/** The hint if it is one (see MIN_HINT_MS), else undefined. */
export function usableHintMs(ms: number | undefined): number | undefined {
  return ms !== undefined && Number.isFinite(ms) && ms >= MIN_HINT_MS ? ms : undefined;
}

function header(source: HeaderSource | undefined, name: string): string | undefined {
  if (!source) return undefined;
  if (typeof (source as { get?: unknown }).get === 'function') {
    return (source as { get(name: string): string | null }).get(name) ?? undefined;
  }
  const value = (source as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(value) ? value[0] : value;
}

function clampHint(ms: number): number | undefined {
  if (!Number.isFinite(ms)) return undefined;
  return usableHintMs(Math.min(Math.round(ms), MAX_HINT_MS));
}

/** `Retry-After`: delta seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return clampHint(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : clampHint(date - nowMs);
}

/**
 * A reset header: an OpenAI duration ("1s", "6m0s", "20ms", "1h2m3.5s"), an epoch time (seconds
 * or ms), a delta in seconds, or a date.
 */
export function parseResetValue(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) {
    const n = Number(trimmed);
    if (n > 1e12) return clampHint(n - nowMs); // epoch milliseconds
    if (n > 1e9) return clampHint(n * 1000 - nowMs); // epoch seconds
    return clampHint(n * 1000); // delta seconds
  }
  const duration =
    /^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m(?!s))?(?:(\d+(?:\.\d+)?)s)?(?:(\d+(?:\.\d+)?)ms)?$/i.exec(
      trimmed,
    );
  if (duration && duration.slice(1).some((part) => part !== undefined)) {
    const [, h, m, s, ms] = duration;
    return clampHint(
      Number(h ?? 0) * 3_600_000 + Number(m ?? 0) * 60_000 + Number(s ?? 0) * 1000 + Number(ms ?? 0),
    );
  }
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : clampHint(date - nowMs);
}

/** DeepSeek: "... Your current concurrency: 2000." */
export function parseReportedConcurrency(body: unknown): number | undefined {
  const text = typeof body === 'string' ? body : messageOf(body);
  if (!text) return undefined;
  const match = /current concurrency:\s*(\d+)/i.exec(text);
  return match ? Number(match[1]) : undefined;
}

function messageOf(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const record = body as Record<string, unknown>;
  if (typeof record.message === 'string') return record.message;
  if (record.error !== undefined) return messageOf(record.error);
  return undefined;
}

function intHeader(source: HeaderSource | undefined, name: string): number | undefined {
  const value = header(source, name);
  if (value === undefined || !/^\d+$/.test(value.trim())) return undefined;
  return Number(value.trim());
}

/**
 * Every hint in a response. `retryAfterMs` prefers the most specific header: `retry-after-ms`,
 * then `retry-after`, then the reset of whichever `x-ratelimit-*` budget is exhausted (the
 * longest of them, since every exhausted budget must refill before a request can pass).
 */
export function parseRetryHints(headers: HeaderSource | undefined, body: unknown, nowMs: number): RetryHints {
  const hints: RetryHints = {};
  const ms = header(headers, 'retry-after-ms');
  if (ms !== undefined && /^\d+(\.\d+)?$/.test(ms.trim())) hints.retryAfterMs = clampHint(Number(ms.trim()));
  hints.retryAfterMs ??= parseRetryAfter(header(headers, 'retry-after'), nowMs);
  hints.limitRequests = intHeader(headers, 'x-ratelimit-limit-requests');
  hints.remainingRequests = intHeader(headers, 'x-ratelimit-remaining-requests');
  if (hints.retryAfterMs === undefined) {
    const resets: number[] = [];
    const remainingTokens = intHeader(headers, 'x-ratelimit-remaining-tokens');
    const pairs: Array<[string, number | undefined]> = [
      ['x-ratelimit-reset-requests', hints.remainingRequests],
      ['x-ratelimit-reset-tokens', remainingTokens],
      ['x-ratelimit-reset', undefined],
    ];
    for (const [name, remaining] of pairs) {
      // A budget with requests left is not what refused us; its reset says nothing about the wait.
      if (remaining !== undefined && remaining > 0) continue;
      const reset = parseResetValue(header(headers, name), nowMs);
      if (reset !== undefined) resets.push(reset);
    }
    if (resets.length > 0) hints.retryAfterMs = Math.max(...resets);
  }
  hints.reportedConcurrency = parseReportedConcurrency(body);
  for (const key of Object.keys(hints) as Array<keyof RetryHints>)
    if (hints[key] === undefined) delete hints[key];
  return hints;
}

const NO_HINTS: RetryHints = Object.freeze({});

/**
 * Hints in a successful response: only an exhausted request budget matters there, so most
 * answers (DeepSeek sends no such headers) cost one header lookup.
 */
export function parseSuccessHints(headers: HeaderSource | undefined, nowMs: number): RetryHints {
  if (header(headers, 'x-ratelimit-remaining-requests') === undefined) return NO_HINTS;
  return parseRetryHints(headers, undefined, nowMs);
}
