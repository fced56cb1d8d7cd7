import type { Layer } from '../vocabulary/layers.ts';

/** Ids of the flat-file datasets (one gzip CSV per trading day, all tickers). */
export type FlatFileDatasetId = 'stocks_daily' | 'stocks_minute' | 'options_daily' | 'options_minute';

/** A column of a flat file as published, and the DuckDB type bronze stores it as. */
export interface SourceColumn {
  name: string;
  duckdbType: 'VARCHAR' | 'DOUBLE' | 'BIGINT';
}

/** Everything the downloader, ingestor, coverage, CLI and UI need to know about one dataset. */
export interface FlatFileDataset {
  id: FlatFileDatasetId;
  title: string;
  assetClass: 'stocks' | 'options';
  frequency: 'day' | 'minute';
  /** S3 key prefix inside the bucket, without trailing slash. */
  keyPrefix: string;
  /** Exact header of the CSV, in order. */
  columns: readonly SourceColumn[];
  /** Partitioning of bronze: one file per trading date under year=/month=. */
  partitioning: 'trading-date';
  /** First trading date Polygon publishes for this dataset. */
  firstDate: string;
  /** Layers this dataset feeds, in dependency order. */
  layers: readonly Layer[];
  /** Typical gzip size of a full-market day, for download estimates before a listing is available. */
  typicalBytes: number;
  /** Typical row count of a full-market day. */
  typicalRows: number;
  /** Bars beyond these are rejected as implausible (settings `validation.<dataset>` overrides them). */
  plausible: PlausibleBounds;
}

/** Upper bounds a bar must stay under (prices must also be above 0, volumes at least 0). */
export interface PlausibleBounds {
  maxPrice: number;
  maxVolume: number;
}

// Berkshire's class A share is the highest US stock price (under 1 M USD); 10 M leaves room and still
// catches a misplaced decimal point or 1e300. Daily share volume of any US stock stays far below 1e12.
const STOCK_BOUNDS: PlausibleBounds = { maxPrice: 10_000_000, maxVolume: 1e12 };
const OPTION_BOUNDS: PlausibleBounds = { maxPrice: 1_000_000, maxVolume: 1e8 };

// Aggregates share one layout; volume is DOUBLE because 2026 files carry fractional volumes.
const AGG_COLUMNS: readonly SourceColumn[] = [
  { name: 'ticker', duckdbType: 'VARCHAR' },
  { name: 'volume', duckdbType: 'DOUBLE' },
  { name: 'open', duckdbType: 'DOUBLE' },
  { name: 'close', duckdbType: 'DOUBLE' },
  { name: 'high', duckdbType: 'DOUBLE' },
  { name: 'low', duckdbType: 'DOUBLE' },
  { name: 'window_start', duckdbType: 'BIGINT' },
  { name: 'transactions', duckdbType: 'BIGINT' },
];

/** The registry: one entry per flat-file dataset (figures from polygon-massive.md). */
export const FLAT_FILE_DATASETS: readonly FlatFileDataset[] = [
  {
    id: 'stocks_daily', title: 'Stocks day aggregates', assetClass: 'stocks', frequency: 'day',
    keyPrefix: 'us_stocks_sip/day_aggs_v1', columns: AGG_COLUMNS, partitioning: 'trading-date',
    firstDate: '2003-09-10', layers: ['landing', 'bronze'], typicalBytes: 300_000, typicalRows: 12_000, plausible: STOCK_BOUNDS,
  },
  {
    id: 'stocks_minute', title: 'Stocks minute aggregates', assetClass: 'stocks', frequency: 'minute',
    keyPrefix: 'us_stocks_sip/minute_aggs_v1', columns: AGG_COLUMNS, partitioning: 'trading-date',
    firstDate: '2003-09-10', layers: ['landing', 'bronze'], typicalBytes: 28_000_000, typicalRows: 1_830_000, plausible: STOCK_BOUNDS,
  },
  {
    id: 'options_daily', title: 'Options day aggregates', assetClass: 'options', frequency: 'day',
    keyPrefix: 'us_options_opra/day_aggs_v1', columns: AGG_COLUMNS, partitioning: 'trading-date',
    firstDate: '2014-06-02', layers: ['landing', 'bronze'], typicalBytes: 4_100_000, typicalRows: 364_000, plausible: OPTION_BOUNDS,
  },
  {
    id: 'options_minute', title: 'Options minute aggregates', assetClass: 'options', frequency: 'minute',
    keyPrefix: 'us_options_opra/minute_aggs_v1', columns: AGG_COLUMNS, partitioning: 'trading-date',
    firstDate: '2014-06-02', layers: ['landing', 'bronze'], typicalBytes: 26_000_000, typicalRows: 2_500_000, plausible: OPTION_BOUNDS,
  },
];

