// The usage history every window of a profile writes: what each provider was asked, per request
// class and local hour, kept 90 days. Recording is synchronous and only touches a map of this
// window's pending buckets; a flush (every 30 s, and when the window closes) takes a lock file,
// reads the shared file, adds the pending buckets, compacts, and writes it back by rename. So no
// window overwrites another's hours: each adds only what it recorded since its last flush to what
// is on disk now. A file that does not decode is renamed aside and a new one started; the new one
// remembers the old name so the dashboard can say so.
import { mkdir, open, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock, TimerHandle } from '../common/clock';
import { realClock } from '../common/clock';
import type { PacerErrorKind } from '../common/errors';
import type { UsageTotals } from '../common/usageProtocol';
import { Emitter } from '../common/event';
import { Disposable, toDisposable } from '../common/lifecycle';
import type { Bucket, HistoryClass } from './historyBuckets';
import { addBucket, bucketKey, compactBuckets, emptyBucket, mergeBuckets } from './historyBuckets';
import type { HistoryFile } from './historyCodec';
import { CorruptHistoryError, decodeHistory, encodeHistory } from './historyCodec';
import { addValue } from './logHistogram';
import type { TimeZone } from './timeZone';
import { localZone } from './timeZone';

export const HISTORY_FILE = 'history.json.gz';
const LOCK_FILE = 'history.lock';
/** A lock older than this was left by a window that died while flushing. */
const STALE_LOCK_MS = 10_000;

export interface UsageHistoryOptions {
  /** The folder every window shares; memory only when omitted. */
  dir?: string;
  clock?: Clock;
  zone?: TimeZone;
  /** How often pending buckets are written (ms); 30 s by default. */
  flushMs?: number;
  /** The file's bound; the oldest days go first when it would be larger (2 MB). */
  maxBytes?: number;
  keepDays?: number;
  hourlyDays?: number;
  log?: { warn(message: string): void };
}

/** One HTTP request as the gate saw it. */
export interface AttemptRecord {
  provider: string;
  cls: HistoryClass;
  outcome: 'answered' | PacerErrorKind;
  latencyMs?: number;
  waitMs?: number;
}

export interface BilledRecord {
  provider: string;
  cls: HistoryClass;
  promptTokens: number;
  cacheHitTokens: number;
  cacheMissTokens: number;
  outputTokens: number;
  costUsd: number;
  estimatedUsd: number;
}

/** What one record added, as it happened (the team's totals in Redis add the same). */
export interface RecordedUsage {
  provider: string;
  cls: HistoryClass;
  /** Wall-clock time of the record. */
  at: number;
  added: Partial<UsageTotals>;
}

export interface HistorySnapshot {
  buckets: Bucket[];
  /** A corrupt file was put aside under this name. */
  corruptAside?: string;
}

export class UsageHistory extends Disposable {
  private readonly clock: Clock;
  readonly zone: TimeZone;
  private readonly flushMs: number;
  private readonly maxBytes: number;
  private readonly keepDays: number;
  private readonly hourlyDays: number;
  private pending = new Map<string, Bucket>();
  /** The file as last read or written (memory only: everything recorded). */
  private stored: HistoryFile = { buckets: new Map() };
  private storedMtime = -1;
  private hourFrom = 0;
  private hourTo = -1;
  private timer: TimerHandle | undefined;
  private flushing: Promise<void> | undefined;
  private readonly changed = this._register(new Emitter<void>());
  private readonly recorded = this._register(new Emitter<RecordedUsage>());
  private changes = 0;
  /** Recording on (the `pacer.usage.record` setting). */
  enabled = true;

  /** This window recorded something, or wrote or cleared the file. */
  readonly onDidChange = this.changed.event;
  /** Each record while recording is on, with what it added (team mode sends it to Redis). */
  readonly onDidRecord = this.recorded.event;

  constructor(private readonly options: UsageHistoryOptions = {}) {
    super();
    this.clock = options.clock ?? realClock;
    this.zone = options.zone ?? localZone;
    this.flushMs = options.flushMs ?? 30_000;
    this.maxBytes = options.maxBytes ?? 2048 * 1024;
    this.keepDays = options.keepDays ?? 90;
    this.hourlyDays = options.hourlyDays ?? 7;
    // On the way out: no more timed flushes, and what this window recorded goes to disk now.
    this._register(
      toDisposable(() => {
        if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
        this.timer = undefined;
        void this.flush();
      }),
    );
  }

  /** Goes up whenever what `snapshot()` returns may have changed (a record, a read, a write, a clear). */
  get version(): number {
    return this.changes;
  }

  get file(): string | undefined {
    return this.options.dir && join(this.options.dir, HISTORY_FILE);
  }

