/**
 * Adjustment factors in DuckDB SQL: the rules of core/layers/silver/README.md ("Adjustment
 * factors"), one set of queries over every instrument at once. The products are left folds over
 * each instrument's actions in (date, splits before dividends, id) order, never a window
 * aggregate, so the factor of a day is the same float whether it was built alone or with 20
 * years (a segment-tree product may associate differently).
 */
import { sqlString } from '../../duckdb/duckdb-instance.ts';
import { instrumentSegmentsSql, referenceTablesSql } from './instrument-resolution.ts';
import { parquetOrEmpty, sqlDate } from './silver-sql.ts';

/** The bronze files a factor build reads, all dated on or before `upTo`. */
export interface FactorInputFiles {
  stocksDaily: readonly string[];
  splits: readonly string[];
  dividends: readonly string[];
  tickers: readonly string[];
  tickerEvents: readonly string[];
  /**
   * The factor state after the day before the first bar of `stocksDaily` (factorStateSql), when
   * the build carries it forward instead of reading every bar since the first day: then
   * `stocksDaily` holds only the days to build (see README, "Daily update").
   */
  state?: string;
}

/** Per instrument, its last bar up to a day with that bar's factors: what a next day's build needs of history. */
export const FACTOR_STATE_COLUMNS: ReadonlyArray<readonly [string, string]> = [
  ['instrument_id', 'VARCHAR'], ['ticker', 'VARCHAR'], ['date', 'DATE'], ['close', 'DOUBLE'], ['split_factor', 'DOUBLE'], ['factor', 'DOUBLE'],
];

/** The currency prices are quoted in; a dividend in any other (or none) cannot be applied. */
const PRICE_CURRENCY = 'USD';

/**
 * Statements that leave `factors` (every bar in [from, upTo] with its factors and previous adjusted
 * close; rows before `from` are only there as previous bars), `action_review` (every action with its ratio, or why it was not applied) and
 * `duplicate_bars` (instrument-days that two symbols claim; must be empty).
 */
