// `Pacer: Clear Cache`: every feature drops its cached answers (onDidClear); completions keep
// the only answer cache (the completion engine's, #11).
import * as vscode from 'vscode';
import { Commands } from '../../core/common/commands';
import { providerMessages } from '../../core/common/messages/providers';
import { Disposable } from '../../core/common/lifecycle';
import type { Logger } from '../log';
import { notify } from '../notifications';

export class ClearCacheCommand extends Disposable {
  private readonly cleared = this._register(new vscode.EventEmitter<void>());
  /** Fires after the command, so features drop their own caches of answers too. */
  readonly onDidClear = this.cleared.event;

  constructor(log: Logger) {
    super();
    this._register(
      vscode.commands.registerCommand(Commands.clearCache, () => {
        this.cleared.fire();
        log.info('answer cache cleared');
        void notify('info', providerMessages.cacheCleared);
      }),
    );
  }
}
