// Team slot sources against a test's own redis-server: each "editor" with its own connections,
// as separate VS Code windows would have.
import { realClock } from '../../src/core/common/clock';
import { LocalSlotSource } from '../../src/core/gate/slotSource';
import type { Slot } from '../../src/core/gate/slotSource';
import { createTeamSource } from '../../src/core/team/createTeamSource';
import type { CreateTeamSourceOptions } from '../../src/core/team/createTeamSource';
import type { TeamSlotSource } from '../../src/core/team/teamSlotSource';
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
