// Pacer's own activation time, measured by the extension itself: from this module's first line
// to the end of activate(). extension.ts imports this module first, so it runs at the top of the
// bundle, before any other module's code; reading and compiling the bundle is not in the figure.
// The time until activate() is entered is the rest of the bundle's top-level code plus the
// editor's own preparation (the extension context); the remainder is activate()'s body.
// The activation bench (tools/bench/activation.ts) reads the log line from Pacer's log file.
import type { Logger } from '../core/common/logger';

const loadedAt = performance.now();
let enteredAt: number | undefined;
let lastModuleMark: number | undefined;
let lastMark = loadedAt;
const phases: string[] = [];

/** The start of the log line; the bench matches it. */
export const ACTIVATION_LOG_TEXT = 'activation took';
/** The start of the second line: what else the extension host ran while Pacer waited. */
export const HOST_WAIT_LOG_TEXT = 'while Pacer waited for activate()';

/** Call from extension.ts's top level, after its imports: the bundle's own module code ends here. */
export function modulesEvaluated(): void {
  markPhase('modules');
  lastModuleMark = performance.now();
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

/**
 * What the extension host did between Pacer's module code and activate(): the other extensions
 * whose code it loaded or activated meanwhile, from its own performance marks
 * (code/extHost/willLoadExtensionCode/<id> …). Call after activation; it only reads marks.
 */
export function reportHostWait(log: Logger, ownId: string): void {
  const from = lastModuleMark ?? loadedAt;
  const to = enteredAt;
  if (to === undefined) return;
  const starts = new Map<string, number>();
  const busy = new Map<string, number>();
  let seen = 0;
  for (const mark of hostMarks()) {
    const m = /^code\/extHost\/(will|did)(LoadExtensionCode|ActivateExtension)\/(.+)$/.exec(mark.name);
    if (!m) continue;
    seen++;
    if (m[3] === ownId) continue;
    const key = `${m[3]} ${m[2] === 'LoadExtensionCode' ? 'load' : 'activate'}`;
    if (m[1] === 'will') starts.set(key, mark.at);
    else {
      const start = starts.get(key);
      const overlap = start === undefined ? 0 : Math.min(to, mark.at) - Math.max(from, start);
      if (overlap > 0.5) busy.set(key, (busy.get(key) ?? 0) + overlap);
    }
  }
  const total = [...busy.values()].reduce((a, b) => a + b, 0);
  const top = [...busy].sort((a, b) => b[1] - a[1]).slice(0, 6);
  log.info(
    `${HOST_WAIT_LOG_TEXT} (${(to - from).toFixed(1)} ms): other extensions ran ${total.toFixed(1)} ms (of ${seen} extension marks)${top.length ? `: ${top.map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}` : ''}`,
  );
}

/** VS Code's own marks, on this module's clock. */
function hostMarks(): { name: string; at: number }[] {
  // VS Code keeps them in this object of its own (stamped in epoch ms); its extension host makes
  // no native performance marks (reading those found none). Absent, the log line says 0 marks.
  const vscodeMarks = (
    globalThis as { MonacoPerformanceMarks?: { getMarks(): { name: string; startTime: number }[] } }
  ).MonacoPerformanceMarks;
  return (vscodeMarks?.getMarks() ?? []).map((m) => ({
    name: m.name,
    at: m.startTime - performance.timeOrigin,
  }));
}
