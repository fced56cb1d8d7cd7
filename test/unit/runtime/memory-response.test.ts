import { describe, expect, it } from 'vitest';
import { respondToMemory, type RunningJob } from '../../../core/runtime/memory-response.ts';
import { computeRunProgress } from '../../../core/runtime/progress-meter.ts';

const jobs: RunningJob[] = [
  { id: 'dl-1', resource: 'network', paused: false, ready: true, launchSeq: 1 },
  { id: 'dl-booting', resource: 'network', paused: false, ready: false, launchSeq: 4 },
  { id: 'in-old', resource: 'compute', paused: false, ready: true, launchSeq: 2 },
  { id: 'in-new', resource: 'compute', paused: false, ready: true, launchSeq: 3 },
];

describe('respondToMemory', () => {
  it('pauses ready downloads at critical and starts the grace clock', () => {
    expect(respondToMemory('critical', jobs, null, 1000, 500)).toEqual({ pause: ['dl-1'], resume: [], stop: null, criticalSince: 1000 });
  });

  it('stops the newest heavy job once critical has lasted the grace period, then restarts the clock', () => {
    const paused = jobs.map((j) => (j.id === 'dl-1' ? { ...j, paused: true } : j));
    expect(respondToMemory('critical', paused, 1000, 1400, 500)).toEqual({ pause: [], resume: [], stop: null, criticalSince: 1000 });
    expect(respondToMemory('critical', paused, 1000, 1500, 500)).toEqual({ pause: [], resume: [], stop: 'in-new', criticalSince: 1500 });
    // Nothing heavy left to stop: the clock keeps running.
    expect(respondToMemory('critical', paused.filter((j) => j.resource === 'network'), 1000, 9000, 500).stop).toBeNull();
  });

  it('resumes paused downloads and resets the clock below critical', () => {
    const paused = jobs.map((j) => (j.resource === 'network' ? { ...j, paused: true } : j));
    expect(respondToMemory('warning', paused, 1000, 2000, 500)).toEqual({ pause: [], resume: ['dl-1', 'dl-booting'], stop: null, criticalSince: null });
    expect(respondToMemory('normal', jobs, 1000, 2000, 500)).toEqual({ pause: [], resume: [], stop: null, criticalSince: null });
  });
});

describe('computeRunProgress', () => {
  it('weights jobs by estimated bytes and extrapolates an ETA', () => {
    const p = computeRunProgress(
      [
        { state: 'complete', weight: 300 },
        { state: 'running', weight: 600, progress: { phase: 'downloading', bytesDone: 300, bytesTotal: 600 } },
        { state: 'queued', weight: 100 },
        { state: 'skipped' },
      ],
      6000,
      300,
    );
    expect(p).toMatchObject({ jobsTotal: 4, jobsDone: 2, running: 1, bytesDownloaded: 300 });
    expect(p.fraction).toBeCloseTo(601 / 1001, 6);
    expect(p.etaSeconds).toBe(Math.round((6000 * (1 - 601 / 1001)) / (601 / 1001) / 1000));
    expect(computeRunProgress([], 0, 0)).toMatchObject({ fraction: 1, jobsTotal: 0 });
    expect(computeRunProgress([{ state: 'queued' }], 5000, 0).etaSeconds).toBeUndefined();
  });
});
