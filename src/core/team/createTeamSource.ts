// The one way to build a team slot source: the extension (through dist/team.cjs), the tests and
// the bench differ only in the URL, the identity and the tuning.
import type { SlotSource } from '../gate/slotSource';
import type { TeamQueueIdentity } from './teamKeys';
import { teamKeys } from './teamKeys';
import type { TeamRedisOptions } from './teamRedis';
import { createSubscriber, createTeamClient } from './teamRedis';
import type { TeamSlotSourceOptions } from './teamSlotSource';
import { TeamSlotSource } from './teamSlotSource';

export interface CreateTeamSourceOptions
  extends
    TeamRedisOptions,
    Omit<TeamSlotSourceOptions, 'client' | 'subscriber' | 'keys' | 'ownsConnections'> {
  identity: TeamQueueIdentity;
}

export function createTeamSource(options: CreateTeamSourceOptions): TeamSlotSource {
  const { url, password, caFile, commandTimeoutMs, identity, ...rest } = options;
  const redis = { url, password, caFile, commandTimeoutMs };
  return new TeamSlotSource({
    errorContext: { caFile },
    ...rest,
    client: createTeamClient(redis),
    subscriber: createSubscriber(redis),
    keys: teamKeys(identity),
    ownsConnections: true,
  });
}

export type { SlotSource };
export { TeamSlotSource } from './teamSlotSource';
export type { TeamMode, TeamStatus } from './teamSlotSource';
export { teamKeys, teamQueueId } from './teamKeys';
export { describeTeamError } from './teamErrors';
