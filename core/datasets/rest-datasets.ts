import type { RestBronzeColumn, RestDatasetDeclaration, RestDatasetId } from './rest-dataset-types.ts';
import { REST_DATASET_IDS } from './rest-dataset-types.ts';

// The REST datasets as plain data (endpoints, parameters and shapes: polygon-massive.md §2.2), part
// of the dataset registry; parsers live beside the bronze writer (core/layers/bronze/rest-parsers.ts)
// and are looked up by id.

const DATE: RestBronzeColumn = {
  name: 'date', duckdbType: 'DATE', required: true,
  description: 'partition trading date: the record\'s own date, or the next trading day when that is a weekend or holiday',
};

/** A nullable text column. */
/** A column maker for one DuckDB type. */
const columnOf = (duckdbType: RestBronzeColumn['duckdbType']) =>
  (name: string, description: string, required = false): RestBronzeColumn => ({ name, duckdbType, description, required });
const text = columnOf('VARCHAR');
const day = columnOf('DATE');
const real = columnOf('DOUBLE');
const whole = columnOf('BIGINT');
const instant = columnOf('TIMESTAMP WITH TIME ZONE');

const RANGE = (field: string) => ({ [`${field}.gte`]: '{from}', [`${field}.lte`]: '{to}' });

/** 30 trading days back catches corrections; 90 calendar days ahead catches announced actions. */
const ANNOUNCED = { lookbackTradingDays: 30, lookaheadCalendarDays: 90 } as const;
const CORRECTED = { lookbackTradingDays: 30, lookaheadCalendarDays: 0 } as const;
/** Daily data that is final within days (news, short volume, filings, ticker changes): a short look back. */
const RECENT = { lookbackTradingDays: 2, lookaheadCalendarDays: 0 } as const;

const SPLITS: RestDatasetDeclaration = {
  id: 'splits',
  title: 'Stock splits',
  endpoint: '/v3/reference/splits',
  queries: [{
    path: '/v3/reference/splits',
    params: { ...RANGE('execution_date'), sort: 'execution_date', order: 'asc', limit: '{limit}' },
  }],
  fetch: { kind: 'month', pageSize: 1000, maxPageSize: 1000 },
  partitionKey: { column: 'execution_date', meaning: 'the day the split takes effect (prices before it are pre-split)' },
  outsideWindow: 'reject',
  refresh: ANNOUNCED,
  minimumPlan: 'basic',
  firstDate: '2003-09-10',
  columns: [
    DATE,
    text('ticker', 'symbol the split was announced under', true),
    day('execution_date', 'execution date as published', true),
    real('split_from', 'shares before (a 2-for-1 split is from 1 to 2)', true),
    real('split_to', 'shares after', true),
    text('id', "Polygon's id; absent in older answers, so dedupe falls back to (ticker, execution_date)"),
  ],
  dedupe: { idColumn: 'id', naturalKey: ['ticker', 'execution_date'] },
  validation: [
    { column: 'ticker', check: 'non-empty' },
    { column: 'split_from', check: 'finite' }, { column: 'split_from', check: 'positive' },
    { column: 'split_to', check: 'finite' }, { column: 'split_to', check: 'positive' },
  ],
  sortBy: ['ticker', 'execution_date'],
  inputs: [],
  schemaVersion: 1,
};

