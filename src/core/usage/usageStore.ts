// The spend ledger every window of a profile shares: one append-only JSON-lines file per local day
// in a folder all windows see (the extension's globalStorageUri). A window appends what it spent
// and tails the file for what the others spent, so N windows count one total and the daily limit
// holds across them (a snapshot each window saved would let the last writer win, and N windows
// spend N times the limit). Own records count at once; other windows' within one poll (500 ms).
// Old days are compacted to one line per (provider, model, class, hour), and dropped after
// `keepDays`. "Lift Today's Spend Limit" leaves a `lifted-<day>` marker the other windows find.
// Without a folder (tests, a CLI) the store keeps the day in memory only.
import { randomUUID } from 'node:crypto';
import {
  appendFile,
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  stat,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock, TimerHandle } from '../common/clock';
import { realClock } from '../common/clock';
import { Emitter } from '../common/event';
import { Disposable, toDisposable } from '../common/lifecycle';
import type { DayUsage, LedgerSnapshot } from '../providers/cost';
import { emptyDayUsage, localDayKey } from '../providers/cost';
import type { UsageRecord } from './usageRecord';
import { addToDay, compactRecords, parseRecord } from './usageRecord';
import type { HistoryClass } from './historyBuckets';
import type { UsageHistoryOptions } from './usageHistory';
import { UsageHistory } from './usageHistory';

export type NewUsage = Omit<UsageRecord, 'window' | 'seq' | 'at' | 'requests' | 'estimatedUsd'>;

export interface UsageStoreOptions {
  /** The folder every window shares; memory only when omitted. */
  dir?: string;
  clock?: Clock;
  /** Unique per window (a fresh id by default). */
  windowId?: string;
  /** How often other windows' lines are read (ms); 500 by default. */
  pollMs?: number;
  dayKey?: (atMs: number) => string;
  /** Days of history kept on disk; 90 by default. */
  keepDays?: number;
  log?: { warn(message: string): void };
  /** The hourly history's folder and tuning (zone, flush interval, bound); memory only without a dir. */
  history?: Omit<UsageHistoryOptions, 'clock' | 'log'>;
}

const RAW = /^usage-(\d{4}-\d{2}-\d{2})\.jsonl$/;
const SUM = /^usage-(\d{4}-\d{2}-\d{2})\.sum\.jsonl$/;
const LIFT = /^lifted-(\d{4}-\d{2}-\d{2})$/;
/** One read takes at most this much of the file; the rest comes on the next poll. */
const MAX_READ_BYTES = 8 * 1024 * 1024;
const DAY_MS = 24 * 3600_000;

export class UsageStore extends Disposable {
  readonly windowId: string;
  /** The hourly history the dashboard draws (requests, outcomes, latency, tokens, cost). */
  readonly history: UsageHistory;
  private readonly clock: Clock;
  private readonly dayKey: (atMs: number) => string;
  private readonly pollMs: number;
  private readonly keepDays: number;
  private day: string;
  private byProvider = new Map<string, DayUsage>();
  /** (window, seq) of every record counted today: own lines read back and duplicates count once. */
  private seen = new Set<string>();
  private offset = 0;
  private seq = 0;
  /** "Lift Today's Spend Limit" was run in some window today. */
  private lifted = false;
  private writes: Promise<void> = Promise.resolve();
  private reading: Promise<void> | undefined;
  private compacting: Promise<void> | undefined;
  private folder: Promise<void> | undefined;
  private timer: TimerHandle | undefined;
  private readonly changed = this._register(new Emitter<void>());

  /** Totals changed because of another window's records or a new day. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly options: UsageStoreOptions = {}) {
    super();
    this.clock = options.clock ?? realClock;
    this.dayKey = options.dayKey ?? localDayKey;
    this.pollMs = options.pollMs ?? 500;
    this.keepDays = options.keepDays ?? 90;
    this.windowId = options.windowId ?? randomUUID().slice(0, 12);
    this.day = this.dayKey(this.clock.wallNow());
    this.history = this._register(
      new UsageHistory({
        ...options.history,
        clock: this.clock,
        log: options.log,
      }),
    );
    this._register(toDisposable(() => this.timer !== undefined && this.clock.clearTimeout(this.timer)));
    if (options.dir) {
      void this.refresh();
      void this.compact();
      this.schedulePoll();
    }
  }

  /** Counts a request now and appends it to today's file. */
  append(entry: NewUsage): UsageRecord {
    this.rollOver();
    const record: UsageRecord = {
      ...entry,
      window: this.windowId,
      seq: this.seq++,
      at: this.clock.wallNow(),
      requests: 1,
    };
    this.count(record);
    this.write(record);
    this.history.recordBilled({
      provider: record.provider,
      cls: historyClassOf(record.cls),
      promptTokens: record.promptTokens,
      cacheHitTokens: record.cacheHitTokens,
      cacheMissTokens: record.cacheMissTokens,
      outputTokens: record.completionTokens,
      costUsd: record.costUsd,
      estimatedUsd: record.estimated ? record.costUsd : 0,
    });
    return record;
  }

