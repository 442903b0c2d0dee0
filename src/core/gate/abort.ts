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
