import type { RegistryOptions } from '../../datasets/index.ts';
import { GOLD_FEATURES_JOB_KIND } from '../../datasets/index.ts';
import type { JobKindPlugin } from '../../jobs/job-kind.ts';

/** What a gold-feature-columns job's worker is told. */
export interface GoldFeaturesJobSpec {
  kind: typeof GOLD_FEATURES_JOB_KIND;
  /** The feature set's dataset (`features_<name>`), whose gold layer this is. */
  dataset: string;
  lakeRoot: string;
  /** The days whose feature values to write into gold, ascending. */
  dates: string[];
  duckdb: { threads: number; memoryLimit: string };
  registryOptions: RegistryOptions;
  /** Settings gold.withFeatures (NAME[@VERSION]). */
  withFeatures: string;
}

/**
 * The `gold-feature-columns` job kind: a built feature set's values written into the day gold's
 * feature columns (lake-gold-features.ts), after the day's feature partition. The gold directory
 * is one, so every day a plan asks for is one job (one generation switch).
 */
export const goldFeaturesJobKind: JobKindPlugin = {
  kind: GOLD_FEATURES_JOB_KIND,
  resource: 'compute',
  writes: 'gold',
  group: (_dataset, dates) => (dates.length ? [[...dates]] : []),
  spec(job, run): GoldFeaturesJobSpec {
    return {
      kind: GOLD_FEATURES_JOB_KIND, dataset: job.dataset, lakeRoot: run.lakeRoot, dates: job.dates, duckdb: run.duckdb,
      registryOptions: run.registryOptions, withFeatures: run.settings.gold.withFeatures ?? '',
    };
  },
};
