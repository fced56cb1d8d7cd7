/**
 * Worker side of the `gold-minute-build` job kind: finds silver's and bronze's present partitions,
 * works out which stored minute days had their inputs change (asked for, never built, or stale by
 * lineage), brings the minute gold to that state through buildLakeMinuteGold (one generation
 * switch) and writes the record of every day asked for and of every day whose values changed.
 */
import { createLakeRegistry, type DatasetRegistry } from '../../datasets/index.ts';
import { createLineageReader } from '../../lake/lineage.ts';
import type { WorkerResult } from '../../process/job-protocol.ts';
import type { WorkerContext } from '../../process/worker-main.ts';
import { changedGoldDays, writeGoldDayRecords } from './gold-day-records.ts';
import { presentFiles } from './gold-job.ts';
import { lakeGoldDir } from './gold-store.ts';
import { buildLakeMinuteGold, MINUTE_BARS_DATASET, minuteGoldDays } from './lake-minute-gold.ts';
import type { MinuteGoldJobSpec } from './minute-gold-job-kind.ts';
import { ADJUSTED_BARS_DATASET, UNIVERSE_DATASET } from './silver-gold-source.ts';

/** Runs one gold-minute-build job; `registry` is the lake's unless a host (a test) brings its own. */
export async function runMinuteGoldJob(raw: unknown, ctx: WorkerContext, registry?: DatasetRegistry): Promise<WorkerResult> {
  const spec = raw as MinuteGoldJobSpec;
  const reg = registry ?? createLakeRegistry(spec.registryOptions);
  const reader = createLineageReader(spec.lakeRoot);
  const asked = [...spec.dates].sort();
  const last = asked.at(-1)!;
  const bars = presentFiles(reg, reader, spec.lakeRoot, ADJUSTED_BARS_DATASET, last);
  const universe = reg.hasLayer(UNIVERSE_DATASET, 'silver') ? presentFiles(reg, reader, spec.lakeRoot, UNIVERSE_DATASET, last) : null;
  const minutes = presentFiles(reg, reader, spec.lakeRoot, MINUTE_BARS_DATASET, last, 'bronze');
  const missing = asked.filter((d) => !bars.has(d) || !minutes.has(d));
  const end = [...bars.keys()].filter((d) => d <= last).sort().at(-1);
  const target = lakeGoldDir(spec.lakeRoot, 'us', '1min');
  const startedAt = new Date().toISOString();
  const t0 = Date.now();

  const changed = changedGoldDays(reg, reader, spec.dataset, asked, minuteGoldDays(target));
  ctx.logger.info({ asked: asked.length, changed: changed.size, silverDays: bars.size, minuteDays: minutes.size, end }, 'building minute gold');
  const result = end
    ? await buildLakeMinuteGold({ target, files: { bars, universe, minutes }, end, changedDates: changed, session: spec.session, duckdb: spec.duckdb })
    : null;
  ctx.logger.info({
    mode: result?.mode, fallback: result?.fallback, bars: result?.bars, outsideSession: result?.barsOutsideSession, unmatched: result?.barsUnmatched, commit: result?.commit,
  }, 'minute gold committed');

  const rows = await writeGoldDayRecords({
    lakeRoot: spec.lakeRoot, registry: reg, reader, dataset: spec.dataset, asked, days: result?.days ?? [], startedAt, t0,
    missing: missing.map((date) => ({ date, error: `${!bars.has(date) ? `silver ${ADJUSTED_BARS_DATASET}` : `bronze ${MINUTE_BARS_DATASET}`} has no partition for ${date}` })),
  });
  if (missing.length === asked.length) return { outcome: 'failed', error: `minute gold: no day asked for (${asked[0]}..${last}) has both silver ${ADJUSTED_BARS_DATASET} and bronze ${MINUTE_BARS_DATASET}` };
  return { outcome: missing.length ? 'degraded' : 'complete', rows, file: 'gold/qlib/us_1min' };
}
