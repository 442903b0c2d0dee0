// A real `redis-server` (Debian package; `.ci/run` installs it) for the team-queue tests and the
// bench: its own process on a free loopback port, persistence off, no config file. Supports the
// faults the tests need: stop (connections refused), start again on the same port, and freeze
// (SIGSTOP: connections accepted, nothing answered) / thaw.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { connect, createServer } from 'node:net';

export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** Stops the server (SIGTERM, then SIGKILL); the port refuses connections until `start`. */
  stop(): Promise<void>;
  /** Starts it again on the same port (an empty data set: persistence is off). */
  start(): Promise<void>;
  /** SIGSTOP: the port accepts connections but nothing answers (a hung Redis). */
  freeze(): void;
  /** SIGCONT after `freeze`. */
  thaw(): void;
  /** Stops the server for good. */
  close(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        // A PING answered means the server loaded and serves commands.
        socket.write('PING\r\n');
        socket.once('data', () => {
          socket.destroy();
          resolve();
        });
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > until)
          reject(new Error(`redis-server: port ${port} not open within ${timeoutMs} ms`));
        else setTimeout(attempt, 20);
      });
    };
    attempt();
  });
}

export async function startRedisServer(extraArgs: string[] = []): Promise<RedisServer> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const killOnExit = () => child?.kill('SIGKILL');
  process.once('exit', killOnExit);

  const start = async () => {
    if (child) return;
    const proc = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...extraArgs],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    child = proc;
    proc.once('exit', () => {
      if (child === proc) child = undefined;
    });
    await new Promise<void>((resolve, reject) => {
      proc.once('error', (error) =>
        reject(
          new Error(`redis-server could not start (is the Debian package installed?): ${error.message}`),
        ),
      );
      waitForPort(port, 10_000).then(resolve, reject);
    });
  };

  const stop = async () => {
    const proc = child;
    if (!proc) return;
    child = undefined;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGCONT'); // a frozen server cannot act on SIGTERM
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 2000);
    await exited;
    clearTimeout(timer);
  };

  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop,
    start,
    freeze: () => child?.kill('SIGSTOP'),
    thaw: () => child?.kill('SIGCONT'),
    close: async () => {
      await stop();
      process.off('exit', killOnExit);
    },
  };
}
