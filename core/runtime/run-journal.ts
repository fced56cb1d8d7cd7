import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { isDiskFull } from '../files/disk-errors.ts';
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
export type JournalJob = Pick<SupervisedJob, 'id' | 'kind' | 'dataset' | 'date' | 'dependsOn' | 'estimatedBytes'> & Partial<Pick<SupervisedJob, 'layer' | 'dates'>>;

/** Lists a job for the journal and listeners: its plan fields without the payload. */
export function journalJob(j: SupervisedJob): JournalJob {
  return {
    id: j.id, kind: j.kind, dataset: j.dataset, layer: j.layer, date: j.date, ...(j.dates.length > 1 ? { dates: j.dates } : {}),
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
  | ({ type: 'job.finished'; jobId: string } & Omit<JobSummary, 'id' | 'kind' | 'dataset' | 'date' | 'layer' | 'dates'>)
  | { type: 'memory.level'; level: string; usedPercent: number }
  | { type: 'run.stopping'; reason: string }
  | { type: 'run.finished'; state: string; durationMs: number; counts: Record<string, number>; bytesDownloaded: number; error?: string }
);

/** Distributes Omit over a union, so each journal entry keeps its own fields. */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** An entry as callers write it; the journal stamps the time. */
export type JournalInput = DistributiveOmit<JournalEntry, 't'>;

/** A write the journal could not make (the run goes on; the supervisor decides what it means). */
export interface JournalWriteError {
  path: string;
  message: string;
  diskFull: boolean;
}

/** The append-only journal of one run plus its per-job logs. */
export interface RunJournal {
  readonly runId: string;
  readonly file: string;
  /** Appends one line; never throws (a failed write is reported through onWriteError). */
  append(entry: JournalInput): void;
  /** Appends one line to `metadata/runs/<run-id>/<job-id>.log`; never throws. */
  jobLog(jobId: string, line: string): void;
  /** Called once per failed write (the first failure of each file). */
  onWriteError(cb: (err: JournalWriteError) => void): void;
  /** Flushes the journal to disk and closes every file. */
  close(): Promise<void>;
}

/** Path of a job's log file. */
export function jobLogPath(lakeRoot: string, runId: string, jobId: string): string {
  return path.join(lakePaths(lakeRoot).runsDir, runId, `${jobId.replace(/[^\w.-]/g, '_')}.log`);
}

/** Room kept aside while a run is open, so its last lines can still be written on a full disk. */
const RESERVE_BYTES = 256 * 1024;

/**
 * Opens the journal of a new run. Lines are written with one synchronous write each (O_APPEND), so
 * a crash can cut at most the last line, which readers skip; the file is fsync'd when the run ends.
 * A failed write never throws: a run must be able to say why it failed even when the disk it
 * writes to is full. A reserve file of RESERVE_BYTES is kept beside the journal and given back on
 * the first "disk full", so the journal's remaining lines (job outcomes, the run's end and its
 * reason) still fit; job logs stop at that point, as the least needed.
 */
export function openRunJournal(lakeRoot: string, runId: string, now: () => Date = () => new Date()): RunJournal {
  const file = lakePaths(lakeRoot).runJournal(runId);
  const reserve = `${file}.reserve`;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const fd = fs.openSync(file, 'a');
  try {
    fs.writeFileSync(reserve, Buffer.alloc(RESERVE_BYTES));
  } catch {
    fs.rmSync(reserve, { force: true });
  }
  const logs = new Map<string, number>();
  const failedPaths = new Set<string>();
  const listeners: Array<(err: JournalWriteError) => void> = [];
  let closed = false;
  let diskFull = false;
  let brokenLine = false;

  const report = (p: string, err: unknown) => {
    if (failedPaths.has(p)) return;
    failedPaths.add(p);
    const e: JournalWriteError = { path: p, message: (err as Error).message, diskFull: isDiskFull(err) };
    for (const cb of listeners) {
      try {
        cb(e);
      } catch {
        // A listener's failure must not turn into the journal's.
      }
    }
  };

  /** Writes all of `text` or throws; a short write leaves `brokenLine` set so the next line starts clean. */
  const writeAll = (target: number, text: string) => {
    const buf = Buffer.from(text);
    let off = 0;
    while (off < buf.length) {
      const n = fs.writeSync(target, buf, off);
      off += n;
      if (off < buf.length) brokenLine = true;
    }
  };

  const writeLine = (target: number, p: string, line: string): boolean => {
    const text = `${brokenLine && target === fd ? '\n' : ''}${line}`;
    try {
      writeAll(target, text);
      if (target === fd) brokenLine = false;
      return true;
    } catch (err) {
      if (target === fd) brokenLine = true;
      if (isDiskFull(err) && !diskFull) {
        diskFull = true;
        fs.rmSync(reserve, { force: true });
        try {
          writeAll(target, `${brokenLine && target === fd ? '\n' : ''}${line}`);
          if (target === fd) brokenLine = false;
          report(p, err);
          return true;
        } catch (again) {
          report(p, again);
          return false;
        }
      }
      report(p, err);
      return false;
    }
  };

  return {
    runId,
    file,
    append(entry) {
      if (closed) return;
      writeLine(fd, file, `${JSON.stringify({ t: now().toISOString(), ...entry })}\n`);
    },
    jobLog(jobId, line) {
      if (closed || diskFull) return;
      const p = jobLogPath(lakeRoot, runId, jobId);
      let logFd = logs.get(jobId);
      if (logFd === undefined) {
        try {
          fs.mkdirSync(path.dirname(p), { recursive: true });
          logFd = fs.openSync(p, 'a');
        } catch (err) {
          report(p, err);
          return;
        }
        logs.set(jobId, logFd);
      }
      writeLine(logFd, p, line.endsWith('\n') ? line : `${line}\n`);
    },
    onWriteError(cb) {
      listeners.push(cb);
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const l of logs.values()) fs.closeSync(l);
      try {
        fs.fsyncSync(fd);
      } catch (err) {
        report(file, err);
      }
      fs.closeSync(fd);
      fs.rmSync(reserve, { force: true });
    },
  };
}
