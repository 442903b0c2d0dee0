// "No balance" is something only the user can fix, so it is said where the user looks: once per
// episode, in a notification with the way out (top up, or switch provider). The status item turns
// red at the same time; both come from the router's state, never from an error message's text.
import * as vscode from 'vscode';
import type { Router } from '../../core/providers/router';
import type { RouterState } from '../../core/providers/routerState';
import type { Logger } from '../log';
import { Commands } from '../../core/common/commands';
import { ProviderActions, providerMessages } from '../../core/common/messages/providers';
import { notify } from '../notifications';

/** The billing page of a provider out of balance (else of the first provider that has one). */
export function billingTarget(router: Router): { label: string; url: string } | undefined {
  const providers = router.state().providers;
  const p =
    providers.find((s) => s.health.kind === 'noBalance' && s.billingUrl) ??
    providers.find((s) => s.billingUrl);
  return p?.billingUrl ? { label: p.label, url: p.billingUrl } : undefined;
}

export async function topUpCommand(router: Router): Promise<void> {
  const target = billingTarget(router);
  if (!target) {
    void notify('info', providerMessages.noBillingPage);
    return;
  }
  await vscode.env.openExternal(vscode.Uri.parse(target.url));
}

/**
 * Fed the router's state where the status item is rendered (at most every 100 ms), not on every
 * gate event: a provider that turns `noBalance` is announced once until it can pay again.
 */
export class BalanceNotices {
  // Providers already announced; one leaves the set when it can pay again, so a later 402 is news.
  private readonly announced = new Set<string>();

  constructor(private readonly log: Logger) {}

  update(state: RouterState): void {
    for (const p of state.providers) {
      if (p.health.kind !== 'noBalance') {
        this.announced.delete(p.id);
        continue;
      }
      if (this.announced.has(p.id)) continue;
      this.announced.add(p.id);
      this.log.warn(`${p.label} answered 402: the account balance is used up`);
      const actions = [...(p.billingUrl ? [ProviderActions.topUp] : []), ProviderActions.switchProvider];
      const notice = providerMessages.balanceUsedUpNotice(
        p.label,
        p.billingUrl ? new URL(p.billingUrl).host : undefined,
      );
      void notify('warning', notice, ...actions).then((choice) => {
        if (choice === ProviderActions.topUp && p.billingUrl)
          void vscode.env.openExternal(vscode.Uri.parse(p.billingUrl));
        else if (choice === ProviderActions.switchProvider)
          void vscode.commands.executeCommand(Commands.switchProvider);
      });
    }
  }
}