const DIVIDENDS: RestDatasetDeclaration = {
  id: 'dividends',
  title: 'Cash dividends',
  endpoint: '/v3/reference/dividends',
  queries: [{
    path: '/v3/reference/dividends',
    params: { ...RANGE('ex_dividend_date'), sort: 'ex_dividend_date', order: 'asc', limit: '{limit}' },
  }],
  fetch: { kind: 'month', pageSize: 1000, maxPageSize: 1000 },
  partitionKey: { column: 'ex_dividend_date', meaning: 'the first day the shares trade without the dividend' },
  outsideWindow: 'reject',
  refresh: ANNOUNCED,
  minimumPlan: 'basic',
  firstDate: '2003-09-10',
  columns: [
    DATE,
    text('ticker', 'symbol the dividend was declared under', true),
    day('ex_dividend_date', 'ex-dividend date as published', true),
    real('cash_amount', 'cash per share, in `currency`', true),
    text('currency', 'ISO currency of cash_amount; null when the answer omits it (never assumed)'),
    day('declaration_date', 'date the dividend was declared'),
    day('record_date', 'date of record'),
    day('pay_date', 'payment date'),
    { name: 'frequency', duckdbType: 'INTEGER', description: 'payments a year: 0 one-time, 1, 2, 4, 12' },
    text('dividend_type', 'CD regular cash, SC special cash, LT/ST long/short-term capital gain', true),
    text('id', "Polygon's id; absent in older answers, so dedupe falls back to (ticker, ex_dividend_date, dividend_type)"),
  ],
  dedupe: { idColumn: 'id', naturalKey: ['ticker', 'ex_dividend_date', 'dividend_type'] },
  validation: [
    { column: 'ticker', check: 'non-empty' },
    { column: 'dividend_type', check: 'non-empty' },
    { column: 'cash_amount', check: 'finite' }, { column: 'cash_amount', check: 'non-negative' },
    { column: 'frequency', check: 'non-negative' },
  ],
  sortBy: ['ticker', 'ex_dividend_date', 'dividend_type'],
  inputs: [],
  schemaVersion: 1,
};

const IPOS: RestDatasetDeclaration = {
  id: 'ipos',
  title: 'Initial public offerings',
  endpoint: '/vX/reference/ipos',
  queries: [{ path: '/vX/reference/ipos', params: { ...RANGE('listing_date'), sort: 'listing_date', order: 'asc', limit: '{limit}' } }],
  fetch: { kind: 'month', pageSize: 1000, maxPageSize: 1000 },
  partitionKey: { column: 'listing_date', meaning: 'the first day the shares trade' },
  outsideWindow: 'reject',
  refresh: ANNOUNCED,
  minimumPlan: 'basic',
  firstDate: '2008-01-02',
  columns: [
    DATE,
    text('ticker', 'symbol the shares list under', true),
    day('listing_date', 'listing date as published', true),
    text('ipo_status', 'history, new, pending, postponed, rumor, withdrawn, direct_listing_process', true),
    text('issuer_name', 'issuer'),
    text('security_type', 'security type, e.g. CS'),
    text('security_description', 'security description, e.g. Ordinary Shares'),
    text('primary_exchange', 'listing exchange MIC'),
    day('announced_date', 'date the offering was announced'),
    day('last_updated', 'date the record last changed upstream'),
    text('currency_code', 'currency of the prices'),
    real('final_issue_price', 'offer price (absent until priced)'),
    real('lowest_offer_price', 'bottom of the price range'),
    real('highest_offer_price', 'top of the price range'),
    whole('min_shares_offered', 'fewest shares offered'),
    whole('max_shares_offered', 'most shares offered'),
    whole('shares_outstanding', 'shares outstanding after the offering'),
    real('total_offer_size', 'offer size in currency'),
    whole('lot_size', 'round lot'),
    text('isin', 'ISIN'),
    text('us_code', 'CUSIP'),
  ],
  dedupe: { idColumn: null, naturalKey: ['ticker', 'listing_date', 'isin'] },
  validation: [
    { column: 'ticker', check: 'non-empty' },
    ...['final_issue_price', 'lowest_offer_price', 'highest_offer_price', 'total_offer_size'].flatMap((column) => [
      { column, check: 'finite' as const }, { column, check: 'non-negative' as const },
    ]),
    ...['min_shares_offered', 'max_shares_offered', 'shares_outstanding', 'lot_size']
      .map((column) => ({ column, check: 'non-negative' as const })),
  ],
  sortBy: ['ticker', 'listing_date'],
  inputs: [],
  schemaVersion: 1,
};

