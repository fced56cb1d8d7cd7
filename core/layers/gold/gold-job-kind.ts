import type { RegistryOptions } from '../../datasets/index.ts';
import { GOLD_JOB_KIND } from '../../datasets/index.ts';
import type { JobKindPlugin } from '../../jobs/job-kind.ts';
import type { GoldMarketSpec } from './lake-gold-build.ts';

/** What a gold-build job's worker is told. */
export interface GoldJobSpec {
  kind: typeof GOLD_JOB_KIND;
  dataset: string;
  lakeRoot: string;
  /** The gold days to (re)build, ascending. */
  dates: string[];
  duckdb: { threads: number; memoryLimit: string };
  registryOptions: RegistryOptions;
  markets: GoldMarketSpec[];
  /** Settings gold.withFeatures: the feature set whose columns every instrument carries (null: none). */
  withFeatures?: string | null;
}

/** Market files gold writes beside all.txt (Qlib's `D.instruments("liquid500")`). */
export const DEFAULT_GOLD_MARKETS: GoldMarketSpec[] = [{ name: 'liquid500', size: 500 }];

/**
 * The `gold-build` job kind: the lake's Qlib directory from silver's adjusted bars and universe.
 * Gold is one directory, so every day a plan asks for is one job (one generation switch), run
 * after the silver jobs it reads.
 */
export const goldJobKind: JobKindPlugin = {
  kind: GOLD_JOB_KIND,
  resource: 'compute',
  writes: 'gold',
  group: (_dataset, dates) => (dates.length ? [[...dates]] : []),
  spec(job, run): GoldJobSpec {
    return {
      kind: GOLD_JOB_KIND, dataset: job.dataset, lakeRoot: run.lakeRoot, dates: job.dates, duckdb: run.duckdb,
      registryOptions: run.registryOptions, markets: DEFAULT_GOLD_MARKETS, withFeatures: run.settings.gold.withFeatures,
    };
  },
};
