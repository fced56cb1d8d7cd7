/**
 * `features verify NAME@VERSION`: rebuilds a sample of a version's stored days and compares them,
 * value for value, with what is stored. A sampled day is rebuilt from the checkpoint before it (the
 * carried states the build kept every CHECKPOINT_EVERY calendar rows) when there is a usable one,
 * so it re-evaluates at most that many rows per instrument instead of the whole history; without
 * one (an older lake, other gold, a set that is not carried) it is rebuilt from the first row.
 */
import fs from 'node:fs';
import path from 'node:path';
import { openDuckDb, sqlIdent, sqlString } from '../../duckdb/duckdb-instance.ts';
import { featureSetPaths, versionPartitions } from '../../lake/feature-set-paths.ts';
import { createLineageReader } from '../../lake/lineage.ts';
import type { FeatureSetManifest } from '../../features/sets/feature-set-manifest.ts';
import { readQlibCalendar } from '../../qlib/qlib-dir-reader.ts';
import { lakeGoldDir } from '../gold/gold-store.ts';
import { buildFeatureDaysReport } from './feature-build.ts';
import { checkpointDates, checkpointDir, checkpointFile } from './feature-carry-store.ts';

/** One sampled day that differs from its rebuild. */
export interface VerifyDifference {
  date: string;
  /** Features with differing values, and on how many instruments. */
  features: Array<{ name: string; rows: number }>;
  /** Instruments stored but not rebuilt, and rebuilt but not stored. */
  missing: number;
  extra: number;
}

/** What verify found. */
export interface VerifyReport {
  /** The sampled days, each with the checkpoint it was rebuilt from (null: from the first row). */
  checked: Array<{ date: string; from: string | null }>;
  differing: VerifyDifference[];
}

/** Picks `sample` of the partitions' days, spread over the range and always including the last. */
export function sampleDays(dates: readonly string[], sample: number): string[] {
  if (dates.length <= sample) return [...dates];
  const out = new Set<string>();
  for (let k = 0; k < sample; k++) out.add(dates[Math.round((k * (dates.length - 1)) / Math.max(1, sample - 1))]!);
  return [...out].sort();
}

/** Rebuilds `sample` stored days of NAME@VERSION (each from the checkpoint before it) and compares them with the stored ones. */
export async function verifyFeatureVersion(opts: {
  lakeRoot: string;
  manifest: FeatureSetManifest;
  sample: number;
  scratchDir: string;
  threads?: number;
}): Promise<VerifyReport> {
  const { lakeRoot, manifest } = opts;
  const parts = versionPartitions(lakeRoot, manifest.name, manifest.version);
  if (parts.length === 0) throw new Error(`${manifest.name}@${manifest.version} has no partitions in this lake`);
  const stored = new Map(parts.map((p) => [p.date, p.file]));
  const days = sampleDays(parts.map((p) => p.date), opts.sample);
  const goldDir = lakeGoldDir(lakeRoot);
  const calendar = readQlibCalendar(goldDir);
  const reader = createLineageReader(lakeRoot);
  const goldDigest = (d: string) => reader.digest('qlib_us', 'gold', calendar[0]!, d).digest;
  const points = checkpointDir(featureSetPaths(lakeRoot, manifest.name, manifest.version).versionDir);
  const checkpoints = checkpointDates(points);
  const report: VerifyReport = { checked: [], differing: [] };
  const file = (d: string) => path.join(opts.scratchDir, `${d}.parquet`);
  const db = await openDuckDb({ threads: 1, memoryLimit: '512MB' });
  try {
    for (const date of days) {
      const from = checkpoints.filter((c) => c < date).at(-1) ?? null;
      const r = await buildFeatureDaysReport({
        lakeRoot, manifest, qlibDir: goldDir, dates: [date], fileOf: file, goldDigest,
        ...(from ? { resumeFrom: checkpointFile(points, from) } : {}), ...(opts.threads ? { threads: opts.threads } : {}),
      });
      report.checked.push({ date, from: from && r.resumed > 0 ? from : null });
      const diff = await compareDay(db.connection, manifest.expressions.map((e) => e.name), stored.get(date)!, file(date));
      if (diff.features.length || diff.missing || diff.extra) report.differing.push({ date, ...diff });
      fs.rmSync(file(date), { force: true });
    }
  } finally {
    db.close();
  }
  return report;
}

type Connection = Awaited<ReturnType<typeof openDuckDb>>['connection'];

/** Per feature, the instruments whose stored and rebuilt values differ (compared as DuckDB's exact float text, NULL-safe). */
async function compareDay(c: Connection, names: readonly string[], storedFile: string, rebuiltFile: string): Promise<Omit<VerifyDifference, 'date'>> {
  const counts = names.map((n) => `count(*) FILTER (WHERE a.instrument IS NOT NULL AND b.instrument IS NOT NULL AND CAST(a.${sqlIdent(n)} AS VARCHAR) IS DISTINCT FROM CAST(b.${sqlIdent(n)} AS VARCHAR))`);
  const sql = `SELECT count(*) FILTER (WHERE b.instrument IS NULL), count(*) FILTER (WHERE a.instrument IS NULL), ${counts.join(', ')}
    FROM read_parquet(${sqlString(storedFile)}) a FULL OUTER JOIN read_parquet(${sqlString(rebuiltFile)}) b ON a.instrument = b.instrument AND a.date = b.date`;
  const row = (await c.runAndReadAll(sql)).getRows()[0]!;
  const features = names.map((name, k) => ({ name, rows: Number(row[2 + k]) })).filter((f) => f.rows > 0);
  return { features, missing: Number(row[0]), extra: Number(row[1]) };
}
