// The one line the panel shows while an answer waits ("DeepSeek is rate-limiting: retrying in
// 4 s"). Shared by the webview (which re-renders it every second) and the tests.
import type { WaitReason } from './chatProtocol';
import type { PacerErrorKind } from './errors';

export interface WaitLine {
  reason: WaitReason;
  provider: string;
  /** Milliseconds left, when the wait has a known end. */
  remainingMs?: number;
  attempt: number;
  /** What went wrong, in plain words ("had a server error"); the technical text is `detail`. */
  why?: string;
  /** The error as the provider or the client put it, shown behind a "details" toggle. */
  detail?: string;
}

/**
 * What a failed attempt means, in a few plain words after the provider's name. The kind decides,
 * never the message text (only a stall's length is read from it, when it says one).
 */
export function plainWhy(kind: PacerErrorKind, message = ''): string {
  switch (kind) {
    case 'server':
      return 'had a server error';
    case 'network':
      return 'could not be reached';
    case 'stalled': {
      const s = /(\d+(?:\.\d+)?) s\b/.exec(message)?.[1];
      return s ? `has sent nothing for ${s} s` : 'stopped sending';
    }
    case 'timeout':
      return 'did not answer in time';
    case 'malformed':
      return 'sent an answer Pacer cannot read';
    case 'rateLimited':
      return 'is rate-limiting';
    default:
      return 'failed';
  }
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
    case 'retrying':
      return `${w.provider} ${w.why ?? 'failed'}; ${when}`;
    case 'queued':
      return left === undefined || left <= 0
        ? `Waiting for a free slot at ${w.provider}…`
        : `Waiting for a free slot at ${w.provider}: about ${seconds(left)} s`;
  }
}
