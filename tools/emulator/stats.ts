// Counters the tests and the benchmark read back: what arrived, what was refused with 429, how
// many ran at once, a short log of the last requests, and every request's raw body (bounded by
// total size) so a test can prove a string was never sent in any part of any request.
import type { IncomingMessage } from 'node:http';
import type { EmulatorStats } from './server';

export type RequestRecord = EmulatorStats['lastRequests'][number];

const KEEP_LAST = 200;
// The log keeps the end of a prompt (where the cursor is) and stays small under the benchmark.
const KEEP_PROMPT_CHARS = 16_000;
/** Raw request bodies kept in all; the oldest go first past this (and the search says so). */
export const KEEP_BODY_BYTES = 64 * 1024 * 1024;

/** What `sent(needle)` answers: how many kept requests contain the string anywhere. */
export interface SentSearch {
  /** Requests whose request line or raw body contains the string (as is or JSON-escaped). */
  matches: number;
  /** Requests searched. */
  requests: number;
  /** Requests whose bodies were dropped to stay under the size bound (then `matches` may miss some). */
  dropped: number;
}

/** Every request's request line and raw body, newest last, bounded by total bytes. */
export class BodyLog {
  private entries: { text: string; bytes: number }[] = [];
  private bytes = 0;
  private dropped = 0;

  constructor(private readonly maxBytes = KEEP_BODY_BYTES) {}

  /** Reads the body alongside whoever else reads it; keeps what arrived even if the socket dies. */
  capture(req: IncomingMessage): void {
    const chunks: Buffer[] = [];
    let size = 0;
    let kept = false;
    const keep = () => {
      if (kept) return;
      kept = true;
      this.add(`${req.method ?? ''} ${req.url ?? ''}\n${Buffer.concat(chunks).toString('utf8')}`, size);
    };
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= this.maxBytes) chunks.push(c);
    });
    req.on('end', keep);
    req.on('close', keep);
  }

  add(text: string, bytes = Buffer.byteLength(text)): void {
    this.entries.push({ text, bytes });
    this.bytes += bytes;
    while (this.bytes > this.maxBytes && this.entries.length > 0) {
      this.bytes -= this.entries.shift()!.bytes;
      this.dropped++;
    }
  }

  search(needle: string): SentSearch {
    // Content travels inside JSON strings, where quotes, backslashes and line breaks are escaped.
    const escaped = JSON.stringify(needle).slice(1, -1);
    let matches = 0;
    if (needle !== '') {
      for (const e of this.entries) if (e.text.includes(needle) || e.text.includes(escaped)) matches++;
    }
    return { matches, requests: this.entries.length, dropped: this.dropped };
  }

  clear(): void {
    this.entries = [];
    this.bytes = 0;
    this.dropped = 0;
  }
}

export class StatsRecorder {
  private s: EmulatorStats = StatsRecorder.empty();
  readonly bodies = new BodyLog();

  private static empty(): EmulatorStats {
    return {
      requestsByPath: {},
      requests: 0,
      sent429: 0,
      inFlight: 0,
      maxInFlight: 0,
      completed: 0,
      faultsInjected: 0,
      lastRequests: [],
    };
  }

  begin(path: string): RequestRecord {
    this.s.requests++;
    this.s.requestsByPath[path] = (this.s.requestsByPath[path] ?? 0) + 1;
    const rec: RequestRecord = { path, stream: false, status: 0, at: Date.now() };
    this.s.lastRequests.push(rec);
    if (this.s.lastRequests.length > KEEP_LAST) this.s.lastRequests.shift();
    return rec;
  }

  describe(rec: RequestRecord, model: string, stream: boolean, prompt: string): void {
    rec.model = model;
    rec.stream = stream;
    rec.prompt = prompt.length > KEEP_PROMPT_CHARS ? prompt.slice(-KEEP_PROMPT_CHARS) : prompt;
  }

  rateLimited(): void {
    this.s.sent429++;
  }

  faultInjected(): void {
    this.s.faultsInjected++;
  }

  enter(): void {
    this.s.inFlight++;
    this.s.maxInFlight = Math.max(this.s.maxInFlight, this.s.inFlight);
  }

  leave(): void {
    this.s.inFlight--;
  }

  completed(): void {
    this.s.completed++;
  }

  get inFlight(): number {
    return this.s.inFlight;
  }

  snapshot(): EmulatorStats {
    return structuredClone(this.s);
  }

  /** Clears the counters; requests still in flight stay counted so inFlight never goes negative. */
  reset(): void {
    const inFlight = this.s.inFlight;
    this.s = StatsRecorder.empty();
    this.bodies.clear();
    this.s.inFlight = inFlight;
    this.s.maxInFlight = inFlight;
  }
}
