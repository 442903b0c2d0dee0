// For extension-host suites: the DeepSeek emulator that tools/editor/runHostTests.ts started for
// this run, driven through its HTTP control endpoints (the suite runs inside VS Code, in another
// process than the emulator). Pacer is already pointed at it through `pacer.providers.baseUrls`.
import type { EmulatorOptions, EmulatorStats, Fault } from '../../../../tools/emulator/server';

export function emulatorUrl(): string {
  const url = process.env.PACER_E2E_EMULATOR_URL;
  if (!url)
    throw new Error('PACER_E2E_EMULATOR_URL is not set: run the suites through tools/editor/runHostTests.ts');
  return url;
}

async function control<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${emulatorUrl()}/_emulator/${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    signal: AbortSignal.timeout(5000),
  });
  const json = (await res.json()) as T & { error?: string };
  if (!res.ok) throw new Error(`emulator ${method} ${path}: HTTP ${res.status} ${json.error ?? ''}`);
  return json;
}

export const emulatorStats = (): Promise<EmulatorStats> => control('GET', 'stats');
export const setEmulatorFault = (fault: Fault): Promise<unknown> => control('POST', 'fault', fault);
/** null puts an option back to its default (JSON has no undefined). */
export const setEmulatorOptions = (patch: { [K in keyof EmulatorOptions]?: EmulatorOptions[K] | null }) =>
  control<EmulatorOptions>('POST', 'options', patch);
/** Clears the fault and the stats; call it in `setup()` so suites do not see each other's traffic. */
export const resetEmulator = (): Promise<unknown> => control('POST', 'reset');
