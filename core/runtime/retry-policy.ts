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

/** Exponential backoff with "equal jitter" (half fixed, half random), so retries of many jobs do not align. */
export function retryDelayMs(attemptsSoFar: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attemptsSoFar - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
