// Pacer's own activation time, measured by the extension itself: from this module's first line
// to the end of activate(). extension.ts imports this module first, so it runs at the top of the
// bundle, before any other module's code; reading and compiling the bundle is not in the figure.
// The time until activate() is entered is the rest of the bundle's top-level code plus the
// editor's own preparation (the extension context); the remainder is activate()'s body.
// The activation bench (tools/bench/activation.ts) reads the log line from Pacer's log file.
import type { Logger } from '../core/common/logger';

const loadedAt = performance.now();
let enteredAt: number | undefined;
let lastMark = loadedAt;
const phases: string[] = [];

/** The start of the log line; the bench matches it. */
export const ACTIVATION_LOG_TEXT = 'activation took';

/** Call from extension.ts's top level, after its imports: the bundle's own module code ends here. */
export function modulesEvaluated(): void {
  markPhase('modules');
}

/** Call as the first statement of activate(). */
export function activateEntered(): void {
  enteredAt = performance.now();
  markPhase('host');
}

/** Notes the time since the previous mark under `name`, for the log line's breakdown. */
export function markPhase(name: string): void {
  const now = performance.now();
  phases.push(`${name} ${(now - lastMark).toFixed(1)}`);
  lastMark = now;
}

/** Call as the last statement of activate(). */
export function reportActivation(log: Logger): void {
  const now = performance.now();
  const entered = (enteredAt ?? loadedAt) - loadedAt;
  log.info(
    `${ACTIVATION_LOG_TEXT} ${(now - loadedAt).toFixed(2)} ms (bundle load to activate() returning; activate() entered at ${entered.toFixed(2)} ms; ${phases.join(', ')})`,
  );
}
