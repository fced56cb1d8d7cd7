import { FEATURE_JOB_KIND, featureSetOf, type RegistryOptions } from '../../datasets/index.ts';
import type { JobKindPlugin } from '../../jobs/job-kind.ts';

/** What a feature-build job's worker is told. */
export interface FeatureJobSpec {
  kind: typeof FEATURE_JOB_KIND;
  dataset: string;
  /** The feature set (a built-in manifest in config/feature-sets/). */
  name: string;
  lakeRoot: string;
  dates: string[];
  registryOptions: RegistryOptions;
}

/**
 * The `feature-build` job kind: days of a built-in feature set from the lake's gold. One job per
 * plan and set (a pass over the instruments serves many days), run after the gold job it reads.
 */
export const featureJobKind: JobKindPlugin = {
  kind: FEATURE_JOB_KIND,
  resource: 'compute',
  writes: 'silver',
  group: (_dataset, dates) => (dates.length ? [[...dates]] : []),
  spec(job, run): FeatureJobSpec {
    const name = featureSetOf(job.dataset);
    if (!name) throw new Error(`${job.dataset} is not a feature-set dataset`);
    return { kind: FEATURE_JOB_KIND, dataset: job.dataset, name, lakeRoot: run.lakeRoot, dates: job.dates, registryOptions: run.registryOptions };
  },
};
