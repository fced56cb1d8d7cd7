/**
 * Options enrichment for one day: each contract with its underlying's raw close that day (the
 * strike is not adjusted before a split either, so the two stay comparable), moneyness S/K and
 * ln(S/K), days to expiry (calendar, and NYSE trading days after the day up to expiry), intrinsic
 * value, in-the-money flag, and Black-Scholes implied volatility and delta from the option's close
 * (T = calendar days / 365, the configured risk-free rate, no dividends). Everything but the
 * volatility solve is SQL; the solve is a per-contract root search over typed columns in JS.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { addDays, tradingDays } from '../../calendar/index.ts';
import { blackScholesDelta, impliedVolatility } from './black-scholes.ts';
import { parquetOrEmpty, sqlDate } from './silver-sql.ts';

/** What a day's enrichment counted, for its partition record. */
export interface EnrichmentCounts {
  contracts: number;
  /** Contracts whose underlying has no bar that day (their derived columns are null). */
  noUnderlyingBar: number;
  /** Contracts with an underlying bar whose close has no implied volatility (expiry day, below intrinsic, ...). */
  noImpliedVolatility: number;
}

/** Builds `options_enriched` for `date` from that day's options and stocks bronze files. */
export async function buildOptionsEnriched(
  connection: DuckDBConnection, files: { options: string; stocks: string | null }, date: string, riskFreeRate: number,
): Promise<EnrichmentCounts> {
  const options = parquetOrEmpty([files.options], [
    ['ticker', 'VARCHAR'], ['date', 'DATE'], ['underlying', 'VARCHAR'], ['expiration', 'DATE'], ['contract_type', 'VARCHAR'], ['strike', 'DOUBLE'],
    ['open', 'DOUBLE'], ['high', 'DOUBLE'], ['low', 'DOUBLE'], ['close', 'DOUBLE'], ['volume', 'DOUBLE'], ['transactions', 'BIGINT'],
  ]);
  const stocks = parquetOrEmpty(files.stocks ? [files.stocks] : [], [['ticker', 'VARCHAR'], ['close', 'DOUBLE']]);
  const expiries = (await connection.runAndReadAll(`SELECT DISTINCT CAST(expiration AS VARCHAR) FROM ${options} WHERE expiration IS NOT NULL`))
    .getRows().map((r) => String(r[0]));
  // Trading days after `date` up to each expiry, from the NYSE calendar by rule.
  const counts = expiries.map((e) => `(DATE '${e}', ${e > date ? tradingDays(addDays(date, 1), e).length : 0})`);
  const expiryDays = counts.length ? `(SELECT * FROM (VALUES ${counts.join(', ')}) v(expiration, trading_days))` : '(SELECT NULL::DATE AS expiration, 0 AS trading_days WHERE false)';
  await connection.run(`CREATE OR REPLACE TEMP TABLE options_base AS
    SELECT o.ticker, o.date, o.underlying, o.expiration, o.contract_type, o.strike, o.open, o.high, o.low, o.close, o.volume, o.transactions,
           u.close AS underlying_close,
           u.close / o.strike AS moneyness, ln(u.close / o.strike) AS log_moneyness,
           CAST(o.expiration - o.date AS INTEGER) AS days_to_expiry, x.trading_days AS trading_days_to_expiry,
           CASE WHEN u.close IS NULL THEN NULL WHEN o.contract_type = 'call' THEN greatest(u.close - o.strike, 0)
                ELSE greatest(o.strike - u.close, 0) END AS intrinsic_value,
           CASE WHEN o.contract_type = 'call' THEN u.close > o.strike ELSE u.close < o.strike END AS in_the_money
    FROM ${options} o
    LEFT JOIN ${stocks} u ON u.ticker = o.underlying
    LEFT JOIN ${expiryDays} x ON x.expiration = o.expiration
    WHERE o.date = ${sqlDate(date)}`);
  const rows = (await connection.runAndReadAll(
    'SELECT ticker, underlying_close, strike, days_to_expiry, close, contract_type = \'call\' FROM options_base ORDER BY ticker',
  )).getRows();
  await connection.run('CREATE OR REPLACE TEMP TABLE options_greeks (ticker VARCHAR, implied_volatility DOUBLE, delta DOUBLE)');
  const appender = await connection.createAppender('options_greeks');
  let noUnderlyingBar = 0;
  let noImpliedVolatility = 0;
  for (const [ticker, s, k, days, close, call] of rows) {
    appender.appendVarchar(String(ticker));
    const vol = s === null ? null : impliedVolatility({ s: Number(s), k: Number(k), t: Number(days) / 365, r: riskFreeRate, call: call === true }, Number(close));
    if (s === null) noUnderlyingBar++;
    else if (vol === null) noImpliedVolatility++;
    if (vol === null) {
      appender.appendNull();
      appender.appendNull();
    } else {
      appender.appendDouble(vol);
      appender.appendDouble(blackScholesDelta({ s: Number(s), k: Number(k), t: Number(days) / 365, r: riskFreeRate, call: call === true }, vol));
    }
    appender.endRow();
  }
  appender.closeSync();
  return { contracts: rows.length, noUnderlyingBar, noImpliedVolatility };
}

/** The enriched rows of the day, sorted by contract. */
export const OPTIONS_ENRICHED_SELECT = `SELECT b.*, g.implied_volatility, g.delta FROM options_base b JOIN options_greeks g USING (ticker) ORDER BY b.ticker`;
