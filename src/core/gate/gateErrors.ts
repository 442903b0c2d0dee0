// The errors the gate ends a request with, for one provider (its id and label in each).
import { PacerError } from '../common/errors';
import { providerMessages } from '../common/messages/providers';

export function gateErrors(providerId: string, label: string) {
  return {
    coolingPastDeadline: (remainingMs: number, lastError: PacerError | undefined) =>
      new PacerError({
        kind: 'rateLimited',
        providerId,
        status: lastError?.status,
        retryAfterMs: remainingMs,
        reportedConcurrency: lastError?.reportedConcurrency,
        message: providerMessages.rateLimitedLonger(label, remainingMs),
        cause: lastError,
      }),
    deadline: (deadlineMs: number) =>
      new PacerError({
        kind: 'deadline',
        providerId,
        message: providerMessages.noAnswerWithin(label, deadlineMs),
      }),
    shutDown: () =>
      new PacerError({ kind: 'unavailable', providerId, message: providerMessages.shutDown(label) }),
    internal: (caught: unknown) =>
      new PacerError({
        kind: 'badRequest',
        providerId,
        message: providerMessages.internalError(caught instanceof Error ? caught.message : String(caught)),
        cause: caught,
      }),
  };
}