  recordAttempt(a: AttemptRecord): void {
    if (!this.enabled) return;
    const b = this.bucket(a.provider, a.cls);
    if (a.outcome === 'answered') b.answered++;
    else if (a.outcome === 'rateLimited') b.rateLimited++;
    else b.errors[a.outcome] = (b.errors[a.outcome] ?? 0) + 1;
    if (a.latencyMs !== undefined) addValue(b.latency, a.latencyMs);
    if (a.waitMs !== undefined) addValue(b.wait, a.waitMs);
    this.touched();
    const outcome =
      a.outcome === 'answered' ? 'answered' : a.outcome === 'rateLimited' ? 'rateLimited' : 'errors';
    this.announce(a.provider, a.cls, { [outcome]: 1 });
  }

  /** A user request was answered by a provider other than the first choice. */
  recordFallback(provider: string, cls: HistoryClass): void {
    if (!this.enabled) return;
    this.bucket(provider, cls).fallback++;
    this.touched();
    this.announce(provider, cls, { fallback: 1 });
  }

  recordBilled(r: BilledRecord): void {
    if (!this.enabled) return;
    const b = this.bucket(r.provider, r.cls);
    b.promptTokens += r.promptTokens;
    b.cacheHitTokens += r.cacheHitTokens;
    b.cacheMissTokens += r.cacheMissTokens;
    b.outputTokens += r.outputTokens;
    b.costUsd += r.costUsd;
    b.estimatedUsd += r.estimatedUsd;
    this.touched();
    const { promptTokens, cacheHitTokens, outputTokens, costUsd, estimatedUsd } = r;
    this.announce(r.provider, r.cls, { promptTokens, cacheHitTokens, outputTokens, costUsd, estimatedUsd });
  }

  private announce(provider: string, cls: HistoryClass, added: Partial<UsageTotals>): void {
    this.recorded.fire({ provider, cls, at: this.clock.wallNow(), added });
  }

  /**
   * Everything recorded: the shared file (decoded once, again only when another window wrote it)
   * and this window's pending hours. The file's buckets are handed out as they are kept, not
   * copied (read them, do not change them): copying and compacting 90 days on every open took
   * seconds. Only a pending hour that is also in the file is merged into a new bucket.
   */
  async snapshot(): Promise<HistorySnapshot> {
    await this.refresh();
    const all = new Map(this.stored.buckets);
    for (const [key, b] of this.pending) {
      const merged = emptyBucket(b.provider, b.cls, b.start, b.day);
      const have = all.get(key);
      if (have) addBucket(merged, have, this.zone);
      addBucket(merged, b, this.zone);
      all.set(key, merged);
    }
    return {
      buckets: [...all.values()],
      ...(this.stored.corruptAside ? { corruptAside: this.stored.corruptAside } : {}),
    };
  }

  /** Whether the shared file changed since this window last read it (another window flushed). */
  async changedOnDisk(): Promise<boolean> {
    const file = this.file;
    if (!file) return false;
    const s = await stat(file).catch(() => undefined);
    return (s?.mtimeMs ?? -1) !== this.storedMtime;
  }

