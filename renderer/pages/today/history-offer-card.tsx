/**
 * The first-run offer: a lake that holds only the latest days is offered the last N years of
 * every enabled dataset, with what that would fetch and how the size is known (the files already
 * in the lake, or a typical size: a guess). In demo mode it says what demo data is, on the page.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { contractKey, useContractMutation, useContractQuery } from '../../api/contract-query.ts';
import { hrefFor } from '../../app/hash-route.ts';
import { Card } from '../../components/card.tsx';
import { ErrorNotice, Loading } from '../../components/feedback.tsx';
import { formatBytes, formatCount, formatShortDate, plural } from '../../lib/format.ts';

const YEARS = [1, 2, 5] as const;

/** The offer card; the page shows it while no dataset's history reaches back a month. */
export function HistoryOfferCard({ demo }: { demo: boolean }) {
  const qc = useQueryClient();
  const [years, setYears] = useState<number>(2);
  const estimate = useContractQuery('history.estimate', { years }, { staleTime: 60_000 });
  const start = useContractMutation('runs.startHistory', {
    onSuccess: () => void qc.invalidateQueries({ queryKey: contractKey('runs.active', {}) }),
  });
  const e = estimate.data;
  return (
    <Card
      title={`Backfill the last ${plural(years, 'year')}`}
      headingId="history-offer-heading"
      testId="history-offer"
      description="Update today fetches the latest trading day. Research needs history: fill it once, then keep it current."
      actions={
        <div className="segmented" role="radiogroup" aria-label="Years of history">
          {YEARS.map((n) => (
            <button key={n} type="button" role="radio" aria-checked={years === n} onClick={() => setYears(n)} data-testid={`history-years-${n}`}>
              {plural(n, 'year')}
            </button>
          ))}
        </div>
      }
    >
      <div className="stack-s">
        {demo && (
          <p data-testid="demo-explained">
            <strong>Demo data:</strong> these are not real prices. A simulator built into QuantMini makes up a market (a few dozen
            tickers, splits, dividends, holidays) and serves it the way Polygon does, so every part of the app can be tried
            without an account. <a href={hrefFor('settings', 'account')}>Connect an account</a> to fill the lake with real data.
          </p>
        )}
        {estimate.isPending && <Loading label="Estimating the backfill…" />}
        {estimate.isError && <ErrorNotice error={estimate.error} title="The backfill could not be estimated" />}
        {e && (
          <p data-testid="history-estimate">
            {formatShortDate(e.from)} to {formatShortDate(e.to)}: {plural(e.estimate.days, 'trading day')} of {plural(e.estimate.datasets.length, 'dataset')},{' '}
            {formatCount(e.estimate.jobs)} jobs, about <strong data-testid="history-bytes">{formatBytes(e.estimate.estimatedBytes)}</strong> to fetch{' '}
            <span className="muted" data-testid="history-basis">
              ({e.basis})
            </span>
            {e.estimate.alreadyComplete > 0 ? ` · ${plural(e.estimate.alreadyComplete, 'partition')} already in the lake` : ''}.
          </p>
        )}
        <div className="row">
          <button
            type="button"
            className="btn btn-primary"
            onClick={() => start.mutate({ years })}
            disabled={start.isPending || !e || e.estimate.jobs === 0}
            data-testid="start-history"
          >
            {start.isPending ? 'Starting…' : `Backfill ${plural(years, 'year')}`}
          </button>
        </div>
        {start.isError && <ErrorNotice error={start.error} title="The backfill could not start" />}
      </div>
    </Card>
  );
}
