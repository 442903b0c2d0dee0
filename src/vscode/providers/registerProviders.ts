// Builds the providers, their gates and the router, and registers the provider commands.
// (Skeleton: replaced by the providers/router work.)
import type * as vscode from 'vscode';
import { PacerError } from '../../core/errors';
import type { ModelService } from '../../core/modelService';
import type { Logger } from '../log';
import { StatusBar } from '../statusBar';

export interface PacerServices {
  models: ModelService;
  status: StatusBar;
}

export function registerProviders(context: vscode.ExtensionContext, _log: Logger): PacerServices {
  const status = new StatusBar();
  context.subscriptions.push(status);
  const notWired = (): never => {
    throw new PacerError({ kind: 'unavailable', message: 'No provider is configured yet.' });
  };
  const models: ModelService = { chat: async () => notWired(), complete: async () => notWired() };
  return { models, status };
}