const BY_ID = new Map(FLAT_FILE_DATASETS.map((d) => [d.id, d]));

/** Looks up a dataset; throws a clear error naming the known ids. */
export function flatFileDataset(id: string): FlatFileDataset {
  const d = BY_ID.get(id as FlatFileDatasetId);
  if (!d) throw new Error(`unknown dataset "${id}" (known: ${FLAT_FILE_DATASETS.map((x) => x.id).join(', ')})`);
  return d;
}

/** True for a known flat-file dataset id. */
export function isFlatFileDatasetId(id: string): id is FlatFileDatasetId {
  return BY_ID.has(id as FlatFileDatasetId);
}

/** The S3 object key of a dataset's file for one trading date: `<prefix>/YYYY/MM/YYYY-MM-DD.csv.gz`. */
export function flatFileKey(dataset: FlatFileDataset, date: string): string {
  return `${dataset.keyPrefix}/${date.slice(0, 4)}/${date.slice(5, 7)}/${date}.csv.gz`;
}

/** The dataset and date an S3 key refers to, or null for keys outside the registry. */
export function parseFlatFileKey(key: string): { dataset: FlatFileDataset; date: string } | null {
  const m = /^(.+)\/(\d{4})\/(\d{2})\/(\d{4}-\d{2}-\d{2})\.csv\.gz$/.exec(key);
  if (!m) return null;
  const dataset = FLAT_FILE_DATASETS.find((d) => d.keyPrefix === m[1]);
  if (!dataset || m[4]!.slice(0, 4) !== m[2] || m[4]!.slice(5, 7) !== m[3]) return null;
  return { dataset, date: m[4]! };
}

/** Version of the bronze schema; bump it when a bronze column is added, removed or retyped. */
export const BRONZE_SCHEMA_VERSION = 1;

/** A column of a bronze Parquet file and its DuckDB type. */
export interface BronzeColumn {
  name: string;
  duckdbType: 'VARCHAR' | 'DOUBLE' | 'BIGINT' | 'DATE' | 'TIMESTAMP WITH TIME ZONE';
  description: string;
}

// window_start is stored as TIMESTAMPTZ: an instant (Parquet INT64 micros, isAdjustedToUTC=true),
// so every reader sees UTC and nobody mistakes it for New York wall time. `date` is the trading
// date taken from the file name, never derived from the timestamp.
const BRONZE_AGG_COLUMNS: readonly BronzeColumn[] = [
  { name: 'ticker', duckdbType: 'VARCHAR', description: 'symbol as published (options: OCC ticker with O: prefix)' },
  { name: 'volume', duckdbType: 'DOUBLE', description: 'shares or contracts traded (fractional from 2026)' },
  { name: 'open', duckdbType: 'DOUBLE', description: 'first trade price in the window' },
  { name: 'close', duckdbType: 'DOUBLE', description: 'last trade price in the window' },
  { name: 'high', duckdbType: 'DOUBLE', description: 'highest trade price in the window' },
  { name: 'low', duckdbType: 'DOUBLE', description: 'lowest trade price in the window' },
  { name: 'window_start', duckdbType: 'TIMESTAMP WITH TIME ZONE', description: 'start of the window, UTC instant' },
  { name: 'transactions', duckdbType: 'BIGINT', description: 'number of trades in the window' },
  { name: 'date', duckdbType: 'DATE', description: 'trading date (from the source file name)' },
];

const BRONZE_OPTION_COLUMNS: readonly BronzeColumn[] = [
  { name: 'underlying', duckdbType: 'VARCHAR', description: 'option root symbol parsed from the ticker' },
  { name: 'expiration', duckdbType: 'DATE', description: 'expiration date parsed from the ticker' },
  { name: 'contract_type', duckdbType: 'VARCHAR', description: "'call' or 'put'" },
  { name: 'strike', duckdbType: 'DOUBLE', description: 'strike price parsed from the ticker' },
];

/** The columns of a dataset's bronze files, in file order. */
export function bronzeColumns(dataset: FlatFileDataset): readonly BronzeColumn[] {
  return dataset.assetClass === 'options' ? [...BRONZE_AGG_COLUMNS, ...BRONZE_OPTION_COLUMNS] : BRONZE_AGG_COLUMNS;
}

/** The exact header line a dataset's CSV must start with. */
export function flatFileHeader(dataset: FlatFileDataset): string {
  return dataset.columns.map((c) => c.name).join(',');
}

/** Parses a list of dataset ids (from a flag or a request), rejecting unknown ones with the known list. */
export function parseFlatFileDatasetIds(ids: readonly string[]): FlatFileDatasetId[] {
  const out: FlatFileDatasetId[] = [];
  for (const id of ids) {
    const d = flatFileDataset(id);
    if (!out.includes(d.id)) out.push(d.id);
  }
  return out;
}
