import type { MemoryLevel } from '../system/memory-monitor.ts';
import { PRODUCES_INPUT, type JobKind, type JobOutcome, type JobState } from './job-types.ts';

/** Concurrency limits: per kind, and over all kinds. */
export interface JobLimits {
  download: number;
  ingest: number;
  compute: number;
  maxParallel: number;
}

/** What the scheduler needs to know about each job of a run. */
export interface SchedulableJob {
  id: string;
  kind: JobKind;
  state: JobState;
  dependsOn?: readonly string[];
  partition: string;
  /** Earliest time (ms) a retry may start. */
  notBefore: number;
  /** Still holding its partition and slot (running, or stopping and not yet exited). */
  occupying: boolean;
}

/** Queued jobs whose prerequisites ended without producing their input, and what they become. */
export function unsatisfiableJobs(jobs: readonly SchedulableJob[]): Array<{ id: string; state: JobOutcome; reason: string }> {
  const byId = new Map(jobs.map((j) => [j.id, j]));
  const out: Array<{ id: string; state: JobOutcome; reason: string }> = [];
  for (const j of jobs) {
    if (j.state !== 'queued') continue;
    for (const depId of j.dependsOn ?? []) {
      const dep = byId.get(depId);
      if (!dep || dep.state === 'queued' || dep.state === 'running' || PRODUCES_INPUT.has(dep.state as JobOutcome)) continue;
      out.push({
        id: j.id,
        state: dep.state === 'cancelled' ? 'cancelled' : 'skipped',
        reason: `${dep.id} ended ${dep.state}`,
      });
      break;
    }
  }
  return out;
}

/** Result of one scheduling pass. */
export interface SchedulePick {
  start: string[];
  /** Set when jobs are ready but memory pressure holds them back. */
  heldBy: MemoryLevel | null;
}

/**
 * Chooses which ready jobs start now, in queue order, within the limits. Memory pressure gates
 * starts: at `critical` nothing starts; at `warning` nothing starts while any job of the run is
 * running. The one exception (warning, nothing running) keeps a run from waiting forever on memory
 * that other applications hold: one job at a time still gets through, which is the least a run
 * can do and still finish.
 */
export function pickJobsToStart(jobs: readonly SchedulableJob[], limits: JobLimits, level: MemoryLevel, now: number): SchedulePick {
  const byId = new Map(jobs.map((j) => [j.id, j]));
  const running = { download: 0, ingest: 0, compute: 0 };
  const held = new Set<string>();
  let total = 0;
  for (const j of jobs) {
    if (!j.occupying) continue;
    running[j.kind] += 1;
    total += 1;
    held.add(j.partition);
  }
  const ready = jobs.filter(
    (j) =>
      j.state === 'queued' &&
      j.notBefore <= now &&
      !held.has(j.partition) &&
      (j.dependsOn ?? []).every((d) => PRODUCES_INPUT.has(byId.get(d)?.state as JobOutcome)),
  );
  if (ready.length === 0) return { start: [], heldBy: null };
  if (level === 'critical' || (level === 'warning' && total > 0)) return { start: [], heldBy: level };
  const start: string[] = [];
  const maxNow = level === 'warning' ? 1 : limits.maxParallel;
  for (const j of ready) {
    if (total >= maxNow) break;
    if (running[j.kind] >= limits[j.kind] || held.has(j.partition)) continue;
    start.push(j.id);
    running[j.kind] += 1;
    total += 1;
    held.add(j.partition);
  }
  return { start, heldBy: null };
}
