// Counters the tests and the benchmark read back: what arrived, what was refused with 429, how
// many ran at once, and a short log of the last requests.
import type { EmulatorStats } from './server';

export type RequestRecord = EmulatorStats['lastRequests'][number];

const KEEP_LAST = 200;
// The log keeps the end of a prompt (where the cursor is) and stays small under the benchmark.
const KEEP_PROMPT_CHARS = 16_000;

export class StatsRecorder {
  private s: EmulatorStats = StatsRecorder.empty();

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
    this.s.inFlight = inFlight;
    this.s.maxInFlight = inFlight;
  }
}
