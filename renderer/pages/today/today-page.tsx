/** Today: Update today, the plan it will run, live progress, freshness and alerts. */
import { useEffect } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { contractKey, useContractMutation, useContractQuery } from '../../api/contract-query.ts';
import { useDatasetTitles } from '../../api/dataset-titles.ts';
import { progressStore, runProgressStore } from '../../api/progress-store.ts';
import { PageHeader } from '../../components/card.tsx';
import { EmptyState, ErrorNotice, Loading } from '../../components/feedback.tsx';
import { Card } from '../../components/card.tsx';
import { ActiveRunCard } from './active-run-card.tsx';
import { AlertsCard, FreshnessCard } from './freshness-card.tsx';
import { LastRunCard } from './last-run-card.tsx';
import { ScheduleCard } from './schedule-card.tsx';
import { UpdatePlanCard } from './update-plan-card.tsx';
import { HistoryOfferCard } from './history-offer-card.tsx';
import { addDaysIso } from '../../lib/date-range.ts';

/** The Today page. */
export function TodayPage() {
  const qc = useQueryClient();
  const title = useDatasetTitles();
  const active = useContractQuery('runs.active', {});
  const lastRuns = useContractQuery('runs.list', { limit: 1 });
  const info = useContractQuery('app.info', {}, { staleTime: 60_000 });
  const start = useContractMutation('runs.startUpdate', {
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: contractKey('runs.active', {}) });
    },
  });

  // Progress reported before this page opened arrives with runs.active; later reports come as events.
  useEffect(() => {
    for (const p of active.data?.progress ?? []) progressStore.push(p);
    if (active.data?.runProgress) runProgressStore.push(active.data.runProgress);
  }, [active.data?.progress, active.data?.runProgress]);

  const fresh = useContractQuery('freshness.get', {});
  // Offered while no dataset's history in the lake reaches back a month: a first run, or a lake
  // that was only ever updated day by day.
  const monthAgo = fresh.data ? addDaysIso(fresh.data.latestPublished, -30) : null;
  const shortHistory = Boolean(monthAgo && fresh.data!.datasets.length > 0 && fresh.data!.datasets.every((d) => d.historyFrom === null || d.historyFrom > monthAgo));
  const run = active.data?.run ?? null;
  const last = lastRuns.data?.[0];
  const busy = start.isPending || run !== null;

  return (
    <div className="page">
      <PageHeader
        title="Today"
        description="Fetch the latest published trading day, validate it into the lake and see what needs attention."
        actions={
          <button type="button" className="btn btn-primary btn-large" onClick={() => start.mutate({})} disabled={busy} data-testid="update-today">
            {start.isPending ? 'Starting…' : run ? (run.kind === 'update' ? 'Update running…' : 'A run is in progress') : 'Update today'}
          </button>
        }
      />
      {start.isError && <ErrorNotice error={start.error} title="The update could not start" />}
      {active.isError && <ErrorNotice error={active.error} title="The running job list could not be read" />}
      {active.isPending && <Loading label="Checking for a running update…" />}
      {run ? (
        <ActiveRunCard run={run} title={title} />
      ) : (
        <div className="today-top">
          <UpdatePlanCard />
          {last ? (
            <LastRunCard run={last} />
          ) : lastRuns.isSuccess ? (
            <Card title="Last run" headingId="last-run-heading" testId="last-run">
              <EmptyState title="No runs yet." testId="runs-empty">
                Click Update today to fetch the latest trading day.
              </EmptyState>
            </Card>
          ) : null}
        </div>
      )}
      {!run && shortHistory && <HistoryOfferCard demo={info.data?.mode === 'demo'} />}
      <div className="grid-2">
        <FreshnessCard />
        <AlertsCard />
      </div>
      <ScheduleCard host={info.data?.host} />
    </div>
  );
}