const TICKER_EVENTS: RestDatasetDeclaration = {
  id: 'ticker_events',
  title: 'Ticker changes',
  endpoint: '/vX/reference/tickers/{id}/events',
  queries: [{ path: '/vX/reference/tickers/{id}/events', params: { types: 'ticker_change' } }],
  fetch: { kind: 'snapshot-interval', pageSize: 0, maxPageSize: 0 },
  partitionKey: { column: 'event_date', meaning: 'the day the entity started trading under `ticker`' },
  // An entity's answer holds its whole history; events before this interval were another fetch's.
  outsideWindow: 'skip',
  refresh: RECENT,
  minimumPlan: 'basic',
  firstDate: '2003-09-10',
  columns: [
    DATE,
    day('event_date', 'event date as published (may be a weekend)', true),
    text('ticker', 'the symbol in force from event_date', true),
    text('previous_ticker', 'the symbol in force before it (the previous event of the same entity), null for the first'),
    text('event_type', 'ticker_change (the only event type the endpoint has)', true),
    text('composite_figi', 'composite FIGI of the entity'),
    text('cik', 'SEC CIK of the entity'),
    text('name', 'entity name'),
    text('queried_id', 'the id the events were asked for (composite FIGI, else ticker)', true),
  ],
  dedupe: { idColumn: null, naturalKey: ['composite_figi', 'event_date', 'ticker'] },
  validation: [{ column: 'ticker', check: 'non-empty' }, { column: 'event_type', check: 'non-empty' }],
  sortBy: ['event_date', 'ticker'],
  inputs: ['tickers'],
  schemaVersion: 1,
};

const TICKER_COLUMNS: readonly RestBronzeColumn[] = [
  { ...DATE, description: 'the snapshot date: the `date` the listing was asked for' },
  text('ticker', 'symbol', true),
  text('name', 'security name'),
  text('market', 'stocks, otc, ...'),
  text('locale', 'us or global'),
  text('type', 'security type code (CS, ETF, ADRC, PFD, WARRANT, ...)'),
  { name: 'active', duckdbType: 'BOOLEAN', required: true, description: 'listed on the snapshot date' },
  text('primary_exchange', 'primary listing exchange MIC'),
  text('currency_name', 'trading currency'),
  text('currency_symbol', 'trading currency symbol (fx, crypto)'),
  text('base_currency_name', 'base currency (fx, crypto)'),
  text('base_currency_symbol', 'base currency symbol (fx, crypto)'),
  text('cik', 'SEC CIK'),
  text('composite_figi', 'composite FIGI'),
  text('share_class_figi', 'share-class FIGI'),
  instant('delisted_utc', 'delisting instant (inactive rows)'),
  instant('last_updated_utc', 'when the record last changed upstream'),
];

const TICKERS: RestDatasetDeclaration = {
  id: 'tickers',
  title: 'Point-in-time universe',
  endpoint: '/v3/reference/tickers',
  queries: [true, false].map((active) => ({
    path: '/v3/reference/tickers',
    params: { date: '{date}', active: String(active), market: 'stocks', sort: 'ticker', order: 'asc', limit: '{limit}' },
  })),
  fetch: { kind: 'snapshot', pageSize: 1000, maxPageSize: 1000 },
  partitionKey: { column: 'date', meaning: 'the snapshot date' },
  outsideWindow: 'reject',
  // A snapshot is the universe as of its date; later snapshots, not refetches, record what changed.
  refresh: { lookbackTradingDays: 0, lookaheadCalendarDays: 0 },
  minimumPlan: 'basic',
  firstDate: '2003-09-10',
  columns: TICKER_COLUMNS,
  dedupe: { idColumn: null, naturalKey: ['ticker', 'active', 'composite_figi', 'delisted_utc'] },
  validation: [{ column: 'ticker', check: 'non-empty' }],
  sortBy: ['ticker', 'active', 'delisted_utc'],
  inputs: [],
  schemaVersion: 1,
};

