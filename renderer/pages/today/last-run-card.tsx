/** The outcome of the most recent run, shown when nothing is running. */
import type { JobState, RunSummaryView } from '../../../core/contract/contract-views.ts';
import { hrefFor } from '../../app/hash-route.ts';
import { OutcomeBadge } from '../../components/badge.tsx';
import { Card } from '../../components/card.tsx';
import { formatAgo, formatCount, formatDuration, formatInstant, humanize, plural } from '../../lib/format.ts';

const COUNT_ORDER: readonly JobState[] = ['complete', 'skipped', 'degraded', 'pending', 'not_entitled', 'missing', 'failed', 'crashed', 'cancelled', 'queued', 'running'];

/** One sentence per non-zero job state: "4 complete · 1 failed". */
export function countsSentence(counts: RunSummaryView['counts']): string {
  const parts = COUNT_ORDER.filter((s) => (counts[s] ?? 0) > 0).map((s) => `${formatCount(counts[s] ?? 0)} ${humanize(s).toLowerCase()}`);
  return parts.length > 0 ? parts.join(' · ') : 'No jobs';
}

/** Summary of the last finished run. */
export function LastRunCard({ run }: { run: RunSummaryView }) {
  const total = Object.values(run.counts).reduce((a, b) => a + (b ?? 0), 0);
  return (
    <Card title="Last run" headingId="last-run-heading" testId="last-run" actions={<a href={hrefFor('runs', run.runId)}>View details</a>}>
      <div className="row" style={{ gap: 'var(--space-4)' }}>
        <OutcomeBadge outcome={run.outcome} />
        <span>
          {humanize(run.kind)} of {plural(total, 'job')} {run.finishedAt ? `finished ${formatAgo(run.finishedAt)}` : `started ${formatAgo(run.startedAt)}`}
          {run.durationMs !== null ? ` in ${formatDuration(run.durationMs)}` : ''}
        </span>
      </div>
      <p className="muted" style={{ marginTop: 8, fontSize: 'var(--text-s)' }} data-testid="last-run-counts">
        {countsSentence(run.counts)} · started {formatInstant(run.startedAt)}
      </p>
      {run.error && (
        <div className="notice" data-tone="danger" role="alert" style={{ marginTop: 8 }} data-testid="last-run-error">
          <strong>The run stopped early:</strong> {run.error}
        </div>
      )}
    </Card>
  );
}
