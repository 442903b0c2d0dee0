// Pacer's own activation time, measured by the extension itself: from this module's first line
// to the end of activate(). extension.ts imports this module first, so it runs at the top of the
// bundle, before any other module's code; the editor's share (reading and compiling the bundle,
// calling activate) is not in the figure. The activation bench (tools/bench/activation.ts) reads
// the log line from Pacer's log file.
import type { Logger } from '../core/common/logger';

const loadedAt = performance.now();

/** The start of the log line; the bench matches it. */
export const ACTIVATION_LOG_TEXT = 'activation took';

/** Call as the last statement of activate(). */
export function reportActivation(log: Logger): void {
  const ms = performance.now() - loadedAt;
  log.info(`${ACTIVATION_LOG_TEXT} ${ms.toFixed(2)} ms (bundle load to activate() returning)`);
}
