import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { lakePaths } from '../lake/lake-paths.ts';
import type { CrashRecord, JobSummary, SupervisedJob } from './job-types.ts';

/** A new sortable run id such as "2026-11-21T22-10-05Z-ab12" (UTC time, then 4 random hex digits). */
export function newRunId(now: Date = new Date()): string {
  const stamp = now.toISOString().slice(0, 19).replace(/:/g, '-');
  return `${stamp}Z-${crypto.randomBytes(2).toString('hex')}`;
}

/** True for strings shaped like a run id (guards paths built from user input). */
export function isRunId(s: string): boolean {
  return /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z-[0-9a-f]{4}$/.test(s);
}

/** A job as listed in the run's first journal line (never the payload: it may hold secrets). */
export type JournalJob = Pick<SupervisedJob, 'id' | 'kind' | 'dataset' | 'date' | 'dependsOn' | 'estimatedBytes'>;

/** Lists a job for the journal and listeners: its plan fields without the payload. */
export function journalJob(j: SupervisedJob): JournalJob {
  return {
    id: j.id, kind: j.kind, dataset: j.dataset, date: j.date,
    ...(j.dependsOn?.length ? { dependsOn: j.dependsOn } : {}),
    ...(j.estimatedBytes !== undefined ? { estimatedBytes: j.estimatedBytes } : {}),
  };
}

/** One line of a run journal. Every line has `t` (ISO time) and `type`. */
export type JournalEntry = { t: string } & (
  | { type: 'run.started'; runId: string; pid: number; host: string; command: string; jobs: JournalJob[]; plan?: unknown }
  | { type: 'job.started'; jobId: string; attempt: number; pid: number | null }
  | { type: 'job.crashed'; jobId: string; crash: CrashRecord }
  | { type: 'job.retry'; jobId: string; attempt: number; delayMs: number; reason: string }
  | { type: 'job.requeued'; jobId: string; reason: string }
  // The job's summary, named by jobId (the first line already lists its kind, dataset and date).
  | ({ type: 'job.finished'; jobId: string } & Omit<JobSummary, 'id' | 'kind' | 'dataset' | 'date'>)
  | { type: 'memory.level'; level: string; usedPercent: number }
  | { type: 'run.finished'; state: string; durationMs: number; counts: Record<string, number>; bytesDownloaded: number }
);

/** Distributes Omit over a union, so each journal entry keeps its own fields. */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** An entry as callers write it; the journal stamps the time. */
export type JournalInput = DistributiveOmit<JournalEntry, 't'>;

/** The append-only journal of one run plus its per-job logs. */
export interface RunJournal {
  readonly runId: string;
  readonly file: string;
  append(entry: JournalInput): void;
  /** Appends one line to `metadata/runs/<run-id>/<job-id>.log`. */
  jobLog(jobId: string, line: string): void;
  /** Flushes the journal to disk and closes every file. */
  close(): Promise<void>;
}

/** Path of a job's log file. */
export function jobLogPath(lakeRoot: string, runId: string, jobId: string): string {
  return path.join(lakePaths(lakeRoot).runsDir, runId, `${jobId.replace(/[^\w.-]/g, '_')}.log`);
}

/**
 * Opens the journal of a new run. Lines are written with one synchronous write each (O_APPEND), so
 * a crash can cut at most the last line, which readers skip; the file is fsync'd when the run ends.
 */
export function openRunJournal(lakeRoot: string, runId: string, now: () => Date = () => new Date()): RunJournal {
  const file = lakePaths(lakeRoot).runJournal(runId);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const fd = fs.openSync(file, 'a');
  const logs = new Map<string, number>();
  let closed = false;
  return {
    runId,
    file,
    append(entry) {
      if (closed) return;
      fs.writeSync(fd, `${JSON.stringify({ t: now().toISOString(), ...entry })}\n`);
    },
    jobLog(jobId, line) {
      if (closed) return;
      let logFd = logs.get(jobId);
      if (logFd === undefined) {
        const p = jobLogPath(lakeRoot, runId, jobId);
        fs.mkdirSync(path.dirname(p), { recursive: true });
        logFd = fs.openSync(p, 'a');
        logs.set(jobId, logFd);
      }
      fs.writeSync(logFd, line.endsWith('\n') ? line : `${line}\n`);
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const l of logs.values()) fs.closeSync(l);
      fs.fsyncSync(fd);
      fs.closeSync(fd);
    },
  };
}
