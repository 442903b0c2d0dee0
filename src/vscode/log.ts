// One LogOutputChannel for Pacer, with a sub-logger per area ("[gate]", "[chat]") so a user can
// tell at a glance which part spoke. Never pass API keys or prompt text at info level.
import * as vscode from 'vscode';
import { Commands } from '../core/common/commands';
import { Disposable } from '../core/common/lifecycle';
import type { Logger } from '../core/common/logger';

export type { Logger };

export function createLogger(channel: vscode.LogOutputChannel, area?: string): Logger {
  const tag = (m: string) => (area ? `[${area}] ${m}` : m);
  return {
    trace: (m, ...a) => channel.trace(tag(m), ...a),
    debug: (m, ...a) => channel.debug(tag(m), ...a),
    info: (m, ...a) => channel.info(tag(m), ...a),
    warn: (m, ...a) => channel.warn(tag(m), ...a),
    error: (m, ...a) => channel.error(typeof m === 'string' ? tag(m) : m, ...a),
    child: (sub) => createLogger(channel, area ? `${area}:${sub}` : sub),
  };
}

/** Pacer's output channel and the `Pacer: Show Log` command. */
export class LogContribution extends Disposable {
  readonly log: Logger;

  constructor() {
    super();
    const channel = this._register(vscode.window.createOutputChannel('Pacer', { log: true }));
    this._register(vscode.commands.registerCommand(Commands.showLog, () => channel.show()));
    this.log = createLogger(channel);
  }
}
