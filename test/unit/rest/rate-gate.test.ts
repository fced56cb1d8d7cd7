// The token bucket on a manual clock (minutes of basic-plan waiting in no time), and the remote gate
// that lets job processes share one bucket over a message port.
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { createRemoteRateGate, serveRateGate, type RateGatePort } from '../../../core/sources/polygon/rest/rate-gate-remote.ts';
import { createTokenBucketGate, formatWait, planBucket, type RateWait } from '../../../core/sources/polygon/rest/rate-gate.ts';
import { createManualClock } from '../../../core/sources/polygon/rest/rest-clock.ts';

const T0 = Date.parse('2024-04-10T14:00:00Z');

/** Most admissions inside any sliding minute (t - 60 s, t], the way the upstream counts. */
function maxPerMinute(times: readonly number[]): number {
  return Math.max(0, ...times.map((t) => times.filter((x) => x > t - 60_000 && x <= t).length));
}

describe('token bucket gate', () => {
  it('keeps a basic key to 5 requests in any minute, one every 12 s, and says how long it waits', async () => {
    const clock = createManualClock(T0);
    const gate = createTokenBucketGate({ plan: 'basic', clock });
    const times: number[] = [];
    const waits: RateWait[] = [];
    for (let i = 0; i < 11; i++) {
      await gate.acquire(undefined, (w) => waits.push(w));
      times.push(clock.now() - T0);
    }
    expect(times).toEqual([0, 12_000, 24_000, 36_000, 48_000, 60_000, 72_000, 84_000, 96_000, 108_000, 120_000]);
    expect(maxPerMinute(times)).toBe(5);
    expect(waits).toHaveLength(10);
    expect(waits[0]).toEqual({ waitMs: 12_000, plan: 'basic', message: "waiting 12 s for the basic plan's rate limit" });
    expect(gate.stats()).toEqual({ admitted: 11, waited: 10, waitedMs: 120_000 });
  });

  it('serves concurrent callers in call order without ever admitting two at once on basic', async () => {
    const clock = createManualClock(T0);
    const gate = createTokenBucketGate({ plan: 'basic', clock });
    const order: Array<{ i: number; t: number }> = [];
    await Promise.all(Array.from({ length: 6 }, (_, i) => gate.acquire().then(() => order.push({ i, t: clock.now() - T0 }))));
    expect(order.map((o) => o.i)).toEqual([0, 1, 2, 3, 4, 5]);
    // A manual clock wakes sleepers in the order they slept, each no earlier than its reservation.
    order.forEach((o, k) => expect(o.t).toBeGreaterThanOrEqual(k * 12_000));
    expect(maxPerMinute(order.map((o) => o.t))).toBeLessThanOrEqual(5);
  });

  it('refills while idle, up to its capacity only', async () => {
    const clock = createManualClock(T0);
    const gate = createTokenBucketGate({ plan: 'starter', shape: { capacity: 3, intervalMs: 1000 }, clock });
    for (let i = 0; i < 3; i++) await gate.acquire();
    expect(clock.now()).toBe(T0);
    clock.advance(60_000); // a minute idle refills 3 tokens, not 60
    for (let i = 0; i < 4; i++) await gate.acquire();
    expect(clock.now()).toBe(T0 + 61_000);
  });

  it('holds every later request back for Retry-After after a 429', async () => {
    const clock = createManualClock(T0);
    const gate = createTokenBucketGate({ plan: 'developer', shape: planBucket('developer', 10), clock });
    await gate.acquire();
    gate.throttled(30_000);
    const waits: number[] = [];
    await gate.acquire(undefined, (w) => waits.push(w.waitMs));
    expect(clock.now() - T0).toBe(30_000);
    await gate.acquire(undefined, (w) => waits.push(w.waitMs));
    expect(waits).toEqual([30_000, 100]);
  });

  it('returns the slot of an aborted wait, so the next caller does not wait for it', async () => {
    const clock = createManualClock(T0);
    const gate = createTokenBucketGate({ plan: 'basic', clock });
    await gate.acquire();
    const controller = new AbortController();
    controller.abort(new Error('cancelled'));
    await expect(gate.acquire(controller.signal)).rejects.toThrow('cancelled');
    await gate.acquire();
    expect(clock.now() - T0).toBe(12_000);
  });

  it('gives paid plans a configurable ceiling in requests a second', () => {
    expect(planBucket('basic')).toEqual({ capacity: 1, intervalMs: 12_000 });
    expect(planBucket('advanced', 100)).toEqual({ capacity: 100, intervalMs: 10 });
    expect(planBucket('starter')).toEqual({ capacity: 50, intervalMs: 20 });
    expect(() => planBucket('starter', 0)).toThrow(/must be positive/);
    expect([formatWait(250), formatWait(38_000), formatWait(125_000)]).toEqual(['250 ms', '38 s', '2 min 5 s']);
  });
});

/** One end of a MessageChannel as a RateGatePort. */
function portOf<T>(port: MessagePort): RateGatePort<T> {
  return {
    send: (m) => port.postMessage(m),
    onMessage(listener) {
      port.on('message', listener);
      return () => port.off('message', listener);
    },
  };
}

describe('remote gate', () => {
  it('makes two job ports share one basic bucket, relaying the waits', async () => {
    const clock = createManualClock(T0);
    const shared = createTokenBucketGate({ plan: 'basic', clock });
    const channels = [new MessageChannel(), new MessageChannel()];
    const served = channels.map((c) => serveRateGate(shared, portOf(c.port1)));
    const jobs = channels.map((c) => createRemoteRateGate(portOf(c.port2)));
    const admitted: Array<{ job: number; t: number }> = [];
    const waits: string[] = [];
    await Promise.all(
      jobs.map(async (gate, job) => {
        for (let i = 0; i < 4; i++) {
          await gate.acquire(undefined, (w) => waits.push(w.message));
          admitted.push({ job, t: clock.now() - T0 });
        }
      }),
    );
    expect(admitted).toHaveLength(8);
    expect(new Set(admitted.map((a) => a.job))).toEqual(new Set([0, 1]));
    expect(maxPerMinute(admitted.map((a) => a.t))).toBeLessThanOrEqual(5);
    expect(shared.stats().admitted).toBe(8);
    expect(waits.length).toBe(7);
    expect(waits.every((m) => /^waiting \d+ s for the basic plan's rate limit$/.test(m))).toBe(true);
    served.forEach((s) => s.dispose());
    jobs.forEach((g) => g.dispose());
    channels.forEach((c) => (c.port1.close(), c.port2.close()));
  });

  it('cancels a queued acquire when its signal aborts and forwards 429s to the owner', async () => {
    const clock = createManualClock(T0);
    const shared = createTokenBucketGate({ plan: 'basic', clock });
    const channel = new MessageChannel();
    const served = serveRateGate(shared, portOf(channel.port1));
    const job = createRemoteRateGate(portOf(channel.port2));
    await job.acquire();
    const controller = new AbortController();
    const queued = job.acquire(controller.signal);
    controller.abort(new Error('job cancelled'));
    await expect(queued).rejects.toThrow('job cancelled');
    job.throttled(45_000);
    await new Promise((r) => setTimeout(r, 20));
    await job.acquire();
    expect(clock.now() - T0).toBeGreaterThanOrEqual(45_000);
    served.dispose();
    job.dispose();
    channel.port1.close();
    channel.port2.close();
  });
});
