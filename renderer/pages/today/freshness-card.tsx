/** How current each dataset is, and the days that need attention (failed, degraded, not entitled). */
import type { DatasetFreshnessView } from '../../../core/contract/contract-views.ts';
import { useContractQuery } from '../../api/contract-query.ts';
import { hrefFor } from '../../app/hash-route.ts';
import { Badge, CoverageStateBadge } from '../../components/badge.tsx';
import { Card } from '../../components/card.tsx';
import { EmptyState, ErrorNotice, Loading } from '../../components/feedback.tsx';
import { addDaysIso } from '../../lib/date-range.ts';
import { formatDaysBehind, formatShortDate, formatTradingDate, plural } from '../../lib/format.ts';

function behindTone(d: DatasetFreshnessView): 'success' | 'warning' | 'danger' | 'neutral' {
  const days = d.tradingDaysBehind;
  if (days === null) return 'neutral';
  if (d.gaps > 0) return 'danger';
  if (days <= 0) return d.stale > 0 ? 'warning' : 'success';
  return days <= 3 ? 'warning' : 'danger';
}

/** "Up to date" only when the newest day is in and nothing in the lake's history is a gap or stale. */
function statusText(d: DatasetFreshnessView): string {
  if (d.tradingDaysBehind === null) return formatDaysBehind(null);
  if (d.tradingDaysBehind > 0) return formatDaysBehind(d.tradingDaysBehind);
  if (d.gaps > 0 || d.stale > 0) return 'Latest day in';
  return formatDaysBehind(0);
}

/** Coverage for this dataset over its gap and stale days (at least four weeks, so the heatmap reads as one). */
function attentionHref(d: DatasetFreshnessView): string | null {
  if (!d.attention) return null;
  const from = d.attention.from < addDaysIso(d.attention.to, -27) ? d.attention.from : addDaysIso(d.attention.to, -27);
  return hrefFor('coverage', d.dataset, from, d.attention.to);
}

function Holes({ d }: { d: DatasetFreshnessView }) {
  if (d.historyFrom === null) return <span className="muted">—</span>;
  if (d.gaps === 0 && d.stale === 0) {
    return (
      <span className="muted" data-testid="freshness-holes">
        None since {formatShortDate(d.historyFrom)}
      </span>
    );
  }
  const parts = [d.gaps > 0 ? plural(d.gaps, 'gap') : null, d.stale > 0 ? `${plural(d.stale, 'stale day')}` : null].filter(Boolean).join(' · ');
  const href = attentionHref(d);
  return (
    <span data-testid="freshness-holes">
      {href ? (
        <a href={href} data-testid="freshness-holes-link" title={`Show these days in Coverage (history since ${formatShortDate(d.historyFrom)})`}>
          {parts}
        </a>
      ) : (
        parts
      )}
    </span>
  );
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
              <th scope="col">Latest complete day</th>
              <th scope="col">Gaps · stale</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {f.datasets.map((d) => (
              <tr key={d.dataset} data-testid={`freshness-${d.dataset}`}>
                <td>{d.title}</td>
                <td className="nowrap" data-testid="freshness-last-complete">{d.lastComplete ? formatShortDate(d.lastComplete) : 'Nothing yet'}</td>
                <td className="nowrap">
                  <Holes d={d} />
                </td>
                <td>
                  <Badge tone={behindTone(d)} testId="freshness-behind">
                    {statusText(d)}
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
    <Card title="Alerts" headingId="alerts-heading" testId="alerts" description="Failed (here or upstream), degraded and not-entitled days of the last 45 days" flush={alerts.length > 0}>
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
