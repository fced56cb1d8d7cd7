import type { Settings } from '../../config/config-schema.ts';
import type { RegistryOptions } from '../../datasets/index.ts';
import { GOLD_MINUTE_JOB_KIND } from '../../datasets/index.ts';
import type { JobKindPlugin } from '../../jobs/job-kind.ts';
import type { MinuteSession } from './minute-calendar.ts';

/** What a gold-minute-build job's worker is told. */
export interface MinuteGoldJobSpec {
  kind: typeof GOLD_MINUTE_JOB_KIND;
  dataset: string;
  lakeRoot: string;
  /** The minute gold days to (re)build, ascending. */
  dates: string[];
  duckdb: { threads: number; memoryLimit: string };
  registryOptions: RegistryOptions;
  /** Which minutes of each session the calendar holds (default regular: 09:30-15:59). */
  session?: MinuteSession;
}

/** The session the minute gold holds under these settings (gold.minute.extendedHours). */
export function minuteSessionOf(settings: Pick<Settings, 'gold'>): MinuteSession {
  return settings.gold.minute.extendedHours ? 'extended' : 'regular';
}

/**
 * The `gold-minute-build` job kind: the lake's 1-minute Qlib directory (gold/qlib/us_1min) from
 * bronze's minute bars and silver's adjusted bars. One directory, so every day a plan asks for is
 * one job (one generation switch), run after the silver and bronze jobs it reads.
 */
export const minuteGoldJobKind: JobKindPlugin = {
  kind: GOLD_MINUTE_JOB_KIND,
  resource: 'compute',
  writes: 'gold',
  group: (_dataset, dates) => (dates.length ? [[...dates]] : []),
  spec(job, run): MinuteGoldJobSpec {
    return {
      kind: GOLD_MINUTE_JOB_KIND, dataset: job.dataset, lakeRoot: run.lakeRoot, dates: job.dates, duckdb: run.duckdb, registryOptions: run.registryOptions,
      session: minuteSessionOf(run.settings),
    };
  },
};
