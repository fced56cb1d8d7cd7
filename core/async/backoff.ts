/**
 * The one backoff rule of the code base: exponential, capped, with "equal jitter" (half fixed,
 * half random), so jobs or requests hit by the same outage do not retry in lockstep but all wait.
 * Job retries (runtime/retry-policy.ts) and request retries (S3, REST) both use it.
 */
import { setTimeout as delay } from 'node:timers/promises';

/** Delay before retry number `retry` (1-based). */
export function backoffDelayMs(retry: number, policy: { baseDelayMs: number; maxDelayMs: number }, random: () => number = Math.random): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.round(cap / 2 + random() * (cap / 2));
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) throw signal.reason as Error;
  try {
    await delay(ms, undefined, signal ? { signal } : {});
  } catch (err) {
    // node:timers rejects with its own AbortError; callers expect the signal's reason.
    if (signal?.aborted) throw signal.reason as Error;
    throw err;
  }
}
