/** The scheduled update: whether it is on, its time, and the last run the OS started with the app closed. */
import type { ScheduleStatusView } from '../../../core/contract/contract-views.ts';
import { useContractQuery } from '../../api/contract-query.ts';
import { useNotificationPermission } from '../../app/run-notifications.tsx';
import { Badge, type Tone } from '../../components/badge.tsx';
import { Card } from '../../components/card.tsx';
import { ErrorNotice } from '../../components/feedback.tsx';
import { formatAgo, formatInstant, humanize } from '../../lib/format.ts';

const TONES: Record<NonNullable<ScheduleStatusView['lastRun']>['outcome'], Tone> = {
  complete: 'success',
  failed: 'danger',
  refused: 'warning',
  cancelled: 'neutral',
  skipped: 'neutral',
};

/** Card on Today: schedule and last scheduled run; in the web host, the switch for browser notifications. */
export function ScheduleCard({ host }: { host: 'electron' | 'web' | undefined }) {
  const status = useContractQuery('schedule.status', {}, { staleTime: 30_000 });
  const [permission, ask] = useNotificationPermission();
  const s = status.data;
  const notify =
    host === 'web' && permission === 'default' ? (
      <button type="button" className="btn" onClick={ask} data-testid="allow-notifications">
        Notify me when updates finish
      </button>
    ) : null;
  return (
    <Card title="Scheduled update" headingId="schedule-heading" testId="schedule" actions={notify}>
      {status.isError && <ErrorNotice error={status.error} title="The schedule could not be read" />}
      {s && (
        <>
          <p data-testid="schedule-setting">
            {s.enabled ? `Every NYSE trading day at ${s.at} New York time, even with the app closed.` : 'Off. Turn it on in Settings (or with `quantmini schedule install`).'}
          </p>
          {s.lastRun ? (
            <div className="row" style={{ gap: 'var(--space-4)', marginTop: 8 }} data-testid="schedule-last-run">
              <Badge tone={TONES[s.lastRun.outcome]}>{humanize(s.lastRun.outcome)}</Badge>
              <span title={formatInstant(s.lastRun.finishedAt)}>
                Last scheduled run for {s.lastRun.date}, {formatAgo(s.lastRun.finishedAt)}: {s.lastRun.message}
              </span>
            </div>
          ) : (
            <p className="muted" data-testid="schedule-last-run">No scheduled run yet.</p>
          )}
          {host === 'web' && permission === 'denied' && <p className="muted">Notifications are blocked for this page in the browser settings.</p>}
        </>
      )}
    </Card>
  );
}
