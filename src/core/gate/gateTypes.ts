// The gate's vocabulary: its options, what a run is told, what an attempt gets and what the
// gate reports. Kept apart from the Gate class so readers of the pacing logic see only that.
import type { Clock } from '../common/clock';
import type { PacerError, PacerErrorKind } from '../common/errors';
import type { RequestClass, WaitInfo } from '../providers/modelService';
import type { AimdOptions } from './aimdLimiter';
import type { BackoffOptions } from './backoff';
import type { ClassPolicy } from './classPolicy';
import type { CooldownReason } from './cooldown';
import type { ProviderStats } from './metrics';
import type { RetryHints } from './retryHints';
import type { SlotSource } from './slotSource';

export interface GateOptions {
  providerId: string;
  /** Name in messages ("DeepSeek"); the id when omitted. */
  label?: string;
  clock?: Clock;
  /** [0, 1) source for jitter; injectable for tests. */
  random?: () => number;
  /** Where slots come from; a local AIMD limiter when omitted. */
  slotSource?: SlotSource;
  /** AIMD settings of the local slot source (initial 2, max 16 ...). */
  aimd?: Partial<AimdOptions>;
  /** Provider-wide wait after a 429 without hints: full jitter over consecutive 429s. */
  cooldownBackoff?: BackoffOptions;
  /** Per-request wait after a 5xx / network failure / stall. */
  retryBackoff?: BackoffOptions;
  /** Random extra on top of a provider's retry hint, as a fraction of it (default 0.1, capped at 1 s). */
  hintJitter?: number;
  policies?: Partial<Record<RequestClass, Partial<ClassPolicy>>>;
}

export interface RunOptions {
  cls: RequestClass;
  signal?: AbortSignal;
  /** Overrides the class's deadline (ms from now). */
  deadlineMs?: number;
  /** The request waits (queued, cooling down, backing off before a retry). */
  onWait?(info: WaitInfo): void;
  /** An attempt failed and another one will follow (chat uses it to drop partial text). */
  onRetry?(info: { attempt: number; error: PacerError }): void;
}

export interface AttemptContext {
  /** Abort the HTTP request when this fires. */
  signal: AbortSignal;
  /** 1 for the first attempt. */
  attempt: number;
  /** Rate-limit headers of a successful answer (a budget at 0 starts a cooldown before the refusal). */
  reportHints(hints: RetryHints): void;
  /**
   * The HTTP request goes out now. An attempt that failed without a status and without this call
   * never reached the provider (aborted while the key was read): the usage history skips it.
   */
  sent(): void;
}

export interface GateSnapshot {
  providerId: string;
  /** Requests waiting: in the queue or backing off before a retry. */
  queued: number;
  inFlight: number;
  /** Probes sent and not ended (outside the queue): a replaced service waits for them too. */
  probing: number;
  /** Requests the gate runs at once right now (learned). */
  limit: number;
  /** Clock time the cooldown ends, while one is active. */
  cooldownUntil?: number;
  cooldownReason?: CooldownReason;
  cooldownRemainingMs: number;
  /** Consecutive 429 events since the last success. */
  consecutive429: number;
  /** DeepSeek's account-wide concurrency from the last 429 body. */
  reportedConcurrency?: number;
  lastError?: { kind: PacerErrorKind; message: string; atMs: number };
  stats: ProviderStats;
}

/**
 * Asked before every retry (after the failure, and again when its turn comes): false ends the
 * request with its last error instead. The router answers false while the provider's circuit is
 * open and another provider can take the request, so a gate never keeps retrying a provider that
 * is down: the request moves instead.
 */
export type RetryGuard = (cls: RequestClass) => boolean;

/** One HTTP attempt the gate sent (or a probe): for the usage history. */
export interface GateAttempt {
  cls: RequestClass | 'probe';
  outcome: 'answered' | PacerErrorKind;
  latencyMs: number;
  /** From entering the queue (or the retry's re-queue) to being sent; 0 for a probe. */
  waitMs: number;
}
