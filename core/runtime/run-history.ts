import fs from 'node:fs';
import os from 'node:os';
import { lakePaths } from '../lake/lake-paths.ts';
import type { JobState, JobSummary } from './job-types.ts';
import { readLockOwner } from './lake-lock.ts';
import { pidAlive } from '../files/process-alive.ts';
import { isRunId, jobLogPath, type JournalEntry } from './run-journal.ts';

/** How a run ended, or `running` / `interrupted` when its journal has no final line. */
export type { RunState } from '../vocabulary/job-states.ts';
import type { RunState } from '../vocabulary/job-states.ts';

/** A job as reconstructed from a journal; `interrupted` means its run died while it ran or waited. */
export interface JobRecord extends Omit<JobSummary, 'state' | 'durationMs'> {
  state: JobState | 'interrupted';
  /** Null when the journal has no end for the job. */
  durationMs: number | null;
}

/** A run as reconstructed from its journal. */
export interface RunRecord {
  runId: string;
  state: RunState;
  command: string;
  pid: number;
  host: string;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  counts: Record<string, number>;
  bytesDownloaded: number;
  jobs: JobRecord[];
  /** Why the run stopped early (disk full, credentials rejected), when it did. */
  error: string | null;
}

/** Parses journal text, skipping a torn last line (a crash mid-write) or anything unparsable. */
export function parseJournal(text: string): JournalEntry[] {
  const out: JournalEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as JournalEntry);
    } catch {
      // A torn line carries nothing we could trust.
    }
  }
  return out;
}

/** Rebuilds a run from its journal entries; `alive` decides whether an unfinished run still runs. */
export function reconstructRun(entries: JournalEntry[], alive: (pid: number, host: string) => boolean): RunRecord | null {
  const start = entries.find((e) => e.type === 'run.started');
  if (!start || start.type !== 'run.started') return null;
  const jobs = new Map<string, JobRecord>();
  for (const j of start.jobs) {
    // Journals written before layers were recorded name download and ingest jobs only.
    const layer = j.layer ?? (j.kind === 'download' ? 'landing' : 'bronze');
    jobs.set(j.id, {
      id: j.id, kind: j.kind, dataset: j.dataset, layer, date: j.date, dates: j.dates ?? [j.date],
      state: 'queued', attempts: 0, durationMs: null, crashes: [], warnings: [], memoryRequeues: 0,
    });
  }
  let finish: Extract<JournalEntry, { type: 'run.finished' }> | null = null;
  let stopping: string | null = null;
  for (const e of entries) {
    const job = 'jobId' in e ? jobs.get(e.jobId) : undefined;
    switch (e.type) {
      case 'job.started':
        if (job) Object.assign(job, { state: 'running', attempts: Math.max(job.attempts, e.attempt) });
        break;
      case 'job.crashed':
        if (job) job.crashes.push(e.crash);
        break;
      case 'job.requeued':
        if (job) Object.assign(job, { state: 'queued', memoryRequeues: job.memoryRequeues + 1 });
        break;
      case 'job.retry':
        if (job) job.state = 'queued';
        break;
      case 'job.finished':
        if (job) {
          const { t: _t, type: _type, jobId: _id, ...rest } = e;
          Object.assign(job, rest);
        }
        break;
      case 'run.stopping':
        stopping = e.reason;
        break;
      case 'run.finished':
        finish = e;
        break;
      default:
        break;
    }
  }
  const last = entries[entries.length - 1];
  let state: RunState;
  if (finish) state = finish.state as RunState;
  else if (alive(start.pid, start.host)) state = 'running';
  else {
    state = 'interrupted';
    for (const j of jobs.values()) if (j.state === 'running' || j.state === 'queued') j.state = 'interrupted';
  }
  const counts: Record<string, number> = {};
  for (const j of jobs.values()) counts[j.state] = (counts[j.state] ?? 0) + 1;
  const startedAt = start.t;
  const finishedAt = finish?.t ?? (state === 'interrupted' ? (last?.t ?? null) : null);
  return {
    runId: start.runId,
    state,
    command: start.command,
    pid: start.pid,
    host: start.host,
    startedAt,
    finishedAt,
    durationMs: finish?.durationMs ?? (finishedAt ? Date.parse(finishedAt) - Date.parse(startedAt) : null),
    counts,
    bytesDownloaded: finish?.bytesDownloaded ?? [...jobs.values()].filter((j) => j.kind === 'download').reduce((s, j) => s + (j.bytes ?? 0), 0),
    jobs: [...jobs.values()],
    error: finish?.error ?? stopping,
  };
}

/**
 * Whether a run without a final line is still going: its process must be alive and, when the lake
 * lock names a run, be that run (a recycled pid must not make a dead run look alive). A run on
 * another host (a shared network lake) cannot be checked, so the lock alone decides.
 */
function runAlive(lakeRoot: string, runId: string) {
  return (pid: number, host: string): boolean => {
    const lock = readLockOwner(lakeRoot);
    if (lock?.runId && lock.runId !== runId && lock.host === host) return false;
    if (host !== os.hostname()) return lock?.runId === runId;
    return pidAlive(pid) && (!lock || lock.pid === pid);
  };
}

/** Reads one run; null when no journal with that id exists. */
export async function readRun(lakeRoot: string, runId: string): Promise<RunRecord | null> {
  if (!isRunId(runId)) return null;
  let text: string;
  try {
    text = await fs.promises.readFile(lakePaths(lakeRoot).runJournal(runId), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  return reconstructRun(parseJournal(text), runAlive(lakeRoot, runId));
}

/** The most recent runs, newest first (run ids sort by start time). */
export async function listRuns(lakeRoot: string, limit = 20): Promise<RunRecord[]> {
  let names: string[];
  try {
    names = await fs.promises.readdir(lakePaths(lakeRoot).runsDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const ids = names
    .filter((n) => n.endsWith('.jsonl'))
    .map((n) => n.slice(0, -'.jsonl'.length))
    .filter(isRunId)
    .sort()
    .reverse()
    .slice(0, limit);
  const runs = await Promise.all(ids.map((id) => readRun(lakeRoot, id)));
  return runs.filter((r): r is RunRecord => r !== null);
}

/** A job's log text, or null when the job wrote none. */
export async function readJobLog(lakeRoot: string, runId: string, jobId: string): Promise<string | null> {
  if (!isRunId(runId)) return null;
  try {
    return await fs.promises.readFile(jobLogPath(lakeRoot, runId, jobId), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}
