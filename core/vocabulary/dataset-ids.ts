/**
 * The names of the datasets the lake ships with, in registry order. The registry (core/datasets)
 * says everything else about them; these lists exist below it so that configuration and the UI
 * contract can validate an id without loading the registry.
 */

/** Flat-file datasets (one gzip CSV per trading day from S3). */
export const FLAT_FILE_DATASET_IDS = ['stocks_daily', 'stocks_minute', 'options_daily', 'options_minute'] as const;

/** REST datasets; ids follow the endpoint (architecture §6). */
export const REST_DATASET_IDS = [
  'splits', 'dividends', 'ipos', 'ticker_events', 'tickers', 'financials', 'news', 'short_interest', 'short_volume',
] as const;

/** Silver datasets built from bronze (core/datasets/silver-datasets.ts). */
export const SILVER_DATASET_IDS = [
  'adjustment_factors', 'stocks_daily_adjusted', 'universe', 'options_daily_enriched', 'corporate_actions', 'fundamentals', 'financial_ratios',
] as const;

/** The built-in feature sets (config/feature-sets/<name>.yaml); each is the dataset features_<name>. */
export const FEATURE_SET_NAMES = ['alpha158', 'alpha360', 'daily'] as const;

/** The set name of a gold.withFeatures reference (NAME[@VERSION]). */
export function goldFeatureSetName(ref: string): string {
  return ref.split('@')[0]!;
}

/** Gold datasets (Qlib directories) and the feature-set datasets built on them (declared once silver's bars are). */
export const GOLD_DATASET_IDS = ['qlib_us', 'qlib_us_1min'] as const;
export const FEATURE_DATASET_IDS = ['features_alpha158', 'features_alpha360', 'features_daily'] as const;

/** Every built-in dataset id. */
export const DATASET_IDS = [...FLAT_FILE_DATASET_IDS, ...REST_DATASET_IDS, ...SILVER_DATASET_IDS, ...GOLD_DATASET_IDS, ...FEATURE_DATASET_IDS] as const;

/** A built-in dataset id. */
export type DatasetId = (typeof DATASET_IDS)[number];
