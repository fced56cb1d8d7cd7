/** What "Update today" will do: the dates, datasets and steps from `plan.preview`, with sizes. */
import type { UpdatePlanView } from '../../../core/contract/contract-views.ts';
import { useContractQuery } from '../../api/contract-query.ts';
import { useDatasetTitles } from '../../api/dataset-titles.ts';
import { Card } from '../../components/card.tsx';
import { EmptyState, ErrorNotice, Loading } from '../../components/feedback.tsx';
import { formatBytes, formatCount, formatShortDate, formatTradingDate, plural } from '../../lib/format.ts';
import { TableScroll } from '../../components/table-scroll.tsx';

const KIND_WORDS: Record<string, string> = { download: 'Download', ingest: 'Ingest', 'rest-fetch': 'Fetch from the API' };

function stepText(step: UpdatePlanView['steps'][number]): string {
  return step.kinds.map((k, i) => (i === 0 ? (KIND_WORDS[k] ?? k) : (KIND_WORDS[k] ?? k).toLowerCase())).join(' and ');
}

/** The plan card (the "Update today" button lives in the page header). */
export function UpdatePlanCard() {
  const plan = useContractQuery('plan.preview', {});
  const title = useDatasetTitles();
  const p = plan.data;

  return (
    <Card
      title="The plan"
      headingId="plan-heading"
      testId="update-plan"
      description={p && p.dates.length > 0 ? `Trading ${p.dates.length === 1 ? 'day' : 'days'} ${p.dates.map(formatShortDate).join(', ')}` : 'What Update today will fetch and ingest'}
      flush={Boolean(p && p.steps.length > 0)}
    >
      {plan.isPending && <Loading label="Working out what is missing…" />}
      {plan.isError && <ErrorNotice error={plan.error} title="The plan could not be computed" />}
      {p && (
        <>
          <div className="stats plan-stats" style={{ padding: p.steps.length > 0 ? '0 var(--space-5) var(--space-3)' : 0 }}>
            <div className="stat">
              <span className="stat-value" data-testid="plan-steps">{formatCount(p.steps.length)}</span>
              <span className="stat-label">Steps</span>
            </div>
            <div className="stat">
              <span className="stat-value" data-testid="plan-bytes">{formatBytes(p.totalEstimatedBytes)}</span>
              <span className="stat-label" data-testid="plan-bytes-basis">
                {p.estimateIsGuess ? 'Estimated download (typical sizes: a guess)' : 'Estimated download'}
              </span>
            </div>
            <div className="stat">
              <span className="stat-value" data-testid="plan-datasets">{formatCount(p.datasets.length)}</span>
              <span className="stat-label">Datasets</span>
            </div>
            <div className="stat">
              <span className="stat-value" data-testid="plan-already-complete">{formatCount(p.alreadyComplete)}</span>
              <span className="stat-label">Already complete</span>
            </div>
          </div>
          {p.steps.length === 0 ? (
            <EmptyState title="Nothing to fetch." testId="plan-empty">
              <span>
                {p.alreadyComplete > 0
                  ? `All ${plural(p.alreadyComplete, 'dataset-day')} in the plan are already in the lake.`
                  : 'No enabled dataset has a published trading day to fetch. Enable datasets in Settings.'}
              </span>
            </EmptyState>
          ) : (
            <TableScroll label="Plan steps" maxHeight={320}>
              <table className="table" aria-labelledby="plan-heading">
                <thead>
                  <tr>
                    <th scope="col">Dataset</th>
                    <th scope="col">Trading day</th>
                    <th scope="col">Steps</th>
                    <th scope="col" className="num">Estimated size</th>
                  </tr>
                </thead>
                <tbody>
                  {p.steps.map((s) => (
                    <tr key={`${s.dataset}:${s.date}`} data-testid={`plan-step-${s.dataset}-${s.date}`}>
                      <td>{title(s.dataset)}</td>
                      <td className="nowrap">{formatTradingDate(s.date)}</td>
                      <td>{stepText(s)}</td>
                      <td className="num">{s.estimatedBytes ? formatBytes(s.estimatedBytes) : '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          )}
        </>
      )}
    </Card>
  );
}
