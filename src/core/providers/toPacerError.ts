// One place that turns whatever the `openai` SDK, fetch or the stream throws into a PacerError
// whose kind drives retries and UI actions and whose message says what to do next.
// From the SDK's small error module, not its index: the index loads only with the first request.
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai/error';
import { PacerError } from '../common/errors';
import { providerMessages } from '../common/messages/providers';
import { parseRetryHints } from '../gate/retryHints';

export interface ErrorContext {
  providerId: string;
  label: string;
  billingUrl?: string;
  nowMs: number;
}

function providerMessage(error: APIError): string | undefined {
  const body = error.error as { message?: unknown } | undefined;
  if (body && typeof body.message === 'string' && body.message.trim() !== '') return body.message.trim();
  return undefined;
}

function detail(error: APIError): string {
  const message = providerMessage(error);
  return message ? ` (${message.slice(0, 300)})` : '';
}

/** Socket-level failures that undici reports as TypeError("terminated" / "fetch failed") with a cause. */
function isNetworkLike(error: Error): boolean {
  const text = `${error.name} ${error.message} ${String((error as { cause?: unknown }).cause ?? '')}`;
  const code =
    (error as { code?: unknown }).code ?? ((error as { cause?: { code?: unknown } }).cause?.code as unknown);
  return (
    typeof code === 'string' ||
    /terminated|socket|ECONNRESET|ECONNREFUSED|EPIPE|other side closed|fetch failed|network/i.test(text)
  );
}

export function toPacerError(error: unknown, ctx: ErrorContext): PacerError {
  if (error instanceof PacerError) return error;
  const { providerId, label } = ctx;
  const base = { providerId, cause: error };

  if (error instanceof APIUserAbortError) {
    return new PacerError({ ...base, kind: 'cancelled', message: providerMessages.cancelled });
  }
  if (error instanceof APIConnectionTimeoutError) {
    return new PacerError({ ...base, kind: 'timeout', message: providerMessages.noAnswerInTime(label) });
  }
  if (error instanceof APIConnectionError) {
    return new PacerError({
      ...base,
      kind: 'network',
      message: providerMessages.unreachable(label, error.message),
    });
  }
  if (error instanceof APIError) {
    const status = error.status;
    if (status === undefined) {
      // An `error` event inside an SSE stream: the provider gave up midway; a new attempt may work.
      return new PacerError({
        ...base,
        kind: 'server',
        message: providerMessages.midStreamError(label, detail(error)),
      });
    }
    const hints = parseRetryHints(error.headers, error.error, ctx.nowMs);
    const withStatus = { ...base, status, retryAfterMs: hints.retryAfterMs };
    if (status === 401) {
      return new PacerError({
        ...withStatus,
        kind: 'needsKey',
        // No provider detail here: DeepSeek's 401 text quotes part of the key.
        message: providerMessages.keyRejected(label),
      });
    }
    if (status === 403) {
      // Not a bad key: OpenAI answers 403 for unsupported regions, OpenRouter for moderation and key
      // limits. No provider detail: the body may quote the prompt or account details.
      return new PacerError({
        ...withStatus,
        kind: 'badRequest',
        message: providerMessages.forbidden(label),
      });
    }
    if (status === 402) {
      const where = ctx.billingUrl ? ` at ${ctx.billingUrl}` : '';
      return new PacerError({
        ...withStatus,
        kind: 'noBalance',
        message: providerMessages.balanceUsedUp(label, where),
      });
    }
    if (status === 429) {
      return new PacerError({
        ...withStatus,
        kind: 'rateLimited',
        reportedConcurrency: hints.reportedConcurrency,
        message: providerMessages.rateLimiting(label),
      });
    }
    if (status === 407) {
      return new PacerError({
        ...withStatus,
        kind: 'badRequest',
        message: providerMessages.proxyAuth(label),
      });
    }
    if (status === 408) {
      return new PacerError({ ...withStatus, kind: 'timeout', message: providerMessages.timedOut408(label) });
    }
    if (status >= 500) {
      return new PacerError({
        ...withStatus,
        kind: 'server',
        message: providerMessages.serverError(label, status, detail(error)),
      });
    }
    // 400, 404, 409, 413, 422 ...: the request itself is wrong, so a retry would fail the same way.
    return new PacerError({
      ...withStatus,
      kind: 'badRequest',
      message: providerMessages.refused(label, status, detail(error)),
    });
  }
  if (error instanceof SyntaxError) {
    return new PacerError({
      ...base,
      kind: 'malformed',
      message: providerMessages.unreadable(label),
    });
  }
  if (error instanceof Error && isNetworkLike(error)) {
    return new PacerError({
      ...base,
      kind: 'network',
      message: providerMessages.connectionBroke(label, error.message),
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new PacerError({
    ...base,
    kind: 'malformed',
    message: providerMessages.unexpected(label, message),
  });
}
