/**
 * What a job reports while it runs. Jobs send raw counters; the supervisor derives rate and ETA
 * from successive reports, so every job gets them without computing them itself.
 */
export interface JobProgress {
  /** Short phase name: "listing", "downloading", "verifying", "reading", "validating", "writing", ... */
  phase: string;
  bytesDone?: number;
  bytesTotal?: number;
  rowsDone?: number;
  rowsTotal?: number;
  /** Something the user should see but that does not fail the job (e.g. "312 rows rejected"). */
  warning?: string;
  message?: string;
}

/** Callback jobs use to report progress; cheap to call often (the supervisor throttles fan-out). */
export type ProgressSink = (progress: JobProgress) => void;
