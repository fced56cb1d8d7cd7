/**
 * `symbol.options`: an instrument's options chain on one day, summarised per expiration, from silver
 * options_daily_enriched. Contracts are matched by underlying symbol and the days the instrument
 * traded under it (symbols are reused), like the Symbol page's corporate actions.
 */
import type { OptionsChainView } from '../contract/contract-views.ts';
import { RequestError } from '../contract/request-error.ts';
import { sqlString } from '../duckdb/duckdb-instance.ts';
import { lakeRows, lakeViewNames, type LakeCell } from './lake-rows.ts';
import type { LakeCaller } from './sql-handlers.ts';
import { duringSpans, tickerSpans } from './instrument-spans.ts';

const OPTIONS = 'options_daily_enriched';

const numOrNull = (v: LakeCell | undefined): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** The chain on `date` (default: the instrument's latest day with options); `date: null` when there are none. */
export async function readOptionsChain(lake: LakeCaller, instrumentId: string, date?: string): Promise<OptionsChainView> {
  const spans = await tickerSpans(lake, instrumentId);
  const none: OptionsChainView = { date: null, dates: [], underlying: null, underlyingClose: null, expirations: [] };
  if (!(await lakeViewNames(lake)).has(OPTIONS)) return none;
  const mine = duringSpans(spans, 'underlying', 'date');
  const dates = (await lakeRows(lake, `SELECT DISTINCT CAST(date AS VARCHAR) AS d FROM ${OPTIONS} WHERE ${mine} ORDER BY d`)).map((r) => String(r.d));
  if (dates.length === 0) return none;
  const day = date ?? dates.at(-1)!;
  if (!dates.includes(day)) {
    throw new RequestError('not_found', `no options on instrument ${instrumentId} in silver ${OPTIONS} on ${day} (first ${dates[0]}, last ${dates.at(-1)})`);
  }
  // The strike nearest the close is the one with the smallest |ln(S/K)|; rows without an underlying
  // close have no moneyness and take no part in it.
  const rows = await lakeRows(
    lake,
    `WITH o AS (SELECT * FROM ${OPTIONS} WHERE date = DATE ${sqlString(day)} AND (${mine})),
     atm AS (SELECT expiration, arg_min(strike, abs(log_moneyness)) AS strike FROM o WHERE log_moneyness IS NOT NULL GROUP BY expiration)
     SELECT CAST(o.expiration AS VARCHAR) AS expiration, any_value(o.underlying) AS underlying,
       max(o.underlying_close) AS underlying_close, max(o.trading_days_to_expiry) AS tdte,
       count(*) FILTER (WHERE o.contract_type = 'call') AS calls, count(*) FILTER (WHERE o.contract_type = 'put') AS puts,
       coalesce(sum(o.volume) FILTER (WHERE o.contract_type = 'call'), 0) AS call_volume,
       coalesce(sum(o.volume) FILTER (WHERE o.contract_type = 'put'), 0) AS put_volume,
       min(o.strike) AS min_strike, max(o.strike) AS max_strike, any_value(atm.strike) AS atm_strike,
       max(o.implied_volatility) FILTER (WHERE o.contract_type = 'call' AND o.strike = atm.strike) AS atm_call_iv,
       max(o.implied_volatility) FILTER (WHERE o.contract_type = 'put' AND o.strike = atm.strike) AS atm_put_iv
     FROM o LEFT JOIN atm USING (expiration) GROUP BY o.expiration ORDER BY o.expiration`,
  );
  const first = rows[0];
  return {
    date: day,
    dates,
    underlying: first ? String(first.underlying) : null,
    underlyingClose: numOrNull(first?.underlying_close),
    expirations: rows.map((r) => ({
      expiration: String(r.expiration),
      tradingDaysToExpiry: numOrNull(r.tdte),
      calls: Number(r.calls),
      puts: Number(r.puts),
      callVolume: Number(r.call_volume),
      putVolume: Number(r.put_volume),
      minStrike: numOrNull(r.min_strike),
      maxStrike: numOrNull(r.max_strike),
      atmStrike: numOrNull(r.atm_strike),
      atmCallIv: numOrNull(r.atm_call_iv),
      atmPutIv: numOrNull(r.atm_put_iv),
    })),
  };
}
