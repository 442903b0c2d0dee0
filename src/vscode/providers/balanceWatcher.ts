// The "no balance" notices follow the router's state (the status item is StatusBarController's).
// Under heavy traffic the gates change many times a second: look at most every 100 ms.
import { Disposable, toDisposable } from '../../core/common/lifecycle';
import type { Router } from '../../core/providers/router';
import type { Logger } from '../log';
import { BalanceNotices } from './balanceNotice';

export class BalanceWatcher extends Disposable {
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(router: Router, log: Logger) {
    super();
    const balance = new BalanceNotices(log);
    this._register(
      router.onDidChange(() => {
        this.timer ??= setTimeout(() => {
          this.timer = undefined;
          balance.update(router.state());
        }, 100);
      }),
    );
    this._register(toDisposable(() => clearTimeout(this.timer)));
  }
}
