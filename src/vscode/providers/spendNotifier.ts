// Money: says when today's spend crosses 80 % and 100 % of the limit (with the way to lift it),
// and runs the Lift Today's Spend Limit and Top Up commands.
import * as vscode from 'vscode';
import { Commands } from '../../core/common/commands';
import { providerMessages } from '../../core/common/messages/providers';
import { Disposable } from '../../core/common/lifecycle';
import type { Router } from '../../core/providers/router';
import type { SpendStatus } from '../../core/providers/spendLimit';
import { formatUsd } from '../../core/providers/statusView';
import { topUpCommand } from './balanceNotice';
import { notify, notifyWithCommand } from '../notifications';

export class SpendNotifier extends Disposable {
  constructor(private readonly router: Router) {
    super();
    this._register(router.onDidCrossSpendLimit((s) => this.announce(s)));
    this._register(vscode.commands.registerCommand(Commands.topUp, () => topUpCommand(router)));
    this._register(
      vscode.commands.registerCommand(Commands.liftSpendLimit, () => {
        this.router.liftSpendLimit();
        void notify('info', providerMessages.spendLifted);
      }),
    );
  }

  private announce(s: SpendStatus): void {
    if (s.kind === 'warning') {
      void notify(
        'warning',
        providerMessages.spendWarning(formatUsd(s.spentUsd), formatUsd((s as { limitUsd: number }).limitUsd)),
      );
    } else if (s.kind === 'paused') {
      notifyWithCommand(
        'warning',
        providerMessages.spendPaused(formatUsd(s.limitUsd)),
        providerMessages.liftLimitAction,
        Commands.liftSpendLimit,
      );
    }
  }
}