export function factorTablesSql(files: FactorInputFiles, upTo: string, from: string = upTo): string[] {
  const to = sqlDate(upTo);
  // Without a carried state: an empty one, and every fold starts at 1.0 (1.0 x r is r exactly).
  const state = parquetOrEmpty(files.state ? [files.state] : [], FACTOR_STATE_COLUMNS);
  const first = sqlDate(from);
  const bars = parquetOrEmpty(files.stocksDaily, [['ticker', 'VARCHAR'], ['date', 'DATE'], ['close', 'DOUBLE']]);
  const splits = parquetOrEmpty(files.splits, [
    ['ticker', 'VARCHAR'], ['execution_date', 'DATE'], ['split_from', 'DOUBLE'], ['split_to', 'DOUBLE'], ['id', 'VARCHAR'],
  ]);
  const dividends = parquetOrEmpty(files.dividends, [
    ['ticker', 'VARCHAR'], ['ex_dividend_date', 'DATE'], ['cash_amount', 'DOUBLE'], ['currency', 'VARCHAR'], ['dividend_type', 'VARCHAR'], ['id', 'VARCHAR'],
  ]);
  const events = parquetOrEmpty(files.tickerEvents, [['ticker', 'VARCHAR'], ['composite_figi', 'VARCHAR'], ['event_date', 'DATE']]);
  const tickers = parquetOrEmpty(files.tickers, [['date', 'DATE'], ['ticker', 'VARCHAR'], ['composite_figi', 'VARCHAR'], ['active', 'BOOLEAN']]);
  return [
    ...referenceTablesSql(events, tickers, to),
    `CREATE OR REPLACE TEMP TABLE raw_actions AS
       SELECT 'split' AS kind, 0 AS kind_order, ticker, execution_date AS action_date, split_from, split_to,
              CAST(NULL AS DOUBLE) AS cash_amount, CAST(NULL AS VARCHAR) AS currency, CAST(NULL AS VARCHAR) AS dividend_type,
              coalesce(id, '') AS id
       FROM ${splits} WHERE execution_date <= ${to}
       UNION ALL
       SELECT 'dividend', 1, ticker, ex_dividend_date, NULL, NULL, cash_amount, currency, dividend_type, coalesce(id, '')
       FROM ${dividends} WHERE ex_dividend_date <= ${to}`,
    `CREATE OR REPLACE TEMP TABLE raw_bars AS SELECT ticker, date, close FROM ${bars} WHERE date <= ${to}`,
    `CREATE OR REPLACE TEMP TABLE segments AS
       SELECT * FROM ${instrumentSegmentsSql(`(SELECT ticker, min(date) AS date FROM (
         SELECT ticker, date FROM raw_bars UNION ALL SELECT ticker, action_date FROM raw_actions) GROUP BY ticker)`)}`,
    `CREATE OR REPLACE TEMP TABLE factor_state AS SELECT * FROM ${state}`,
    // A carried state's rows stand for each instrument's history: its last bar, with its factors.
    `CREATE OR REPLACE TEMP TABLE bars AS
       SELECT s.instrument_id, b.ticker, b.date, b.close FROM raw_bars b
       JOIN segments s ON s.ticker = b.ticker AND s.from_date <= b.date AND (s.to_date IS NULL OR b.date < s.to_date)
       UNION ALL SELECT instrument_id, ticker, date, close FROM factor_state`,
    // Only an instrument reached from two symbols can have two bars on one day.
    `CREATE OR REPLACE TEMP TABLE duplicate_bars AS
       WITH multi AS (SELECT instrument_id FROM segments GROUP BY instrument_id HAVING count(DISTINCT ticker) > 1),
       d AS (SELECT instrument_id, date FROM bars SEMI JOIN multi USING (instrument_id) GROUP BY ALL HAVING count(*) > 1)
       SELECT d.instrument_id, d.date, string_agg(b.ticker, ', ' ORDER BY b.ticker) AS tickers
       FROM d JOIN bars b ON b.instrument_id = d.instrument_id AND b.date = d.date GROUP BY d.instrument_id, d.date`,
    // Each action with the instrument's last bar before it (none: on or before its first day).
    `CREATE OR REPLACE TEMP TABLE actions AS
       WITH a AS (
         SELECT s.instrument_id, a.* FROM raw_actions a
         JOIN segments s ON s.ticker = a.ticker AND s.from_date <= a.action_date AND (s.to_date IS NULL OR a.action_date < s.to_date)
       ),
       prev AS (
         SELECT a.instrument_id, a.kind, a.action_date, a.id, max(p.date) AS prev_date
         FROM a JOIN bars p ON p.instrument_id = a.instrument_id AND p.date < a.action_date GROUP BY ALL
       )
       SELECT a.*, prev.prev_date, p.close AS prev_close
       FROM a LEFT JOIN prev ON prev.instrument_id = a.instrument_id AND prev.kind = a.kind AND prev.action_date = a.action_date AND prev.id = a.id
       LEFT JOIN bars p ON p.instrument_id = a.instrument_id AND p.date = prev.prev_date
       -- Actions up to a carried state's last bar are already in its factors.
       ANTI JOIN factor_state st ON st.instrument_id = a.instrument_id AND a.action_date <= st.date`,
    `CREATE OR REPLACE TEMP TABLE split_checked AS
       SELECT *, CASE
         WHEN NOT (isfinite(split_from) AND isfinite(split_to) AND split_from > 0 AND split_to > 0)
           THEN format('split of {} ({}) on {} has ratio {}/{}: both sides must be positive numbers',
                       ticker, instrument_id, action_date, split_to, split_from)
       END AS reject_reason
       FROM actions WHERE kind = 'split'`,
    // A previous close is read in the shares of the day before the dividend's own day: splits
    // strictly between that bar and the ex-date (the instrument did not trade through them) apply.
    `CREATE OR REPLACE TEMP TABLE dividend_base AS
       SELECT d.*, d.prev_close * coalesce((
         SELECT list_reduce(list(s.split_from / s.split_to ORDER BY s.action_date, s.id), (x, y) -> x * y)
         FROM split_checked s
         WHERE s.reject_reason IS NULL AND s.instrument_id = d.instrument_id AND s.action_date > d.prev_date AND s.action_date < d.action_date
       ), 1.0) AS base_close
       FROM actions d WHERE d.kind = 'dividend'`,
    `CREATE OR REPLACE TEMP TABLE dividend_checked AS
       SELECT *, CASE
         WHEN currency IS NULL THEN format('dividend {} of {} ({}) ex {} has no currency', cash_amount, ticker, instrument_id, action_date)
         WHEN currency <> ${sqlString(PRICE_CURRENCY)}
           THEN format('dividend {} of {} ({}) ex {} is in {}, not the prices'' currency ${PRICE_CURRENCY}',
                       cash_amount, ticker, instrument_id, action_date, currency)
         WHEN NOT (isfinite(cash_amount) AND cash_amount >= 0)
           THEN format('dividend of {} ({}) ex {} has amount {}', ticker, instrument_id, action_date, cash_amount)
         WHEN base_close IS NOT NULL AND cash_amount >= base_close
           THEN format('dividend {} of {} ({}) ex {} is not below the previous close {} ({})',
                       cash_amount, ticker, instrument_id, action_date, base_close, prev_date)
       END AS reject_reason
       FROM dividend_base`,
    `CREATE OR REPLACE TEMP TABLE action_review AS
       SELECT instrument_id, ticker, kind, kind_order, action_date, id, split_from, split_to, cash_amount, currency, dividend_type,
              prev_date, prev_close, NULL::DOUBLE AS base_close,
              CASE WHEN reject_reason IS NULL AND prev_date IS NOT NULL THEN split_to / split_from END AS ratio, reject_reason
       FROM split_checked
       UNION ALL
       SELECT instrument_id, ticker, kind, kind_order, action_date, id, split_from, split_to, cash_amount, currency, dividend_type,
              prev_date, prev_close, base_close,
              CASE WHEN reject_reason IS NULL AND prev_date IS NOT NULL THEN base_close / (base_close - cash_amount) END, reject_reason
       FROM dividend_checked`,
    // Cumulative factors after each applied action: the fold over the first k actions.
    `CREATE OR REPLACE TEMP TABLE cumulative AS
       WITH ordered AS (
         SELECT instrument_id,
                list({d: action_date, r: ratio, s: CASE WHEN kind = 'split' THEN ratio ELSE 1.0 END} ORDER BY action_date, kind_order, id) AS acts
         FROM action_review WHERE ratio IS NOT NULL GROUP BY instrument_id
       ),
       prefixes AS (SELECT instrument_id, acts, unnest(range(1, len(acts) + 1)) AS k FROM ordered)
       SELECT p.instrument_id, acts[k].d AS action_date,
              list_reduce(list_transform(acts[1:k], x -> x.r), (x, y) -> x * y, coalesce(st.factor, 1.0::DOUBLE)) AS factor,
              list_reduce(list_transform(acts[1:k], x -> x.s), (x, y) -> x * y, coalesce(st.split_factor, 1.0::DOUBLE)) AS split_factor
       FROM prefixes p LEFT JOIN factor_state st ON st.instrument_id = p.instrument_id
       QUALIFY row_number() OVER (PARTITION BY p.instrument_id, acts[k].d ORDER BY k DESC) = 1`,
    // The bars to write and, per instrument, its last bar before them (for prev_date): a daily
    // build sorts one day plus one row per instrument, not the whole history.
    `CREATE OR REPLACE TEMP TABLE factors AS
       WITH needed AS (
         SELECT * FROM bars WHERE date >= ${first}
         UNION ALL
         SELECT instrument_id, arg_max(ticker, date), max(date), arg_max(close, date) FROM bars WHERE date < ${first} GROUP BY instrument_id
       ),
       f AS (
         SELECT b.instrument_id, b.ticker, b.date, b.close,
                coalesce(c.split_factor, st.split_factor, 1.0) AS split_factor, coalesce(c.factor, st.factor, 1.0) AS factor
         FROM needed b ASOF LEFT JOIN cumulative c ON c.instrument_id = b.instrument_id AND c.action_date <= b.date
         LEFT JOIN factor_state st ON st.instrument_id = b.instrument_id
       )
       SELECT *, lag(date) OVER w AS prev_date, lag(close * factor) OVER w AS prev_adj_close
       FROM f WINDOW w AS (PARTITION BY instrument_id ORDER BY date)`,
  ];
}

