/**
 * Applies live `job.updated` events to a cached run so run views update without refetching; the
 * counts are recomputed from the jobs so badges and totals stay consistent with the rows.
 */
import type { JobState, JobView, RunDetailView } from '../../core/contract/contract-views.ts';

/** Job counts per state. */
export function countJobs(jobs: readonly JobView[]): Partial<Record<JobState, number>> {
  const counts: Partial<Record<JobState, number>> = {};
  for (const job of jobs) counts[job.state] = (counts[job.state] ?? 0) + 1;
  return counts;
}

/** The run with `updates` applied (replacing jobs by id, appending new ones); the same object if none belong to it. */
export function applyJobUpdates(run: RunDetailView, updates: ReadonlyArray<{ runId: string; job: JobView }>): RunDetailView {
  const mine = updates.filter((u) => u.runId === run.runId);
  if (mine.length === 0) return run;
  const jobs = [...run.jobs];
  const index = new Map(jobs.map((j, i) => [j.jobId, i]));
  for (const { job } of mine) {
    const at = index.get(job.jobId);
    if (at === undefined) {
      index.set(job.jobId, jobs.length);
      jobs.push(job);
    } else {
      jobs[at] = job;
    }
  }
  return { ...run, jobs, counts: countJobs(jobs) };
}

const TERMINAL: ReadonlySet<JobState> = new Set(['complete', 'skipped', 'degraded', 'pending', 'missing', 'not_entitled', 'failed', 'crashed', 'cancelled']);

/** Whether a job state is final (the job will not change again without a retry). */
export function isTerminalJobState(state: JobState): boolean {
  return TERMINAL.has(state);
}

/** Jobs that finished, over all jobs, for a run-level progress figure. */
export function runCompletion(run: RunDetailView): { done: number; total: number } {
  let done = 0;
  for (const job of run.jobs) if (isTerminalJobState(job.state)) done++;
  return { done, total: run.jobs.length };
}
