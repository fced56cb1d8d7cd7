/**
 * Runs and jobs as the UI sees them, rebuilt from the run journal (the one durable record of a run;
 * the supervisor writes a line per state change, synchronously, so the journal is also current for
 * the run in progress).
 */
import fs from 'node:fs';
import type { JobState as ViewJobState, JobView, RunDetailView, RunOutcome, RunSummaryView } from '../contract/contract-views.ts';
import { lakePaths } from '../lake/lake-paths.ts';
import { isRunId, type JournalEntry } from '../runtime/run-journal.ts';
import { listRuns, parseJournal, readRun, type JobRecord, type RunRecord } from '../runtime/run-history.ts';
import { describeCrash } from '../runtime/supervisor.ts';

/** What a run was started for; recorded as the journal's command so history can tell. */
export type RunKind = RunSummaryView['kind'];

/** The journal command of an app-started run. */
export function appRunCommand(kind: RunKind, detail = ''): string {
  return `quantmini app ${kind}${detail ? ` ${detail}` : ''}`;
}

function kindOf(command: string): RunKind {
  if (/\bbackfill\b/.test(command)) return 'backfill';
  if (/\bretry\b/.test(command)) return 'retry';
  if (/\bresume\b/.test(command)) return 'resume';
  return 'update';
}

const PARTIAL_STATES = new Set(['degraded', 'not_entitled', 'missing', 'pending', 'skipped', 'failed', 'crashed', 'cancelled']);

/** The run's outcome in the UI's words: a complete run with any non-complete job is `partial`. */
export function runOutcome(record: Pick<RunRecord, 'state' | 'jobs'> & { error?: string | null }): RunOutcome {
  switch (record.state) {
    case 'running':
      return 'running';
    case 'interrupted':
      return 'interrupted';
    case 'cancelled':
      return 'cancelled';
    case 'failed':
      // A run stopped by a failure every job would meet (disk full, credentials) failed, whatever it finished first.
      if (record.error) return 'failed';
      return record.jobs.some((j) => j.state === 'complete' || j.state === 'degraded') ? 'partial' : 'failed';
    default:
      return record.jobs.some((j) => PARTIAL_STATES.has(j.state) && j.state !== 'skipped') ? 'partial' : 'succeeded';
  }
}

function viewState(state: JobRecord['state']): ViewJobState {
  return state === 'interrupted' ? 'crashed' : state;
}

function countsOf(jobs: readonly JobRecord[]): RunSummaryView['counts'] {
  const counts: RunSummaryView['counts'] = {};
  for (const j of jobs) {
    const s = viewState(j.state);
    counts[s] = (counts[s] ?? 0) + 1;
  }
  return counts;
}

/** A run's summary line for the Runs list. */
export function runSummaryView(record: RunRecord): RunSummaryView {
  return {
    runId: record.runId,
    kind: kindOf(record.command),
    outcome: runOutcome(record),
    startedAt: record.startedAt,
    finishedAt: record.finishedAt,
    durationMs: record.durationMs,
    counts: countsOf(record.jobs),
    error: record.error,
  };
}

interface JobTimes {
  startedAt: string | null;
  finishedAt: string | null;
}

/** Start and finish times per job, which the reconstructed record does not keep. */
function jobTimes(entries: readonly JournalEntry[]): Map<string, JobTimes> {
  const out = new Map<string, JobTimes>();
  for (const e of entries) {
    if (e.type !== 'job.started' && e.type !== 'job.finished') continue;
    const t = out.get(e.jobId) ?? { startedAt: null, finishedAt: null };
    if (e.type === 'job.started') t.startedAt ??= e.t;
    else t.finishedAt = e.t;
    out.set(e.jobId, t);
  }
  return out;
}

/** One job of a run for the run's detail view. */
export function jobView(j: JobRecord, times: JobTimes | undefined, maxAttempts: number | null = null): JobView {
  const lastCrash = j.crashes[j.crashes.length - 1];
  const crashReason =
    j.state === 'interrupted' ? 'the app stopped while this job ran' : lastCrash ? `${describeCrash(lastCrash)}${lastCrash.detail ? `: ${lastCrash.detail}` : ''}` : null;
  return {
    jobId: j.id,
    kind: j.kind,
    dataset: j.dataset,
    layer: j.layer,
    date: j.date,
    dates: j.dates,
    state: viewState(j.state),
    attempts: j.attempts,
    maxAttempts,
    startedAt: times?.startedAt ?? null,
    finishedAt: times?.finishedAt ?? null,
    durationMs: j.durationMs,
    rows: j.rows ?? null,
    bytes: j.bytes ?? null,
    // A cancelled job's error just repeats its state.
    error: j.state === 'cancelled' && j.error === 'cancelled' ? null : (j.error ?? null),
    crashReason,
  };
}

type PlanConcurrency = { downloads: number; ingestWorkers: number; duckdbThreads: number; duckdbMemoryLimit: string; maxParallel?: number };

/** Reads one run's journal into the detail view; null when there is no such run. */
export async function readRunDetail(lakeRoot: string, runId: string): Promise<RunDetailView | null> {
  if (!isRunId(runId)) return null;
  // readRun decides whether an unfinished run still runs (pid and lock); the raw entries add the
  // job times and the concurrency the run was started with.
  const record = await readRun(lakeRoot, runId);
  if (!record) return null;
  let entries: JournalEntry[] = [];
  try {
    entries = parseJournal(await fs.promises.readFile(lakePaths(lakeRoot).runJournal(runId), 'utf8'));
  } catch {
    // Gone between the two reads: the record alone still describes the run.
  }
  const start = entries.find((e) => e.type === 'run.started');
  const plan = (start?.type === 'run.started' ? start.plan : undefined) as { concurrency?: PlanConcurrency; maxAttempts?: number } | undefined;
  const c = plan?.concurrency;
  const times = jobTimes(entries);
  return {
    ...runSummaryView(record),
    jobs: record.jobs.map((j) => jobView(j, times.get(j.id), plan?.maxAttempts ?? null)),
    maxParallel: c?.maxParallel ?? null,
    concurrency: c ? { downloads: c.downloads, ingestWorkers: c.ingestWorkers, duckdbThreads: c.duckdbThreads, duckdbMemoryLimit: c.duckdbMemoryLimit } : null,
  };
}

/** The most recent runs, newest first. */
export async function listRunSummaries(lakeRoot: string, limit: number): Promise<RunSummaryView[]> {
  return (await listRuns(lakeRoot, limit)).map(runSummaryView);
}
