/** One run: its settings, its jobs (live while it runs), each job's log and a retry for failures. */
import { memo, useState } from 'react';
import type { JobView, RunDetailView } from '../../../core/contract/contract-views.ts';
import { useContractMutation, useContractQuery } from '../../api/contract-query.ts';
import { useDatasetTitles } from '../../api/dataset-titles.ts';
import { navigate } from '../../app/hash-route.ts';
import { JobStateBadge, OutcomeBadge } from '../../components/badge.tsx';
import { Card } from '../../components/card.tsx';
import { EmptyState, ErrorNotice, Loading } from '../../components/feedback.tsx';
import { JobProgressSummary, JobSizeCells, RunProgressLine } from '../../components/job-progress.tsx';
import { formatCount, formatDuration, formatInstant, formatShortDate, humanize, plural } from '../../lib/format.ts';
import { JobLogDrawer } from './job-log-drawer.tsx';
import { TableScroll } from '../../components/table-scroll.tsx';

const RETRYABLE = new Set(['failed', 'crashed']);
const PROBLEMS = new Set(['failed', 'crashed', 'degraded', 'missing', 'not_entitled']);
// Rows rendered at first; a 20-year backfill has tens of thousands of jobs.
const PAGE = 200;

type JobFilter = 'all' | 'problems' | 'running';
const FILTERS: ReadonlyArray<{ id: JobFilter; label: string }> = [
  { id: 'all', label: 'All jobs' },
  { id: 'problems', label: 'Problems' },
  { id: 'running', label: 'Running' },
];

const JobRow = memo(function JobRow({ run, job, title, onLog }: { run: RunDetailView; job: JobView; title: string; onLog: (job: JobView) => void }) {
  const retry = useContractMutation('jobs.retry', { onSuccess: (r) => navigate('runs', r.runId) });
  return (
    <>
      <tr data-testid={`job-row-${job.jobId}`} data-state={job.state}>
        <td>
          <div className="cell-title">{title}</div>
          <div className="cell-sub">{humanize(job.kind)}</div>
        </td>
        <td className="nowrap">{formatShortDate(job.date)}</td>
        <td>
          <JobStateBadge state={job.state} />
        </td>
        <td>
          {job.state === 'running' ? <JobProgressSummary runId={run.runId} job={job} /> : <span className="muted">{formatDuration(job.durationMs)}</span>}
        </td>
        <td className="num" data-testid="job-attempts">
          {job.maxAttempts !== null && job.attempts > 0 ? `${formatCount(job.attempts)} of ${formatCount(job.maxAttempts)}` : formatCount(job.attempts)}
        </td>
        <JobSizeCells runId={run.runId} job={job} />
        <td>
          <div className="row" style={{ gap: 6, flexWrap: 'nowrap' }}>
            <button type="button" className="btn btn-small" onClick={() => onLog(job)} data-testid="view-log">
              View log
            </button>
            {RETRYABLE.has(job.state) && (
              <button type="button" className="btn btn-small btn-primary" onClick={() => retry.mutate({ runId: run.runId, jobId: job.jobId })} disabled={retry.isPending} data-testid="retry-job">
                {retry.isPending ? 'Retrying…' : 'Retry'}
              </button>
            )}
          </div>
        </td>
      </tr>
      {(job.error || job.crashReason || retry.isError) && (
        <tr className="job-error-row" data-testid={`job-error-${job.jobId}`}>
          <td colSpan={8}>
            {job.crashReason && (
              <div>
                <strong>Process ended:</strong> <span data-testid="crash-reason">{job.crashReason}</span>
              </div>
            )}
            {job.error && <div className="job-error-text" data-testid="job-error">{job.error}</div>}
            {retry.isError && <ErrorNotice error={retry.error} title="The job could not be retried" />}
          </td>
        </tr>
      )}
    </>
  );
});

