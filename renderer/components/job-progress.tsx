/**
 * Live progress of one job: a bar plus the phase, rate and ETA. Each instance subscribes to its own
 * job in the progress store, so a progress event re-renders one row, once per frame at most.
 */
import { memo } from 'react';
import type { JobProgressView, JobView } from '../../core/contract/contract-views.ts';
import { useJobProgress, useRunProgress } from '../api/progress-store.ts';
import { formatByteRate, formatBytes, formatCount, formatEta, formatRowRate, humanize, plural } from '../lib/format.ts';
import { ProgressBar } from './progress-bar.tsx';

/** Which counter the bar follows: bytes while downloading, rows while ingesting. */
export function progressFraction(p: JobProgressView | undefined): { value: number | null; max: number | null } {
  if (!p) return { value: null, max: null };
  if (p.bytesTotal && p.bytesTotal > 0 && p.bytesDone !== null) return { value: p.bytesDone, max: p.bytesTotal };
  if (p.rowsTotal && p.rowsTotal > 0 && p.rowsDone !== null) return { value: p.rowsDone, max: p.rowsTotal };
  return { value: null, max: null };
}

/**
 * Where a job is in its attempts, when that matters: "Retrying: attempt 2 of 3" while it waits to
 * run again, "Attempt 2 of 3" while a later attempt runs. A first attempt says nothing.
 */
export function attemptText(job: Pick<JobView, 'state' | 'attempts' | 'maxAttempts'>): string | null {
  if (job.maxAttempts === null) return null;
  if (job.state === 'queued' && job.attempts > 0) return `Retrying: attempt ${job.attempts + 1} of ${job.maxAttempts}`;
  if (job.state === 'running' && job.attempts > 1) return `Attempt ${job.attempts} of ${job.maxAttempts}`;
  return null;
}

/** Phases whose message is the news (a rate-limit wait, a request retried), not detail. */
const TOLD_PHASES = new Set(['waiting', 'retrying']);

/** Bar and phase for a job (used in the Today and Runs tables), with why it waits or retries. */
export const JobProgressSummary = memo(function JobProgressSummary({ runId, job }: { runId: string; job: JobView }) {
  const p = useJobProgress(runId, job.jobId);
  const running = job.state === 'running';
  const { value, max } = progressFraction(running ? p : undefined);
  const phase = running ? (p?.phase ? humanize(p.phase) : 'Starting') : humanize(job.state);
  const attempt = attemptText(job);
  // While a job waits for its next attempt, its error is the reason the last one failed.
  const reason = job.state === 'queued' && job.attempts > 0 ? job.error : null;
  const told = running && p?.message && TOLD_PHASES.has(p.phase) ? p.message : null;
  return (
    <div className="job-progress">
      <ProgressBar value={value} max={max} state={job.state} label={`${job.dataset} ${job.date} ${job.kind} progress`} testId={`progress-${job.jobId}`} />
      <span className="job-phase" data-testid="job-phase">
        {phase}
        {told ? <span data-testid="job-wait"> · {told}</span> : null}
        {p?.warning && running ? <span className="job-warning"> · {p.warning}</span> : null}
      </span>
      {attempt && (
        <span className="job-attempt" data-testid="job-attempt">
          {attempt}
          {reason ? <span className="job-retry-reason" data-testid="job-retry-reason">: {reason}</span> : null}
        </span>
      )}
    </div>
  );
});

/** A finished job's average rate (its bytes over its duration), so a fast job still says how fast it was. */
function finishedRate(job: JobView): string {
  if (!job.bytes || !job.durationMs || job.durationMs <= 0) return '—';
  return formatByteRate((job.bytes * 1000) / job.durationMs);
}

/**
 * The run as a whole: bytes fetched of the total, throughput, time left and jobs done, live from
 * `run.progress`; and why new jobs wait when they do.
 */
export const RunProgressLine = memo(function RunProgressLine({ runId, jobsDone, jobsTotal }: { runId: string; jobsDone: number; jobsTotal: number }) {
  const p = useRunProgress(runId);
  const fetched = p && p.bytesTotal > 0 ? `${formatBytes(p.bytesDone)} of ${formatBytes(p.bytesTotal)} fetched` : null;
  return (
    <div className="run-progress-line stack-s">
      <ProgressBar value={p ? p.fraction : jobsDone} max={p ? 1 : jobsTotal} label="Run progress" state="running" testId="run-progress" />
      <div className="run-figures" data-testid="run-figures">
        <span data-testid="run-jobs-done">
          {formatCount(p?.jobsDone ?? jobsDone)} of {plural(p?.jobsTotal ?? jobsTotal, 'job')} finished
        </span>
        {fetched && <span data-testid="run-bytes">{fetched}</span>}
        <span data-testid="run-rate">{p?.bytesPerSecond ? formatByteRate(p.bytesPerSecond) : 'rate —'}</span>
        <span data-testid="run-eta">{p?.etaSeconds !== null && p?.etaSeconds !== undefined ? `about ${formatEta(p.etaSeconds)} left` : 'time left —'}</span>
      </div>
      {p?.waiting && (
        <div className="notice" data-tone="warning" role="status" data-testid="run-waiting">
          {p.waiting}
        </div>
      )}
    </div>
  );
});

/** Rows and bytes cells for a job, live while it runs and final figures after. */
export const JobSizeCells = memo(function JobSizeCells({ runId, job }: { runId: string; job: JobView }) {
  const p = useJobProgress(runId, job.jobId);
  const live = job.state === 'running' && p;
  return (
    <>
      <td className="num" data-testid="job-rows">{formatCount(live ? p.rowsDone : job.rows)}</td>
      <td className="num" data-testid="job-bytes">{formatBytes(live ? p.bytesDone : job.bytes)}</td>
    </>
  );
});

/** Rows, bytes, rate and ETA cells for a job, live while it runs and final figures after. */
export const JobCounters = memo(function JobCounters({ runId, job }: { runId: string; job: JobView }) {
  const p = useJobProgress(runId, job.jobId);
  const live = job.state === 'running' && p;
  const rows = live ? p.rowsDone : job.rows;
  const bytes = live ? p.bytesDone : job.bytes;
  const rate = live ? (p.bytesPerSecond ? formatByteRate(p.bytesPerSecond) : formatRowRate(p.rowsPerSecond)) : finishedRate(job);
  return (
    <>
      <td className="num" data-testid="job-rows">{formatCount(rows)}</td>
      <td className="num" data-testid="job-bytes">{formatBytes(bytes)}</td>
      <td className="num nowrap" data-testid="job-rate">{rate}</td>
      <td className="num nowrap" data-testid="job-eta">{live ? formatEta(p.etaSeconds) : '—'}</td>
    </>
  );
});
