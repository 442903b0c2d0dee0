// Decides what the status bar shows: it subscribes to the router's state and the completion
// switch, renders them with `renderStatus` (never parsing text back), and is the only writer of
// Pacer's status bar, the short confirmations of the completion commands included.
import * as vscode from 'vscode';
import { Disposable, MutableDisposable, toDisposable } from '../core/common/lifecycle';
import type { IDisposable } from '../core/common/lifecycle';
import type { RouterState } from '../core/providers/routerState';
import type { CompletionMode } from '../core/providers/statusView';
import type { StatusView } from '../core/providers/statusView';
import { renderStatus } from '../core/providers/statusView';
import { afterActivation } from './afterActivation';
import { StatusBarItem } from './statusBar';

/** What the router offers the status bar (a structural slice of `Router`). */
export interface StatusSource {
  state(): RouterState;
  onDidChange(listener: () => void): IDisposable;
}

/** What the completion switch offers the status bar (a structural slice of `CompletionSwitch`). */
export interface CompletionModeSource {
  readonly mode: CompletionMode;
  onDidChange(listener: (mode: CompletionMode) => void): IDisposable;
}

/** What team mode offers the status bar (a structural slice of `TeamMode`). */
export interface TeamStatusSource {
  /** The view with the team queue's state added (unchanged when team mode is off). */
  decorate(view: StatusView): StatusView;
  onDidChange(listener: () => void): IDisposable;
}

/** Under heavy traffic the gates change many times a second: render at most this often. */
const RENDER_EVERY_MS = 100;
/** How long a command's confirmation ("completions off") stays in the status bar. */
const FLASH_MS = 3000;

export class StatusBarController extends Disposable {
  private readonly item = this._register(new StatusBarItem());
  private readonly ticker = this._register(new MutableDisposable());
  private readonly pending = this._register(new MutableDisposable());
  private readonly message = this._register(new MutableDisposable());
  private state: RouterState;

  constructor(
    private readonly router: StatusSource,
    private readonly completion: CompletionModeSource,
    private readonly team?: TeamStatusSource,
  ) {
    super();
    this.state = router.state();
    if (team) this._register(team.onDidChange(() => this.scheduleRender()));
    this._register(router.onDidChange(() => this.scheduleRender()));
    this._register(completion.onDidChange(() => this.render()));
    // The first render (state, tooltip, countdown) waits until activate() has returned.
    this._register(afterActivation(() => this.render()));
  }

  /** A short confirmation beside the item, for a command the user just ran. */
  flash(text: string): void {
    this.message.value = vscode.window.setStatusBarMessage(text, FLASH_MS);
  }

  private scheduleRender(): void {
    if (this.pending.value) return;
    const timer = setTimeout(() => {
      this.pending.clear();
      this.state = this.router.state();
      this.render();
    }, RENDER_EVERY_MS);
    this.pending.value = toDisposable(() => clearTimeout(timer));
  }

  private render(): void {
    const view = renderStatus(this.state, this.completion.mode);
    const shown = this.team ? this.team.decorate(view) : view;
    this.item.show(shown);
    this.setTicking(view.ticking);
  }

  /** Countdowns ("429 · 4s", "10m") re-render every second while shown, and only then. */
  private setTicking(on: boolean): void {
    if (on && !this.ticker.value) {
      const timer = setInterval(() => {
        this.state = this.router.state();
        this.render();
      }, 1000);
      this.ticker.value = toDisposable(() => clearInterval(timer));
    } else if (!on) this.ticker.clear();
  }
}
