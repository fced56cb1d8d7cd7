import { describe, expect, it } from 'vitest';
import type { JobView, RunDetailView } from '../../../core/contract/contract-views.ts';
import { monthsBefore, nextDay, presetRange, todayInNewYork } from '../../../renderer/lib/date-range.ts';
import { arcPath, gaugeBands, percentToAngle, polar } from '../../../renderer/lib/gauge-geometry.ts';
import { newQueryId } from '../../../renderer/lib/query-id.ts';
import { liveJobWindow } from '../../../renderer/lib/job-window.ts';
import { applyJobUpdates, countJobs, isTerminalJobState, runCompletion } from '../../../renderer/lib/run-patch.ts';

const job = (jobId: string, state: JobView['state']): JobView => ({
  jobId,
  kind: 'download',
  dataset: 'stocks_daily',
  layer: 'landing',
  date: '2024-03-28',
  dates: ['2024-03-28'],
  state,
  attempts: 1,
  maxAttempts: 3,
  startedAt: null,
  finishedAt: null,
  durationMs: null,
  rows: null,
  bytes: null,
  error: null,
  crashReason: null,
});

const run: RunDetailView = {
  runId: 'r1',
  kind: 'update',
  outcome: 'running',
  startedAt: '2024-03-29T15:00:00Z',
  finishedAt: null,
  durationMs: null,
  counts: { queued: 2 },
  jobs: [job('a', 'queued'), job('b', 'queued')],
  maxParallel: 2,
  concurrency: null, error: null,
};

describe('applyJobUpdates', () => {
  it('replaces jobs by id, appends new ones and recounts', () => {
    const next = applyJobUpdates(run, [
      { runId: 'r1', job: job('a', 'running') },
      { runId: 'r1', job: job('a', 'complete') },
      { runId: 'r1', job: job('c', 'queued') },
      { runId: 'other', job: job('b', 'failed') },
    ]);
    expect(next.jobs.map((j) => [j.jobId, j.state])).toEqual([
      ['a', 'complete'],
      ['b', 'queued'],
      ['c', 'queued'],
    ]);
    expect(next.counts).toEqual({ complete: 1, queued: 2 });
    expect(runCompletion(next)).toEqual({ done: 1, total: 3 });
    expect(run.jobs[0]!.state).toBe('queued');
  });
  it('returns the same run when no update belongs to it', () => {
    expect(applyJobUpdates(run, [{ runId: 'x', job: job('a', 'failed') }])).toBe(run);
  });
  it('knows which states are final', () => {
    expect(isTerminalJobState('running')).toBe(false);
    expect(isTerminalJobState('queued')).toBe(false);
    expect(isTerminalJobState('crashed')).toBe(true);
    expect(countJobs([job('a', 'failed'), job('b', 'failed')])).toEqual({ failed: 2 });
  });
});

describe('date ranges', () => {
  it('steps back whole months, clamping to month ends and leap days', () => {
    expect(monthsBefore('2024-03-31', 1)).toBe('2024-02-29');
    expect(monthsBefore('2023-03-31', 1)).toBe('2023-02-28');
    expect(monthsBefore('2024-01-15', 1)).toBe('2023-12-15');
    expect(monthsBefore('2026-11-21', 240)).toBe('2006-11-21');
    expect(nextDay('2024-02-29')).toBe('2024-03-01');
  });
  it('builds preset ranges ending today', () => {
    expect(presetRange('1m', '2024-03-31')).toEqual({ from: '2024-03-01', to: '2024-03-31' });
    expect(presetRange('1y', '2024-03-28')).toEqual({ from: '2023-03-29', to: '2024-03-28' });
  });
  it('knows the New York date around midnight UTC', () => {
    expect(todayInNewYork(new Date('2024-03-29T02:00:00Z'))).toBe('2024-03-28');
    expect(todayInNewYork(new Date('2024-03-29T05:00:00Z'))).toBe('2024-03-29');
  });
});

describe('gauge geometry', () => {
  it('maps 0..100% onto -120..120 degrees, clamped', () => {
    expect(percentToAngle(0)).toBe(-120);
    expect(percentToAngle(50)).toBe(0);
    expect(percentToAngle(100)).toBe(120);
    expect(percentToAngle(150)).toBe(120);
    expect(percentToAngle(Number.NaN)).toBe(-120);
  });
  it('draws arcs from 12 o’clock clockwise', () => {
    const top = polar(100, 100, 50, 0);
    expect(top.x).toBeCloseTo(100);
    expect(top.y).toBeCloseTo(50);
    expect(arcPath(100, 100, 50, 0, 90)).toBe('M 100 50 A 50 50 0 0 1 150 100');
    expect(arcPath(100, 100, 50, -120, 120)).toContain(' 0 1 1 ');
    expect(arcPath(100, 100, 50, 10, 10)).toBe('');
  });
  it('splits the bands at the thresholds', () => {
    expect(gaugeBands(75, 90).map((b) => [b.level, b.from, b.to])).toEqual([
      ['normal', -120, 60],
      ['warning', 60, 96],
      ['critical', 96, 120],
    ]);
  });
});

describe('query ids', () => {
  it('are unique and match the contract pattern', () => {
    const ids = new Set(Array.from({ length: 500 }, () => newQueryId()));
    expect(ids.size).toBe(500);
    for (const id of ids) expect(id).toMatch(/^[\w-]{1,64}$/);
  });
});

describe('liveJobWindow', () => {
  it('keeps small runs whole', () => {
    const jobs = [job('a', 'complete'), job('b', 'running')];
    expect(liveJobWindow(jobs, 120)).toBe(jobs);
  });
  it('shows every running job, the next queued and the latest finished, in run order', () => {
    const jobs = [
      ...Array.from({ length: 50 }, (_, i) => job(`done${i}`, i === 3 ? 'failed' : 'complete')),
      job('run1', 'running'),
      ...Array.from({ length: 50 }, (_, i) => job(`q${i}`, 'queued')),
      job('run2', 'running'),
    ];
    const shown = liveJobWindow(jobs, 30);
    const ids = shown.map((j) => j.jobId);
    expect(ids).toContain('run1');
    expect(ids).toContain('run2');
    expect(ids.filter((id) => id.startsWith('q'))).toEqual(Array.from({ length: 10 }, (_, i) => `q${i}`));
    expect(ids.filter((id) => id.startsWith('done'))).toEqual(Array.from({ length: 10 }, (_, i) => `done${40 + i}`));
    expect(ids.indexOf('run1')).toBeLessThan(ids.indexOf('q0'));
  });
});
