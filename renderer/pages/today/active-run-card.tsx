/** The running update or backfill: one row per job with live progress, and Cancel. */
import { memo } from 'react';
import type { JobView, RunDetailView } from '../../../core/contract/contract-views.ts';
import { useContractMutation } from '../../api/contract-query.ts';
import { hrefFor } from '../../app/hash-route.ts';
import { JobStateBadge } from '../../components/badge.tsx';
import { Card } from '../../components/card.tsx';
import { ErrorNotice } from '../../components/feedback.tsx';
import { JobCounters, JobProgressSummary, RunProgressLine } from '../../components/job-progress.tsx';
import { formatInstant, formatShortDate, humanize } from '../../lib/format.ts';
import { liveJobWindow } from '../../lib/job-window.ts';
import { runCompletion } from '../../lib/run-patch.ts';
import { TableScroll } from '../../components/table-scroll.tsx';

const JobRow = memo(function JobRow({ runId, job, title }: { runId: string; job: JobView; title: string }) {
  return (
    <tr data-testid={`job-row-${job.jobId}`} data-state={job.state}>
      <td>
        <div className="cell-title">{title}</div>
        <div className="cell-sub">{humanize(job.kind)}</div>
      </td>
      <td className="nowrap">{formatShortDate(job.date)}</td>
      <td>
        <JobProgressSummary runId={runId} job={job} />
      </td>
      <JobCounters runId={runId} job={job} />
      <td>
        <JobStateBadge state={job.state} />
      </td>
    </tr>
  );
});

/** Live view of the active run. */
export function ActiveRunCard({ run, title }: { run: RunDetailView; title: (id: string) => string }) {
  const cancel = useContractMutation('runs.cancel');
  const { done, total } = runCompletion(run);
  const shown = liveJobWindow(run.jobs);
  return (
    <Card
      title={`${humanize(run.kind)} running`}
      headingId="active-run-heading"
      testId="active-run"
      description={
        <>
          Started {formatInstant(run.startedAt)} ·{' '}
          <a href={hrefFor('runs', run.runId)}>Open in Runs</a>
        </>
      }
      actions={
        <button
          type="button"
          className="btn btn-danger"
          onClick={() => cancel.mutate({ runId: run.runId })}
          disabled={cancel.isPending || (cancel.isSuccess && cancel.data.cancelled)}
          data-testid="cancel-run"
        >
          {cancel.isPending ? 'Cancelling…' : cancel.isSuccess && cancel.data.cancelled ? 'Cancelling' : 'Cancel'}
        </button>
      }
      flush
    >
      <div style={{ padding: '0 var(--space-5) var(--space-3)' }}>
        <RunProgressLine runId={run.runId} jobsDone={done} jobsTotal={total} />
      </div>
      {cancel.isError && (
        <div style={{ padding: '0 var(--space-5) var(--space-3)' }}>
          <ErrorNotice error={cancel.error} title="The run could not be cancelled" />
        </div>
      )}
      <TableScroll label="Jobs of the running run">
        {/* Fixed layout: a live figure changing in one cell must not re-measure the whole table. */}
        <table className="table fixed" aria-labelledby="active-run-heading" data-testid="active-jobs">
          <colgroup>
            <col style={{ width: '24%' }} />
            <col style={{ width: 110 }} />
            <col />
            <col style={{ width: 84 }} />
            <col style={{ width: 96 }} />
            <col style={{ width: 112 }} />
            <col style={{ width: 76 }} />
            <col style={{ width: 130 }} />
          </colgroup>
          <thead>
            <tr>
              <th scope="col">Job</th>
              <th scope="col">Trading day</th>
              <th scope="col">Progress</th>
              <th scope="col" className="num">Rows</th>
              <th scope="col" className="num">Bytes</th>
              <th scope="col" className="num">Rate</th>
              <th scope="col" className="num">ETA</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((job) => (
              <JobRow key={job.jobId} runId={run.runId} job={job} title={title(job.dataset)} />
            ))}
          </tbody>
        </table>
      </TableScroll>
      {shown.length < run.jobs.length && (
        <p className="table-note" data-testid="jobs-window-note">
          Showing the {shown.length} most relevant of {run.jobs.length} jobs: everything running, the next queued and the latest finished.{' '}
          <a href={hrefFor('runs', run.runId)}>See every job in Runs</a>.
        </p>
      )}
    </Card>
  );
}
