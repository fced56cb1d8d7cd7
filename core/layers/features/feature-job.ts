/**
 * Worker side of the `feature-build` job kind, and the one build path the CLI uses too: registers
 * the manifest's version (refusing an edited manifest under a built version), builds the days from
 * the lake's gold, writes each day's record (checksum, builder version, the manifest's version and
 * content hash, lineage on gold), refreshes the version's stats and logs the build as an experiment.
 */
import fs from 'node:fs';
import { createLakeRegistry, featureDatasetId, type DatasetRegistry } from '../../datasets/index.ts';
import { featureSetPaths } from '../../lake/feature-set-paths.ts';
import { loadBuiltinManifest, type FeatureSetManifest } from '../../features/sets/feature-set-manifest.ts';
import { createLineageReader, currentLineage } from '../../lake/lineage.ts';
import { writePartitionRecord, type PartitionRecord } from '../../lake/partition-records.ts';
import type { WorkerResult } from '../../process/job-protocol.ts';
import type { WorkerContext } from '../../process/worker-main.ts';
import { readQlibCalendar } from '../../qlib/qlib-dir-reader.ts';
import { lakeGoldDir } from '../gold/gold-store.ts';
import { buildFeatureDays } from './feature-build.ts';
import { carryFile, checkpointDir } from './feature-carry-store.ts';
import type { FeatureJobSpec } from './feature-job-kind.ts';
import { logExperiment, refreshVersionStats, registerVersion, type ExperimentEntry } from './feature-versions.ts';

/** A partition record of a feature set: the engine's record plus the version it holds. */
export type FeaturePartitionRecord = PartitionRecord & { featureSet: { name: string; version: string; contentHash: string } };

/** What a build did. */
export interface FeatureSetBuild {
  built: Array<{ date: string; rows: number }>;
  skipped: string[];
  experiment: ExperimentEntry;
}

/**
 * Builds `dates` of a manifest into the lake (the days gold has; others are reported as skipped).
 * `manifestText` is stored beside the version the first time it is built.
 */
export async function buildFeatureSet(opts: {
  lakeRoot: string;
  manifest: FeatureSetManifest;
  manifestText: string;
  dates: readonly string[];
  registry: DatasetRegistry;
  threads?: number;
  /** Calendar rows between verify checkpoints (default: the build's CHECKPOINT_EVERY; tests use fewer). */
  checkpointEvery?: number;
}): Promise<FeatureSetBuild> {
  const { lakeRoot, manifest } = opts;
  await registerVersion(lakeRoot, manifest, opts.manifestText);
  const goldDir = lakeGoldDir(lakeRoot);
  const calendar = new Set(fs.existsSync(goldDir) ? readQlibCalendar(goldDir) : []);
  const dates = [...new Set(opts.dates)].sort();
  const present = dates.filter((d) => calendar.has(d));
  const skipped = dates.filter((d) => !calendar.has(d));
  const paths = featureSetPaths(lakeRoot, manifest.name, manifest.version);
  const startedAt = new Date().toISOString();
  const t0 = Date.now();
  const reader = createLineageReader(lakeRoot);
  const goldFirst = [...calendar][0];
  const goldDigest = (d: string) => (goldFirst ? reader.digest('qlib_us', 'gold', goldFirst, d).digest : null);
  const days = present.length
    ? await buildFeatureDays({
      lakeRoot, manifest, qlibDir: goldDir, dates: present, fileOf: paths.partition, threads: opts.threads,
      carryFile: carryFile(paths.versionDir), checkpointDir: checkpointDir(paths.versionDir), goldDigest,
      ...(opts.checkpointEvery ? { checkpointEvery: opts.checkpointEvery } : {}),
    })
    : [];
  const dataset = featureDatasetId(manifest.name);
  const lineageOf = (date: string) => (opts.registry.has(dataset) ? currentLineage(opts.registry, reader, { dataset, layer: 'silver', date }) : null);
  for (const d of days) {
    const lineage = lineageOf(d.date);
    const record: FeaturePartitionRecord = {
      dataset, layer: 'silver', date: d.date, status: 'complete', rows: d.rows, bytes: fs.statSync(d.file).size, sourceChecksum: null, etag: null,
      schemaVersion: 1, rejects: 0, attempts: 1, lastError: null, startedAt, finishedAt: new Date().toISOString(), durationMs: Date.now() - t0,
      checksum: d.checksum, ...(lineage ? { builderVersion: lineage.builderVersion, inputs: lineage.inputs } : {}),
      featureSet: { name: manifest.name, version: manifest.version, contentHash: manifest.contentHash },
    };
    await writePartitionRecord(lakeRoot, record);
  }
  const stats = await refreshVersionStats(lakeRoot, manifest.name, manifest.version, manifest.expressions.map((e) => e.name), days);
  const last = present.at(-1);
  const gold = last ? reader.digest('qlib_us', 'gold', present[0]!, last) : null;
  const experiment = await logExperiment(lakeRoot, {
    name: manifest.name, version: manifest.version, contentHash: manifest.contentHash, builtAt: new Date().toISOString(),
    dates: { from: present[0] ?? '', to: last ?? '', count: present.length },
    inputs: gold && last ? [{ dataset: 'qlib_us', layer: 'gold', from: present[0]!, to: last, ...gold }] : [],
    stats,
  });
  return { built: days.map((d) => ({ date: d.date, rows: d.rows })), skipped, experiment };
}

/** Runs one feature-build job of a built-in set; `registry` is the lake's unless a host (a test) brings its own. */
export async function runFeatureJob(raw: unknown, ctx: WorkerContext, registry?: DatasetRegistry): Promise<WorkerResult> {
  const spec = raw as FeatureJobSpec;
  const manifest = loadBuiltinManifest(spec.name);
  const text = fs.readFileSync(manifest.origin, 'utf8');
  const reg = registry ?? createLakeRegistry(spec.registryOptions);
  const r = await buildFeatureSet({ lakeRoot: spec.lakeRoot, manifest, manifestText: text, dates: spec.dates, registry: reg });
  ctx.logger.info({ set: `${manifest.name}@${manifest.version}`, built: r.built.length, skipped: r.skipped }, 'feature set built');
  if (r.built.length === 0) return { outcome: 'failed', error: `gold has none of the days asked for (${spec.dates[0]}..${spec.dates.at(-1)})` };
  return { outcome: r.skipped.length ? 'degraded' : 'complete', rows: r.built.reduce((s, d) => s + d.rows, 0) };
}
