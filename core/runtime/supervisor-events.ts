import type { MemoryLevel, MemorySample } from '../system/memory-monitor.ts';
import type { CrashRecord, JobKind, JobState, JobSummary } from './job-types.ts';
import type { MeteredProgress, RunProgress } from './progress-meter.ts';
import type { JournalJob } from './run-journal.ts';

export type { RunProgress } from './progress-meter.ts';

/** A job as listeners see it: as the journal lists it (no payload), with its current state. */
export interface JobView extends JournalJob {
  state: JobState;
  attempts: number;
}

export type { RunEnd } from '../vocabulary/job-states.ts';
import type { RunEnd } from '../vocabulary/job-states.ts';

/** The result of a run, as printed by `update --json` and shown by the UI. */
export interface RunSummary {
  runId: string;
  state: RunEnd;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  counts: Partial<Record<JobState, number>>;
  bytesDownloaded: number;
  journal: string;
  jobs: JobSummary[];
  /** Why the run stopped early (disk full, credentials rejected), when it did. */
  error?: string;
}

/** Everything the supervisor tells its listeners (the CLI display now, the UI through the contract later). */
export type SupervisorEvent =
  | { type: 'run.started'; runId: string; jobs: JobView[] }
  | { type: 'job.queued'; runId: string; job: JobView; reason?: string }
  | { type: 'job.started'; runId: string; jobId: string; attempt: number; pid: number | null }
  | { type: 'job.progress'; runId: string; jobId: string; kind: JobKind; dataset: string; date: string; progress: MeteredProgress }
  | { type: 'job.paused'; runId: string; jobId: string; reason: string }
  | { type: 'job.resumed'; runId: string; jobId: string }
  | { type: 'job.crashed'; runId: string; jobId: string; crash: CrashRecord; willRetry: boolean }
  | { type: 'job.finished'; runId: string; job: JobSummary }
  | { type: 'run.progress'; runId: string; progress: RunProgress }
  | { type: 'run.waiting'; runId: string; level: MemoryLevel; message: string }
  /** Something a person should know that does not change the run (a journal line that could not be written). */
  | { type: 'run.notice'; runId: string; message: string }
  | { type: 'run.finished'; runId: string; summary: RunSummary }
  | { type: 'system.memory'; sample: MemorySample };

/** A listener for supervisor events. */
export type SupervisorListener = (event: SupervisorEvent) => void;

/** A set of listeners; a throwing listener is reported, never allowed to break the run. */
export function createEventHub(onListenerError: (err: unknown) => void = () => undefined) {
  const listeners = new Set<SupervisorListener>();
  return {
    on(listener: SupervisorListener): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(event: SupervisorEvent): void {
      for (const l of listeners) {
        try {
          l(event);
        } catch (err) {
          onListenerError(err);
        }
      }
    },
  };
}
