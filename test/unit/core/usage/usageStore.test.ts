// The usage store every window of a profile shares: appends from several stores (windows) in one
// process and from a second process land in one total within 2 s; the router pauses paid providers
// on another window's spend; torn and duplicate lines count once; old days compact and expire.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { appendFile, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PacerError } from '../../../../src/core/common/errors';
import { createProviderService } from '../../../../src/core/providers/providerService';
import type { ProviderInfo } from '../../../../src/core/providers/catalog';
import { toEndpoint } from '../../../../src/core/providers/catalog';
import { localDayKey } from '../../../../src/core/providers/cost';
import { Router } from '../../../../src/core/providers/router';
import type { NewUsage } from '../../../../src/core/usage/usageStore';
import { UsageStore } from '../../../../src/core/usage/usageStore';
import { FakeClock } from '../../../helpers/fakeClock';

let dir: string;
const stores: UsageStore[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pacer-usage-'));
});
afterEach(async () => {
  for (const s of stores.splice(0)) s.dispose();
  await rm(dir, { recursive: true, force: true });
});

function store(options: ConstructorParameters<typeof UsageStore>[0] = {}): UsageStore {
  const s = new UsageStore({ dir, pollMs: 200, ...options });
  stores.push(s);
  return s;
}

const spend = (costUsd: number, provider = 'deepseek'): NewUsage => ({
  provider,
  model: 'deepseek-flash',
  cls: 'chat',
  promptTokens: 100,
  completionTokens: 50,
  cacheHitTokens: 0,
  cacheMissTokens: 100,
  costUsd,
  estimated: false,
});

