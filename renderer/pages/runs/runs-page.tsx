/** Runs: the history table, and the selected run's jobs with logs and retry (`#/runs/<runId>`). */
import type { Route } from '../../app/hash-route.ts';
import { navigate } from '../../app/hash-route.ts';
import { useContractQuery } from '../../api/contract-query.ts';
import { OutcomeBadge } from '../../components/badge.tsx';
import { Card, PageHeader } from '../../components/card.tsx';
import { EmptyState, ErrorNotice, Loading } from '../../components/feedback.tsx';
import { formatDuration, formatInstant, humanize } from '../../lib/format.ts';
import { countsSentence } from '../today/last-run-card.tsx';
import { RunDetail } from './run-detail.tsx';
import { TableScroll } from '../../components/table-scroll.tsx';

/** The Runs page. */
export function RunsPage({ route }: { route: Route }) {
  const selected = route.params[0] ?? null;
  const runs = useContractQuery('runs.list', { limit: 100 });

  return (
    <div className="page">
      <PageHeader title="Runs" description="Every update, backfill and retry, with the jobs each one ran." />
      <Card title="History" headingId="runs-heading" testId="runs-history" flush={Boolean(runs.data && runs.data.length > 0)}>
        {runs.isPending && <Loading />}
        {runs.isError && <ErrorNotice error={runs.error} title="The run history could not be read" />}
        {runs.data && runs.data.length === 0 && (
          <EmptyState title="No runs yet." testId="runs-empty">
            <span>
              Open <a href="#/today">Today</a> and click Update today to fetch the latest trading day.
            </span>
          </EmptyState>
        )}
        {runs.data && runs.data.length > 0 && (
          <TableScroll label="Run history" maxHeight={360}>
            <table className="table" aria-labelledby="runs-heading">
              <thead>
                <tr>
                  <th scope="col">Started</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Outcome</th>
                  <th scope="col" className="num">Duration</th>
                  <th scope="col">Jobs</th>
                </tr>
              </thead>
              <tbody>
                {runs.data.map((run) => (
                  <tr
                    key={run.runId}
                    data-selectable="true"
                    aria-selected={run.runId === selected}
                    data-testid={`run-row-${run.runId}`}
                    onClick={() => navigate('runs', run.runId)}
                  >
                    <td className="nowrap">
                      <a href={`#/runs/${encodeURIComponent(run.runId)}`} onClick={(e) => e.stopPropagation()}>
                        {formatInstant(run.startedAt)}
                      </a>
                    </td>
                    <td>{humanize(run.kind)}</td>
                    <td>
                      <OutcomeBadge outcome={run.outcome} />
                    </td>
                    <td className="num">{run.outcome === 'running' ? 'Running' : formatDuration(run.durationMs)}</td>
                    <td className="muted">
                      {countsSentence(run.counts)}
                      {run.error && (
                        <div className="run-stop-reason" data-testid="run-error-text">
                          Stopped: {run.error}
                        </div>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
      </Card>
      {selected ? (
        <RunDetail runId={selected} />
      ) : (
        runs.data &&
        runs.data.length > 0 && (
          <p className="muted" data-testid="run-hint">
            Select a run to see its jobs, logs and errors.
          </p>
        )
      )}
    </div>
  );
}
