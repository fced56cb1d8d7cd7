import type { DatasetColumn, DatasetEntry, InputMapping } from './dataset-registry.ts';
import { FINANCIAL_RATIO_COLUMNS, FUNDAMENTALS_COLUMNS } from './silver-fundamentals-columns.ts';

// Silver datasets as registry entries (architecture §6, issue 13). Their builders live in
// core/layers/silver; the rules they follow are written down in core/layers/silver/README.md.

const col = (name: string, duckdbType: string, description: string): DatasetColumn => ({ name, duckdbType, description });

/** Everything of a bronze dataset up to D that is present; the planner does not backfill it. */
const presentUpTo = (dataset: string): InputMapping => ({ dataset, layer: 'bronze', window: { kind: 'all-up-to' }, presentOnly: true });

/** Bump when the factor rules or columns change: every partition built before reads `stale`. */
export const ADJUSTMENT_FACTORS_VERSION = 1;
export const STOCKS_DAILY_ADJUSTED_VERSION = 1;
export const UNIVERSE_VERSION = 1;
export const OPTIONS_ENRICHED_VERSION = 1;
export const CORPORATE_ACTIONS_VERSION = 1;
export const FUNDAMENTALS_VERSION = 1;
export const FINANCIAL_RATIOS_VERSION = 1;

/** The job kind building every silver dataset (core/layers/silver/silver-job-kind.ts). */
export const SILVER_JOB_KIND = 'silver-build';

export const ADJUSTMENT_FACTOR_COLUMNS: readonly DatasetColumn[] = [
  col('instrument_id', 'VARCHAR', 'stable instrument id: composite FIGI where the reference data knows it, else "ticker:<symbol>"'),
  col('ticker', 'VARCHAR', 'the symbol the instrument traded under that day'),
  col('date', 'DATE', 'trading date'),
  col('close', 'DOUBLE', 'raw close of the day (bronze)'),
  col('split_factor', 'DOUBLE', 'product of split ratios split_to/split_from since the first day (1 on the first day)'),
  col('factor', 'DOUBLE', 'total-return factor: splits and cash dividends since the first day; adjusted price = raw x factor'),
  col('prev_date', 'DATE', "the instrument's previous trading day in the lake (null on its first day)"),
  col('prev_adj_close', 'DOUBLE', 'raw close x factor of prev_date'),
];

export const STOCKS_DAILY_ADJUSTED_COLUMNS: readonly DatasetColumn[] = [
  col('instrument_id', 'VARCHAR', 'stable instrument id (see adjustment_factors)'),
  col('ticker', 'VARCHAR', 'the symbol it traded under that day'),
  col('date', 'DATE', 'trading date'),
  col('open', 'DOUBLE', 'raw open'),
  col('high', 'DOUBLE', 'raw high'),
  col('low', 'DOUBLE', 'raw low'),
  col('close', 'DOUBLE', 'raw close'),
  col('volume', 'DOUBLE', 'raw volume (shares)'),
  col('transactions', 'BIGINT', 'trades in the bar'),
  col('split_factor', 'DOUBLE', 'cumulative split factor'),
  col('factor', 'DOUBLE', 'cumulative total-return factor'),
  col('adj_open', 'DOUBLE', 'open x factor'),
  col('adj_high', 'DOUBLE', 'high x factor'),
  col('adj_low', 'DOUBLE', 'low x factor'),
  col('adj_close', 'DOUBLE', 'close x factor'),
  col('adj_volume', 'DOUBLE', 'volume / split_factor'),
  col('vwap', 'DOUBLE', 'raw volume-weighted average price of the day, null when neither source has it'),
  col('vwap_source', 'VARCHAR', "'grouped_daily' (REST vw) or 'minute_bars' (sum of typical price x volume over the day's minutes)"),
  col('change', 'DOUBLE', "adj_close / the previous trading day's adj_close - 1 (null on the first day)"),
];

