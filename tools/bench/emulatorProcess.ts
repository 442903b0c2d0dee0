// The emulator in its own process, so 40 simulated editors competing for the CPU do not slow the
// "provider" down and blur what is measured. Stats come over its HTTP control endpoint.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { setPriority } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EmulatorStats } from '../emulator/server';

export interface EmulatorProcess {
  url: string;
  stats(): Promise<EmulatorStats>;
  /** Clears faults, stats and the prefix cache. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

const here = dirname(fileURLToPath(import.meta.url));

export function startEmulatorProcess(args: Record<string, number>): Promise<EmulatorProcess> {
  const tsx = createRequire(import.meta.url).resolve('tsx');
  const cli = [...Object.entries(args).flatMap(([k, v]) => [`--${k}`, String(v)]), '--port', '0'];
  const child = spawn(process.execPath, ['--import', tsx, join(here, '..', 'emulator', 'main.ts'), ...cli], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // A bench that exits early (an error, process.exit) must not leave its emulator running.
  const killOnExit = () => child.kill('SIGTERM');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  // The "provider" must not slow down because other work shares the machine: its service time is
  // what capacity is computed from. Raising priority needs privileges; without them, carry on.
  try {
    if (child.pid !== undefined) setPriority(child.pid, -10);
  } catch {
    // not permitted: measure at normal priority
  }
  return new Promise((resolve, reject) => {
    let out = '';
    const fail = (why: string) => {
      child.kill('SIGTERM');
      reject(new Error(`emulator process: ${why}`));
    };
    const timer = setTimeout(() => fail('no URL within 15 s'), 15_000);
    const onEarlyExit = (code: number | null) => fail(`exited with ${code}`);
    child.once('exit', onEarlyExit);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (!match) return;
      clearTimeout(timer);
      child.off('exit', onEarlyExit);
      const url = match[1] as string;
      resolve({
        url,
        stats: async () => (await (await fetch(`${url}/_emulator/stats`)).json()) as EmulatorStats,
        reset: async () => {
          await (await fetch(`${url}/_emulator/reset`, { method: 'POST' })).text();
        },
        close: async () => {
          child.kill('SIGTERM');
          await exited;
        },
      });
    });
  });
}
