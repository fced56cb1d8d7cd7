import type { MemoryLevel } from '../system/memory-monitor.ts';
import { PRODUCES_INPUT, type JobOutcome, type JobResource, type JobState } from '../vocabulary/job-states.ts';

/** Concurrency limits: per slot pool, and over all jobs. */
export interface JobLimits {
  network: number;
  compute: number;
  maxParallel: number;
}

/** What the scheduler needs to know about each job of a run. */
export interface SchedulableJob {
  id: string;
  resource: JobResource;
  state: JobState;
  dependsOn?: readonly string[];
  /** Partitions it writes; one job at a time may write a partition. */
  partitions: readonly string[];
  /** Earliest time (ms) a retry may start. */
  notBefore: number;
  /** Still holding its partitions and slot (running, or stopping and not yet exited). */
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
      out.push({ id: j.id, state: dep.state === 'cancelled' ? 'cancelled' : 'skipped', reason: `${dep.id} ended ${dep.state}` });
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
  const running: Record<JobResource, number> = { network: 0, compute: 0 };
  const held = new Set<string>();
  let total = 0;
  for (const j of jobs) {
    if (!j.occupying) continue;
    running[j.resource] += 1;
    total += 1;
    for (const p of j.partitions) held.add(p);
  }
  const free = (j: SchedulableJob) => j.partitions.every((p) => !held.has(p));
  const ready = jobs.filter(
    (j) => j.state === 'queued' && j.notBefore <= now && free(j) && (j.dependsOn ?? []).every((d) => PRODUCES_INPUT.has(byId.get(d)?.state as JobOutcome)),
  );
  if (ready.length === 0) return { start: [], heldBy: null };
  if (level === 'critical' || (level === 'warning' && total > 0)) return { start: [], heldBy: level };
  const start: string[] = [];
  const maxNow = level === 'warning' ? 1 : limits.maxParallel;
  for (const j of ready) {
    if (total >= maxNow) break;
    if (running[j.resource] >= limits[j.resource] || !free(j)) continue;
    start.push(j.id);
    running[j.resource] += 1;
    total += 1;
    for (const p of j.partitions) held.add(p);
  }
  return { start, heldBy: null };
}
