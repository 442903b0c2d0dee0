// Where spend is kept: one usage store for every window of this profile (globalStorageUri is
// shared by all of them), and today's totals as versions before it saved them, read once.
import * as vscode from 'vscode';
import { Disposable } from '../../core/common/lifecycle';
import type { LedgerSnapshot } from '../../core/providers/cost';
import { UsageStore } from '../../core/usage/usageStore';
import type { Logger } from '../log';

/** Where versions before the shared usage store kept today's totals (read once, then removed). */
const LEDGER_KEY = 'pacer.usageLedger';

export class LedgerPersistence extends Disposable {
  readonly usage: UsageStore;
  /** The old ledger, for the router to import once; `forgetLegacy()` removes it after that. */
  readonly legacy: LedgerSnapshot | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    log: Logger,
  ) {
    super();
    const dir = vscode.Uri.joinPath(context.globalStorageUri, 'usage').fsPath;
    this.usage = this._register(new UsageStore({ dir, log, history: { dir } }));
    this.legacy = context.globalState.get<LedgerSnapshot>(LEDGER_KEY);
  }

  /** The router imported the old ledger into the store: it is not read again. */
  forgetLegacy(): void {
    if (this.legacy) void this.context.globalState.update(LEDGER_KEY, undefined);
  }
}
