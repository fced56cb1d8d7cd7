import type { JobKind, JobResource, JobState } from '../vocabulary/job-states.ts';
import type { RunStoppingError } from '../process/job-protocol.ts';
import type { Layer } from '../vocabulary/layers.ts';
import type { ExitReason } from '../process/process-launcher.ts';

export type { JobKind, JobOutcome, JobResource, JobState } from '../vocabulary/job-states.ts';
export { FINAL_WITHOUT_RETRY, PRODUCES_INPUT } from '../vocabulary/job-states.ts';
export type { FromWorker, RunStoppingError, ToWorker, WorkerResult } from '../process/job-protocol.ts';
export { isFromWorker, isToWorker } from '../process/job-protocol.ts';

/** A job as the supervisor schedules it. `payload` goes to the worker and is never journaled (it may hold secrets). */
export interface SupervisedJob {
  id: string;
  kind: JobKind;
  /** The slot pool it takes. */
  resource: JobResource;
  dataset: string;
  layer: Layer;
  /** First date it writes. */
  date: string;
  /** Every date it writes (one, or a fetch unit or range). */
  dates: string[];
  /** Jobs that must end with an input-producing outcome first. */
  dependsOn?: string[];
  /** Partitions it writes ("dataset|layer|date"); one job at a time may write a partition. */
  partitions: string[];
  /** Best estimate of bytes the job moves (download size; ingest reads the same file). */
  estimatedBytes?: number;
  /** Worker module for this job (absolute path). */
  entry: string;
  payload: unknown;
  maxHeapMb?: number;
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
  layer: Layer;
  date: string;
  dates: string[];
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

