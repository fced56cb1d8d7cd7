import { addDays, etMidnightUtc } from '../../calendar/index.ts';
import type { FlatFileDataset } from '../../datasets/index.ts';
import { sqlString } from '../../duckdb/duckdb-instance.ts';

/**
 * The SQL of the bronze ingest, built from the registry. Kept apart from the ingest's control flow
 * so each validation rule can be tested on crafted rows against real DuckDB.
 */

/** Reject reasons, in the order rules are checked (a row gets the first one it fails). */
export const REJECT_REASONS = {
  unparseable: 'unparseable row',
  missing: 'missing value',
  nonFinite: 'non-finite number',
  optionTicker: 'malformed option ticker',
  price: 'price not positive',
  volume: 'negative volume',
  transactions: 'negative transactions',
  high: 'high below max(open, close)',
  low: 'low above min(open, close)',
  outsideDay: 'window_start outside the trading day (New York time)',
  duplicate: 'duplicate (ticker, window_start)',
} as const;

const NS_PER_MS = 1_000_000n;

/** [start, end) of a trading date's New York calendar day in epoch nanoseconds (23 or 25 hours on DST days). */
export function tradingDayBoundsNs(date: string): { startNs: bigint; endNs: bigint } {
  return {
    startNs: BigInt(etMidnightUtc(date).getTime()) * NS_PER_MS,
    endNs: BigInt(etMidnightUtc(addDays(date, 1)).getTime()) * NS_PER_MS,
  };
}

/** `read_csv(...)` of a flat file with the registry's explicit types, no sniffing, bad lines kept aside. */
export function readCsvSql(dataset: FlatFileDataset, file: string): string {
  const columns = dataset.columns.map((c) => `${sqlString(c.name)}: ${sqlString(c.duckdbType)}`).join(', ');
  return (
    `read_csv(${sqlString(file)}, header = true, auto_detect = false, delim = ',', quote = '"', escape = '"', ` +
    `ignore_errors = true, store_rejects = true, columns = {${columns}})`
  );
}

// An OCC ticker: "O:", a 1-10 character root, YYMMDD, C or P, 8 strike digits (strike x 1000).
const OPTION_TICKER_RE = '^O:[A-Z0-9.]{1,10}[0-9]{6}[CP][0-9]{8}$';
const expirationSql = (t: string) =>
  `TRY_CAST('20' || substr(${t}, length(${t}) - 14, 2) || '-' || substr(${t}, length(${t}) - 12, 2) || '-' || substr(${t}, length(${t}) - 10, 2) AS DATE)`;

/** The CASE expression giving a row's reject reason (NULL for a good row), first failing rule wins. */
export function rejectReasonSql(dataset: FlatFileDataset, date: string): string {
  const { startNs, endNs } = tradingDayBoundsNs(date);
  const R = REJECT_REASONS;
  const cols = dataset.columns.map((c) => c.name);
  const missing = cols.map((c) => `WHEN ${c} IS NULL${c === 'ticker' ? " OR ticker = ''" : ''} THEN '${R.missing}: ${c}'`).join('\n    ');
  const numeric = dataset.columns.filter((c) => c.duckdbType === 'DOUBLE').map((c) => `NOT isfinite(${c.name})`).join(' OR ');
  const option =
    dataset.assetClass === 'options'
      ? `WHEN NOT regexp_full_match(ticker, '${OPTION_TICKER_RE}') OR ${expirationSql('ticker')} IS NULL THEN '${R.optionTicker}'`
      : '';
  return `CASE
    ${missing}
    WHEN ${numeric} THEN '${R.nonFinite}'
    ${option}
    WHEN NOT (open > 0 AND close > 0 AND high > 0 AND low > 0) THEN '${R.price}'
    WHEN volume < 0 THEN '${R.volume}'
    WHEN transactions < 0 THEN '${R.transactions}'
    WHEN high < greatest(open, close) THEN '${R.high}'
    WHEN low > least(open, close) THEN '${R.low}'
    WHEN window_start < ${startNs} OR window_start >= ${endNs} THEN '${R.outsideDay}'
  END`;
}

/** The bronze projection of good rows (typed timestamp, trading date, option fields). */
export function bronzeProjectionSql(dataset: FlatFileDataset, date: string): string {
  const base = [
    'ticker', 'volume', 'open', 'close', 'high', 'low',
    'make_timestamp_ns(window_start)::TIMESTAMPTZ AS window_start',
    'transactions',
    `DATE ${sqlString(date)} AS date`,
  ];
  if (dataset.assetClass === 'options') {
    base.push(
      'substr(ticker, 3, length(ticker) - 17) AS underlying',
      `${expirationSql('ticker')} AS expiration`,
      "CASE substr(ticker, length(ticker) - 8, 1) WHEN 'C' THEN 'call' ELSE 'put' END AS contract_type",
      'CAST(substr(ticker, length(ticker) - 7, 8) AS BIGINT) / 1000.0 AS strike',
    );
  }
  return base.join(', ');
}

/** The rejects projection: the source columns as typed (window_start kept raw), the trading date and the reason. */
export function rejectProjectionSql(dataset: FlatFileDataset, date: string): string {
  return [...dataset.columns.map((c) => c.name), `DATE ${sqlString(date)} AS date`, 'reject_reason', 'CAST(NULL AS BIGINT) AS line', 'CAST(NULL AS VARCHAR) AS raw_line'].join(', ');
}

/**
 * Rows DuckDB could not parse (bad number, wrong column count), one per line, shaped like the
 * rejects projection; the raw line is kept because no typed value can be trusted.
 */
export function parseErrorRejectsSql(dataset: FlatFileDataset, date: string): string {
  const nulls = dataset.columns.map((c) => (c.name === 'ticker' ? "split_part(csv_line, ',', 1) AS ticker" : `CAST(NULL AS ${c.duckdbType}) AS ${c.name}`));
  return `SELECT ${nulls.join(', ')}, DATE ${sqlString(date)} AS date,
      '${REJECT_REASONS.unparseable}: ' || first(error_message ORDER BY column_idx) AS reject_reason,
      line::BIGINT AS line, first(csv_line) AS raw_line
    FROM reject_errors GROUP BY line, csv_line`;
}
