/**
 * Which jobs a live table shows when a run has thousands: every running job, the next queued
 * ones and the latest finished ones, in the run's own order, so the table stays small and steady.
 */
import type { JobView } from '../../core/contract/contract-views.ts';
import { isTerminalJobState } from './run-patch.ts';

/** The jobs to render, at most about `limit` (running jobs are always included). */
export function liveJobWindow(jobs: readonly JobView[], limit = 120): readonly JobView[] {
  if (jobs.length <= limit) return jobs;
  const half = Math.floor(limit / 3);
  const keep = new Set<JobView>();
  let queued = 0;
  for (const job of jobs) {
    if (job.state === 'running') keep.add(job);
    else if (job.state === 'queued' && queued < half) {
      keep.add(job);
      queued++;
    }
  }
  let finished = 0;
  for (let i = jobs.length - 1; i >= 0 && finished < half; i--) {
    const job = jobs[i] as JobView;
    if (isTerminalJobState(job.state) && !keep.has(job)) {
      keep.add(job);
      finished++;
    }
  }
  return jobs.filter((j) => keep.has(j));
}
