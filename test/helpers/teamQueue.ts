// Team slot sources against a test's own redis-server: each "editor" with its own connections,
// as separate VS Code windows would have.
import { after, afterEach, before } from 'node:test';
import Redis from 'ioredis';
import { realClock } from '../../src/core/common/clock';
import { LocalSlotSource } from '../../src/core/gate/slotSource';
import type { Slot } from '../../src/core/gate/slotSource';
import { createTeamSource } from '../../src/core/team/createTeamSource';
import type { CreateTeamSourceOptions } from '../../src/core/team/createTeamSource';
import type { TeamSlotSource } from '../../src/core/team/teamSlotSource';
import type { RedisServer } from './redisServer';
import { startRedisServer } from './redisServer';
import { waitFor } from './waitFor';

export type EditorOptions = Partial<Omit<CreateTeamSourceOptions, 'url'>>;

export async function teamEditor(url: string, options: EditorOptions = {}): Promise<TeamSlotSource> {
  const source = createTeamSource({
    url,
    identity: { providerId: 'deepseek', model: 'deepseek-flash', apiKey: 'sk-team-test' },
    local: new LocalSlotSource({ clock: realClock, initial: 2 }),
    clock: realClock,
    initialCap: 1,
    ...options,
  });
  await waitFor(() => source.mode !== 'connecting', { timeoutMs: 3000 });
  return source;
}

/**
 * For a describe block: its own redis-server (emptied after each test) and a maker of editors
 * (disposed after each test).
 */
export function teamQueueSuite(): (options?: EditorOptions) => Promise<TeamSlotSource> {
  let server: RedisServer;
  let admin: Redis;
  const editors: TeamSlotSource[] = [];
  before(async () => {
    server = await startRedisServer();
    admin = new Redis(server.url);
  });
  afterEach(async () => {
    for (const e of editors.splice(0)) e.dispose();
    await admin.flushall();
  });
  after(async () => {
    admin.disconnect();
    await server.close();
  });
  return async (options = {}) => {
    const source = await teamEditor(server.url, options);
    editors.push(source);
    return source;
  };
}

/** Acquires and records the order in which slots are granted. */
export function acquireInto(
  source: TeamSlotSource,
  name: string,
  order: string[],
  options: Partial<Parameters<TeamSlotSource['acquire']>[0]> = {},
): Promise<Slot> {
  return Promise.resolve(source.acquire({ waiting: 0, cls: 'chat', ...options })).then((slot) => {
    order.push(name);
    return slot;
  });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
