// Registers the chat webview view and its commands. (Skeleton: the chat feature fills it.)
import type * as vscode from 'vscode';
import type { Logger } from '../log';
import type { PacerServices } from '../providers/registerProviders';

export function registerChat(
  _context: vscode.ExtensionContext,
  _log: Logger,
  _services: PacerServices,
): void {}