const FINANCIALS: RestDatasetDeclaration = {
  id: 'financials',
  title: 'Financial statements (one row per line item)',
  endpoint: '/vX/reference/financials',
  queries: [{ path: '/vX/reference/financials', params: { ...RANGE('filing_date'), sort: 'filing_date', order: 'asc', limit: '{limit}' } }],
  fetch: { kind: 'day', pageSize: 100, maxPageSize: 100 },
  partitionKey: { column: 'filing_date', meaning: 'the day the filing became public (what point-in-time use needs)' },
  outsideWindow: 'reject',
  refresh: RECENT,
  minimumPlan: 'advanced',
  firstDate: '2009-06-01',
  columns: [
    DATE,
    day('filing_date', 'SEC filing date', true),
    text('cik', 'SEC CIK of the filer', true),
    text('company_name', 'filer name'),
    { name: 'tickers', duckdbType: 'VARCHAR[]', description: 'tickers of the filer (absent in older answers)' },
    { name: 'fiscal_year', duckdbType: 'INTEGER', description: 'fiscal year (published as text)' },
    text('fiscal_period', 'Q1..Q4 or FY', true),
    text('timeframe', 'quarterly, annual or ttm (absent in older answers)'),
    day('start_date', 'first day of the period'),
    day('end_date', 'last day of the period'),
    instant('acceptance_datetime', 'SEC acceptance instant'),
    text('source_filing_url', 'the filing on the API'),
    text('statement', 'income_statement, balance_sheet, cash_flow_statement, comprehensive_income', true),
    text('concept', 'line item key, e.g. net_income_loss', true),
    text('label', 'line item label'),
    real('value', 'line item value in `unit`', true),
    text('unit', 'USD, USD / shares, shares'),
    { name: 'line_order', duckdbType: 'INTEGER', description: "the statement's display order of the line item" },
  ],
  dedupe: {
    idColumn: null,
    naturalKey: ['cik', 'filing_date', 'fiscal_year', 'fiscal_period', 'timeframe', 'start_date', 'end_date', 'statement', 'concept'],
  },
  validation: [
    { column: 'cik', check: 'non-empty' }, { column: 'statement', check: 'non-empty' }, { column: 'concept', check: 'non-empty' },
    { column: 'value', check: 'finite' }, { column: 'tickers', check: 'non-empty' },
  ],
  sortBy: ['cik', 'fiscal_year', 'fiscal_period', 'timeframe', 'statement', 'line_order', 'concept'],
  inputs: [],
  schemaVersion: 1,
};

const NEWS: RestDatasetDeclaration = {
  id: 'news',
  title: 'News articles',
  endpoint: '/v2/reference/news',
  queries: [{
    path: '/v2/reference/news',
    params: {
      'published_utc.gte': '{fromInstant}', 'published_utc.lt': '{toInstant}', sort: 'published_utc', order: 'asc', limit: '{limit}',
    },
  }],
  fetch: { kind: 'day', pageSize: 1000, maxPageSize: 1000 },
  partitionKey: { column: 'ny_date', meaning: 'New York calendar date of publication (weekend news goes to Monday)' },
  outsideWindow: 'reject',
  refresh: RECENT,
  minimumPlan: 'basic',
  firstDate: '2016-01-04',
  columns: [
    DATE,
    text('id', 'article id', true),
    instant('published_utc', 'publication instant', true),
    day('ny_date', 'calendar date of publication in New York', true),
    text('title', 'headline'),
    text('author', 'author'),
    text('article_url', 'article URL'),
    text('amp_url', 'AMP URL'),
    text('image_url', 'image URL'),
    text('description', 'summary'),
    { name: 'tickers', duckdbType: 'VARCHAR[]', required: true, description: 'tickers the article is about' },
    { name: 'keywords', duckdbType: 'VARCHAR[]', description: 'keywords' },
    text('publisher_name', 'publisher'),
    text('publisher_homepage_url', 'publisher home page'),
    text('publisher_logo_url', 'publisher logo'),
    text('publisher_favicon_url', 'publisher favicon'),
    text('insights', 'per-ticker sentiment [{ticker, sentiment, sentiment_reasoning}] as JSON text'),
  ],
  dedupe: { idColumn: 'id', naturalKey: ['article_url', 'published_utc'] },
  validation: [{ column: 'id', check: 'non-empty' }, { column: 'tickers', check: 'non-empty' }],
  sortBy: ['published_utc', 'id'],
  inputs: [],
  schemaVersion: 1,
};

