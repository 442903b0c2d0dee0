// How each kind of request is treated. Chat is what the user is staring at: first in line, retried
// through rate limits until its deadline. Completions are worthless once the user typed on: short
// deadline, at most one quick retry that still fits in it. Background work goes last.
import type { PacerErrorKind } from '../common/errors';
import type { RequestClass } from '../providers/modelService';

export interface ClassPolicy {
  /** Higher runs first. */
  priority: number;
  deadlineMs: number;
  /** Abort a running attempt when the deadline passes (a chat answer that is streaming keeps going). */
  deadlineAbortsRunning: boolean;
  /** Most HTTP attempts per request; retries happen only while the next one can start before the deadline. */
  maxAttempts: number;
  /** An attempt is not started with less time than this left (it could not finish; 0 = always start). */
  minStartMs: number;
}

export type ClassPolicies = Record<RequestClass, ClassPolicy>;

export const DEFAULT_POLICIES: ClassPolicies = {
  chat: {
    priority: 2,
    deadlineMs: 180_000,
    deadlineAbortsRunning: false,
    maxAttempts: Number.POSITIVE_INFINITY,
    minStartMs: 0,
  },
  completion: { priority: 1, deadlineMs: 1500, deadlineAbortsRunning: true, maxAttempts: 2, minStartMs: 50 },
  background: { priority: 0, deadlineMs: 60_000, deadlineAbortsRunning: true, maxAttempts: 5, minStartMs: 0 },
};

/**
 * `base` with `overrides` on top, class by class. Undefined values are skipped: a setting left
 * empty must keep the base value (`maxAttempts: undefined` would otherwise mean unlimited retries).
 */
export function mergePolicies(
  overrides?: Partial<Record<RequestClass, Partial<ClassPolicy>>>,
  base: ClassPolicies = DEFAULT_POLICIES,
): ClassPolicies {
  return {
    chat: { ...base.chat, ...definedOnly(overrides?.chat) },
    completion: { ...base.completion, ...definedOnly(overrides?.completion) },
    background: { ...base.background, ...definedOnly(overrides?.background) },
  };
}

/** The entries of `value` whose value is not undefined (a spread copies undefined over defaults). */
function definedOnly<T extends object>(value: T | undefined): Partial<T> {
  if (!value) return {};
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Failures another attempt may fix. 400/401/402/422 (and budget) never are; nor is a caller who left. */
export function isRetryable(kind: PacerErrorKind): boolean {
  switch (kind) {
    case 'rateLimited':
    case 'server':
    case 'network':
    case 'timeout':
    case 'stalled':
    case 'malformed':
      return true;
    default:
      return false;
  }
}
