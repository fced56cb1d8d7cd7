/**
 * "Build over a range": the set's dataset (features_<name>) over every NYSE trading day of a range,
 * estimated and run through the same path as a Coverage backfill (`backfill.estimate`,
 * `runs.startBackfill`), so the planner adds whatever the days need upstream, skips days that are
 * fresh, and the run shows on Runs like any other.
 */
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { isIsoDate } from '../../../core/calendar/iso-date.ts';
import { tradingDays } from '../../../core/calendar/trading-days.ts';
import type { RequestInput, RequestOutput } from '../../../core/contract/contract.ts';
import { FEATURE_DATASET_IDS } from '../../../core/vocabulary/dataset-ids.ts';
import { useApi } from '../../api/api-provider.tsx';
import type { ContractFailure } from '../../api/contract-client.ts';
import { useContractMutation } from '../../api/contract-query.ts';
import { hrefFor } from '../../app/hash-route.ts';
import { Card } from '../../components/card.tsx';
import { ErrorNotice } from '../../components/feedback.tsx';
import { formatCount, plural } from '../../lib/format.ts';
import { describeStages } from '../../lib/plan-stages.ts';

type Cells = RequestInput<'backfill.estimate'>['cells'];
type FeatureDataset = (typeof FEATURE_DATASET_IDS)[number];

/** The contract's limit on cells per backfill request. */
const MAX_CELLS = 50_000;

function cellsOf(dataset: FeatureDataset, from: string, to: string): Cells | string {
  if (!isIsoDate(from) || !isIsoDate(to)) return 'Give both dates as YYYY-MM-DD.';
  if (from > to) return 'The first day is after the last.';
  const days = tradingDays(from, to);
  if (days.length === 0) return 'No NYSE trading day in that range.';
  if (days.length > MAX_CELLS) return `At most ${formatCount(MAX_CELLS)} trading days per build.`;
  return days.map((date) => ({ dataset, date }));
}

/** The card for set `name` (installed version `installed`); `initial` is the range shown first. */
export function BuildRangeCard(props: { name: string; installed: string | null; initial: { from: string; to: string } }) {
  const { name, installed, initial } = props;
  const api = useApi();
  const [from, setFrom] = useState(initial.from);
  const [to, setTo] = useState(initial.to);
  const [asked, setAsked] = useState<{ from: string; to: string } | null>(null);
  const dataset = `features_${name}`;
  const known = (FEATURE_DATASET_IDS as readonly string[]).includes(dataset) ? (dataset as FeatureDataset) : null;
  const cells = useMemo(() => (known && asked ? cellsOf(known, asked.from, asked.to) : null), [known, asked]);
  const estimate = useQuery<RequestOutput<'backfill.estimate'>, ContractFailure>({
    queryKey: ['backfill.estimate', 'silver', dataset, asked],
    queryFn: () => api.invoke('backfill.estimate', { layer: 'silver', cells: cells as Cells }),
    enabled: Array.isArray(cells),
  });
  const start = useContractMutation('runs.startBackfill');
  if (!known || !installed) {
    return (
      <Card title="Build over a range" headingId="build-heading" testId="build-range-card">
        <p className="muted">
          Only feature sets installed with the app are built by the planner; build this one with quantmini features build.
        </p>
      </Card>
    );
  }
  const e = estimate.data;
  return (
    <Card
      title="Build over a range"
      headingId="build-heading"
      description={
        `Builds ${name}@${installed} (the installed manifest) on every trading day of the range that is missing or stale, ` +
        'and what those days need upstream.'
      }
      testId="build-range-card"
    >
      <form
        className="range-form"
        onSubmit={(ev) => {
          ev.preventDefault();
          start.reset();
          setAsked({ from, to });
        }}
      >
        <label>
          First day
          <input type="date" className="input" value={from} onChange={(ev) => setFrom(ev.target.value)} required data-testid="build-from" />
        </label>
        <label>
          Last day
          <input type="date" className="input" value={to} onChange={(ev) => setTo(ev.target.value)} required data-testid="build-to" />
        </label>
        <button type="submit" className="btn" data-testid="build-estimate">
          Estimate
        </button>
      </form>
      {typeof cells === 'string' && (
        <div className="notice" data-tone="warning" role="status">
          {cells}
        </div>
      )}
      {estimate.isFetching && !e && (
        <div className="loading" style={{ padding: 0 }}>
          <span className="spinner" aria-hidden="true" /> Estimating…
        </div>
      )}
      {estimate.isError && <ErrorNotice error={estimate.error} title="The build could not be estimated" />}
      {e && Array.isArray(cells) && (
        <div className="stack" style={{ marginTop: 12 }}>
          <p data-testid="build-stages">
            {plural(cells.length, 'trading day')}:{' '}
            {e.jobs === 0
              ? 'nothing to run, every day is up to date.'
              : `runs ${describeStages(e.byKind)} (${formatCount(e.alreadyComplete)} days already built).`}
          </p>
          <div className="row">
            <button
              type="button"
              className="btn btn-primary"
              disabled={e.jobs === 0 || start.isPending || start.isSuccess}
              onClick={() => start.mutate({ layer: 'silver', cells })}
              data-testid="build-start"
            >
              {start.isPending ? 'Starting…' : 'Build'}
            </button>
            {start.data && (
              <span role="status" data-testid="build-started">
                Started: <a href={hrefFor('runs', start.data.runId)}>see the run</a>.
              </span>
            )}
          </div>
        </div>
      )}
      {start.isError && <ErrorNotice error={start.error} title="The build could not start" />}
    </Card>
  );
}