export const UNIVERSE_COLUMNS: readonly DatasetColumn[] = [
  col('instrument_id', 'VARCHAR', 'stable instrument id (see adjustment_factors)'),
  col('ticker', 'VARCHAR', 'the symbol it traded under that day'),
  col('date', 'DATE', 'trading date'),
  col('name', 'VARCHAR', 'security name, from the latest universe snapshot on or before the day'),
  col('type', 'VARCHAR', 'security type (CS, ETF, ADRC, PFD, WARRANT, ...)'),
  col('market', 'VARCHAR', 'stocks, otc, ...'),
  col('locale', 'VARCHAR', 'us or global'),
  col('primary_exchange', 'VARCHAR', 'primary listing exchange MIC'),
  col('cik', 'VARCHAR', 'SEC CIK'),
  col('composite_figi', 'VARCHAR', 'composite FIGI'),
  col('share_class_figi', 'VARCHAR', 'share-class FIGI'),
  col('first_date', 'DATE', "the instrument's first trading day in the lake"),
  col('reference_date', 'DATE', 'the snapshot the attributes come from (null: no snapshot on or before the day lists the symbol)'),
  col('delisted_date', 'DATE', 'delisting date (New York) when that snapshot already lists it as delisted'),
];

export const OPTIONS_ENRICHED_COLUMNS: readonly DatasetColumn[] = [
  col('ticker', 'VARCHAR', 'OCC contract ticker'),
  col('date', 'DATE', 'trading date'),
  col('underlying', 'VARCHAR', 'underlying symbol'),
  col('expiration', 'DATE', 'expiry date'),
  col('contract_type', 'VARCHAR', 'call or put'),
  col('strike', 'DOUBLE', 'strike as listed (not adjusted)'),
  col('open', 'DOUBLE', 'option open'),
  col('high', 'DOUBLE', 'option high'),
  col('low', 'DOUBLE', 'option low'),
  col('close', 'DOUBLE', 'option close'),
  col('volume', 'DOUBLE', 'contracts traded'),
  col('transactions', 'BIGINT', 'trades'),
  col('underlying_close', 'DOUBLE', "the underlying's raw close that day (null: no bar)"),
  col('moneyness', 'DOUBLE', 'underlying_close / strike'),
  col('log_moneyness', 'DOUBLE', 'ln(underlying_close / strike)'),
  col('days_to_expiry', 'INTEGER', 'calendar days from the day to expiry'),
  col('trading_days_to_expiry', 'INTEGER', 'NYSE trading days after the day up to and including expiry'),
  col('intrinsic_value', 'DOUBLE', 'max(S - K, 0) for calls, max(K - S, 0) for puts'),
  col('in_the_money', 'BOOLEAN', 'S > K for calls, S < K for puts'),
  col('implied_volatility', 'DOUBLE', 'Black-Scholes volatility of the close (no dividends; null: no solution)'),
  col('delta', 'DOUBLE', 'Black-Scholes delta at that volatility'),
];

export const CORPORATE_ACTION_COLUMNS: readonly DatasetColumn[] = [
  col('date', 'DATE', 'partition: the trading day the action takes effect (its own date, or the next trading day)'),
  col('instrument_id', 'VARCHAR', 'stable instrument id'),
  col('ticker', 'VARCHAR', 'the symbol the action was published under (for a ticker change: the new symbol)'),
  col('action_date', 'DATE', 'execution, ex-dividend or event date as published'),
  col('action', 'VARCHAR', 'split, dividend or ticker_change'),
  col('split_from', 'DOUBLE', 'split: shares before'),
  col('split_to', 'DOUBLE', 'split: shares after'),
  col('cash_amount', 'DOUBLE', 'dividend: cash per share'),
  col('currency', 'VARCHAR', 'dividend: currency'),
  col('dividend_type', 'VARCHAR', 'dividend: CD, SC, LT, ST'),
  col('previous_ticker', 'VARCHAR', 'ticker change: the symbol before'),
  col('prev_date', 'DATE', "split or dividend: the instrument's last bar before it"),
  col('prev_close', 'DOUBLE', 'raw close of prev_date'),
  col('ratio', 'DOUBLE', 'what the action multiplied the factor by (null when not applied)'),
  col('status', 'VARCHAR', 'applied, before_first_day (history before the anchor) or rejected'),
  col('reason', 'VARCHAR', 'why it was rejected'),
];

const FIRST_DATE = '2003-09-10';

