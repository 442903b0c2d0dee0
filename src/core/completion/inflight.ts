// Requests on their way to the model, shared between keystrokes. VS Code cancels the previous
// call's token on every edit; if the new text only adds characters that the pending answer may
// well start with, aborting and asking again would throw away a request already paid for (and
// most of its latency). So a cancelled caller only detaches: the request is aborted when nobody
// re-attaches within a short grace (VS Code calls again about 50 ms after an edit), or at once
// when a request for a different position replaces it. The grace also keeps a request not yet
// sent: dropping those (#14) cut requests by a third in the typingEditor bench but lost most of
// the accepted suggestions (savedKeys 0.56 -> 0.13), since the user was typing toward them.
import type { Clock, TimerHandle } from '../common/clock';
import { PacerError } from '../common/errors';

export interface InflightRequest {
  readonly id: number;
  readonly docKey: string;
  readonly prefix: string;
  readonly suffixHead: string;
  readonly startedAt: number;
  /** The cleaned answer; `undefined` when the request failed or was aborted. Never rejects. */
  readonly result: Promise<string | undefined>;
}

interface Live extends InflightRequest {
  settled: boolean;
  attached: number;
  controller: AbortController;
  graceTimer?: TimerHandle;
}

const SUFFIX_HEAD = 400;

export class InflightRequests {
  private readonly live = new Set<Live>();
  private nextId = 1;

  constructor(
    private readonly clock: Clock,
    /** How long a request nobody waits for survives; 0 aborts it with its caller. */
    private readonly graceMs: number,
    /** Most characters typed past a request's position for it to still be reused. */
    private readonly maxForward = 64,
  ) {}

  get size(): number {
    return this.live.size;
  }

  start(
    docKey: string,
    prefix: string,
    suffix: string,
    run: (signal: AbortSignal) => Promise<string | undefined>,
  ): InflightRequest {
    const controller = new AbortController();
    const req = {
      id: this.nextId++,
      docKey,
      prefix,
      suffixHead: suffix.slice(0, SUFFIX_HEAD),
      startedAt: this.clock.now(),
      settled: false,
      attached: 0,
      controller,
    } as Live & { result: Promise<string | undefined> };
    req.result = run(controller.signal)
      .catch(() => undefined)
      .finally(() => {
        req.settled = true;
        this.live.delete(req);
        if (req.graceTimer !== undefined) this.clock.clearTimeout(req.graceTimer);
      });
    this.live.add(req);
    return req;
  }

  /** The newest pending request whose position the user has only typed past. */
  find(
    docKey: string,
    prefix: string,
    suffix: string,
  ): { request: InflightRequest; typed: string } | undefined {
    let best: Live | undefined;
    const head = suffix.slice(0, SUFFIX_HEAD);
    for (const r of this.live) {
      if (r.settled || r.docKey !== docKey || r.suffixHead !== head) continue;
      const typed = prefix.length - r.prefix.length;
      if (typed < 0 || typed > this.maxForward || !prefix.startsWith(r.prefix)) continue;
      if (!best || r.id > best.id) best = r;
    }
    return best ? { request: best, typed: prefix.slice(best.prefix.length) } : undefined;
  }

  /** Waits for the answer on behalf of one caller; `undefined` if that caller aborts first. */
  attach(request: InflightRequest, signal: AbortSignal): Promise<string | undefined> {
    const req = request as Live;
    req.attached++;
    if (req.graceTimer !== undefined) {
      this.clock.clearTimeout(req.graceTimer);
      req.graceTimer = undefined;
    }
    return new Promise((resolve) => {
      let done = false;
      const finish = (value: string | undefined) => {
        if (done) return;
        done = true;
        signal.removeEventListener('abort', onAbort);
        req.attached--;
        if (req.attached === 0 && !req.settled) this.orphaned(req);
        resolve(value);
      };
      const onAbort = () => finish(undefined);
      if (signal.aborted) return finish(undefined);
      signal.addEventListener('abort', onAbort, { once: true });
      void req.result.then(finish);
    });
  }

  /** Aborts the document's requests that nobody waits for: a new position replaces them. */
  supersedeOrphans(docKey: string): void {
    for (const r of this.live) {
      if (r.docKey === docKey && r.attached === 0) this.abort(r, 'superseded');
    }
  }

  abortAll(): void {
    for (const r of this.live) this.abort(r, 'cancelled');
  }

  private orphaned(req: Live): void {
    if (this.graceMs <= 0) return this.abort(req, 'cancelled');
    req.graceTimer = this.clock.setTimeout(() => {
      req.graceTimer = undefined;
      if (req.attached === 0 && !req.settled) this.abort(req, 'cancelled');
    }, this.graceMs);
  }

  private abort(req: Live, kind: 'cancelled' | 'superseded'): void {
    if (req.settled || req.controller.signal.aborted) return;
    req.controller.abort(
      new PacerError({
        kind,
        message:
          kind === 'superseded' ? 'A newer completion replaced this one.' : 'The completion was cancelled.',
      }),
    );
  }
}
