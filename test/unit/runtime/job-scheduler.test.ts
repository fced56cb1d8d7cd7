import { describe, expect, it } from 'vitest';
import { pickJobsToStart, unsatisfiableJobs, type SchedulableJob } from '../../../core/runtime/job-scheduler.ts';

const limits = { network: 2, compute: 1, maxParallel: 3 };

function j(id: string, over: Partial<SchedulableJob> & { partition?: string } = {}): SchedulableJob {
  const { partition, ...rest } = over;
  return { id, resource: 'network', state: 'queued', partitions: [partition ?? id], notBefore: 0, occupying: false, ...rest };
}

describe('pickJobsToStart', () => {
  it('fills per-kind slots in queue order and stops at maxParallel', () => {
    const jobs = [j('d1'), j('d2'), j('d3'), j('i1', { resource: 'compute' }), j('i2', { resource: 'compute' })];
    expect(pickJobsToStart(jobs, limits, 'normal', 0)).toEqual({ start: ['d1', 'd2', 'i1'], heldBy: null });
    expect(pickJobsToStart(jobs, { ...limits, maxParallel: 2 }, 'normal', 0).start).toEqual(['d1', 'd2']);
  });

  it('counts running jobs against the limits', () => {
    const jobs = [j('d1', { state: 'running', occupying: true }), j('d2'), j('d3')];
    expect(pickJobsToStart(jobs, limits, 'normal', 0).start).toEqual(['d2']);
  });

  it('lets a job that writes several partitions start only when none of them is held', () => {
    const jobs = [j('a', { state: 'running', occupying: true, partitions: ['p1'] }), j('b', { partitions: ['p0', 'p1', 'p2'] }), j('c', { partitions: ['p3'] })];
    expect(pickJobsToStart(jobs, { ...limits, network: 5, maxParallel: 5 }, 'normal', 0).start).toEqual(['c']);
  });

  it('lets one job at a time write a partition', () => {
    const jobs = [j('d1', { state: 'running', occupying: true, partition: 'p' }), j('d2', { partition: 'p' }), j('d3', { partition: 'q' }), j('d4', { partition: 'q' })];
    expect(pickJobsToStart(jobs, { ...limits, network: 5, maxParallel: 5 }, 'normal', 0).start).toEqual(['d3']);
  });

  it('waits for dependencies to produce their input, and for retry backoff', () => {
    const jobs = [j('d1', { state: 'running', occupying: true }), j('i1', { resource: 'compute', dependsOn: ['d1'] }), j('d2', { notBefore: 1000 })];
    expect(pickJobsToStart(jobs, limits, 'normal', 500).start).toEqual([]);
    expect(pickJobsToStart(jobs, limits, 'normal', 1000).start).toEqual(['d2']);
    const done = [j('d1', { state: 'skipped' }), j('i1', { resource: 'compute', dependsOn: ['d1'] })];
    expect(pickJobsToStart(done, limits, 'normal', 0).start).toEqual(['i1']);
  });

  it('holds every start at critical and any start at warning while a job runs', () => {
    const idle = [j('d1'), j('d2')];
    const busy = [j('d0', { state: 'running', occupying: true }), j('d1')];
    expect(pickJobsToStart(idle, limits, 'critical', 0)).toEqual({ start: [], heldBy: 'critical' });
    expect(pickJobsToStart(busy, limits, 'warning', 0)).toEqual({ start: [], heldBy: 'warning' });
    // Idle at warning: exactly one job, so a run cannot wait forever on memory others hold.
    expect(pickJobsToStart(idle, limits, 'warning', 0)).toEqual({ start: ['d1'], heldBy: null });
    // Nothing ready: not "held".
    expect(pickJobsToStart([j('x', { state: 'complete' })], limits, 'critical', 0).heldBy).toBeNull();
  });
});

describe('unsatisfiableJobs', () => {
  it('skips dependents of jobs that ended without their input, and cancels dependents of cancelled ones', () => {
    const jobs = [
      j('d1', { state: 'not_entitled' }),
      j('i1', { resource: 'compute', dependsOn: ['d1'] }),
      j('d2', { state: 'cancelled' }),
      j('i2', { resource: 'compute', dependsOn: ['d2'] }),
      j('d3', { state: 'failed' }),
      j('i3', { resource: 'compute', dependsOn: ['d3'] }),
      j('d4', { state: 'running' }),
      j('i4', { resource: 'compute', dependsOn: ['d4'] }),
    ];
    expect(unsatisfiableJobs(jobs)).toEqual([
      { id: 'i1', state: 'skipped', reason: 'd1 ended not_entitled' },
      { id: 'i2', state: 'cancelled', reason: 'd2 ended cancelled' },
      { id: 'i3', state: 'skipped', reason: 'd3 ended failed' },
    ]);
  });
});
