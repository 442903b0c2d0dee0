// `Pacer: Clear Cache`: the providers' answer caches, then every feature's own (onDidClear).
import * as vscode from 'vscode';
import { Commands } from '../../core/common/commands';
import { providerMessages } from '../../core/common/messages/providers';
import { Disposable } from '../../core/common/lifecycle';
import type { Router } from '../../core/providers/router';
import type { Logger } from '../log';
import { notify } from '../notifications';

export class ClearCacheCommand extends Disposable {
  private readonly cleared = this._register(new vscode.EventEmitter<void>());
  /** Fires after the command, so features drop their own caches of answers too. */
  readonly onDidClear = this.cleared.event;

  constructor(router: Router, log: Logger) {
    super();
    this._register(
      vscode.commands.registerCommand(Commands.clearCache, () => {
        router.clearCache();
        this.cleared.fire();
        log.info('answer cache cleared');
        void notify('info', providerMessages.cacheCleared);
      }),
    );
  }
}
