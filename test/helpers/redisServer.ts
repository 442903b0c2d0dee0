// A real `redis-server` (Debian package; `.ci/run` installs it) for the team-queue tests and the
// bench: its own process on a free loopback port, persistence off, no config file. Supports the
// faults the tests need: stop (connections refused), start again on the same port, and freeze
// (SIGSTOP: connections accepted, nothing answered) / thaw. With `tls`, it serves `rediss://` only,
// with a certificate from a private CA made for the run (openssl), as a team's own Redis would.
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as connectTls } from 'node:tls';

export interface RedisServerOptions {
  /** More `redis-server` arguments. */
  args?: string[];
  /** Serve TLS only (`rediss://`), with a server certificate signed by a CA made for this run. */
  tls?: boolean;
}

export interface RedisTlsFiles {
  /** PEM of the CA that signed the server's certificate: what `pacer.team.caFile` points at. */
  caFile: string;
  /** PEM of another CA, which signed nothing this server shows: a wrong `caFile`. */
  otherCaFile: string;
}

export interface RedisServer {
  readonly port: number;
  /** `redis://127.0.0.1:port`, or `rediss://localhost:port` with `tls`. */
  readonly url: string;
  /** The CA files, with `tls`. */
  readonly tls?: RedisTlsFiles;
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

function waitForPort(port: number, timeoutMs: number, caFile?: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const socket: Socket = caFile
        ? connectTls({ port, host: '127.0.0.1', servername: 'localhost', ca: readFileSync(caFile) })
        : connect(port, '127.0.0.1');
      socket.once(caFile ? 'secureConnect' : 'connect', () => {
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

function openssl(dir: string, args: string[]): void {
  try {
    execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    throw new Error(
      `openssl ${args[0]} failed (is the Debian package openssl installed?): ${(error as Error).message}`,
    );
  }
}

/** A CA, a server certificate it signed for localhost and 127.0.0.1, and an unrelated CA. */
function makeCertificates(dir: string): RedisTlsFiles & { certFile: string; keyFile: string } {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  for (const ca of ['ca', 'other-ca'])
    openssl(dir, [
      'req',
      '-x509',
      ...ec,
      '-keyout',
      `${ca}.key`,
      '-out',
      `${ca}.pem`,
      '-days',
      '2',
      '-subj',
      `/CN=pacer test ${ca}`,
    ]);
  openssl(dir, ['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost']);
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.pem',
    '-days',
    '2',
    '-extfile',
    'server.ext',
  ]);
  return {
    caFile: join(dir, 'ca.pem'),
    otherCaFile: join(dir, 'other-ca.pem'),
    certFile: join(dir, 'server.pem'),
    keyFile: join(dir, 'server.key'),
  };
}

export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const port = await freePort();
  const certDir = options.tls ? mkdtempSync(join(tmpdir(), 'pacer-redis-tls-')) : undefined;
  const certs = certDir ? makeCertificates(certDir) : undefined;
  const portArgs = certs
    ? [
        '--port',
        '0',
        '--tls-port',
        String(port),
        '--tls-cert-file',
        certs.certFile,
        '--tls-key-file',
        certs.keyFile,
        '--tls-ca-cert-file',
        certs.caFile,
        '--tls-auth-clients',
        'no',
      ]
    : ['--port', String(port)];
  let child: ChildProcess | undefined;
  const killOnExit = () => {
    child?.kill('SIGKILL');
    if (certDir) rmSync(certDir, { recursive: true, force: true });
  };
  process.once('exit', killOnExit);

  const start = async () => {
    if (child) return;
    const proc = spawn(
      'redis-server',
      [...portArgs, '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...(options.args ?? [])],
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
      waitForPort(port, 10_000, certs?.caFile).then(resolve, reject);
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
    url: certs ? `rediss://localhost:${port}` : `redis://127.0.0.1:${port}`,
    ...(certs ? { tls: { caFile: certs.caFile, otherCaFile: certs.otherCaFile } } : {}),
    stop,
    start,
    freeze: () => child?.kill('SIGSTOP'),
    thaw: () => child?.kill('SIGCONT'),
    close: async () => {
      await stop();
      process.off('exit', killOnExit);
      if (certDir) rmSync(certDir, { recursive: true, force: true });
    },
  };
}
