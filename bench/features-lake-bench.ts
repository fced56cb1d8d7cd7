/**
 * The lake's feature-build path (`npm run bench -- features-lake`, or `node --import tsx bench/features-lake-bench.ts`):
 * Alpha158 through buildFeatureDaysReport (the `feature-build` job's code: bins read, evaluated on worker
 * threads, one ZSTD Parquet per day) over a synthetic Qlib directory of 1,250 trading days (late starts,
 * early ends, missing days, flat stretches), as gold stores it. Figures, all measured in this run:
 * - a range build of every day but the last (QUANTMINI_FEATURES_LAKE_DAYS sets how many of the last
 *   days instead), into the lake layout (silver/features/alpha158/v<version>/..., checkpoints), leaving
 *   the carried states;
 * - the one-day update of the last day from those states (reads 61 rows of history per instrument),
 *   beside the same day built without them (the whole history read, what every daily job cost before);
 * - the version's stats after that update, folded from the stored per-day shares, beside a scan of
 *   every partition; and `features verify` (5 sampled days, each from the checkpoint before it);
 * - Qlib's own D.features over the same directory (qlib_check.py --kernels 2) when Qlib is built here,
 *   else its known figure for 2,000 instruments scaled to the shape measured.
 * Each figure is wall time with the process's CPU time (all its threads) beside it, and the load average.
 * QUANTMINI_FEATURES_LAKE_INSTRUMENTS sets the instrument count (default 2,000),
 * QUANTMINI_FEATURES_LAKE_DAYS the days built. Qlib's figure is its whole 1,250-day compute, which
 * the lake build's days need as history (the engine-only comparison is features-bench.ts).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { defaultThreads } from '../core/features/engine/feature-pool.ts';
import { loadBuiltinManifest } from '../core/features/sets/feature-set-manifest.ts';
import { buildFeatureDaysReport } from '../core/layers/features/feature-build.ts';
import { carryFile, checkpointDir } from '../core/layers/features/feature-carry-store.ts';
import { refreshVersionStats, scanVersionStats } from '../core/layers/features/feature-versions.ts';
import { verifyFeatureVersion } from '../core/layers/features/feature-verify.ts';
import { lakeGoldDir } from '../core/layers/gold/gold-store.ts';
import { featureSetPaths } from '../core/lake/feature-set-paths.ts';
import { createLineageReader } from '../core/lake/lineage.ts';
import { readQlibCalendar } from '../core/qlib/qlib-dir-reader.ts';
import { formatBenchTable, type BenchRow } from './bench-types.ts';
import { writeSyntheticQlibDir } from './features-bench.ts';
import { QLIB_CHECKER, QLIB_TOOLS } from './qlib-reference.ts';

const SHAPE = { instruments: Number(process.env.QUANTMINI_FEATURES_LAKE_INSTRUMENTS ?? 2000), days: 1250, seed: 20260 };
/** Days the range build writes (the last ones of the calendar, before the updated day; default all); each day is one Parquet file of every instrument. */
const BUILD_DAYS = process.env.QUANTMINI_FEATURES_LAKE_DAYS ? Number(process.env.QUANTMINI_FEATURES_LAKE_DAYS) : null;
/** Qlib's figure for 2,000 x 1,250 on this kind of machine (2 cores), for when Qlib is not built here. */
const QLIB_KNOWN_2000_S = 217;

function benchDir(): string {
  const dir = path.join(os.tmpdir(), 'quantmini-bench-cache', `features-qlib-${SHAPE.instruments}x${SHAPE.days}-${SHAPE.seed}`);
  if (fs.existsSync(path.join(dir, 'complete'))) return dir;
  fs.rmSync(dir, { recursive: true, force: true });
  writeSyntheticQlibDir(dir, SHAPE);
  fs.writeFileSync(path.join(dir, 'complete'), '');
  return dir;
}

/** Runs Qlib's D.features over `dir` and returns its compute seconds (from qlib_check.py's report). */
function timeQlib(dir: string): Promise<number> {
  const env = { ...process.env, QLIB_CHECKER, PYTHONPATH: `${QLIB_CHECKER}/qlib-src:${QLIB_TOOLS}/stubs`, PYTHONDONTWRITEBYTECODE: '1' };
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const p = spawn('/usr/bin/python3', [`${QLIB_TOOLS}/qlib_check.py`, '--provider-uri', dir, '--out', 'none', '--kernels', '2'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => {
      if (code !== 0) return reject(new Error(`Qlib run failed: ${err.slice(-500)}`));
      resolve(Number(/compute_s=([\d.]+)/.exec(err)?.[1] ?? (performance.now() - t0) / 1000));
    });
  });
}

/** Times `fn`: wall and CPU seconds (process.cpuUsage: every thread of this process, DuckDB's included). */
async function timed<T>(fn: () => Promise<T>): Promise<{ result: T; wallS: number; cpuS: number }> {
  const t = performance.now();
  const c = process.cpuUsage();
  const result = await fn();
  const u = process.cpuUsage(c);
  return { result, wallS: (performance.now() - t) / 1000, cpuS: (u.user + u.system) / 1e6 };
}

const load = () => os.loadavg().map((l) => l.toFixed(1)).join(' ');