export const SILVER_DATASETS: readonly DatasetEntry[] = [
  {
    id: 'adjustment_factors',
    title: 'Adjustment factors (splits, cash dividends)',
    kind: 'derived',
    firstDate: FIRST_DATE,
    enabledByDefault: true,
    layers: [{
      layer: 'silver', job: SILVER_JOB_KIND, builderVersion: ADJUSTMENT_FACTORS_VERSION, storage: 'parquet', columns: ADJUSTMENT_FACTOR_COLUMNS,
      // A factor on D is the product of every action up to D, read against closes before it, and
      // instruments are resolved from the reference data up to D: so "everything up to D". A
      // corrected action on t changes the digest of exactly the partitions from t on.
      inputs: ['stocks_daily', 'splits', 'dividends', 'tickers', 'ticker_events'].map(presentUpTo),
    }],
  },
  {
    id: 'stocks_daily_adjusted',
    title: 'Adjusted daily bars',
    kind: 'derived',
    firstDate: FIRST_DATE,
    enabledByDefault: true,
    layers: [{
      layer: 'silver', job: SILVER_JOB_KIND, builderVersion: STOCKS_DAILY_ADJUSTED_VERSION, storage: 'parquet', columns: STOCKS_DAILY_ADJUSTED_COLUMNS,
      inputs: [
        { dataset: 'adjustment_factors', layer: 'silver', window: { kind: 'same-day' } },
        { dataset: 'stocks_daily', layer: 'bronze', window: { kind: 'same-day' } },
        // VWAP from the minutes when they are there; a day without them keeps vwap null.
        { dataset: 'stocks_minute', layer: 'bronze', window: { kind: 'same-day' }, presentOnly: true },
      ],
    }],
  },
  {
    id: 'universe',
    title: 'Point-in-time universe (instruments that traded each day)',
    kind: 'derived',
    firstDate: FIRST_DATE,
    enabledByDefault: true,
    layers: [{
      layer: 'silver', job: SILVER_JOB_KIND, builderVersion: UNIVERSE_VERSION, storage: 'parquet', columns: UNIVERSE_COLUMNS,
      inputs: ['stocks_daily', 'tickers', 'ticker_events'].map(presentUpTo),
    }],
  },
  {
    id: 'corporate_actions',
    title: 'Corporate-action timeline (splits, dividends, ticker changes)',
    kind: 'derived',
    firstDate: FIRST_DATE,
    enabledByDefault: true,
    layers: [{
      layer: 'silver', job: SILVER_JOB_KIND, builderVersion: CORPORATE_ACTIONS_VERSION, storage: 'parquet', columns: CORPORATE_ACTION_COLUMNS,
      inputs: ['stocks_daily', 'splits', 'dividends', 'tickers', 'ticker_events'].map(presentUpTo),
    }],
  },
  {
    id: 'options_daily_enriched',
    title: 'Options daily bars with underlying, moneyness, IV and delta',
    kind: 'derived',
    firstDate: '2014-06-02',
    enabledByDefault: true,
    layers: [{
      layer: 'silver', job: SILVER_JOB_KIND, builderVersion: OPTIONS_ENRICHED_VERSION, storage: 'parquet', columns: OPTIONS_ENRICHED_COLUMNS,
      inputs: [
        { dataset: 'options_daily', layer: 'bronze', window: { kind: 'same-day' } },
        { dataset: 'stocks_daily', layer: 'bronze', window: { kind: 'same-day' } },
      ],
    }],
  },
  {
    id: 'fundamentals',
    title: 'Point-in-time fundamentals (one row per instrument and fiscal period)',
    kind: 'derived',
    firstDate: '2009-06-01',
    enabledByDefault: true,
    layers: [{
      layer: 'silver', job: SILVER_JOB_KIND, builderVersion: FUNDAMENTALS_VERSION, storage: 'parquet', columns: FUNDAMENTALS_COLUMNS,
      // The day's filings; their symbols are resolved with the reference data up to the day.
      inputs: [
        { dataset: 'financials', layer: 'bronze', window: { kind: 'same-day' } },
        presentUpTo('tickers'), presentUpTo('ticker_events'),
      ],
    }],
  },
  {
    id: 'financial_ratios',
    title: 'Point-in-time financial ratios (P/E, P/B, margins, ...) per instrument and day',
    kind: 'derived',
    firstDate: '2009-06-01',
    enabledByDefault: true,
    layers: [{
      layer: 'silver', job: SILVER_JOB_KIND, builderVersion: FINANCIAL_RATIOS_VERSION, storage: 'parquet', columns: FINANCIAL_RATIO_COLUMNS,
      // The day's closes and instruments, every filing known before it (read as present: filings
      // partitioned on the day may be dated before it, a weekend filing), and the splits since
      // each filing's period end.
      inputs: [
        { dataset: 'adjustment_factors', layer: 'silver', window: { kind: 'same-day' } },
        { dataset: 'fundamentals', layer: 'silver', window: { kind: 'all-up-to' }, presentOnly: true },
        { dataset: 'corporate_actions', layer: 'silver', window: { kind: 'all-up-to' }, presentOnly: true },
      ],
    }],
  },
];
