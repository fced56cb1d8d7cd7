import { backoffDelayMs } from '../async/backoff.ts';
import type { JobOutcome } from './job-types.ts';
import { FINAL_WITHOUT_RETRY } from './job-types.ts';

/** Retry settings (settings.retry): attempts per job and the backoff between them. */
export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * Whether another attempt may help. A crash or a `failed` result may be transient (a reset
 * connection, a killed process); `not_entitled`, `pending` and `missing` are answers from upstream
 * that an immediate retry would only repeat.
 */
export function shouldRetry(outcome: JobOutcome | 'crashed', attemptsSoFar: number, policy: RetryPolicy): boolean {
  if (outcome !== 'crashed' && FINAL_WITHOUT_RETRY.has(outcome)) return false;
  return attemptsSoFar < policy.maxAttempts;
}

/** The wait before a job's next attempt: the shared backoff rule (async/backoff.ts). */
export function retryDelayMs(attemptsSoFar: number, policy: RetryPolicy, random: () => number = Math.random): number {
  return backoffDelayMs(attemptsSoFar, policy, random);
}