/** Runs the lake feature-build bench. */
export async function runFeaturesLakeBench(): Promise<BenchRow[]> {
  const dir = benchDir();
  const calendar = readQlibCalendar(dir);
  const manifest = loadBuiltinManifest('alpha158');
  const threads = defaultThreads();
  const lake = fs.mkdtempSync(path.join(os.tmpdir(), 'quantmini-features-lake-'));
  const rows: BenchRow[] = [];
  try {
    // the lake's layout: gold is the synthetic directory, the set's days go where a build puts them
    fs.mkdirSync(path.dirname(lakeGoldDir(lake)), { recursive: true });
    fs.symlinkSync(dir, lakeGoldDir(lake));
    const paths = featureSetPaths(lake, manifest.name, manifest.version);
    const reader = createLineageReader(lake);
    const goldDigest = (d: string) => reader.digest('qlib_us', 'gold', calendar[0]!, d).digest;
    const lakeBuild = { lakeRoot: lake, manifest, qlibDir: lakeGoldDir(lake), fileOf: paths.partition, carryFile: carryFile(paths.versionDir), checkpointDir: checkpointDir(paths.versionDir), goldDigest, threads };
    const features = manifest.expressions.map((e) => e.name);
    const range = calendar.slice(BUILD_DAYS ? -BUILD_DAYS - 1 : 0, -1);
    const loadBefore = load();
    const full = await timed(() => buildFeatureDaysReport({ ...lakeBuild, dates: range }));
    const stats = await timed(() => refreshVersionStats(lake, manifest.name, manifest.version, features, full.result.days));
    const last = calendar.at(-1)!;
    const inc = await timed(() => buildFeatureDaysReport({ ...lakeBuild, dates: [last] }));
    const folded = await timed(() => refreshVersionStats(lake, manifest.name, manifest.version, features, inc.result.days));
    const scanned = await timed(() => scanVersionStats(lake, manifest.name, manifest.version, features));
    const sameStats = JSON.stringify(folded.result) === JSON.stringify(scanned.result);
    const out = (d: string) => path.join(lake, 'whole', `${d}.parquet`);
    const whole = await timed(() => buildFeatureDaysReport({ lakeRoot: lake, manifest, qlibDir: dir, dates: [last], fileOf: out, threads }));
    const same = fs.readFileSync(paths.partition(last)).equals(fs.readFileSync(out(last)));
    const verify = await timed(() => verifyFeatureVersion({ lakeRoot: lake, manifest, sample: 5, scratchDir: path.join(lake, '.tmp', 'verify'), threads }));
    const loadAfter = load();
    const qlibBuilt = fs.existsSync(path.join(QLIB_CHECKER, 'qlib-src'));
    const qlibS = qlibBuilt ? await timeQlib(dir) : (QLIB_KNOWN_2000_S * SHAPE.instruments) / 2000;
    const qlibName = qlibBuilt ? 'Qlib D.features over the same directory, --kernels 2 (same run)' : 'Qlib not built here; known 217 s for 2,000, scaled';
    const shape = `${SHAPE.instruments} instruments x ${calendar.length} days of history, ${threads} threads`;
    const cpu = (t: { cpuS: number }) => `CPU ${t.cpuS.toFixed(1)} s`;
    rows.push({ name: `Alpha158 range build of ${full.result.days.length} days into the lake (${shape}; ${cpu(full)}; load average ${loadBefore})`, value: full.wallS, unit: 's', peer: { name: qlibName, value: qlibS, unit: 's' } });
    rows.push({ name: `  per day written (${cpu({ cpuS: full.cpuS / Math.max(1, full.result.days.length) })})`, value: (1000 * full.wallS) / Math.max(1, full.result.days.length), unit: 'ms' });
    rows.push({
      name: `one-day update from carried states (${inc.result.resumed} resumed, ${inc.result.fromStart} from the first row, ${inc.result.depth} rows read before the day; ${cpu(inc)})`,
      value: inc.wallS, unit: 's', peer: { name: `the same day without them (whole history, ${whole.result.fromStart} instruments; ${cpu(whole)})`, value: whole.wallS, unit: 's' },
    });
    rows.push({ name: 'one-day update: Parquet identical to the whole-history build', value: same ? 1 : 0, unit: same ? '(yes)' : '(NO)', budget: 'identical', withinBudget: same });
    rows.push({ name: `version stats after the range build (${full.result.days.length} days folded in; ${cpu(stats)})`, value: stats.wallS, unit: 's' });
    rows.push({ name: `version stats after the update, folded (${cpu(folded)})`, value: folded.wallS, unit: 's', peer: { name: `a scan of all ${scanned.result.partitions} partitions (${cpu(scanned)})`, value: scanned.wallS, unit: 's' } });
    rows.push({ name: 'folded stats equal the scan', value: sameStats ? 1 : 0, unit: sameStats ? '(yes)' : '(NO)', budget: 'equal', withinBudget: sameStats });
    const fromCheckpoint = verify.result.checked.filter((c) => c.from !== null).length;
    rows.push({ name: `features verify, 5 sampled days (${fromCheckpoint} from a checkpoint; ${cpu(verify)}; load average after ${loadAfter})`, value: verify.wallS, unit: 's' });
    rows.push({ name: 'verify: days differing from their rebuild', value: verify.result.differing.length, unit: 'days', budget: '0', withinBudget: verify.result.differing.length === 0 });
  } finally {
    fs.rmSync(lake, { recursive: true, force: true });
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(formatBenchTable('features-lake', await runFeaturesLakeBench()));
}
