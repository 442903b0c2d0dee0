// A local server gets the user's code the first time: say so once per provider and profile.
import * as vscode from 'vscode';
import { Disposable } from '../../core/common/lifecycle';
import { providerMessages } from '../../core/common/messages/providers';
import type { Router } from '../../core/providers/router';

export class LocalServerNotice extends Disposable {
  constructor(context: vscode.ExtensionContext, router: Router) {
    super();
    this._register(
      router.onDidSendToLocalServer((use) => {
        const key = `pacer.localServerAnnounced.${use.providerId}`;
        if (context.globalState.get<boolean>(key)) return;
        void context.globalState.update(key, true);
        void vscode.window.showInformationMessage(
          providerMessages.localServerReceivesCode(use.label, use.baseUrl, use.providerId),
        );
      }),
    );
  }
}