const SHORT_INTEREST: RestDatasetDeclaration = {
  id: 'short_interest',
  title: 'Short interest (FINRA, twice a month)',
  endpoint: '/stocks/v1/short-interest',
  queries: [{
    path: '/stocks/v1/short-interest',
    params: { ...RANGE('settlement_date'), sort: 'settlement_date.asc,ticker.asc', limit: '{limit}' },
  }],
  fetch: { kind: 'month', pageSize: 10_000, maxPageSize: 50_000 },
  partitionKey: { column: 'settlement_date', meaning: 'the settlement date the positions are as of' },
  outsideWindow: 'reject',
  refresh: CORRECTED,
  minimumPlan: 'basic',
  firstDate: '2017-01-03',
  columns: [
    DATE,
    text('ticker', 'symbol', true),
    day('settlement_date', 'settlement date', true),
    whole('short_interest', 'shares sold short and not covered'),
    whole('avg_daily_volume', 'average daily volume over the period', true),
    real('days_to_cover', 'short_interest / avg_daily_volume', true),
  ],
  dedupe: { idColumn: null, naturalKey: ['ticker', 'settlement_date'] },
  validation: [
    { column: 'ticker', check: 'non-empty' },
    { column: 'short_interest', check: 'non-negative' }, { column: 'avg_daily_volume', check: 'non-negative' },
    { column: 'days_to_cover', check: 'finite' }, { column: 'days_to_cover', check: 'non-negative' },
  ],
  sortBy: ['ticker'],
  inputs: [],
  schemaVersion: 1,
};

const SHORT_VOLUME_FIELDS = [
  'exempt_volume', 'non_exempt_volume',
  'adf_short_volume', 'adf_short_volume_exempt', 'nasdaq_carteret_short_volume', 'nasdaq_carteret_short_volume_exempt',
  'nasdaq_chicago_short_volume', 'nasdaq_chicago_short_volume_exempt', 'nyse_short_volume', 'nyse_short_volume_exempt',
];

const SHORT_VOLUME: RestDatasetDeclaration = {
  id: 'short_volume',
  title: 'Off-exchange short volume (daily)',
  endpoint: '/stocks/v1/short-volume',
  queries: [{
    path: '/stocks/v1/short-volume',
    params: { 'date.gte': '{from}', 'date.lte': '{to}', sort: 'ticker.asc', limit: '{limit}' },
  }],
  fetch: { kind: 'day', pageSize: 10_000, maxPageSize: 50_000 },
  partitionKey: { column: 'date', meaning: 'the trading day the volume was traded (a record on any other day is rejected)' },
  outsideWindow: 'reject',
  refresh: RECENT,
  minimumPlan: 'basic',
  firstDate: '2018-01-02',
  columns: [
    { ...DATE, description: 'trading day the volume was traded' },
    text('ticker', 'symbol', true),
    real('short_volume', 'shares sold short (fractional shares possible)', true),
    real('total_volume', 'shares traded on the reporting facilities', true),
    real('short_volume_ratio', 'short_volume / total_volume * 100'),
    ...SHORT_VOLUME_FIELDS.map((f) => real(f, f.replace(/_/g, ' '))),
  ],
  dedupe: { idColumn: null, naturalKey: ['ticker', 'date'] },
  validation: [
    { column: 'ticker', check: 'non-empty' },
    ...['short_volume', 'total_volume', 'short_volume_ratio', ...SHORT_VOLUME_FIELDS].flatMap((column) => [
      { column, check: 'finite' as const }, { column, check: 'non-negative' as const },
    ]),
    { column: 'short_volume', check: 'not-above', other: 'total_volume' },
  ],
  sortBy: ['ticker'],
  inputs: [],
  schemaVersion: 1,
};

/** Every REST dataset, in the order a run fetches them (the universe before what is derived from it). */
export const REST_DATASETS: readonly RestDatasetDeclaration[] = [
  TICKERS, TICKER_EVENTS, SPLITS, DIVIDENDS, IPOS, FINANCIALS, NEWS, SHORT_INTEREST, SHORT_VOLUME,
];

const BY_ID = new Map(REST_DATASETS.map((d) => [d.id, d]));

/** Looks a REST dataset up; throws naming the known ids. */
export function restDataset(id: string): RestDatasetDeclaration {
  const d = BY_ID.get(id as RestDatasetId);
  if (!d) throw new Error(`unknown REST dataset "${id}" (known: ${REST_DATASET_IDS.join(', ')})`);
  return d;
}

/** True for a REST dataset id. */
export function isRestDatasetId(id: string): id is RestDatasetId {
  return BY_ID.has(id as RestDatasetId);
}
