import { describe, expect, it } from 'vitest';
import { createProgressMeter, progressFraction } from '../../../core/runtime/progress-meter.ts';
import { retryDelayMs, shouldRetry } from '../../../core/runtime/retry-policy.ts';

const policy = { maxAttempts: 3, baseDelayMs: 500, maxDelayMs: 30_000 };

describe('retry policy', () => {
  it('retries crashes and failures up to maxAttempts, never upstream answers', () => {
    expect(shouldRetry('crashed', 1, policy)).toBe(true);
    expect(shouldRetry('failed', 2, policy)).toBe(true);
    expect(shouldRetry('failed', 3, policy)).toBe(false);
    for (const o of ['not_entitled', 'pending', 'missing', 'complete', 'cancelled'] as const) expect(shouldRetry(o, 1, policy)).toBe(false);
  });

  it('backs off exponentially with jitter inside [ceiling/2, ceiling], capped', () => {
    expect(retryDelayMs(1, policy, () => 0)).toBe(250);
    expect(retryDelayMs(1, policy, () => 1)).toBe(500);
    expect(retryDelayMs(3, policy, () => 1)).toBe(2000);
    expect(retryDelayMs(20, policy, () => 1)).toBe(30_000);
  });
});

describe('progress meter', () => {
  it('derives rate and ETA from counters, and restarts on a phase change', () => {
    let t = 0;
    const m = createProgressMeter(() => t);
    expect(m.update({ phase: 'downloading', bytesDone: 0, bytesTotal: 10_000 })).toEqual({ phase: 'downloading', bytesDone: 0, bytesTotal: 10_000 });
    t = 1000;
    const p = m.update({ phase: 'downloading', bytesDone: 1000, bytesTotal: 10_000 });
    expect(p.bytesPerSecond).toBe(1000);
    expect(p.etaSeconds).toBe(9);
    t = 2000;
    expect(m.update({ phase: 'downloading', bytesDone: 3000, bytesTotal: 10_000 }).bytesPerSecond).toBeGreaterThan(1000);
    t = 2500;
    const w = m.update({ phase: 'writing', rowsDone: 10, rowsTotal: 100 });
    expect(w.bytesPerSecond).toBeUndefined();
    t = 3500;
    expect(m.update({ phase: 'writing', rowsDone: 60, rowsTotal: 100 })).toMatchObject({ rowsPerSecond: 50, etaSeconds: 0.8 });
  });

  it('computes the fraction done from bytes, else rows', () => {
    expect(progressFraction({ phase: 'x', bytesDone: 5, bytesTotal: 10 })).toBe(0.5);
    expect(progressFraction({ phase: 'x', rowsDone: 1, rowsTotal: 4 })).toBe(0.25);
    expect(progressFraction({ phase: 'x' })).toBeUndefined();
  });
});
