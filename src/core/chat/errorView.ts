// Turns whatever a chat request threw into words and the one action that fixes it. The action is
// chosen from the error's kind, never from its message text.
import type { ErrorView } from '../common/chatProtocol';
import { PacerError } from '../common/errors';
import { providerLabel } from './providerLabel';
import { Commands } from '../common/commands';

export function toErrorView(error: unknown): ErrorView {
  if (!PacerError.is(error)) {
    const message = error instanceof Error ? error.message : String(error);
    return { kind: 'unknown', message: `The request failed: ${message}`, retry: true };
  }
  const who = error.providerId ? providerLabel(error.providerId) : 'The provider';
  switch (error.kind) {
    case 'needsKey':
      return {
        kind: error.kind,
        message: `${who} needs an API key (or the key was refused). Set it, then retry.`,
        command: { id: Commands.setApiKey, label: 'Set API key' },
        retry: true,
      };
    case 'noBalance':
      return {
        kind: error.kind,
        message: `${who} says the account balance is used up. Top up your balance with ${who}, then retry, or switch to another provider.`,
        command: { id: Commands.topUp, label: 'Top up balance' },
        retry: true,
      };
    case 'budget':
      return {
        kind: error.kind,
        message: "Today's spend limit is reached, so paid providers are paused.",
        command: { id: Commands.liftSpendLimit, label: "Lift today's limit" },
        retry: true,
      };
    case 'badRequest':
      return { kind: error.kind, message: `${who} rejected the request: ${error.message}`, retry: false };
    case 'deadline':
    case 'rateLimited':
    case 'unavailable':
      return {
        kind: error.kind,
        message: error.message,
        command: { id: Commands.switchProvider, label: 'Switch provider' },
        retry: true,
      };
    default:
      return { kind: error.kind, message: error.message, retry: true };
  }
}