  today(providerId: string): DayUsage {
    this.rollOver();
    return { ...(this.byProvider.get(providerId) ?? emptyDayUsage()) };
  }

  /** Today's spend over the given providers (all when omitted), every window included. */
  costToday(filter?: (providerId: string) => boolean): number {
    this.rollOver();
    let sum = 0;
    for (const [id, day] of this.byProvider) if (!filter || filter(id)) sum += day.costUsd;
    return sum;
  }

  currentDay(): string {
    this.rollOver();
    return this.day;
  }

  /** Whether today's limit was lifted, in this window or another. */
  liftedToday(): boolean {
    this.rollOver();
    return this.lifted;
  }

  /** Lifts today's limit for every window (a marker file the others find on their next poll). */
  liftToday(): void {
    this.rollOver();
    this.lifted = true;
    const dir = this.options.dir;
    if (!dir) return;
    const file = join(dir, `lifted-${this.day}`);
    this.writes = this.writes
      .then(() => this.ensureFolder(dir))
      .then(() => writeFile(file, ''))
      .catch((e: unknown) => this.options.log?.warn(`could not share the lifted limit: ${text(e)}`));
  }

  /**
   * Today's totals from the globalState snapshot older versions kept, counted once: every window
   * that migrates writes the same (window, seq) keys, and duplicates count once.
   */
  importLegacy(snapshot: LedgerSnapshot | undefined): void {
    if (!snapshot || typeof snapshot.byProvider !== 'object' || snapshot.day !== this.currentDay()) return;
    let seq = 0;
    for (const [provider, v] of Object.entries(snapshot.byProvider)) {
      if (!v || typeof v.costUsd !== 'number') continue;
      const d = { ...emptyDayUsage(), ...v };
      const record: UsageRecord = {
        window: `legacy-${snapshot.day}`,
        seq: seq++,
        at: this.clock.wallNow(),
        provider,
        model: '',
        cls: 'chat',
        requests: d.requests,
        promptTokens: d.promptTokens,
        completionTokens: d.completionTokens,
        cacheHitTokens: d.cacheHitTokens,
        cacheMissTokens: d.cacheMissTokens,
        costUsd: d.costUsd,
        estimated: false,
      };
      if (this.count(record)) this.write(record);
    }
  }

  /** Reads what other windows appended since the last read. */
  refresh(): Promise<void> {
    if (!this.options.dir || this.isDisposed) return Promise.resolve();
    this.reading ??= this.readNew()
      .catch((e: unknown) => this.options.log?.warn(`could not read the usage file: ${text(e)}`))
      .finally(() => {
        this.reading = undefined;
      });
    return this.reading;
  }

  /** Resolves once every appended record is on disk. */
  flush(): Promise<void> {
    return this.writes;
  }

