// Every failure a caller can see is a PacerError with a kind that says what happened and a
// message that says what to do next. The UI picks actions from `kind`, never from message text.

export type PacerErrorKind =
  | 'needsKey' // 401: missing or wrong API key
  | 'noBalance' // 402: account out of balance
  | 'badRequest' // 400 / 422: the request itself is wrong; retrying cannot help
  | 'rateLimited' // 429
  | 'server' // 5xx
  | 'network' // connection refused / reset / DNS
  | 'timeout' // no answer (headers) in time
  | 'stalled' // stream started but sent no tokens (keep-alives are not progress)
  | 'malformed' // the provider sent something that is not valid JSON / SSE
  | 'deadline' // the request's own deadline passed while waiting or retrying
  | 'superseded' // a newer request replaced this one (completions)
  | 'cancelled' // the caller aborted
  | 'budget' // the daily spend limit paused paid providers
  | 'unavailable'; // no provider can take the request

export interface PacerErrorInit {
  kind: PacerErrorKind;
  message: string;
  providerId?: string;
  status?: number;
  /** Milliseconds the provider asked us to wait (Retry-After and friends), when it said. */
  retryAfterMs?: number;
  /** Account-wide requests in flight, from DeepSeek's 429 body. */
  reportedConcurrency?: number;
  cause?: unknown;
}

export class PacerError extends Error {
  readonly kind: PacerErrorKind;
  readonly providerId?: string;
  readonly status?: number;
  readonly retryAfterMs?: number;
  readonly reportedConcurrency?: number;

  constructor(init: PacerErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'PacerError';
    this.kind = init.kind;
    this.providerId = init.providerId;
    this.status = init.status;
    this.retryAfterMs = init.retryAfterMs;
    this.reportedConcurrency = init.reportedConcurrency;
  }

  static is(value: unknown, kind?: PacerErrorKind): value is PacerError {
    return value instanceof PacerError && (kind === undefined || value.kind === kind);
  }
}

/** Errors that no retry can fix: the user (or the request) must change first. */
export function isPermanent(kind: PacerErrorKind): boolean {
  return kind === 'needsKey' || kind === 'noBalance' || kind === 'badRequest' || kind === 'budget';
}

/** Errors that end a request for good because nobody waits for it any more. */
export function isAbandoned(kind: PacerErrorKind): boolean {
  return kind === 'cancelled' || kind === 'superseded' || kind === 'deadline';
}
