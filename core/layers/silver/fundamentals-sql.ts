/**
 * Point-in-time fundamentals (`silver/fundamentals`): bronze `financials` holds one row per line
 * item of a filing; this flattens each filing into one row per instrument and fiscal period, with
 * the line items ratios need as columns and every line item in `line_items` (nothing is dropped).
 * The partition is the bronze partition (the filing's date, or the next trading day), so a row
 * is only visible from the day the filing was public. Instruments are resolved per (symbol,
 * filing date) by instrument-resolution.ts, as bars are. Rules (core/layers/silver/README.md):
 *   - a filing names its symbols in `tickers`; each resolves to an instrument, one row each
 *     (two symbols of one instrument in one filing: one row, the first symbol);
 *   - a filing is refused (silver/_rejects/fundamentals, reason naming symbol, instrument, fiscal
 *     period and filing date) when it names no symbol (then CIK names it), its fiscal period is not Q1..Q4 or FY, its timeframe is not
 *     quarterly or annual, it has no end date, or a flattened line item is in an unexpected unit
 *     (an amount not in USD would make every ratio wrong quietly).
 */
import { FLAT_ITEMS, type FlatItem } from '../../datasets/silver-fundamentals-columns.ts';
import { referenceTablesSql, resolveInstrumentsSql } from './instrument-resolution.ts';
import { parquetOrEmpty, sqlDate } from './silver-sql.ts';

/** The bronze files a fundamentals day reads: that day's filings, reference data up to the day. */
export interface FundamentalsInputFiles {
  financials: readonly string[];
  tickers: readonly string[];
  tickerEvents: readonly string[];
}

const FINANCIALS_COLUMNS: ReadonlyArray<readonly [string, string]> = [
  ['date', 'DATE'], ['filing_date', 'DATE'], ['cik', 'VARCHAR'], ['company_name', 'VARCHAR'], ['tickers', 'VARCHAR[]'],
  ['fiscal_year', 'INTEGER'], ['fiscal_period', 'VARCHAR'], ['timeframe', 'VARCHAR'], ['start_date', 'DATE'], ['end_date', 'DATE'],
  ['acceptance_datetime', 'TIMESTAMP WITH TIME ZONE'], ['source_filing_url', 'VARCHAR'], ['statement', 'VARCHAR'], ['concept', 'VARCHAR'],
  ['value', 'DOUBLE'], ['unit', 'VARCHAR'],
];

/** The key of one filing of one fiscal period in bronze. */
const FILING_KEY = 'cik, filing_date, fiscal_year, fiscal_period, timeframe, start_date, end_date';

/**
 * Statements leaving `fund_rows` (flattened filings with instrument and `reject_reason`) over the
 * given day's filings: reference tables first (data up to `upTo`), then one pivot query.
 */
