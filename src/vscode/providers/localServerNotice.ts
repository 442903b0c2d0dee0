// A local server gets the user's code the first time: say so once per provider and profile.
import type * as vscode from 'vscode';
import { Disposable } from '../../core/common/lifecycle';
import { providerMessages } from '../../core/common/messages/providers';
import type { Router } from '../../core/providers/router';
import { notify } from '../notifications';

export class LocalServerNotice extends Disposable {
  constructor(context: vscode.ExtensionContext, router: Router) {
    super();
    this._register(
      router.onDidSendToLocalServer((use) => {
        const key = `pacer.localServerAnnounced.${use.providerId}`;
        if (context.globalState.get<boolean>(key)) return;
        void context.globalState.update(key, true);
        void notify('info', providerMessages.localServerReceivesCode(use.label, use.baseUrl, use.providerId));
      }),
    );
  }
}
