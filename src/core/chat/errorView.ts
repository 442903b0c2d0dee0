// Turns whatever a chat request threw into words and the one action that fixes it. The action is
// chosen from the error's kind, never from its message text.
import type { ErrorView } from '../common/chatProtocol';
import { PacerError } from '../common/errors';
import { Commands } from '../common/commands';
import { ChatErrors, ErrorActions } from '../common/messages/chat';
import { providerLabels, type ProviderLabels } from './providerLabel';

export function toErrorView(error: unknown, label: ProviderLabels = providerLabels()): ErrorView {
  if (!PacerError.is(error)) {
    const message = error instanceof Error ? error.message : String(error);
    return { kind: 'unknown', message: ChatErrors.requestFailed(message), retry: true };
  }
  const who = error.providerId ? label(error.providerId) : ChatErrors.someProvider;
  switch (error.kind) {
    case 'needsKey':
      return {
        kind: error.kind,
        message: ChatErrors.needsKey(who),
        command: { id: Commands.setApiKey, label: ErrorActions.setApiKey },
        retry: true,
      };
    case 'noBalance':
      return {
        kind: error.kind,
        message: ChatErrors.noBalance(who),
        command: { id: Commands.topUp, label: ErrorActions.topUp },
        retry: true,
      };
    case 'budget':
      return {
        kind: error.kind,
        message: ChatErrors.budget,
        command: { id: Commands.liftSpendLimit, label: ErrorActions.liftSpendLimit },
        retry: true,
      };
    case 'badRequest':
      return { kind: error.kind, message: ChatErrors.badRequest(who, error.message), retry: false };
    case 'deadline':
    case 'rateLimited':
    case 'unavailable':
      return {
        kind: error.kind,
        message: error.message,
        command: { id: Commands.switchProvider, label: ErrorActions.switchProvider },
        retry: true,
      };
    default:
      return { kind: error.kind, message: error.message, retry: true };
  }
}
