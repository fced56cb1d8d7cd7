import type { MemoryLevel } from '../system/memory-monitor.ts';
import type { JobResource } from '../vocabulary/job-states.ts';

/** A running job as the memory response sees it. */
export interface RunningJob {
  id: string;
  resource: JobResource;
  paused: boolean;
  /** Said `ready`; a process still starting has its own start timeout and is left alone. */
  ready: boolean;
  /** Launch order; the highest is the newest. */
  launchSeq: number;
}

/** What to do about one memory sample. */
export interface MemoryActions {
  pause: string[];
  resume: string[];
  /** The heavy job to stop and requeue, if critical has lasted the grace period. */
  stop: string | null;
  /** When the current critical spell started (restarted after each stop), or null. */
  criticalSince: number | null;
}

/**
 * The supervisor's response to a memory sample. At `critical`, downloads are paused (SIGSTOP)
 * rather than stopped: they hold little memory, and a stopped download would start over from byte
 * zero; they resume below critical. If critical lasts `graceMs`, the newest heavy job (a compute
 * job: ingest, silver, features, gold, the ones whose memory grows with the data) is stopped and requeued, and the grace
 * period restarts, so at most one job is given up per period while the machine recovers.
 */
export function respondToMemory(
  level: MemoryLevel,
  running: readonly RunningJob[],
  criticalSince: number | null,
  now: number,
  graceMs: number,
): MemoryActions {
  if (level !== 'critical') {
    return { pause: [], resume: running.filter((j) => j.paused).map((j) => j.id), stop: null, criticalSince: null };
  }
  const pause = running.filter((j) => j.resource === 'network' && !j.paused && j.ready).map((j) => j.id);
  const since = criticalSince ?? now;
  if (now - since < graceMs) return { pause, resume: [], stop: null, criticalSince: since };
  const newest = running.filter((j) => j.resource === 'compute').sort((a, b) => b.launchSeq - a.launchSeq)[0];
  return { pause, resume: [], stop: newest?.id ?? null, criticalSince: newest ? now : since };
}
