/**
 * Worker side of the `gold-build` job kind. It finds silver's present partitions, works out which
 * stored gold days had their inputs change (asked for, never built, or stale by lineage), brings
 * gold to silver's state through buildLakeGold (one generation switch) and then writes the record
 * of every day asked for and of every day whose values changed, each with its lineage, so
 * partitions built from gold (feature sets) go stale exactly when their days changed.
 */
import { createLakeRegistry, type DatasetRegistry } from '../../datasets/index.ts';
import { lakePaths } from '../../lake/lake-paths.ts';
import { createLineageReader } from '../../lake/lineage.ts';
import type { WorkerResult } from '../../process/job-protocol.ts';
import type { WorkerContext } from '../../process/worker-main.ts';
import { readQlibCalendar } from '../../qlib/qlib-dir-reader.ts';
import { changedGoldDays, writeGoldDayRecords } from './gold-day-records.ts';
import type { GoldJobSpec } from './gold-job-kind.ts';
import { activeGeneration, goldLayout, lakeGoldDir } from './gold-store.ts';
import { buildLakeGold } from './lake-gold-build.ts';
import { goldFeatureSet } from './lake-gold-features.ts';
import { ADJUSTED_BARS_DATASET, UNIVERSE_DATASET } from './silver-gold-source.ts';

/** The present partitions of a dataset's layer (silver unless given) up to `end`, date -> file. */
export function presentFiles(
  registry: DatasetRegistry, reader: ReturnType<typeof createLineageReader>, lakeRoot: string, dataset: string, end: string, layer: 'bronze' | 'silver' = 'silver',
): Map<string, string> {
  const out = new Map<string, string>();
  const paths = lakePaths(lakeRoot);
  // The present records, not every scheduled date since the dataset's first (decades of days, most without a record).
  const present = reader.presentDates(dataset, layer).filter((d) => d <= end);
  if (present.length === 0) return out;
  const scheduled = new Set(registry.partitionDates(dataset, present[0]!, present.at(-1)!));
  for (const date of present) if (scheduled.has(date)) out.set(date, paths.parquetFile(layer, dataset, date));
  return out;
}

/** Runs one gold-build job; `registry` is the lake's unless a host (a test) brings its own. */
export async function runGoldJob(raw: unknown, ctx: WorkerContext, registry?: DatasetRegistry): Promise<WorkerResult> {
  const spec = raw as GoldJobSpec;
  const reg = registry ?? createLakeRegistry(spec.registryOptions);
  const reader = createLineageReader(spec.lakeRoot);
  const asked = [...spec.dates].sort();
  const last = asked.at(-1)!;
  const bars = presentFiles(reg, reader, spec.lakeRoot, ADJUSTED_BARS_DATASET, last);
  const universe = reg.hasLayer(UNIVERSE_DATASET, 'silver') ? presentFiles(reg, reader, spec.lakeRoot, UNIVERSE_DATASET, last) : null;
  const missing = asked.filter((d) => !bars.has(d));
  const end = [...bars.keys()].filter((d) => d <= last).sort().at(-1);
  const target = lakeGoldDir(spec.lakeRoot);
  const startedAt = new Date().toISOString();
  const t0 = Date.now();

  // Stored days whose inputs changed since they were built (or that were never recorded), and the
  // days asked for that gold does not hold yet.
  // Feature columns (gold.withFeatures): carried by every instrument, their values written by the feature-columns job.
  const extraFields = spec.withFeatures ? goldFeatureSet(spec.withFeatures).fields : undefined;
  const changed = changedGoldDays(reg, reader, spec.dataset, asked, activeGeneration(goldLayout(target)) ? readQlibCalendar(target) : []);
  ctx.logger.info({ asked: asked.length, changed: changed.size, silverDays: bars.size, end }, 'building gold from silver');
  const result = end
    ? await buildLakeGold({ target, files: { bars, universe }, end, changedDates: changed, markets: spec.markets, duckdb: spec.duckdb, extraFields })
    : null;
  ctx.logger.info({ mode: result?.mode, fallback: result?.fallback, writes: result?.writes, commit: result?.commit }, 'gold committed');

  const rows = await writeGoldDayRecords({
    lakeRoot: spec.lakeRoot, registry: reg, reader, dataset: spec.dataset, asked, days: result?.days ?? [], startedAt, t0,
    missing: missing.map((date) => ({ date, error: `silver ${ADJUSTED_BARS_DATASET} has no partition for ${date}` })),
  });
  if (missing.length === asked.length) return { outcome: 'failed', error: `silver ${ADJUSTED_BARS_DATASET} has none of the days asked for (${asked[0]}..${last})` };
  return { outcome: missing.length ? 'degraded' : 'complete', rows, file: 'gold/qlib/us' };
}
