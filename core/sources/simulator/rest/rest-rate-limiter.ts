/** A sliding one-minute window of accepted requests, on the simulator's clock. */
export interface RateLimiter {
  /** Records a request at `now` if allowed; otherwise returns the seconds until one is. */
  admit(now: Date, perMinute: number | null): { ok: true } | { ok: false; retryAfterSeconds: number };
}

/** Creates a limiter; refused requests do not count, so a client that waits gets through. */
export function createRateLimiter(): RateLimiter {
  const WINDOW_MS = 60_000;
  let accepted: number[] = [];
  return {
    admit(now, perMinute) {
      const t = now.getTime();
      accepted = accepted.filter((a) => a > t - WINDOW_MS && a <= t);
      if (perMinute === null || accepted.length < perMinute) {
        accepted.push(t);
        return { ok: true };
      }
      return { ok: false, retryAfterSeconds: ((accepted[0] as number) + WINDOW_MS - t) / 1000 };
    },
  };
}
