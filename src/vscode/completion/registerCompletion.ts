// Registers the inline completion provider and its commands. (Skeleton: the completion feature fills it.)
import type * as vscode from 'vscode';
import type { Logger } from '../log';
import type { PacerServices } from '../providers/registerProviders';

export function registerCompletion(
  _context: vscode.ExtensionContext,
  _log: Logger,
  _services: PacerServices,
): void {}
