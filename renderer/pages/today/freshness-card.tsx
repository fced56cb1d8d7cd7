/** How current each dataset is, and the days that need attention (failed, degraded, not entitled). */
import type { DatasetFreshnessView } from '../../../core/contract/contract-views.ts';
import { useContractQuery } from '../../api/contract-query.ts';
import { hrefFor } from '../../app/hash-route.ts';
import { Badge, CoverageStateBadge } from '../../components/badge.tsx';
import { Card } from '../../components/card.tsx';
import { EmptyState, ErrorNotice, Loading } from '../../components/feedback.tsx';
import { formatDaysBehind, formatShortDate, formatTradingDate } from '../../lib/format.ts';

function behindTone(days: number | null): 'success' | 'warning' | 'danger' | 'neutral' {
  if (days === null) return 'neutral';
  if (days <= 0) return 'success';
  return days <= 3 ? 'warning' : 'danger';
}

/** Freshness per dataset. */
export function FreshnessCard() {
  const freshness = useContractQuery('freshness.get', {});
  const f = freshness.data;
  return (
    <Card
      title="Freshness"
      headingId="freshness-heading"
      testId="freshness"
      description={f ? `Latest published trading day: ${formatTradingDate(f.latestPublished)}` : 'Last complete day per dataset'}
      flush={Boolean(f && f.datasets.length > 0)}
    >
      {freshness.isPending && <Loading />}
      {freshness.isError && <ErrorNotice error={freshness.error} title="Freshness could not be read" />}
      {f && f.datasets.length === 0 && <EmptyState title="No datasets are enabled.">Choose datasets in Settings to start filling the lake.</EmptyState>}
      {f && f.datasets.length > 0 && (
        <table className="table" aria-labelledby="freshness-heading">
          <thead>
            <tr>
              <th scope="col">Dataset</th>
              <th scope="col">Complete through</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {f.datasets.map((d) => (
              <tr key={d.dataset} data-testid={`freshness-${d.dataset}`}>
                <td>{d.title}</td>
                <td className="nowrap" data-testid="freshness-last-complete">{d.lastComplete ? formatShortDate(d.lastComplete) : 'Nothing yet'}</td>
                <td>
                  <Badge tone={behindTone(d.tradingDaysBehind)} testId="freshness-behind">
                    {formatDaysBehind(d.tradingDaysBehind)}
                  </Badge>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}

/** Alerts from every dataset, newest first. */
export function AlertsCard() {
  const freshness = useContractQuery('freshness.get', {});
  const alerts = (freshness.data?.datasets ?? [])
    .flatMap((d: DatasetFreshnessView) => d.alerts.map((a) => ({ ...a, dataset: d.dataset, title: d.title })))
    .sort((a, b) => (a.date === b.date ? a.dataset.localeCompare(b.dataset) : a.date < b.date ? 1 : -1));
  return (
    <Card title="Alerts" headingId="alerts-heading" testId="alerts" description="Failed, degraded and not-entitled days" flush={alerts.length > 0}>
      {freshness.isPending && <Loading />}
      {freshness.isSuccess && alerts.length === 0 && (
        <EmptyState title="No alerts." testId="alerts-empty">
          No day has failed, been degraded or been refused for your plan.
        </EmptyState>
      )}
      {alerts.length > 0 && (
        <ul className="alert-list" aria-labelledby="alerts-heading" tabIndex={0}>
          {alerts.map((a) => (
            <li key={`${a.dataset}:${a.date}:${a.state}`} className="alert-item" data-testid={`alert-${a.dataset}-${a.date}`} data-state={a.state}>
              <CoverageStateBadge state={a.state} />
              <div className="alert-text">
                <div>
                  <strong>{a.title}</strong> · {formatTradingDate(a.date)}
                </div>
                {a.error && <div className="alert-error">{a.error}</div>}
              </div>
              {a.runId && (
                <a href={hrefFor('runs', a.runId)} className="btn btn-small btn-ghost" data-testid="alert-run-link">
                  View run
                </a>
              )}
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
