import { describe, expect, it } from 'vitest';
import { computeRunProgress, createProgressMeter, progressFraction } from '../../../core/runtime/progress-meter.ts';
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

  it('keeps the byte rate across phases of one source, starts it over when the counter goes back, and falls back to the mean', () => {
    let t = 0;
    const m = createProgressMeter(() => t);
    m.update({ phase: 'downloading', bytesDone: 0, bytesTotal: 4000 });
    // A single chunk 20 ms later: too close for the average, so the mean since the first report stands in.
    t = 20;
    expect(m.update({ phase: 'downloading', bytesDone: 4000, bytesTotal: 4000 }).bytesPerSecond).toBe(200_000);
    t = 30;
    expect(m.update({ phase: 'committing', bytesDone: 4000, bytesTotal: 4000 })).toMatchObject({ bytesPerSecond: 133_333, etaSeconds: 0 });
    // The request was retried from the start: the rate begins again.
    t = 1000;
    expect(m.update({ phase: 'downloading', bytesDone: 0, bytesTotal: 4000 }).bytesPerSecond).toBeUndefined();
    t = 2000;
    expect(m.update({ phase: 'downloading', bytesDone: 1000, bytesTotal: 4000 })).toMatchObject({ bytesPerSecond: 1000, etaSeconds: 3 });
  });

  it('counts a run\'s fetched bytes of the total: finished as moved, running as far as they got, queued at their estimate', () => {
    const p = computeRunProgress(
      [
        { state: 'complete', network: true, weight: 500, bytes: 400 },
        { state: 'running', network: true, weight: 100, progress: { phase: 'downloading', bytesDone: 150, bytesTotal: 300 } },
        { state: 'queued', network: true, weight: 200 },
        { state: 'failed', network: true, weight: 900 },
        { state: 'queued', weight: 5000 },
      ],
      2000,
      400,
    );
    expect(p).toMatchObject({ bytesDone: 550, bytesTotal: 400 + 300 + 200, bytesPerSecond: 275 });
  });

  it('computes the fraction done from bytes, else rows', () => {
    expect(progressFraction({ phase: 'x', bytesDone: 5, bytesTotal: 10 })).toBe(0.5);
    expect(progressFraction({ phase: 'x', rowsDone: 1, rowsTotal: 4 })).toBe(0.25);
    expect(progressFraction({ phase: 'x' })).toBeUndefined();
  });
});