/** The run's jobs, in pages of PAGE rows. */
function JobsTable({ run, jobs, title, onLog }: { run: RunDetailView; jobs: JobView[]; title: (id: string) => string; onLog: (job: JobView) => void }) {
  const [limit, setLimit] = useState(PAGE);
  return (
    <TableScroll label="Jobs of this run">
      {/* Fixed layout: live figures changing in one cell must not re-measure the whole table. */}
      <table className="table fixed" aria-labelledby="run-detail-heading" data-testid="run-jobs">
        <colgroup>
          <col style={{ width: '22%' }} />
          <col style={{ width: 110 }} />
          <col style={{ width: 130 }} />
          <col />
          <col style={{ width: 96 }} />
          <col style={{ width: 84 }} />
          <col style={{ width: 96 }} />
          <col style={{ width: 176 }} />
        </colgroup>
        <thead>
          <tr>
            <th scope="col">Job</th>
            <th scope="col">Trading day</th>
            <th scope="col">State</th>
            <th scope="col">Progress · duration</th>
            <th scope="col" className="num" title="Job attempts (each a new process) of those allowed">
              Job attempts
            </th>
            <th scope="col" className="num">Rows</th>
            <th scope="col" className="num">Bytes</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {jobs.slice(0, limit).map((job) => (
            <JobRow key={job.jobId} run={run} job={job} title={title(job.dataset)} onLog={onLog} />
          ))}
        </tbody>
      </table>
      {jobs.length > limit && (
        <div className="table-note row">
          <span>
            Showing {formatCount(limit)} of {formatCount(jobs.length)} jobs.
          </span>
          <button type="button" className="btn btn-small" onClick={() => setLimit((n) => n + PAGE)} data-testid="more-jobs">
            Show {formatCount(Math.min(PAGE, jobs.length - limit))} more
          </button>
        </div>
      )}
    </TableScroll>
  );
}

const DONE = new Set(['complete', 'degraded']);
const FAILED = new Set(['failed', 'crashed']);
/** Outcomes after which a run can be taken up again. */
const RESUMABLE = new Set(['cancelled', 'failed', 'partial', 'interrupted']);

/** Resume (re-plan what is not complete) and Retry failed, for a run that ended short. */
function RunFollowUps({ run }: { run: RunDetailView }) {
  const resume = useContractMutation('runs.resume', { onSuccess: (r) => navigate('runs', r.runId) });
  const retry = useContractMutation('runs.retryFailed', { onSuccess: (r) => navigate('runs', r.runId) });
  if (!RESUMABLE.has(run.outcome)) return null;
  const unfinished = run.jobs.filter((j) => !DONE.has(j.state)).length;
  const failed = run.jobs.filter((j) => FAILED.has(j.state)).length;
  const busy = resume.isPending || retry.isPending;
  return (
    <div className="run-follow-ups stack-s" data-testid="run-follow-ups">
      <div className="row">
        {unfinished > 0 && (
          <button
            type="button"
            className="btn btn-primary btn-small"
            onClick={() => resume.mutate({ runId: run.runId })}
            disabled={busy}
            data-testid="resume-run"
            title="Start a new run over every job of this one that did not complete; what is complete by now is skipped"
          >
            {resume.isPending ? 'Resuming…' : `Resume (${plural(unfinished, 'job')} not complete)`}
          </button>
        )}
        {failed > 0 && (
          <button type="button" className="btn btn-small" onClick={() => retry.mutate({ runId: run.runId })} disabled={busy} data-testid="retry-failed">
            {retry.isPending ? 'Retrying…' : `Retry failed (${formatCount(failed)})`}
          </button>
        )}
      </div>
      {resume.isError && <ErrorNotice error={resume.error} title="The run could not be resumed" />}
      {retry.isError && <ErrorNotice error={retry.error} title="The failed jobs could not be retried" />}
    </div>
  );
}