export function fundamentalsTablesSql(files: FundamentalsInputFiles, upTo: string): string[] {
  const to = sqlDate(upTo);
  const events = parquetOrEmpty(files.tickerEvents, [['ticker', 'VARCHAR'], ['composite_figi', 'VARCHAR'], ['event_date', 'DATE']]);
  const tickers = parquetOrEmpty(files.tickers, [
    ['date', 'DATE'], ['ticker', 'VARCHAR'], ['composite_figi', 'VARCHAR'], ['active', 'BOOLEAN'],
  ]);
  const lines = parquetOrEmpty(files.financials, FINANCIALS_COLUMNS);
  const pick = (i: FlatItem) => `max(value) FILTER (WHERE statement = '${i.statement}' AND concept = '${i.concept}') AS ${i.column}`;
  // The first line item of a filing whose unit is not what its column means, as 'concept (unit)'.
  const badUnit = `min(concept || ' is in ' || coalesce(unit, 'no unit') || ', not ' || CASE ${FLAT_ITEMS.map((i) =>
    `WHEN statement = '${i.statement}' AND concept = '${i.concept}' THEN '${i.unit}'`).join(' ')} END)
    FILTER (WHERE ${FLAT_ITEMS.map((i) =>
      `(statement = '${i.statement}' AND concept = '${i.concept}' AND unit IS DISTINCT FROM '${i.unit}')`).join(' OR ')})`;
  return [
    ...referenceTablesSql(events, tickers, to),
    `CREATE OR REPLACE TEMP TABLE fund_filings AS
       SELECT date, ${FILING_KEY}, any_value(company_name) AS company_name, any_value(tickers) AS tickers,
              any_value(acceptance_datetime) AS acceptance_datetime, any_value(source_filing_url) AS source_filing_url,
              ${FLAT_ITEMS.map(pick).join(',\n              ')},
              map_from_entries(list({k: statement || '.' || concept, v: value} ORDER BY statement, concept)) AS line_items,
              ${badUnit} AS bad_unit
       FROM ${lines} WHERE date <= ${to}
       GROUP BY date, ${FILING_KEY}`,
    `CREATE OR REPLACE TEMP TABLE fund_symbols AS
       -- A filing naming no symbol keeps one row (ticker null), refused below rather than lost.
       WITH named AS (SELECT * REPLACE (CASE WHEN len(tickers) > 0 THEN tickers ELSE [NULL::VARCHAR] END AS tickers) FROM fund_filings)
       SELECT f.*, t.ticker, t.pos FROM named f,
         LATERAL (SELECT unnest(f.tickers) AS ticker, generate_subscripts(f.tickers, 1) AS pos) t`,
    `CREATE OR REPLACE TEMP TABLE fund_rows AS
       WITH r AS (
         SELECT s.*, i.instrument_id FROM fund_symbols s
         LEFT JOIN ${resolveInstrumentsSql('(SELECT ticker, filing_date AS date FROM fund_symbols WHERE ticker IS NOT NULL)')} i
           ON i.ticker = s.ticker AND i.date = s.filing_date
         QUALIFY row_number() OVER (
           PARTITION BY s.date, i.instrument_id, ${FILING_KEY.split(', ').map((c) => `s.${c}`).join(', ')} ORDER BY s.pos) = 1
       )
       SELECT *, CASE
         WHEN ticker IS NULL THEN 'names no symbol'
         WHEN end_date IS NULL OR fiscal_year IS NULL THEN 'has no end date or fiscal year'
         WHEN fiscal_period IS NULL OR fiscal_period NOT IN ('Q1', 'Q2', 'Q3', 'Q4', 'FY')
           THEN format('has fiscal period {}', fiscal_period)
         WHEN timeframe IS NULL OR timeframe NOT IN ('quarterly', 'annual') THEN format('has timeframe {}', timeframe)
         WHEN bad_unit IS NOT NULL THEN bad_unit
       END AS problem
       FROM r`,
  ];
}

/** One day's fundamentals rows, in the dataset's column order, sorted by instrument and period. */
export function fundamentalsDaySql(date: string): string {
  return `SELECT instrument_id, ticker, date, cik, company_name, filing_date, acceptance_datetime, fiscal_year, fiscal_period, timeframe,
                 start_date, end_date, ${FLAT_ITEMS.map((i) => i.column).join(', ')}, line_items, source_filing_url
          FROM fund_rows WHERE date = ${sqlDate(date)} AND problem IS NULL
          ORDER BY instrument_id, end_date, timeframe DESC, fiscal_period, filing_date`;
}

/** The refused filings of one day, with a reason naming symbol, instrument, fiscal period and filing date. */
export function fundamentalsRejectsSql(date: string): string {
  return `SELECT date, instrument_id, ticker, cik, filing_date, fiscal_year, fiscal_period, timeframe, end_date,
                 format('financials of {} ({}, CIK {}) {} {} ({}) filed {}: {}',
                        coalesce(ticker, 'no symbol'), coalesce(instrument_id, 'no instrument'), cik, coalesce(fiscal_year::VARCHAR, '?'),
                        coalesce(fiscal_period, '?'), coalesce(timeframe, '?'), filing_date, problem) AS reject_reason
          FROM fund_rows WHERE date = ${sqlDate(date)} AND problem IS NOT NULL
          ORDER BY instrument_id, end_date, fiscal_period, filing_date`;
}
