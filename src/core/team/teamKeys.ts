// Where a team queue lives in Redis. Editors with the same provider, model and API key find the
// same queue by themselves: its id is an HMAC of the key under a fixed application-wide salt, so
// Redis (and whoever reads it) never sees the key, and two keys never share a queue. A team whose
// members hold their own keys on one account names the queue instead (`pacer.team.queueName`).
// Every key of a queue carries the same hash tag, so Redis Cluster keeps them on one node.
import { createHmac } from 'node:crypto';

/** Fixed for every Pacer install: the same key must give the same id on every machine. */
const SALT = 'pacer-team-queue-v1';

export interface TeamQueueIdentity {
  providerId: string;
  model: string;
  /** The provider's API key; only its HMAC is kept. */
  apiKey?: string;
  /** A name the team chose; replaces the key's HMAC when set. */
  queueName?: string;
}

export interface TeamKeys {
  /** Shown in the tooltip, so people can check they share a queue (no secret in it). */
  readonly id: string;
  /** In the order the Lua scripts expect (teamScripts.ts). */
  readonly keys: readonly string[];
  /** Pub/sub channel of grants. */
  readonly channel: string;
  /** Every key of the queue starts with it (the hash tag included): the usage totals' hours too. */
  readonly prefix: string;
}

const clean = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 64);

export function teamQueueId(identity: TeamQueueIdentity): string {
  const name = identity.queueName?.trim();
  const account = name
    ? `n-${createHmac('sha256', SALT).update(`name:${name}`).digest('hex').slice(0, 16)}`
    : `k-${createHmac('sha256', SALT)
        .update(`key:${identity.apiKey ?? ''}`)
        .digest('hex')
        .slice(0, 16)}`;
  return `${clean(identity.providerId)}:${clean(identity.model)}:${account}`;
}

export function teamKeys(identity: TeamQueueIdentity): TeamKeys {
  const id = teamQueueId(identity);
  const tag = `pacer:{${id}}`;
  return {
    id,
    keys: ['holders', 'wait', 'alive', 'seq', 'cap', 'cool', 'editors', 'hint'].map((k) => `${tag}:${k}`),
    channel: `${tag}:grants`,
    prefix: `${tag}:`,
  };
}
