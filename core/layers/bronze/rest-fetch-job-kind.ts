import { etDateOf } from '../../calendar/index.ts';
import { restFetchUnitOf, restPartitionsToRefresh, type RegistryOptions, type RestDatasetId } from '../../datasets/index.ts';
import type { JobKindPlugin, RunSources } from '../../jobs/job-kind.ts';
import { readPartitionRecordSync } from '../../lake/partition-records.ts';

/** Fetch units one job runs one after the other. */
const UNITS_PER_JOB = 20;

/** What a REST fetch job's worker is told (holds the API key: travels only over the job's channel). */
export interface RestFetchJobSpec {
  kind: 'rest-fetch';
  dataset: RestDatasetId;
  /** The partitions it writes: every partition of each of its fetch units. */
  dates: string[];
  lakeRoot: string;
  rest: NonNullable<RunSources['rest']>;
  registryOptions: RegistryOptions;
  duckdb: { threads: number; memoryLimit: string };
  logLevel: string;
}

/**
 * The `rest-fetch` job kind: one fetch unit of a REST dataset (a day, a month of corporate
 * actions, a universe snapshot, a ticker-events interval) from the API through landing into
 * bronze. Every partition of the unit is written by the one job. An update refetches the
 * dataset's correction window (lookback and lookahead) once a day: corrections and announced
 * actions arrive after the fact, and a refetch that changes a partition replaces it, which makes
 * whatever was built from it `stale`.
 */
export const restFetchJobKind: JobKindPlugin = {
  kind: 'rest-fetch',
  resource: 'network',
  writes: 'bronze',
  group(dataset, dates, ctx) {
    const schedule = { tickersDailyFrom: ctx.settings.rest.tickersDailyFrom };
    const units = new Map<string, string[]>();
    // Dates come ascending and units tile the trading days, so a date up to the last partition of
    // the previous date's unit is in that unit: working a unit out once per unit, not once per date,
    // keeps a 20-year plan of monthly or snapshot-interval units from redoing the same calendar walk.
    let covered = '';
    for (const d of dates) {
      if (d <= covered) continue;
      const unit = restFetchUnitOf(dataset.id as RestDatasetId, d, schedule);
      units.set(unit.key, unit.partitions);
      covered = unit.partitions.at(-1) ?? d;
    }
    // Several fetch units per job: a unit is a few requests, a job process costs about a second to
    // start, so a backfill of years of daily news would otherwise spend its time starting processes.
    const jobs: string[][] = [];
    let current: string[] = [];
    let count = 0;
    for (const partitions of [...units.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, p]) => p)) {
      if (count === UNITS_PER_JOB) {
        jobs.push(current);
        current = [];
        count = 0;
      }
      current.push(...partitions);
      count++;
    }
    if (current.length) jobs.push(current);
    return jobs;
  },
  refresh(dataset, ctx) {
    const today = etDateOf(ctx.now);
    const window = restPartitionsToRefresh(dataset.id as RestDatasetId, today, {
      tickersDailyFrom: ctx.settings.rest.tickersDailyFrom,
      ...(ctx.settings.rest.lookbackTradingDays !== null ? { lookbackTradingDays: ctx.settings.rest.lookbackTradingDays } : {}),
      ...(ctx.settings.rest.lookaheadCalendarDays !== null ? { lookaheadCalendarDays: ctx.settings.rest.lookaheadCalendarDays } : {}),
    });
    // Refetched at most once a day: a second update the same day has nothing to do.
    return window.partitions.filter((d) => {
      const rec = readPartitionRecordSync(ctx.lakeRoot, { dataset: dataset.id, layer: 'bronze', date: d });
      return !rec?.finishedAt || etDateOf(new Date(rec.finishedAt)) < today;
    });
  },
  spec(job, run): RestFetchJobSpec {
    if (!run.sources.rest) throw new Error(`${job.id}: no REST source was opened for this run (no API key)`);
    return {
      kind: 'rest-fetch', dataset: job.dataset as RestDatasetId, dates: job.dates, lakeRoot: run.lakeRoot,
      rest: run.sources.rest, registryOptions: run.registryOptions, duckdb: run.duckdb, logLevel: run.logLevel,
    };
  },
};
