/**
 * The messages between the supervisor and a job process, the same under child_process and
 * Electron's utilityProcess. A job talks to run-wide services (the REST rate gate) through
 * `service` messages, so the supervisor can broker them without knowing what they are.
 */
import type { JobProgress } from '../progress/job-progress.ts';
import type { JobOutcome } from '../vocabulary/job-states.ts';

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

/** Messages from supervisor to worker. */
export type ToWorker =
  | { type: 'start'; jobId: string; spec: unknown }
  | { type: 'cancel' }
  | { type: 'service'; message: unknown };

/** Messages from worker to supervisor. */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'progress'; progress: JobProgress }
  | { type: 'log'; level: string; line: string }
  | { type: 'service'; message: unknown }
  | { type: 'result'; result: WorkerResult };

/** Narrows an untrusted IPC message to a worker message. */
export function isFromWorker(m: unknown): m is FromWorker {
  if (typeof m !== 'object' || m === null) return false;
  const t = (m as { type?: unknown }).type;
  return t === 'ready' || t === 'progress' || t === 'log' || t === 'result' || t === 'service';
}

/** Narrows an IPC message to a supervisor message. */
export function isToWorker(m: unknown): m is ToWorker {
  if (typeof m !== 'object' || m === null) return false;
  const t = (m as { type?: unknown }).type;
  return t === 'start' || t === 'cancel' || t === 'service';
}
