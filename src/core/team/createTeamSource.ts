// The one way to build a team slot source: the extension (through dist/team.cjs), the tests and
// the bench differ only in the URL, the identity and the tuning.
import type { SlotSource } from '../gate/slotSource';
import type { TeamKeys, TeamQueueIdentity } from './teamKeys';
import { teamKeys } from './teamKeys';
import type { TeamClient, TeamRedisOptions } from './teamRedis';
import { createSubscriber, createTeamClient } from './teamRedis';
import type { TeamSlotSourceOptions } from './teamSlotSource';
import { TeamSlotSource } from './teamSlotSource';

export interface CreateTeamSourceOptions
  extends
    TeamRedisOptions,
    Omit<TeamSlotSourceOptions, 'client' | 'subscriber' | 'keys' | 'ownsConnections'> {
  identity: TeamQueueIdentity;
}

/** A team queue's slot source, with its command connection and keys (the usage totals use them). */
export interface TeamQueue {
  source: TeamSlotSource;
  client: TeamClient;
  keys: TeamKeys;
}

export function createTeamQueue(options: CreateTeamSourceOptions): TeamQueue {
  const { url, password, caFile, commandTimeoutMs, identity, ...rest } = options;
  const redis = { url, password, caFile, commandTimeoutMs };
  const client = createTeamClient(redis);
  const keys = teamKeys(identity);
  const source = new TeamSlotSource({
    errorContext: { caFile },
    ...rest,
    client,
    subscriber: createSubscriber(redis),
    keys,
    ownsConnections: true,
  });
  return { source, client, keys };
}

export function createTeamSource(options: CreateTeamSourceOptions): TeamSlotSource {
  return createTeamQueue(options).source;
}

export type { SlotSource };
export { TeamSlotSource } from './teamSlotSource';
export type { TeamMode, TeamStatus } from './teamSlotSource';
export { teamKeys, teamQueueId } from './teamKeys';
export { describeTeamError } from './teamErrors';
