// Abort signals carry their reason: the gate aborts with a PacerError ('deadline', 'superseded')
// so whoever sees the abort can tell the caller why, instead of a bare "cancelled".
import { PacerError } from '../common/errors';

/** An abort reason as a PacerError ('cancelled' unless the aborter gave one). */
export function reasonToError(reason: unknown, providerId?: string): PacerError {
  if (reason instanceof PacerError) return reason;
  return new PacerError({
    kind: 'cancelled',
    providerId,
    message: 'The request was cancelled.',
    cause: reason,
  });
}

/** The signal's abort reason as a PacerError. */
export function abortReason(signal: AbortSignal, providerId?: string): PacerError {
  return reasonToError(signal.reason, providerId);
}

/** Runs `task` with a signal of its own that follows `signal` (a probe outside the queue). */
export async function withLinkedSignal<T>(
  signal: AbortSignal | undefined,
  task: (linked: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal?.reason);
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await task(controller.signal);
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}