/** The run's detail card. */
export function RunDetail({ runId }: { runId: string }) {
  const detail = useContractQuery('runs.get', { runId });
  const cancel = useContractMutation('runs.cancel');
  const title = useDatasetTitles();
  const [logJob, setLogJob] = useState<JobView | null>(null);
  const [filter, setFilter] = useState<JobFilter>('all');
  const run = detail.data;

  const jobs = (run?.jobs ?? []).filter((j) => filter === 'all' || (filter === 'running' ? j.state === 'running' : PROBLEMS.has(j.state)));
  const all = run?.jobs.length ?? 0;
  const shownOf = jobs.length === all ? plural(all, 'job') : `${formatCount(jobs.length)} of ${plural(all, 'job')}`;

  if (detail.isPending) return <Loading label="Loading the run…" />;
  if (detail.isError) return <ErrorNotice error={detail.error} title={`Run ${runId} could not be loaded`} testId="run-error" />;
  if (!run) return null;

  return (
    <Card
      title={`${humanize(run.kind)} · ${formatInstant(run.startedAt)}`}
      headingId="run-detail-heading"
      testId="run-detail"
      description={
        <span className="mono" data-testid="run-id">
          {run.runId}
        </span>
      }
      actions={
        <>
          <OutcomeBadge outcome={run.outcome} />
          {run.outcome === 'running' && (
            <button type="button" className="btn btn-danger btn-small" onClick={() => cancel.mutate({ runId: run.runId })} disabled={cancel.isPending} data-testid="cancel-run">
              Cancel run
            </button>
          )}
        </>
      }
      flush
    >
      <dl className="kv run-facts">
        <dt>Duration</dt>
        <dd>{run.outcome === 'running' ? 'Running' : formatDuration(run.durationMs)}</dd>
        <dt>Finished</dt>
        <dd>{formatInstant(run.finishedAt)}</dd>
        <dt>Parallel jobs</dt>
        <dd>{run.maxParallel ?? 'Automatic'}</dd>
        {run.concurrency && (
          <>
            <dt>Concurrency</dt>
            <dd>
              {plural(run.concurrency.downloads, 'download')} · {plural(run.concurrency.ingestWorkers, 'ingest worker')} ·{' '}
              {plural(run.concurrency.duckdbThreads, 'DuckDB thread')} · {run.concurrency.duckdbMemoryLimit} DuckDB memory
            </dd>
          </>
        )}
      </dl>
      {run.outcome === 'running' && (
        <div className="run-live">
          <RunProgressLine runId={run.runId} jobsDone={run.jobs.filter((j) => j.state !== 'queued' && j.state !== 'running').length} jobsTotal={run.jobs.length} />
        </div>
      )}
      <RunFollowUps run={run} />
      {run.error && (
        <div className="notice run-stop-notice" data-tone="danger" role="alert" data-testid="run-stop-reason">
          <strong>The run stopped early:</strong> {run.error}
        </div>
      )}
      {cancel.isError && <ErrorNotice error={cancel.error} title="The run could not be cancelled" />}
      {run.jobs.length > 0 && (
        <div className="row job-filter">
          <div className="segmented" role="radiogroup" aria-label="Show jobs">
            {FILTERS.map((f) => (
              <button
                key={f.id}
                type="button"
                role="radio"
                aria-checked={filter === f.id}
                onClick={() => setFilter(f.id)}
                data-testid={`job-filter-${f.id}`}
              >
                {f.label}
              </button>
            ))}
          </div>
          <span className="muted" style={{ fontSize: 'var(--text-s)' }}>
            {shownOf}
          </span>
        </div>
      )}
      {run.jobs.length > 0 && jobs.length === 0 && <EmptyState title={filter === 'problems' ? 'No job in this run had a problem.' : 'No job is running right now.'} />}
      {run.jobs.length === 0 && <EmptyState title="This run had no jobs.">Everything it covered was already complete.</EmptyState>}
      {jobs.length > 0 && <JobsTable key={filter} run={run} jobs={jobs} title={title} onLog={setLogJob} />}
      {logJob && <JobLogDrawer runId={run.runId} job={run.jobs.find((j) => j.jobId === logJob.jobId) ?? logJob} title={title(logJob.dataset)} onClose={() => setLogJob(null)} />}
    </Card>
  );
}
