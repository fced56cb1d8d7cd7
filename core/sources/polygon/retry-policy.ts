/** How a download retries transient failures. */
export interface RetryPolicy {
  /** Attempts per request, counting the first one. */
  requestAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export { backoffDelayMs, sleep } from '../../async/backoff.ts';
