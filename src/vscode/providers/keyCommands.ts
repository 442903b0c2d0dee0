// The key and provider commands (Set / Clear API Key, Switch Provider) and the "needs a key"
// notification: everything that asks the user for a key.
import * as vscode from 'vscode';
import { Commands } from '../../core/common/commands';
import { Disposable } from '../../core/common/lifecycle';
import type { KeyStore } from '../../core/providers/keyStore';
import type { Router } from '../../core/providers/router';
import type { Logger } from '../log';
import { clearApiKeyCommand, keyNeededNotifier, setApiKeyCommand } from './keyPrompt';
import { switchProviderCommand } from './switchProvider';

export class KeyCommands extends Disposable {
  constructor(router: Router, keys: KeyStore, log: Logger) {
    super();
    this._register(keyNeededNotifier(router, keys, log));
    this._register(
      vscode.commands.registerCommand(Commands.switchProvider, () =>
        switchProviderCommand(router, keys, log),
      ),
    );
    this._register(
      vscode.commands.registerCommand(Commands.setApiKey, (id?: unknown) =>
        setApiKeyCommand(router, keys, log, id),
      ),
    );
    this._register(
      vscode.commands.registerCommand(Commands.clearApiKey, (id?: unknown) =>
        clearApiKeyCommand(router, keys, log, id),
      ),
    );
  }
}