  /** Writes the pending buckets into the shared file (read, add, compact, write). */
  flush(): Promise<void> {
    this.flushing ??= this.flushNow().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  /** Forgets every window's history (the file starts empty; a corrupt-file note goes too). */
  async clear(): Promise<void> {
    this.changes++;
    this.pending = new Map();
    this.stored = { buckets: new Map() };
    const dir = this.options.dir;
    if (dir) {
      await this.withLock(dir, async () => {
        await this.writeFile(dir, this.stored);
      });
    }
    this.changed.fire();
  }

  // ---------------------------------------------------------------------------------------------

  private bucket(provider: string, cls: HistoryClass): Bucket {
    const now = this.clock.wallNow();
    // The zone is asked once an hour: a record in the same hour is a map lookup.
    if (now < this.hourFrom || now >= this.hourTo) {
      this.hourFrom = this.zone.hourStart(now);
      this.hourTo = this.hourFrom + 3_600_000;
    }
    const key = bucketKey(provider, cls, this.hourFrom);
    let b = this.pending.get(key);
    if (!b) {
      b = emptyBucket(provider, cls, this.hourFrom);
      this.pending.set(key, b);
    }
    return b;
  }

  private touched(): void {
    this.changes++;
    if (this.options.dir && this.timer === undefined && !this.isDisposed) {
      this.timer = this.clock.setTimeout(() => {
        this.timer = undefined;
        void this.flush();
      }, this.flushMs);
    }
    if (this.changed.hasListeners) this.changed.fire();
  }

  private compactOptions() {
    return {
      now: this.clock.wallNow(),
      zone: this.zone,
      keepDays: this.keepDays,
      hourlyDays: this.hourlyDays,
    };
  }

  private async flushNow(): Promise<void> {
    const dir = this.options.dir;
    if (!dir) return;
    if (this.pending.size === 0) return;
    const pending = this.pending;
    this.pending = new Map();
    try {
      const done = await this.withLock(dir, async () => {
        // The file as this window last read or wrote it, unless another window wrote it since.
        const file = (await this.changedOnDisk()) ? await this.readFile(dir) : this.stored;
        mergeBuckets(file.buckets, pending.values());
        file.buckets = compactBuckets(file.buckets, this.compactOptions());
        await this.writeFile(dir, file);
      });
      if (!done) throw new Error('another window holds the lock');
    } catch (e) {
      // Put back what was not written, under what this window recorded meanwhile; the kept file
      // may have taken them in already, so it is read again next time.
      this.storedMtime = Number.NaN;
      mergeBuckets(pending, this.pending.values());
      this.pending = pending;
      this.options.log?.warn(`could not save the usage history (kept for the next try): ${text(e)}`);
      if (!this.isDisposed && this.timer === undefined)
        this.timer = this.clock.setTimeout(() => {
          this.timer = undefined;
          void this.flush();
        }, this.flushMs);
    }
  }

  /** Reads the shared file again if another window wrote it since this one last did. */
  async refresh(): Promise<void> {
    const dir = this.options.dir;
    if (!dir || !(await this.changedOnDisk())) return;
    await this.withLock(dir, async () => {
      await this.readFile(dir);
    });
  }

  /** Reads the shared file into `stored`; a corrupt one is put aside and an empty one returned. */
  private async readFile(dir: string): Promise<HistoryFile> {
    const path = join(dir, HISTORY_FILE);
    this.changes++;
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      this.stored = { buckets: new Map() };
      return this.stored;
    }
    try {
      this.stored = decodeHistory(bytes);
    } catch (e) {
      if (!CorruptHistoryError.is(e)) throw e;
      const aside = `history.corrupt-${this.clock.wallNow()}.json.gz`;
      await rename(path, join(dir, aside));
      this.options.log?.warn(
        `the usage history was unreadable (${e.message}); kept as ${aside}, started anew`,
      );
      this.stored = { buckets: new Map(), corruptAside: aside };
      await this.writeFile(dir, this.stored);
    }
    this.storedMtime = (await stat(path).catch(() => undefined))?.mtimeMs ?? -1;
    return this.stored;
  }

  /** Writes by rename, dropping the oldest days while the file would pass its bound. */
  private async writeFile(dir: string, file: HistoryFile): Promise<void> {
    let bytes = encodeHistory(file);
    while (bytes.length > this.maxBytes && file.buckets.size > 0) {
      dropOldestDays(file.buckets, this.zone);
      bytes = encodeHistory(file);
    }
    const path = join(dir, HISTORY_FILE);
    const tmp = `${path}.${process.pid}-${Math.random().toString(36).slice(2)}.tmp`;
    await writeFile(tmp, bytes);
    await rename(tmp, path);
    this.changes++;
    this.stored = file;
    this.storedMtime = (await stat(path).catch(() => undefined))?.mtimeMs ?? -1;
    if (!this.isDisposed) this.changed.fire();
  }

  /** Runs `fn` holding the lock file; false when another window held it for the whole wait. */
  private async withLock(dir: string, fn: () => Promise<void>): Promise<boolean> {
    await mkdir(dir, { recursive: true });
    const lock = join(dir, LOCK_FILE);
    for (let tries = 0; tries < 40; tries++) {
      let handle;
      try {
        handle = await open(lock, 'wx');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        const s = await stat(lock).catch(() => undefined);
        if (s && Date.now() - s.mtimeMs > STALE_LOCK_MS) await unlink(lock).catch(() => undefined);
        else await new Promise((r) => setTimeout(r, 25));
        continue;
      }
      try {
        await handle.close();
        await fn();
        return true;
      } finally {
        await unlink(lock).catch(() => undefined);
      }
    }
    return false;
  }
}

/** Removes the oldest tenth of the days (at least one). */
function dropOldestDays(buckets: Map<string, Bucket>, zone: TimeZone): void {
  const days = [...new Set([...buckets.values()].map((b) => b.day ?? zone.dayKey(b.start)))].sort();
  const drop = new Set(days.slice(0, Math.max(1, Math.ceil(days.length / 10))));
  for (const [k, b] of buckets) if (drop.has(b.day ?? zone.dayKey(b.start))) buckets.delete(k);
}

function text(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
