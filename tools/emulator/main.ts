// CLI: `npm run emulator -- --port 8787 --cap 8 --retry-after 2 --ttft 200 --tps 400 --tokens 60
// --busy-ms 3000 --keepalive-ms 1000 --require-key sk-x`. Prints one line with the URL, then serves
// until SIGINT/SIGTERM. Switch faults at run time through POST /_emulator/fault.
import { parseArgs } from 'node:util';
import { startEmulator } from './server';
import type { EmulatorOptions } from './server';

const USAGE =
  'usage: npm run emulator -- [--host 127.0.0.1] [--port N] [--cap N] [--retry-after S] [--ttft MS] [--tps N] [--tokens N] [--busy-ms MS] [--keepalive-ms MS] [--require-key KEY]';

function num(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a number >= 0, got "${value}"`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      cap: { type: 'string' },
      'retry-after': { type: 'string' },
      ttft: { type: 'string' },
      tps: { type: 'string' },
      tokens: { type: 'string' },
      'busy-ms': { type: 'string' },
      'keepalive-ms': { type: 'string' },
      'require-key': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const options: EmulatorOptions = {
    host: values.host,
    port: num('port', values.port),
    concurrencyCap: num('cap', values.cap),
    retryAfterSeconds: num('retry-after', values['retry-after']),
    ttftMs: num('ttft', values.ttft),
    tokensPerSecond: num('tps', values.tps),
    answerTokens: num('tokens', values.tokens),
    busyMs: num('busy-ms', values['busy-ms']),
    keepAliveIntervalMs: num('keepalive-ms', values['keepalive-ms']),
    requireKey: values['require-key'],
  };
  const emulator = await startEmulator(options);
  console.log(`DeepSeek emulator listening on ${emulator.url}`);
  const stop = () => {
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  console.error(USAGE);
  process.exit(2);
});
