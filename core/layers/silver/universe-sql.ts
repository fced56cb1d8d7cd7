/**
 * The point-in-time universe: for each trading day, every instrument that traded that day (a bar
 * in bronze), with its reference attributes as the latest universe snapshot on or before the day
 * described them, and its first day in the lake. Names that later delist are in every day they
 * traded (survivorship-free); a symbol reused later resolves to another instrument (see
 * instrument-resolution.ts). Only data dated on or before the day is read.
 */
import { referenceTablesSql, resolveInstrumentsSql } from './instrument-resolution.ts';
import { parquetOrEmpty, sqlDate } from './silver-sql.ts';

/** Bronze files the universe reads, all dated on or before `upTo`. */
export interface UniverseInputFiles {
  stocksDaily: readonly string[];
  tickers: readonly string[];
  tickerEvents: readonly string[];
}

const LISTING_COLUMNS: ReadonlyArray<readonly [string, string]> = [
  ['date', 'DATE'], ['ticker', 'VARCHAR'], ['name', 'VARCHAR'], ['market', 'VARCHAR'], ['locale', 'VARCHAR'], ['type', 'VARCHAR'],
  ['active', 'BOOLEAN'], ['primary_exchange', 'VARCHAR'], ['cik', 'VARCHAR'], ['composite_figi', 'VARCHAR'], ['share_class_figi', 'VARCHAR'],
  ['delisted_utc', 'TIMESTAMP WITH TIME ZONE'],
];

/** Statements leaving `universe_bars` (instrument, symbol, date, first_date) and `ref_listings` (snapshot rows). */
export function universeTablesSql(files: UniverseInputFiles, upTo: string): string[] {
  const to = sqlDate(upTo);
  const events = parquetOrEmpty(files.tickerEvents, [['ticker', 'VARCHAR'], ['composite_figi', 'VARCHAR'], ['event_date', 'DATE']]);
  const listings = parquetOrEmpty(files.tickers, LISTING_COLUMNS);
  const bars = parquetOrEmpty(files.stocksDaily, [['ticker', 'VARCHAR'], ['date', 'DATE']]);
  return [
    ...referenceTablesSql(events, listings, to),
    // One row per (snapshot, symbol): an active row wins over inactive ones of a symbol's past holders.
    `CREATE OR REPLACE TEMP TABLE ref_listings AS
       SELECT * EXCLUDE (date), date AS snap_date FROM ${listings} WHERE date <= ${to}
       QUALIFY row_number() OVER (PARTITION BY date, ticker ORDER BY active DESC, delisted_utc DESC NULLS FIRST, composite_figi) = 1`,
    `CREATE OR REPLACE TEMP TABLE universe_raw AS SELECT DISTINCT ticker, date FROM ${bars} WHERE date <= ${to}`,
    `CREATE OR REPLACE TEMP TABLE universe_bars AS
       SELECT r.instrument_id, b.ticker, b.date, min(b.date) OVER (PARTITION BY r.instrument_id) AS first_date
       FROM universe_raw b JOIN ${resolveInstrumentsSql('universe_raw')} r ON r.ticker = b.ticker AND r.date = b.date`,
  ];
}

/** One day of the universe, sorted by symbol. */
export function universeDaySql(date: string): string {
  return `
    WITH day AS (SELECT * FROM universe_bars WHERE date = ${sqlDate(date)})
    SELECT d.instrument_id, d.ticker, d.date, l.name, l.type, l.market, l.locale, l.primary_exchange,
           l.cik, l.composite_figi, l.share_class_figi, d.first_date, l.snap_date AS reference_date,
           CAST(timezone('America/New_York', l.delisted_utc) AS DATE) AS delisted_date
    FROM day d ASOF LEFT JOIN ref_listings l ON l.ticker = d.ticker AND l.snap_date <= d.date
    ORDER BY d.ticker`;
}
