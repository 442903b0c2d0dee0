// The one line the panel shows while an answer waits ("DeepSeek is rate-limiting: retrying in
// 4 s"). Shared by the webview (which re-renders it every second) and the tests.
import type { WaitReason } from '../chatProtocol';

export interface WaitLine {
  reason: WaitReason;
  provider: string;
  /** Milliseconds left, when the wait has a known end. */
  remainingMs?: number;
  attempt: number;
  detail?: string;
}

/** Whole seconds, rounded up so the countdown never shows 0 s while still waiting. */
function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

export function waitText(w: WaitLine): string {
  const left = w.remainingMs;
  const when =
    left === undefined ? 'retrying soon' : left <= 0 ? 'retrying now' : `retrying in ${seconds(left)} s`;
  switch (w.reason) {
    case 'rateLimited':
      return `${w.provider} is rate-limiting: ${when}`;
    case 'retrying': {
      const why = w.detail ? ` (${w.detail})` : '';
      return `${w.provider} failed${why}: ${when}, attempt ${w.attempt}`;
    }
    case 'queued':
      return left === undefined || left <= 0
        ? `Waiting for a free slot at ${w.provider}…`
        : `Waiting for a free slot at ${w.provider}: about ${seconds(left)} s`;
  }
}
