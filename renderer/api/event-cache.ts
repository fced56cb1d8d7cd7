/**
 * How pushed events change react-query's cache, as plain functions over a QueryClient (LiveSync
 * wires them to the client; tests drive them directly). Run events are applied in arrival order:
 * a run.finished must land after the job updates sent before it, or a late job patch would put
 * the finished run back into the cache as running.
 */
import type { QueryClient } from '@tanstack/react-query';
import type { CoverageView, JobView, RunDetailView, RunSummaryView } from '../../core/contract/contract-views.ts';
import type { RequestOutputs } from '../../core/contract/contract.ts';
import { patchCoverageView } from '../lib/coverage-grid.ts';
import type { CoverageChange } from '../lib/coverage-grid.ts';
import { applyJobUpdates } from '../lib/run-patch.ts';
import { contractKey } from './contract-query.ts';

type ActiveRun = RequestOutputs['runs.active'];

export type RunEvent =
  | { kind: 'started'; run: RunDetailView }
  | { kind: 'job'; runId: string; job: JobView }
  | { kind: 'finished'; summary: RunSummaryView };

/** Everything a finished run can have changed. */
export const REFRESHED_WHEN_A_RUN_FINISHES = ['runs.active', 'runs.list', 'runs.get', 'freshness.get', 'plan.preview', 'lake.coverage', 'lake.cell', 'backfill.estimate', 'lake.list'] as const;

/** Applies a batch of run events in order; returns the ids of runs that finished. */
export function applyRunEvents(qc: QueryClient, events: readonly RunEvent[]): string[] {
  const activeKey = contractKey('runs.active', {});
  const finished: string[] = [];
  let jobs: Array<{ runId: string; job: JobView }> = [];
  const flushJobs = () => {
    if (jobs.length === 0) return;
    const updates = jobs;
    jobs = [];
    qc.setQueryData<ActiveRun>(activeKey, (old) => (old?.run ? { ...old, run: applyJobUpdates(old.run, updates) } : old));
    for (const runId of new Set(updates.map((u) => u.runId))) {
      qc.setQueryData<RunDetailView>(contractKey('runs.get', { runId }), (old) => (old ? applyJobUpdates(old, updates) : old));
    }
  };
  for (const e of events) {
    if (e.kind === 'job') {
      // Consecutive job updates are applied together: one cache write per run per batch.
      jobs.push({ runId: e.runId, job: e.job });
      continue;
    }
    flushJobs();
    if (e.kind === 'started') {
      qc.setQueryData<ActiveRun>(activeKey, { run: e.run, progress: [], runProgress: null });
      qc.setQueryData(contractKey('runs.get', { runId: e.run.runId }), e.run);
      void qc.invalidateQueries({ queryKey: ['runs.list'] });
    } else {
      const { summary } = e;
      qc.setQueryData<ActiveRun>(activeKey, (old) => (old?.run?.runId === summary.runId ? { run: null, progress: [], runProgress: null } : old));
      qc.setQueryData<RunDetailView>(contractKey('runs.get', { runId: summary.runId }), (old) => (old ? { ...old, ...summary } : old));
      finished.push(summary.runId);
    }
  }
  flushJobs();
  if (finished.length > 0) for (const name of REFRESHED_WHEN_A_RUN_FINISHES) void qc.invalidateQueries({ queryKey: [name] });
  return finished;
}

/** Repaints cached coverage views from `coverage.changed` events. */
export function applyCoverageChanges(qc: QueryClient, changes: readonly CoverageChange[]): void {
  if (changes.length === 0) return;
  qc.setQueriesData<CoverageView>({ queryKey: ['lake.coverage'] }, (old) => (old ? patchCoverageView(old, changes) : old));
  // Only the hovered cell's details are ever cached as active, so a blanket refresh is cheap.
  void qc.invalidateQueries({ queryKey: ['lake.cell'] });
}
