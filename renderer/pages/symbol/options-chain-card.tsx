/**
 * The instrument's options chain on a chosen day, one row per expiration (contracts, volume, strike
 * range, the strike nearest the underlying's close and its call and put implied volatility), from
 * silver options_daily_enriched. The day defaults to the latest with options.
 */
import { keepPreviousData } from '@tanstack/react-query';
import { memo, useState } from 'react';
import { useContractQuery } from '../../api/contract-query.ts';
import { Card } from '../../components/card.tsx';
import { EmptyState, ErrorNotice, Loading } from '../../components/feedback.tsx';
import { formatCount, formatTradingDate, NONE } from '../../lib/format.ts';

const strike = (v: number | null) => (v === null ? NONE : v.toFixed(2));
const iv = (v: number | null) => (v === null ? NONE : `${(v * 100).toFixed(1)}%`);

/** The card; `instrumentId` is the Symbol page's instrument. */
// Memoised: the chart's raw/adjusted toggle re-renders the card around it, and this table need not follow.
export const OptionsChainCard = memo(function OptionsChainCard({ instrumentId }: { instrumentId: string }) {
  const [date, setDate] = useState<string | undefined>(undefined);
  const chain = useContractQuery(
    'symbol.options',
    date ? { instrumentId, date } : { instrumentId },
    { staleTime: 60_000, placeholderData: keepPreviousData },
  );
  const c = chain.data;
  const totals = c?.expirations.reduce(
    (t, e) => ({ contracts: t.contracts + e.calls + e.puts, calls: t.calls + e.callVolume, puts: t.puts + e.putVolume }),
    { contracts: 0, calls: 0, puts: 0 },
  );
  return (
    <Card
      title="Options chain"
      headingId="options-heading"
      testId="options-chain"
      description={
        c?.date && totals
          ? `${c.underlying ?? ''} on ${formatTradingDate(c.date)} · underlying close ${strike(c.underlyingClose)} · ` +
            `${formatCount(totals.contracts)} contracts · volume ${formatCount(totals.calls)} calls, ${formatCount(totals.puts)} puts`
          : undefined
      }
      actions={
        c && c.dates.length > 0 ? (
          <label className="stack" style={{ gap: 4 }}>
            <span className="field-label">Day</span>
            <select className="select" value={c.date ?? ''} onChange={(e) => setDate(e.target.value)} data-testid="options-day">
              {[...c.dates].reverse().map((d) => (
                <option key={d} value={d}>
                  {d}
                </option>
              ))}
            </select>
          </label>
        ) : undefined
      }
      flush
    >
      {chain.isPending && <Loading label="Reading the options chain…" />}
      {chain.isError && <ErrorNotice error={chain.error} title="The options chain could not be read" />}
      {c && c.date === null && (
        <EmptyState title="No options on this instrument in the lake." testId="options-empty">
          Enable options_daily and its enriched silver dataset (options_daily_enriched) to see the chain.
        </EmptyState>
      )}
      {c && c.date !== null && (
        <table className="table" aria-labelledby="options-heading" data-testid="options-table">
          <thead>
            <tr>
              <th scope="col">Expiration</th>
              <th scope="col">Trading days</th>
              <th scope="col">Calls</th>
              <th scope="col">Puts</th>
              <th scope="col">Call volume</th>
              <th scope="col">Put volume</th>
              <th scope="col">Strikes</th>
              <th scope="col">At the money</th>
              <th scope="col">Call IV</th>
              <th scope="col">Put IV</th>
            </tr>
          </thead>
          <tbody>
            {c.expirations.map((e) => (
              <tr key={e.expiration} data-testid={`options-expiry-${e.expiration}`}>
                <td>{formatTradingDate(e.expiration)}</td>
                <td>{e.tradingDaysToExpiry ?? NONE}</td>
                <td>{formatCount(e.calls)}</td>
                <td>{formatCount(e.puts)}</td>
                <td>{formatCount(e.callVolume)}</td>
                <td>{formatCount(e.putVolume)}</td>
                <td>
                  {strike(e.minStrike)} – {strike(e.maxStrike)}
                </td>
                <td>{strike(e.atmStrike)}</td>
                <td>{iv(e.atmCallIv)}</td>
                <td>{iv(e.atmPutIv)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
});
