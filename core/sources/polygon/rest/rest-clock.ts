import { sleep } from '../retry-policy.ts';

/**
 * The time source of the REST client and its rate gate. Injected so a test can run a basic plan's
 * minutes of waiting in no time: a fake clock's sleep advances its own now() and returns.
 */
export interface RestClock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Waits `ms` (or rejects with the signal's reason as soon as it aborts). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The wall clock and real timers. */
export const SYSTEM_CLOCK: RestClock = {
  now: () => Date.now(),
  sleep: (ms, signal) => sleep(ms, signal),
};

/**
 * A clock that only moves when someone sleeps on it (tests, benches): sleeping advances now() by
 * the requested time and resolves on the next turn of the event loop. Concurrent sleepers wake in
 * the order they slept, each at its deadline or later, never earlier.
 */
export function createManualClock(startMs: number): RestClock & { advance(ms: number): void } {
  let now = startMs;
  return {
    now: () => now,
    advance(ms) {
      now += ms;
    },
    sleep(ms, signal) {
      if (signal?.aborted) return Promise.reject(signal.reason as Error);
      const wake = now + Math.max(0, ms);
      return new Promise((resolve, reject) => {
        setImmediate(() => {
          if (signal?.aborted) return reject(signal.reason as Error);
          if (wake > now) now = wake;
          resolve();
        });
      });
    },
  };
}
