// Team mode (`pacer.team.*`): DeepSeek's gate takes its slots from a queue in Redis that every
// editor on the account shares. This part stays in dist/extension.cjs and is small: the two
// commands and the switch. The rest (settings, SecretStorage, ioredis) is dist/team.cjs
// (teamBundle.ts), required only once team mode is on or a team command runs.
import { join } from 'node:path';
import * as vscode from 'vscode';
import { Commands } from '../../core/common/commands';
import { Emitter } from '../../core/common/event';
import { Disposable } from '../../core/common/lifecycle';
import type { SlotSource } from '../../core/gate/slotSource';
import type { KeyStore } from '../../core/providers/keyStore';
import type { StatusView } from '../../core/providers/statusView';
import type { TeamQueueTotals, TeamUsageSource } from '../../core/usage/teamTotalsView';
import type { UsageHistory } from '../../core/usage/usageHistory';
import type { Logger } from '../log';
import type * as TeamBundle from './teamBundle';
import type { TeamModeImpl } from './teamModeImpl';

export class TeamMode extends Disposable implements TeamUsageSource {
  private readonly changed = this._register(new Emitter<void>());
  private readonly rebuild = this._register(new Emitter<void>());
  private impl: TeamModeImpl | undefined;

  /** The team status changed (status bar). */
  readonly onDidChange = this.changed.event;
  /** Team mode was turned on, off or reconfigured: provider services must be rebuilt. */
  readonly onDidNeedRebuild = this.rebuild.event;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly keys: KeyStore,
    private readonly log: Logger,
  ) {
    super();
    this._register(
      vscode.commands.registerCommand(Commands.setTeamRedisPassword, () => this.load()?.setPasswordCommand()),
    );
    // Leaving is turning team mode off for this user; the settings change rebuilds the services.
    this._register(
      vscode.commands.registerCommand(Commands.leaveTeamQueue, () =>
        vscode.workspace
          .getConfiguration('pacer.team')
          .update('enabled', false, vscode.ConfigurationTarget.Global),
      ),
    );
    const check = () => {
      if (!this.impl && vscode.workspace.getConfiguration('pacer.team').get<boolean>('enabled')) this.load();
    };
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('pacer.team') && check()),
    );
    check();
  }

  /** The status bar view with the team queue's state (rendered in dist/team.cjs). */
  decorate(view: StatusView): StatusView {
    return this.impl ? this.impl.decorate(view) : view;
  }

  /** Read when a provider service is built: a team slot source while team mode is on. */
  slotSourceFor(providerId: string, model: string, initial: number, max: number): SlotSource | undefined {
    return this.impl?.slotSourceFor(providerId, model, initial, max);
  }

  /** Each record of this window's usage history also adds to its team queue's totals in Redis. */
  recordUsageOf(history: UsageHistory): this {
    this._register(history.onDidRecord((r) => this.impl?.record(r)));
    return this;
  }

  /** The team queues' totals for the usage dashboard; undefined while team mode is off. */
  totals(since: number): Promise<TeamQueueTotals[] | undefined> {
    return this.impl ? this.impl.totals(since) : Promise.resolve(undefined);
  }

  /** What this window added to the team's totals and Redis has not got yet goes now (closing). */
  flushUsage(): Promise<void> {
    return this.impl ? this.impl.flushUsage() : Promise.resolve();
  }

  private load(): TeamModeImpl | undefined {
    if (this.impl || this.isDisposed) return this.impl;
    try {
      // A runtime path, so esbuild leaves ioredis out of dist/extension.cjs.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const bundle = require(join(__dirname, 'team.cjs')) as typeof TeamBundle;
      const impl = this._register(new bundle.TeamModeImpl(this.secrets, this.keys, this.log));
      impl.onDidChange(() => this.changed.fire());
      impl.onDidNeedRebuild(() => this.rebuild.fire());
      this.impl = impl;
    } catch (e) {
      this.log.error(`team mode could not start: ${e instanceof Error ? e.message : String(e)}`);
    }
    return this.impl;
  }
}
