/**
 * The lake's feature-build path (`npm run bench -- features-lake`, or `node --import tsx bench/features-lake-bench.ts`):
 * Alpha158 through buildFeatureDaysReport (the `feature-build` job's code: bins read, evaluated on worker
 * threads, one ZSTD Parquet per day) over a synthetic Qlib directory of 1,250 trading days (late starts,
 * early ends, missing days, flat stretches), as gold stores it. Figures, all measured in this run:
 * - a build of the last BUILD_DAYS days but one (default 20: the writes of 1,250 Parquet days take
 *   minutes of DuckDB COPYs, so a stated fraction is measured; it reads every instrument's whole
 *   history once and leaves the carried states);
 * - the one-day update of the last day from those states (reads 61 rows of history per instrument),
 *   beside the same day built without them (the whole history read, what every daily job cost before);
 * - Qlib's own D.features over the same directory (qlib_check.py --kernels 2) when Qlib is built here,
 *   else its known figure for 2,000 instruments scaled to the shape measured.
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
import { readQlibCalendar } from '../core/qlib/qlib-dir-reader.ts';
import { formatBenchTable, type BenchRow } from './bench-types.ts';
import { writeSyntheticQlibDir } from './features-bench.ts';
import { QLIB_CHECKER, QLIB_TOOLS } from './qlib-reference.ts';

const SHAPE = { instruments: Number(process.env.QUANTMINI_FEATURES_LAKE_INSTRUMENTS ?? 2000), days: 1250, seed: 20260 };
/** Days the lake build writes (the last ones of the calendar); each day is one Parquet file of every instrument. */
const BUILD_DAYS = Number(process.env.QUANTMINI_FEATURES_LAKE_DAYS ?? 20);
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

/** Runs the lake feature-build bench. */
export async function runFeaturesLakeBench(): Promise<BenchRow[]> {
  const dir = benchDir();
  const calendar = readQlibCalendar(dir);
  const manifest = loadBuiltinManifest('alpha158');
  const threads = defaultThreads();
  const lake = fs.mkdtempSync(path.join(os.tmpdir(), 'quantmini-features-lake-'));
  const rows: BenchRow[] = [];
  try {
    const out = (sub: string) => (d: string) => path.join(lake, sub, `${d}.parquet`);
    const carry = path.join(lake, 'carry.bin');
    let t = performance.now();
    const full = await buildFeatureDaysReport({ lakeRoot: lake, manifest, qlibDir: dir, dates: calendar.slice(-BUILD_DAYS, -1), fileOf: out('a'), carryFile: carry, threads });
    const fullS = (performance.now() - t) / 1000;
    const last = calendar.at(-1)!;
    t = performance.now();
    const inc = await buildFeatureDaysReport({ lakeRoot: lake, manifest, qlibDir: dir, dates: [last], fileOf: out('a'), carryFile: carry, threads });
    const incS = (performance.now() - t) / 1000;
    t = performance.now();
    const whole = await buildFeatureDaysReport({ lakeRoot: lake, manifest, qlibDir: dir, dates: [last], fileOf: out('b'), threads });
    const wholeS = (performance.now() - t) / 1000;
    const same = fs.readFileSync(out('a')(last)).equals(fs.readFileSync(out('b')(last)));
    const qlibBuilt = fs.existsSync(path.join(QLIB_CHECKER, 'qlib-src'));
    const qlibS = qlibBuilt ? await timeQlib(dir) : (QLIB_KNOWN_2000_S * SHAPE.instruments) / 2000;
    const qlibName = qlibBuilt ? 'Qlib D.features over the same directory, --kernels 2 (same run)' : 'Qlib not built here; known 217 s for 2,000, scaled';
    const shape = `${SHAPE.instruments} instruments x ${calendar.length} days of history, ${threads} threads`;
    rows.push({ name: `Alpha158 lake build of the last ${full.days.length} days (${shape})`, value: fullS, unit: 's', peer: { name: qlibName, value: qlibS, unit: 's' } });
    rows.push({
      name: `one-day update from carried states (${inc.resumed} resumed, ${inc.fromStart} from the first row, ${inc.depth} rows read before the day)`,
      value: incS, unit: 's', peer: { name: `the same day without them (whole history, ${whole.fromStart} instruments)`, value: wholeS, unit: 's' },
    });
    rows.push({ name: 'one-day update: Parquet identical to the whole-history build', value: same ? 1 : 0, unit: same ? '(yes)' : '(NO)', budget: 'identical', withinBudget: same });
  } finally {
    fs.rmSync(lake, { recursive: true, force: true });
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(formatBenchTable('features-lake', await runFeaturesLakeBench()));
}
