import { latestPublishedTradingDay } from '../../calendar/index.ts';
import { SILVER_JOB_KIND, type RegistryOptions } from '../../datasets/index.ts';
import type { JobKindPlugin } from '../../jobs/job-kind.ts';
import { outdatedReason } from '../../lake/lineage.ts';

/** What a silver job's worker is told. */
export interface SilverJobSpec {
  kind: typeof SILVER_JOB_KIND;
  dataset: string;
  /** The partitions it writes, ascending. */
  dates: string[];
  lakeRoot: string;
  duckdb: { threads: number; memoryLimit: string };
  registryOptions: RegistryOptions;
  /** Risk-free rate for options' implied volatility (settings silver.riskFreeRate). */
  riskFreeRate: number;
}

/**
 * Partitions per job. A factor build reads the whole history once whatever it writes, so a long
 * rebuild wants few jobs; a bound keeps one failure or cancellation from costing a decade.
 */
const MAX_DATES_PER_JOB = 250;

/**
 * The `silver-build` job kind: every silver dataset, one job per run of up to 250 partitions. An
 * update also rebuilds every built partition that lineage calls stale (a dividend corrected
 * 40 days ago makes 40 days of factors stale, and with them the adjusted bars read from them,
 * and only the update's last days are its targets).
 */
export const silverJobKind: JobKindPlugin = {
  kind: SILVER_JOB_KIND,
  resource: 'compute',
  writes: 'silver',
  group(_dataset, dates) {
    const out: string[][] = [];
    for (let i = 0; i < dates.length; i += MAX_DATES_PER_JOB) out.push(dates.slice(i, i + MAX_DATES_PER_JOB));
    return out;
  },
  refresh(dataset, ctx) {
    const from = ctx.historyStart && ctx.historyStart > dataset.firstDate ? ctx.historyStart : dataset.firstDate;
    const out: string[] = [];
    for (const date of ctx.registry.partitionDates(dataset.id, from, latestPublishedTradingDay(ctx.now))) {
      const ref = { dataset: dataset.id, layer: 'silver' as const, date };
      const rec = ctx.reader.record(ref);
      if (!rec || (rec.status !== 'complete' && rec.status !== 'degraded')) continue;
      if (outdatedReason(ctx.registry, ctx.reader, ref, rec)) out.push(date);
    }
    return out;
  },
  spec(job, run): SilverJobSpec {
    return {
      kind: SILVER_JOB_KIND, dataset: job.dataset, dates: job.dates, lakeRoot: run.lakeRoot, duckdb: run.duckdb,
      registryOptions: run.registryOptions, riskFreeRate: run.settings.silver.riskFreeRate,
    };
  },
};
