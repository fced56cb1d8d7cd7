/**
 * The symbols an instrument traded under and the days it held each, from silver's point-in-time
 * universe: the key for matching anything published by symbol (actions, options) to the instrument.
 */
import { RequestError } from '../contract/request-error.ts';
import { sqlString } from '../duckdb/duckdb-instance.ts';
import { lakeRows } from './lake-rows.ts';
import type { LakeCaller } from './sql-handlers.ts';

/** A symbol an instrument traded under, and its first and last day under it. */
export interface TickerSpan {
  ticker: string;
  from: string;
  to: string;
}

/** Every symbol an instrument traded under and the days it did (oldest first); not_found when the universe has none. */
export async function tickerSpans(lake: LakeCaller, instrumentId: string): Promise<TickerSpan[]> {
  const spans = await lakeRows(
    lake,
    `SELECT ticker, CAST(min(date) AS VARCHAR) AS first, CAST(max(date) AS VARCHAR) AS last
     FROM universe WHERE instrument_id = ${sqlString(instrumentId)} GROUP BY ticker ORDER BY first, ticker`,
  );
  if (spans.length === 0) throw new RequestError('not_found', `no instrument ${instrumentId} in the lake's universe`);
  return spans.map((s) => ({ ticker: String(s.ticker), from: String(s.first), to: String(s.last) }));
}

/** A SQL condition: `symbolColumn` is one of the spans' symbols and `dateColumn` inside the days it held it. */
export function duringSpans(spans: readonly TickerSpan[], symbolColumn: string, dateColumn: string): string {
  return spans
    .map((t) => `(${symbolColumn} = ${sqlString(t.ticker)} AND ${dateColumn} BETWEEN DATE ${sqlString(t.from)} AND DATE ${sqlString(t.to)})`)
    .join(' OR ');
}
