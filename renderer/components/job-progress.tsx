/**
 * Live progress of one job: a bar plus the phase, rate and ETA. Each instance subscribes to its own
 * job in the progress store, so a progress event re-renders one row, once per frame at most.
 */
import { memo } from 'react';
import type { JobProgressView, JobView } from '../../core/contract/contract-views.ts';
import { useJobProgress } from '../api/progress-store.ts';
import { formatByteRate, formatBytes, formatCount, formatEta, formatRowRate, humanize } from '../lib/format.ts';
import { ProgressBar } from './progress-bar.tsx';

/** Which counter the bar follows: bytes while downloading, rows while ingesting. */
export function progressFraction(p: JobProgressView | undefined): { value: number | null; max: number | null } {
  if (!p) return { value: null, max: null };
  if (p.bytesTotal && p.bytesTotal > 0 && p.bytesDone !== null) return { value: p.bytesDone, max: p.bytesTotal };
  if (p.rowsTotal && p.rowsTotal > 0 && p.rowsDone !== null) return { value: p.rowsDone, max: p.rowsTotal };
  return { value: null, max: null };
}

/** Bar and phase for a job (used in the Today and Runs tables). */
export const JobProgressSummary = memo(function JobProgressSummary({ runId, job }: { runId: string; job: JobView }) {
  const p = useJobProgress(runId, job.jobId);
  const { value, max } = progressFraction(job.state === 'running' ? p : undefined);
  const phase = job.state === 'running' ? (p?.phase ? humanize(p.phase) : 'Starting') : humanize(job.state);
  return (
    <div className="job-progress">
      <ProgressBar value={value} max={max} state={job.state} label={`${job.dataset} ${job.date} ${job.kind} progress`} testId={`progress-${job.jobId}`} />
      <span className="job-phase" data-testid="job-phase">
        {phase}
        {p?.warning && job.state === 'running' ? <span className="job-warning"> · {p.warning}</span> : null}
      </span>
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
  const rate = live ? (p.bytesPerSecond ? formatByteRate(p.bytesPerSecond) : formatRowRate(p.rowsPerSecond)) : '—';
  return (
    <>
      <td className="num" data-testid="job-rows">{formatCount(rows)}</td>
      <td className="num" data-testid="job-bytes">{formatBytes(bytes)}</td>
      <td className="num nowrap" data-testid="job-rate">{rate}</td>
      <td className="num nowrap" data-testid="job-eta">{live ? formatEta(p.etaSeconds) : '—'}</td>
    </>
  );
});
