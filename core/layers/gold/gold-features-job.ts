/**
 * Worker side of the `gold-feature-columns` job kind: the days asked for, and the days gold holds
 * whose columns were never written or whose feature partition (or gold day) changed since, get the
 * feature set's values written into the day gold (one generation switch); each day's record then
 * says the columns hold that day's partition.
 */
import { createLakeRegistry, featureDatasetId, type DatasetRegistry } from '../../datasets/index.ts';
import { createLineageReader } from '../../lake/lineage.ts';
import type { WorkerResult } from '../../process/job-protocol.ts';
import type { WorkerContext } from '../../process/worker-main.ts';
import { readQlibCalendar } from '../../qlib/qlib-dir-reader.ts';
import { changedGoldDays, writeGoldDayRecords } from './gold-day-records.ts';
import type { GoldFeaturesJobSpec } from './gold-features-job-kind.ts';
import { activeGeneration, goldLayout, lakeGoldDir } from './gold-store.ts';
import { goldFeatureSet, writeGoldFeatureColumns } from './lake-gold-features.ts';

/** Runs one gold-feature-columns job; `registry` is the lake's unless a host (a test) brings its own. */
export async function runGoldFeaturesJob(raw: unknown, ctx: WorkerContext, registry?: DatasetRegistry): Promise<WorkerResult> {
  const spec = raw as GoldFeaturesJobSpec;
  const reg = registry ?? createLakeRegistry(spec.registryOptions);
  const reader = createLineageReader(spec.lakeRoot);
  const asked = [...spec.dates].sort();
  const startedAt = new Date().toISOString();
  const t0 = Date.now();
  const fail = async (error: string): Promise<WorkerResult> => {
    await writeGoldDayRecords({
      lakeRoot: spec.lakeRoot, registry: reg, reader, dataset: spec.dataset, asked, days: [], startedAt, t0, missing: asked.map((date) => ({ date, error })),
    });
    return { outcome: 'failed', error };
  };
  if (!spec.withFeatures) return fail(`${spec.dataset}: settings gold.withFeatures names no feature set`);
  let set;
  try {
    set = goldFeatureSet(spec.withFeatures);
  } catch (err) {
    return fail((err as Error).message);
  }
  if (featureDatasetId(set.manifest.name) !== spec.dataset) return fail(`${spec.dataset}: settings gold.withFeatures is ${spec.withFeatures}`);
  const target = lakeGoldDir(spec.lakeRoot);
  const held = activeGeneration(goldLayout(target)) ? readQlibCalendar(target) : [];
  const inGold = new Set(held);
  const days = [...changedGoldDays(reg, reader, spec.dataset, asked, held)].filter((d) => inGold.has(d)).sort();
  ctx.logger.info({ asked: asked.length, days: days.length, set: `${set.manifest.name}@${set.manifest.version}` }, 'writing feature columns into gold');
  let result;
  try {
    result = await writeGoldFeatureColumns({ lakeRoot: spec.lakeRoot, target, set, dates: days, duckdb: spec.duckdb });
  } catch (err) {
    return fail((err as Error).message);
  }
  ctx.logger.info({ instruments: result.instruments, commit: result.commit }, 'feature columns committed');
  const missing = asked.filter((d) => !inGold.has(d));
  const rows = await writeGoldDayRecords({
    lakeRoot: spec.lakeRoot, registry: reg, reader, dataset: spec.dataset, asked, days: result.days, startedAt, t0,
    missing: missing.map((date) => ({ date, error: `gold qlib_us has no day ${date} to write ${spec.dataset} into` })),
  });
  if (missing.length === asked.length) return { outcome: 'failed', error: `gold qlib_us has none of the days asked for (${asked[0]}..${asked.at(-1)})` };
  return { outcome: missing.length ? 'degraded' : 'complete', rows, file: 'gold/qlib/us' };
}
