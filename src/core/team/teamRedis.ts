// The team queue's Redis connections (ioredis): one for commands, one subscribed to grants.
// Short timeouts throughout (a command that has no answer within 500 ms counts as Redis being
// down), no offline queue (a command while disconnected fails at once instead of waiting), and
// endless reconnects in the background so the queue comes back by itself.
import { readFileSync } from 'node:fs';
import Redis from 'ioredis';
import type { RedisOptions } from 'ioredis';
import type { TeamKeys } from './teamKeys';
import { ACQUIRE, BEAT, PEEK, RELEASE, RENEW } from './teamScripts';

export interface TeamRedisOptions {
  /** `redis://host:port/db` or `rediss://` (TLS); credentials in it are used but never logged. */
  url: string;
  password?: string;
  /** A PEM file of the CA that signed a `rediss://` server's certificate (a private CA). */
  caFile?: string;
  /** Default 500 ms: the longest any editor waits on a hung Redis before falling back. */
  commandTimeoutMs?: number;
}

/** {held, place (0-based, -1 when not waiting), queue length, cap, holders, editors, cooldown ms}. */
export type RawStatus = [number, number, number, string, number, number, number];

interface ScriptCommands {
  pacerAcquire(...args: Array<string | number>): Promise<RawStatus>;
  pacerBeat(...args: Array<string | number>): Promise<RawStatus>;
  pacerRenew(...args: Array<string | number>): Promise<number>;
  pacerRelease(...args: Array<string | number>): Promise<number>;
  pacerPeek(...args: Array<string | number>): Promise<RawStatus>;
}

export type TeamClient = Redis & ScriptCommands;

/**
 * The URL without credentials, and the credentials as options. ioredis lets a URL's user name
 * with an empty password (`redis://pacer@host`, as settings keep it) override the password given
 * in the options, and then authenticates with an empty one.
 */
export function splitCredentials(url: string): { url: string; username?: string; password?: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { url };
  }
  const username = decodeURIComponent(parsed.username) || undefined;
  const password = decodeURIComponent(parsed.password) || undefined;
  parsed.username = '';
  parsed.password = '';
  return { url: parsed.toString(), username, password };
}

export function redisOptions(options: TeamRedisOptions): RedisOptions {
  const timeout = options.commandTimeoutMs ?? 500;
  const credentials = splitCredentials(options.url);
  const password = options.password ?? credentials.password;
  const tls = options.url.startsWith('rediss:')
    ? { ...(options.caFile ? { ca: readFileSync(options.caFile) } : {}) }
    : undefined;
  return {
    lazyConnect: true,
    commandTimeout: timeout,
    connectTimeout: timeout,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    // Keep trying in the background; the slot source falls back to local pacing meanwhile.
    retryStrategy: () => 500,
    ...(credentials.username ? { username: credentials.username } : {}),
    ...(password ? { password } : {}),
    ...(tls ? { tls } : {}),
  };
}

/** A command connection with the queue's scripts (EVALSHA, EVAL on a fresh server). */
export function createTeamClient(options: TeamRedisOptions): TeamClient {
  const client = new Redis(splitCredentials(options.url).url, redisOptions(options));
  client.defineCommand('pacerAcquire', { numberOfKeys: 8, lua: ACQUIRE });
  client.defineCommand('pacerBeat', { numberOfKeys: 8, lua: BEAT });
  client.defineCommand('pacerRenew', { numberOfKeys: 8, lua: RENEW });
  client.defineCommand('pacerRelease', { numberOfKeys: 8, lua: RELEASE });
  client.defineCommand('pacerPeek', { numberOfKeys: 8, lua: PEEK });
  // Errors surface through commands and the 'close' event; an unhandled 'error' would crash.
  client.on('error', () => undefined);
  return client as TeamClient;
}

export function createSubscriber(options: TeamRedisOptions): Redis {
  // It only listens: SUBSCRIBE may wait for a connection (and is repeated after a reconnect).
  const client = new Redis(splitCredentials(options.url).url, {
    ...redisOptions(options),
    commandTimeout: undefined,
    enableOfflineQueue: true,
    maxRetriesPerRequest: null,
  });
  client.on('error', () => undefined);
  return client;
}

export type { TeamKeys };