  /**
   * The records of one day, for the usage history: the day's own file while it exists (it is the
   * whole truth: records go to the file of the day they were made, so nothing is added to a day
   * once it is compacted), else its compacted lines.
   */
  async readDay(day: string): Promise<UsageRecord[]> {
    const dir = this.options.dir;
    if (!dir) return [];
    const read = (name: string) =>
      readFile(join(dir, name), 'utf8').then(
        (content) => content,
        () => undefined,
      );
    const content = (await read(`usage-${day}.jsonl`)) ?? (await read(`usage-${day}.sum.jsonl`)) ?? '';
    const out: UsageRecord[] = [];
    for (const line of content.split('\n')) {
      const r = parseRecord(line);
      if (r) out.push(r);
    }
    const seen = new Set<string>();
    return out.filter((r) => {
      const key = `${r.window}:${r.seq}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }

  /**
   * Days before yesterday become one line per (provider, model, class, hour); days older than
   * `keepDays` go. Several windows may do this at once: each writes a unique temp file and renames
   * it over the same result.
   */
  compact(): Promise<void> {
    this.compacting ??= this.compactNow().finally(() => {
      this.compacting = undefined;
    });
    return this.compacting;
  }

  private async compactNow(): Promise<void> {
    const dir = this.options.dir;
    if (!dir) return;
    try {
      const names = await readdir(dir).catch(() => [] as string[]);
      const now = this.clock.wallNow();
      const yesterday = this.dayKey(now - DAY_MS);
      const oldest = this.dayKey(now - this.keepDays * DAY_MS);
      const days = new Set<string>();
      for (const name of names) {
        const lift = LIFT.exec(name)?.[1];
        if (lift && lift < yesterday) await unlink(join(dir, name)).catch(() => undefined);
        const day = RAW.exec(name)?.[1] ?? SUM.exec(name)?.[1];
        if (!day) continue;
        if (day < oldest) await unlink(join(dir, name)).catch(() => undefined);
        else if (RAW.test(name) && day < yesterday) days.add(day);
      }
      for (const day of days) {
        const records = compactRecords(await this.readDay(day), `sum-${day}`);
        const tmp = join(dir, `usage-${day}.sum.jsonl.${this.windowId}-${process.pid}.tmp`);
        await writeFile(tmp, records.map((r) => JSON.stringify(r) + '\n').join(''));
        await rename(tmp, join(dir, `usage-${day}.sum.jsonl`));
        await unlink(join(dir, `usage-${day}.jsonl`)).catch(() => undefined);
      }
    } catch (e) {
      this.options.log?.warn(`could not compact old usage files: ${text(e)}`);
    }
  }

  // ---------------------------------------------------------------------------------------------

  /** Adds a record to today's totals unless it was counted already; false for a duplicate. */
  private count(record: UsageRecord): boolean {
    const key = `${record.window}:${record.seq}`;
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    const day = this.byProvider.get(record.provider) ?? emptyDayUsage();
    addToDay(day, record);
    this.byProvider.set(record.provider, day);
    return true;
  }

  private write(record: UsageRecord): void {
    const dir = this.options.dir;
    if (!dir) return;
    const file = this.fileFor(this.dayKey(record.at));
    // One appendFile per line: O_APPEND keeps lines of several processes whole and in one piece.
    const line = JSON.stringify(record) + '\n';
    this.writes = this.writes
      .then(() => this.ensureFolder(dir))
      .then(() => appendFile(file, line))
      .catch((e: unknown) => {
        this.folder = undefined; // try creating it again next time
        this.options.log?.warn(`could not save usage (today's total stays in this window): ${text(e)}`);
      });
  }

  private ensureFolder(dir: string): Promise<void> {
    this.folder ??= mkdir(dir, { recursive: true }).then(() => undefined);
    return this.folder;
  }

  private async readNew(): Promise<void> {
    this.rollOver();
    const day = this.day;
    if (!this.lifted && this.options.dir) {
      const marker = await stat(join(this.options.dir, `lifted-${day}`)).catch(() => undefined);
      if (marker && day === this.day && !this.lifted) {
        this.lifted = true;
        if (!this.isDisposed) this.changed.fire();
      }
    }
    let handle;
    try {
      handle = await open(this.fileFor(day), 'r');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    let changed = false;
    try {
      const { size } = await handle.stat();
      if (day !== this.day) return;
      if (size < this.offset) this.offset = 0; // replaced: read it again; duplicates count once
      if (size === this.offset) return;
      const length = Math.min(size - this.offset, MAX_READ_BYTES);
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buffer, 0, length, this.offset);
      if (day !== this.day) return;
      // A line another process is writing now is read whole on the next poll.
      const end = buffer.subarray(0, bytesRead).lastIndexOf(0x0a);
      if (end < 0) return;
      this.offset += end + 1;
      for (const line of buffer.subarray(0, end).toString('utf8').split('\n')) {
        const record = parseRecord(line);
        if (record && this.dayKey(record.at) === day && this.count(record)) changed = true;
      }
    } finally {
      await handle.close();
    }
    if (changed && !this.isDisposed) this.changed.fire();
  }

  private schedulePoll(): void {
    if (this.isDisposed) return;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      void this.refresh().finally(() => this.schedulePoll());
    }, this.pollMs);
  }

  private rollOver(): void {
    const key = this.dayKey(this.clock.wallNow());
    if (key === this.day) return;
    this.day = key;
    this.byProvider = new Map();
    this.seen = new Set();
    this.offset = 0;
    this.lifted = false;
    if (this.options.dir) void this.compact();
    if (!this.isDisposed) queueMicrotask(() => this.changed.fire());
  }

  private fileFor(day: string): string {
    return join(this.options.dir ?? '', `usage-${day}.jsonl`);
  }
}

/** The history's classes: background requests are chat-like (no ghost text waits for them). */
export function historyClassOf(cls: string): HistoryClass {
  return cls === 'completion' ? 'completion' : cls === 'probe' ? 'probe' : 'chat';
}

function text(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
