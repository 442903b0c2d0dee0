// The status item and the "no balance" notices follow the router's state (the usage store saves
// each request as it is billed). Under heavy traffic the gates change many times a second: render
// at most every 100 ms.
import { Disposable, toDisposable } from '../../core/common/lifecycle';
import type { Router } from '../../core/providers/router';
import type { Logger } from '../log';
import { StatusBar } from '../statusBar';
import { BalanceNotices } from './balanceNotice';

export class ProviderStatus extends Disposable {
  readonly status: StatusBar;
  private renderTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(router: Router, log: Logger) {
    super();
    this.status = this._register(new StatusBar(() => router.state()));
    const balance = new BalanceNotices(log);
    this._register(
      router.onDidChange(() => {
        this.renderTimer ??= setTimeout(() => {
          this.renderTimer = undefined;
          const state = router.state();
          this.status.update(state);
          balance.update(state);
        }, 100);
      }),
    );
    this._register(toDisposable(() => clearTimeout(this.renderTimer)));
    this.status.update(router.state());
  }
}
