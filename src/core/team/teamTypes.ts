// What a team slot source is told and tells: its options with their defaults, its mode and the
// status the status bar shows.
import type Redis from 'ioredis';
import type { Clock } from '../common/clock';
import { MIN_HINT_MS } from '../gate/retryHints';
import type { SlotSource } from '../gate/slotSource';
import type { RequestClass } from '../providers/modelService';
import type { TeamErrorContext } from './teamErrors';
import type { TeamKeys } from './teamKeys';
import type { TeamClient } from './teamRedis';

export type TeamMode = 'connecting' | 'team' | 'fallback';

export interface TeamStatus {
  mode: TeamMode;
  /** The queue's id (provider:model:hash), for people to compare. */
  queueId: string;
  /** Requests of the whole team waiting for a slot. */
  queueLength: number;
  /** The shared, learned limit. */
  cap: number;
  /** Slots held across the team. */
  holders: number;
  /** Editors seen in the last few seconds. */
  editors: number;
  /** 1-based place of this editor's first waiting request; undefined when none waits. */
  place?: number;
  /** Team cooldown left, ms (0 when none). */
  cooldownMs: number;
  /** Clock time the fallback started, while in fallback. */
  fallbackSince?: number;
  /** Why Redis is unreachable, in words (teamErrors.ts), while in fallback. */
  reason?: string;
}

export interface TeamSlotSourceOptions {
  client: TeamClient;
  subscriber: Redis;
  keys: TeamKeys;
  /** The local pacing used while Redis is unreachable. */
  local: SlotSource;
  clock: Clock;
  /** Random by default; only identifies this editor's tickets. */
  editorId?: string;
  /** Lease of a slot, ms (at most 5 s: a dead editor's slot comes back within it). */
  leaseMs?: number;
  /** Expiry of the queue's keys after the last use, ms (1 hour). */
  keyTtlMs?: number;
  /**
   * The team's pause after a 429, ms: the gate's shortest 429 pause (MIN_HINT_MS, 250 ms). The cap
   * is cut in the same step, which is what keeps a concurrency limit; a longer pause than a short
   * request (a completion) only leaves the account idle once its requests have ended.
   */
  cooldownMs?: number;
  /** How long DeepSeek's reported concurrency bounds the cap, ms (10 minutes). */
  hintTtlMs?: number;
  /** How long an editor counts as active after its last request, ms (30 s). */
  editorTtlMs?: number;
  initialCap?: number;
  maxCap?: number;
  /** Quit both connections on dispose (default true). */
  ownsConnections?: boolean;
  /** Called on each switch between the team queue and the local fallback (logging). */
  onModeChange?(mode: TeamMode, error?: unknown): void;
  /** What the fallback's reason names (the CA file). */
  errorContext?: TeamErrorContext;
}

/** The tunable options, defaults filled in, and the heartbeat times that follow from the lease. */
export type TeamTuning = Required<
  Omit<
    TeamSlotSourceOptions,
    'editorId' | 'onModeChange' | 'errorContext' | 'client' | 'subscriber' | 'keys' | 'local' | 'clock'
  >
> & {
  /** A waiter's heartbeat, and the longest this editor goes without a word to Redis while active. */
  beatMs: number;
  /**
   * How long a waiter's ticket outlives its last heartbeat. At most half a lease: a grant's lease
   * runs from that heartbeat, and its first renewal comes a third of a lease after the grant.
   */
  aliveMs: number;
};

export function teamTuning(options: TeamSlotSourceOptions): TeamTuning {
  const leaseMs = Math.min(5000, options.leaseMs ?? 5000);
  const beatMs = Math.min(300, leaseMs / 6);
  return {
    leaseMs,
    beatMs,
    aliveMs: Math.min(4 * beatMs, leaseMs / 2),
    keyTtlMs: options.keyTtlMs ?? 3_600_000,
    cooldownMs: options.cooldownMs ?? MIN_HINT_MS,
    hintTtlMs: options.hintTtlMs ?? 600_000,
    editorTtlMs: options.editorTtlMs ?? 30_000,
    initialCap: options.initialCap ?? 2,
    maxCap: options.maxCap ?? 16,
    ownsConnections: options.ownsConnections ?? true,
  };
}

/** What the tooltip shows before Redis first answers. */
export function connectingStatus(queueId: string, cap: number): TeamStatus {
  return { mode: 'connecting', queueId, queueLength: 0, cap, holders: 0, editors: 0, cooldownMs: 0 };
}

/** Score rank per request class in the waiting line: chat first, then completions, then background. */
export const CLASS_RANK: Record<RequestClass, number> = { chat: 0, completion: 1, background: 2 };