/** Milliseconds until `done()` holds (real time), or throws after `ms`. */
async function within(ms: number, done: () => boolean): Promise<number> {
  const start = Date.now();
  while (!done()) {
    if (Date.now() - start > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return Date.now() - start;
}

function appendFromChildProcess(provider: string, costUsd: number): Promise<void> {
  const tsx = createRequire(import.meta.url).resolve('tsx');
  const child = spawn(
    process.execPath,
    [
      '--import',
      tsx,
      join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'helpers', 'usageAppender.ts'),
      dir,
      provider,
      String(costUsd),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  return new Promise((resolve, reject) =>
    child.once('exit', (code) =>
      code === 0 && out.includes('appended') ? resolve() : reject(new Error(`child exited ${code}: ${out}`)),
    ),
  );
}

describe('never spends past the limit: windows share one ledger', () => {
  test("two windows in one process: each sees the other's spend within 2 s, and the total is the sum", async () => {
    const a = store({ windowId: 'a' });
    const b = store({ windowId: 'b' });
    a.append(spend(0.4));
    assert.equal(a.costToday(), 0.4, 'own spend counts at once');
    const seenMs = await within(2000, () => b.costToday() === 0.4);
    b.append(spend(0.5));
    await within(2000, () => Math.abs(a.costToday() - 0.9) < 1e-9);
    await new Promise((r) => setTimeout(r, 500));
    assert.ok(
      Math.abs(a.costToday() - 0.9) < 1e-9 && Math.abs(b.costToday() - 0.9) < 1e-9,
      'no double counting',
    );
    assert.equal(a.today('deepseek').requests, 2);
    assert.ok(seenMs < 2000, `seen after ${seenMs} ms`);
  });

  test('a second process appends; the router in this one pauses paid providers within 2 s', async () => {
    const usage = store({ windowId: 'here' });
    const router = new Router({
      settings: {
        providers: {
          enabled: ['deepseek'],
          chatOrder: ['deepseek'],
          completionOrder: ['deepseek'],
          routing: 'automatic',
          pinned: 'deepseek',
          // Never contacted: the limit stops the request before it is sent.
          baseUrls: { deepseek: 'http://127.0.0.1:9' },
          custom: [],
          models: {},
        },
        failoverAfterMs: 2000,
        probeIntervalMs: 10_000,
        dailyLimitUsd: 0.001,
        chatDeadlineMs: 5000,
        completionDeadlineMs: 1500,
      },
      createService: (info: ProviderInfo) => createProviderService(toEndpoint(info, async () => 'sk-test')),
      usage,
    });
    try {
      const crossings: string[] = [];
      router.onDidCrossSpendLimit((s) => crossings.push(s.kind));
      assert.equal(router.state().spend.kind, 'ok');
      // Timed from the child's append, not its start: starting a process with tsx takes seconds
      // on a loaded machine, and the store's part is what comes after the line is written.
      await appendFromChildProcess('deepseek', 0.002);
      await within(2000, () => router.state().spend.kind === 'paused');
      // The store counts the line, then closes the file, then announces: the crossing follows.
      await within(500, () => crossings.length > 0);
      assert.deepEqual(crossings, ['paused']);
      await assert.rejects(router.chat({ messages: [{ role: 'user', content: 'hi' }] }), (e: unknown) =>
        PacerError.is(e, 'budget'),
      );
      // "Lift Today's Spend Limit" in another window lifts it here too.
      const other = store({ windowId: 'other' });
      other.liftToday();
      await other.flush();
      await within(2000, () => router.state().spend.kind === 'lifted');
    } finally {
      router.dispose();
    }
  });

  test('a line being written is read once it is whole; a broken line is skipped', async () => {
    const reader = store({ windowId: 'r' });
    const file = join(dir, `usage-${localDayKey(Date.now())}.jsonl`);
    const line = JSON.stringify({ ...spend(0.25), window: 'w', seq: 0, at: Date.now(), requests: 1 });
    await appendFile(file, 'not json at all\n' + line.slice(0, 40));
    await reader.refresh();
    assert.equal(reader.costToday(), 0);
    await appendFile(file, line.slice(40) + '\n');
    await reader.refresh();
    assert.equal(reader.costToday(), 0.25);
    await reader.refresh();
    assert.equal(reader.costToday(), 0.25);
  });

  test('the old globalState ledger migrates once, whichever windows import it', async () => {
    const day = localDayKey(Date.now());
    const legacy = {
      day,
      byProvider: {
        deepseek: {
          requests: 3,
          promptTokens: 10,
          completionTokens: 5,
          cacheHitTokens: 0,
          cacheMissTokens: 10,
          costUsd: 0.3,
        },
      },
    };
    const a = store({ windowId: 'a' });
    const b = store({ windowId: 'b' });
    // @ts-expect-error: the snapshot of older versions has no estimatedUsd
    a.importLegacy(legacy);
    // @ts-expect-error: as above
    b.importLegacy(legacy);
    await Promise.all([a.flush(), b.flush()]);
    const c = store({ windowId: 'c' });
    await c.refresh();
    assert.equal(c.costToday(), 0.3);
    assert.equal(c.today('deepseek').requests, 3);
    await a.refresh();
    assert.equal(a.costToday(), 0.3);
  });

  test('an unwritable folder keeps counting in memory and says why', async () => {
    const blocked = join(dir, 'file');
    await writeFile(blocked, 'x');
    const warnings: string[] = [];
    const s = store({ dir: join(blocked, 'usage'), log: { warn: (m) => warnings.push(m) } });
    s.append(spend(0.1));
    await s.flush();
    assert.equal(s.costToday(), 0.1);
    assert.match(warnings.join('\n'), /could not save usage/);
  });
});

describe('never spends past the limit: the day is the local day; history stays bounded', () => {
  test("the total resets at local midnight and the new day's file starts empty", async () => {
    const clock = new FakeClock(new Date(2026, 10, 10, 23, 59, 0).getTime());
    const s = store({ clock, windowId: 'w' });
    s.append(spend(0.7));
    assert.equal(s.currentDay(), '2026-11-10');
    await clock.advance(120_000);
    assert.equal(s.currentDay(), '2026-11-11');
    assert.equal(s.costToday(), 0);
    s.append(spend(0.1));
    await s.flush();
    const fresh = store({ clock, windowId: 'x' });
    await fresh.refresh();
    assert.equal(fresh.costToday(), 0.1);
  });

  test('days before yesterday compact to one line per provider, model, class and hour; old ones go', async () => {
    const day = (d: number, h = 10) => new Date(2026, 10, d, h, 5, 0).getTime();
    const clock = new FakeClock(day(1));
    const writer = store({ clock, windowId: 'w', keepDays: 30 });
    for (let i = 0; i < 50; i++) writer.append(spend(0.01));
    await clock.advance(3600_000); // 11:05 the same day
    writer.append(spend(0.5, 'openrouter'));
    await writer.flush();
    const old = join(dir, 'usage-2026-09-01.jsonl');
    await writeFile(
      old,
      JSON.stringify({ ...spend(1), window: 'o', seq: 0, at: day(1), requests: 1 }) + '\n',
    );
    const later = new FakeClock(day(5));
    const s = store({ clock: later, windowId: 'z', keepDays: 30 });
    await s.compact();
    const names = (await readdir(dir)).sort();
    assert.deepEqual(names, ['usage-2026-11-01.sum.jsonl']);
    const records = await s.readDay('2026-11-01');
    assert.equal(records.length, 2, 'one line per provider and hour');
    const total = records.reduce((sum, r) => sum + r.costUsd, 0);
    assert.ok(Math.abs(total - 1.0) < 1e-9);
    assert.equal(records.find((r) => r.provider === 'deepseek')?.requests, 50);
  });
});
