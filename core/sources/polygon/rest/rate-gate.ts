import { SYSTEM_CLOCK, type RestClock } from './rest-clock.ts';
import { BASIC_REQUESTS_PER_MINUTE, DEFAULT_PAID_REQUESTS_PER_SECOND, type PlanName } from './rest-plans.ts';

/** A wait the gate imposed before letting a request through, for progress lines. */
export interface RateWait {
  waitMs: number;
  plan: PlanName;
  /** "waiting 38 s for the basic plan's rate limit" */
  message: string;
}

/**
 * Admission to the upstream API: every HTTP request (retries included) acquires once before it is
 * sent. The client only sees this interface, so a gate served by the supervisor to every job process
 * of a run (rate-gate-remote.ts) stands in for the in-process bucket unchanged.
 */
export interface RateGate {
  /** Resolves when one request may be sent; rejects with the signal's reason if it aborts first. */
  acquire(signal?: AbortSignal, onWait?: (wait: RateWait) => void): Promise<void>;
  /** Upstream answered 429 (Retry-After `retryAfterMs`): hold every later request back that long. */
  throttled?(retryAfterMs: number): void;
}

/** Shape of a token bucket: at most `capacity` requests at once, then one per `intervalMs`. */
export interface BucketShape {
  capacity: number;
  intervalMs: number;
}

/**
 * The bucket of a plan. Basic gets capacity 1 at 12 s: the upstream limit is a sliding minute, and a
 * bucket that let 5 through at once and then refilled would put 6 requests into one minute. Paid
 * plans get a ceiling in requests a second (default 50) with a one-second burst.
 */
export function planBucket(plan: PlanName, paidRequestsPerSecond = DEFAULT_PAID_REQUESTS_PER_SECOND): BucketShape {
  if (plan === 'basic') return { capacity: 1, intervalMs: 60_000 / BASIC_REQUESTS_PER_MINUTE };
  if (!(paidRequestsPerSecond > 0)) throw new Error(`REST rate ceiling must be positive (got ${paidRequestsPerSecond})`);
  return { capacity: Math.max(1, Math.floor(paidRequestsPerSecond)), intervalMs: 1000 / paidRequestsPerSecond };
}

/** "38 s", "2 min 5 s", "250 ms": how long a wait is, for people. */
export function formatWait(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.ceil(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
}

/** Options of the in-process token bucket. */
export interface TokenBucketOptions {
  plan: PlanName;
  /** Override of the plan's shape (tests, a configured paid ceiling via planBucket). */
  shape?: BucketShape;
  clock?: RestClock;
}

/** The in-process gate, with its counters (a bench and the tests read them). */
export interface TokenBucketGate extends RateGate {
  throttled(retryAfterMs: number): void;
  /** Requests admitted so far, and how many of them had to wait. */
  stats(): { admitted: number; waited: number; waitedMs: number };
}

/**
 * A token bucket on an injected clock. Each acquire takes a token; when none is left it reserves the
 * next one (the balance goes negative) and sleeps until then, so concurrent callers are served in
 * call order and the bucket never admits more than its shape allows. An abort returns the token.
 */
export function createTokenBucketGate(options: TokenBucketOptions): TokenBucketGate {
  const clock = options.clock ?? SYSTEM_CLOCK;
  const { capacity, intervalMs } = options.shape ?? planBucket(options.plan);
  let tokens = capacity;
  let last = clock.now();
  let admitted = 0;
  let waited = 0;
  let waitedMs = 0;

  const refill = () => {
    const now = clock.now();
    if (now > last) tokens = Math.min(capacity, tokens + (now - last) / intervalMs);
    last = Math.max(last, now);
  };

  return {
    async acquire(signal, onWait) {
      signal?.throwIfAborted();
      refill();
      tokens -= 1;
      // Float residue of the refill must not turn "exactly one interval" into a wait of 1e-12 ms.
      const waitMs = tokens >= -1e-9 ? 0 : Math.ceil(-tokens * intervalMs);
      if (waitMs > 0) {
        onWait?.({ waitMs, plan: options.plan, message: `waiting ${formatWait(waitMs)} for the ${options.plan} plan's rate limit` });
        try {
          await clock.sleep(waitMs, signal);
        } catch (err) {
          tokens += 1;
          throw err;
        }
        waited += 1;
        waitedMs += waitMs;
      }
      admitted += 1;
    },
    throttled(retryAfterMs) {
      // Upstream counts differently from us (another client on the same key, clock skew): push the
      // whole schedule back so the next request goes out Retry-After from now, the others after it.
      refill();
      tokens = Math.min(tokens, 0) + 1 - Math.max(0, retryAfterMs) / intervalMs;
    },
    stats: () => ({ admitted, waited, waitedMs }),
  };
}

/** A gate that admits everything at once (the simulator's unlimited plans in tests; never for a real key). */
export const OPEN_GATE: RateGate = { acquire: async (signal) => signal?.throwIfAborted() };