/** The factor rows of one day, in the dataset's column order, sorted by ticker. */
export function factorDaySql(date: string): string {
  return `SELECT instrument_id, ticker, date, close, split_factor, factor, prev_date, prev_adj_close
          FROM factors WHERE date = ${sqlDate(date)} ORDER BY ticker`;
}

/** The factor state after `date` (FACTOR_STATE_COLUMNS): each instrument's last bar up to it, sorted by instrument. */
export function factorStateSql(date: string): string {
  return `SELECT instrument_id, ticker, date, close, split_factor, factor FROM factors WHERE date <= ${sqlDate(date)}
          QUALIFY row_number() OVER (PARTITION BY instrument_id ORDER BY date DESC) = 1
          ORDER BY instrument_id`;
}

/** Rejected actions whose partition is `date` (action dated after the trading day before it, up to it). */
export function factorRejectsSql(date: string, previousTradingDay: string): string {
  return `SELECT ${sqlDate(date)} AS date, instrument_id, ticker, kind AS action, action_date, id, split_from, split_to,
                 cash_amount, currency, prev_date, prev_close, reject_reason
          FROM action_review
          WHERE reject_reason IS NOT NULL AND action_date > ${sqlDate(previousTradingDay)} AND action_date <= ${sqlDate(date)}
          ORDER BY ticker, action_date, kind_order, id`;
}

