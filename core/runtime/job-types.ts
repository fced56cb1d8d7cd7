import type { JobProgress } from '../progress/job-progress.ts';
import type { ExitReason } from '../process/process-launcher.ts';

/** Kinds of job; each has its own concurrency limit. ingest and compute are the memory-heavy ones. */
export type JobKind = 'download' | 'ingest' | 'compute';

/** True for kinds the memory monitor may stop under sustained critical pressure. */
export function isHeavyKind(kind: JobKind): boolean {
  return kind !== 'download';
}

/**
 * How a job attempt ended, in the coverage vocabulary where it applies. `skipped` means there was
 * nothing to do (already present, or a prerequisite did not produce its input).
 */
export type JobOutcome =
  | 'complete'
  | 'degraded'
  | 'skipped'
  | 'pending'
  | 'missing'
  | 'not_entitled'
  | 'failed'
  | 'cancelled';

/** Every state a job can be in during a run. */
export type JobState = 'queued' | 'running' | JobOutcome;

/** Outcomes that are final without a retry: the same attempt would get the same answer. */
export const FINAL_WITHOUT_RETRY: ReadonlySet<JobOutcome> = new Set([
  'complete', 'degraded', 'skipped', 'pending', 'missing', 'not_entitled', 'cancelled',
]);

/** Outcomes after which a dependent job can run (its input exists). */
export const PRODUCES_INPUT: ReadonlySet<JobOutcome> = new Set(['complete', 'degraded', 'skipped']);

/** A job as the supervisor schedules it. `payload` goes to the worker and is never journaled (it may hold secrets). */
export interface SupervisedJob {
  id: string;
  kind: JobKind;
  dataset: string;
  date: string;
  /** Jobs that must end with an input-producing outcome first. */
  dependsOn?: string[];
  /** Lake partition this job writes; the supervisor lets one job at a time write a partition. */
  partition: string;
  /** Best estimate of bytes the job moves (download size; ingest reads the same file). */
  estimatedBytes?: number;
  /** Worker module for this job (absolute path). */
  entry: string;
  payload: unknown;
  maxHeapMb?: number;
}

/**
 * Failures that no retry can mend and that every other job of the run would meet too: the run
 * stops at the first one (the disk is full; the credentials were rejected).
 */
export type RunStoppingError = 'disk_full' | 'credentials';

/** What the worker reports when its job ends. */
export interface WorkerResult {
  outcome: JobOutcome;
  /** Set with a `failed` outcome that must stop the run rather than be retried. */
  errorKind?: RunStoppingError;
  bytes?: number;
  rows?: number;
  rejects?: number;
  error?: string;
  /** Output file, relative to the lake root when inside it. */
  file?: string;
}

/** One crash of a job process, kept per attempt. */
export interface CrashRecord {
  attempt: number;
  reason: ExitReason;
  code: number | null;
  signal: string | null;
  /** Last stderr line(s), scrubbed. */
  detail?: string;
}

/** The outcome of a whole job over all its attempts. */
export interface JobSummary {
  id: string;
  kind: JobKind;
  dataset: string;
  date: string;
  state: JobState;
  attempts: number;
  durationMs: number;
  bytes?: number;
  rows?: number;
  rejects?: number;
  error?: string;
  errorKind?: RunStoppingError;
  crashes: CrashRecord[];
  warnings: string[];
  /** Times the memory monitor stopped and requeued this job (not counted as attempts). */
  memoryRequeues: number;
}

/** Messages from supervisor to worker. */
export type ToWorker = { type: 'start'; jobId: string; spec: unknown } | { type: 'cancel' };

/** Messages from worker to supervisor. */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'progress'; progress: JobProgress }
  | { type: 'log'; level: string; line: string }
  | { type: 'result'; result: WorkerResult };

/** Narrows an untrusted IPC message to a worker message. */
export function isFromWorker(m: unknown): m is FromWorker {
  if (typeof m !== 'object' || m === null) return false;
  const t = (m as { type?: unknown }).type;
  return t === 'ready' || t === 'progress' || t === 'log' || t === 'result';
}

/** Narrows an IPC message to a supervisor message. */
export function isToWorker(m: unknown): m is ToWorker {
  if (typeof m !== 'object' || m === null) return false;
  const t = (m as { type?: unknown }).type;
  return t === 'start' || t === 'cancel';
}