/**
 * The corporate-action timeline rows whose partition is `date`: splits and dividends with what the
 * factor rules made of them (applied with their ratio, before the instrument's first day, or
 * refused with the reason), and ticker changes (an entity's event moving it to a new symbol).
 */
export function corporateActionsDaySql(date: string, previousTradingDay: string): string {
  const window = (col: string) => `${col} > ${sqlDate(previousTradingDay)} AND ${col} <= ${sqlDate(date)}`;
  return `
    WITH moves AS (
      SELECT figi, ticker, event_date, lag(ticker) OVER (PARTITION BY figi ORDER BY event_date) AS previous_ticker FROM ref_events
    )
    SELECT ${sqlDate(date)} AS date, instrument_id, ticker, action_date, kind AS action, split_from, split_to, cash_amount, currency,
           dividend_type, CAST(NULL AS VARCHAR) AS previous_ticker, prev_date, prev_close, ratio,
           CASE WHEN reject_reason IS NOT NULL THEN 'rejected' WHEN prev_date IS NULL THEN 'before_first_day' ELSE 'applied' END AS status,
           reject_reason AS reason, kind_order, id
    FROM action_review WHERE ${window('action_date')}
    UNION ALL
    SELECT ${sqlDate(date)}, figi, ticker, event_date, 'ticker_change', NULL, NULL, NULL, NULL, NULL, previous_ticker, NULL, NULL, NULL,
           'applied', NULL, 2, ''
    FROM moves WHERE previous_ticker IS NOT NULL AND ${window('event_date')}
    ORDER BY instrument_id, action_date, kind_order, id`;
}

/** The timeline rows of a day in the dataset's columns. */
export function corporateActionsOutputSql(date: string, previousTradingDay: string): string {
  return `SELECT * EXCLUDE (kind_order, id) FROM (${corporateActionsDaySql(date, previousTradingDay)})`;
}
