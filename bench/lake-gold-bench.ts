/**
 * The lake's gold job (`gold-build`, what `quantmini update` runs) on a synthetic lake's silver of
 * 2,000 instruments x 1,250 days (`npm run bench -- lake-gold`, or `node --import tsx bench/lake-gold-bench.ts`;
 * QUANTMINI_LAKE_GOLD_INSTRUMENTS / QUANTMINI_LAKE_GOLD_DAYS change the shape, e.g. 300 x 250 to profile):
 * - a full build of all days but the last few, beside Qlib's `dump_all --max_workers 2` on CSVs of
 *   the same shape timed in the same run when the Qlib reference is built (else its known figure);
 * - one-day updates of the days left, each its own process as a job is (budget: under 1 s), with the
 *   mode the job took (`append`: only the new day of silver read): the first after the full build
 *   (no recycled standby yet: hard links and new files), then steady ones;
 * - beside each, its file-system floor measured in the same run (fs-floor.ts): creating the same
 *   folders and bins, and opening, appending to and closing as many bins as the update patched;
 * - the appended gold compared file by file with a full build of every day in a lake of its own.
 * The steps run through gold-bench.ts's child processes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { lakeGoldDir } from '../core/layers/gold/gold-store.ts';
import { GOLD_DAY_FIELDS } from '../core/layers/gold/silver-gold-source.ts';
import { formatBenchTable, type BenchRow } from './bench-types.ts';
import { creationFloor, patchFloor, type FloorTime } from './fs-floor.ts';
import { child, differingFiles, KNOWN_QLIB_SECONDS, SHAPE as ISSUE_SHAPE, timed, type ChildResult } from './gold-bench.ts';
import { syntheticCsvDir } from './gold-synthetic-csv.ts';
import { ensureSyntheticSilver } from './gold-synthetic-silver.ts';
import { QLIB_CHECKER } from './qlib-reference.ts';

/** A positive integer from the environment, or the default. */
function envCount(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name}=${raw} is not a positive integer`);
  return n;
}

/** The bench's shape: the issue's unless the environment says otherwise. */
const SHAPE = {
  ...ISSUE_SHAPE,
  symbols: envCount('QUANTMINI_LAKE_GOLD_INSTRUMENTS', ISSUE_SHAPE.symbols),
  days: envCount('QUANTMINI_LAKE_GOLD_DAYS', ISSUE_SHAPE.days),
};
const ISSUE_SIZED = SHAPE.symbols === ISSUE_SHAPE.symbols && SHAPE.days === ISSUE_SHAPE.days;

/** Days built one at a time after the full build (the first of them right after it, without a standby). */
const APPEND_DAYS = 5;
/** Bins per instrument of the lake's day gold. */
const FIELDS = GOLD_DAY_FIELDS.length;
/** Bins a one-day update patched: every field of every instrument it appended to. */
const binsPatched = (a: ChildResult) => FIELDS * Number((a.detail.writes as { appended?: number } | undefined)?.appended ?? 0);

const s = (ms: number) => ms / 1000;
const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** A lake whose silver (files and records) is the synthetic one, linked, with gold of its own. */
function linkedLake(work: string, name: string, silverRoot: string): string {
  const lake = path.join(work, name);
  fs.mkdirSync(path.join(lake, 'metadata'), { recursive: true });
  fs.symlinkSync(path.join(silverRoot, 'silver'), path.join(lake, 'silver'));
  fs.symlinkSync(path.join(silverRoot, 'metadata', 'silver'), path.join(lake, 'metadata', 'silver'));
  return lake;
}

/**
 * Qlib's dump_all on synthetic CSVs of the same shape, timed now; else its known figure (issue's shape
 * only), or null (another shape, or QUANTMINI_LAKE_GOLD_QLIB=0 to skip it while profiling).
 */
async function qlibPeer(work: string): Promise<BenchRow['peer'] | null> {
  const script = path.join(QLIB_CHECKER, 'qlib_dump.sh');
  const skip = process.env.QUANTMINI_LAKE_GOLD_QLIB === '0';
  if (skip || !fs.existsSync(script)) {
    if (skip || !ISSUE_SIZED) {
      console.log('lake-gold: no Qlib dump_all figure for this run');
      return null;
    }
    const { quiet, busy } = KNOWN_QLIB_SECONDS;
    console.log(`lake-gold: Qlib not built here; comparing with its known figure, ${quiet} s quiet to ${busy} s busy`);
    return { name: `Qlib dump_all --max_workers 2, known figure (${quiet}-${busy} s)`, value: quiet, unit: 's' };
  }
  const { dir } = syntheticCsvDir(SHAPE);
  const args = ['dump_all', '--data_path', dir, '--qlib_dir', path.join(work, 'qlib'), '--freq', 'day', '--date_field_name', 'date'];
  const q = await timed(script, [...args, '--file_suffix', '.csv', '--max_workers', '2']);
  if (!q.ok) throw new Error(`Qlib's dump_all failed: ${q.stderr}`);
  fs.rmSync(path.join(work, 'qlib'), { recursive: true, force: true });
  return { name: `Qlib dump_all --max_workers 2 on ${SHAPE.symbols} x ${SHAPE.days} CSVs, this run`, value: s(q.ms), unit: 's' };
}

/** Runs the lake gold bench and returns its rows. */
export async function runLakeGoldBench(): Promise<BenchRow[]> {
  const work = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'qm-lake-gold-bench-'));
  try {
    const { root, days } = await ensureSyntheticSilver(SHAPE);
    const peer = await qlibPeer(work);
    const lake = linkedLake(work, 'daily', root);
    const head = days.slice(0, -APPEND_DAYS);
    const shape = `${SHAPE.symbols} instruments x ${head.length} days`;
    const full = await child(['job', lake, ...head]);
    // The floors right after what they sit beside, so both meet the file system in the same state.
    const floorDir = path.join(work, 'floor');
    const binBytes = 4 + 4 * head.length;
    const created = creationFloor(floorDir, SHAPE.symbols, FIELDS, binBytes);
    const appends: ChildResult[] = [];
    const patched: FloorTime[] = [];
    for (const d of days.slice(-APPEND_DAYS)) {
      const a = await child(['job', lake, d]);
      appends.push(a);
      patched.push(patchFloor(floorDir, SHAPE.symbols, FIELDS, binBytes, binsPatched(a), patched.length));
    }
    const modes = appends.map((a) => String(a.detail.mode));
    const fallback = appends.map((a) => a.detail.fallback).find((f) => f);
    if (fallback) console.log(`lake-gold: an update read all of silver: ${String(fallback)}`);
    // The appended gold against a full build of every day.
    const rebuilt = linkedLake(work, 'full', root);
    const whole = await child(['job', rebuilt, ...days]);
    const diff = differingFiles(lakeGoldDir(rebuilt), lakeGoldDir(lake));
    const same = diff.length === 0;
    const verdict = same ? 'is byte-identical to' : `DIFFERS (${diff.slice(0, 5).join(', ')}) from`;
    console.log(`lake-gold: full build of ${head.length} days + ${APPEND_DAYS} one-day updates ${verdict} a full build`);
    const steady = appends.slice(1);
    const ms = steady.map((a) => a.ms);
    const fullRow = { name: 'full build, the job itself', value: s(full.ms), unit: 's' };
    const wall = s(full.wallMs);
    const patchFloorMs = median(patched.slice(1).map((p) => p.ms));
    return [
      {
        name: `lake gold job, full build, ${shape} (whole process)`, value: wall, unit: 's',
        ...(peer ? { budget: '20x faster than dump_all', withinBudget: wall * 20 <= peer.value, peer } : {}),
      },
      { name: '  of which the job itself', value: s(full.ms), unit: 's' },
      { name: '  CPU time of the job (user + system)', value: s(full.cpuMs), unit: 's' },
      { name: '  peak memory', value: full.maxRssBytes / 2 ** 20, unit: 'MiB' },
      {
        name: `  floor: bare creation of ${SHAPE.symbols} folders and ${SHAPE.symbols * FIELDS} bins of ${binBytes} bytes, this run`,
        value: s(created.ms), unit: 's', peer: { name: 'its CPU time', value: s(created.cpuMs), unit: 's' },
      },
      { name: `  full build of all ${days.length} days (the job itself, for the comparison)`, value: s(whole.ms), unit: 's' },
      {
        name: `lake gold job, one-day update, steady state (the job itself), median of ${steady.length} [${modes.slice(1).join(', ')}]`,
        value: s(median(ms)), unit: 's', budget: '< 1 s', withinBudget: median(ms) < 1000,
        peer: { name: `floor: bare open/append/close of the same ${binsPatched(steady[0]!)} bins, median, this run`, value: s(patchFloorMs), unit: 's' },
      },
      { name: '  fastest of them', value: s(Math.min(...ms)), unit: 's' },
      { name: '  CPU time (user + system), median', value: s(median(steady.map((a) => a.cpuMs))), unit: 's' },
      { name: '  whole process (Node + tsx start included), median', value: s(median(steady.map((a) => a.wallMs))), unit: 's' },
      { name: '  peak memory, median', value: median(steady.map((a) => a.maxRssBytes)) / 2 ** 20, unit: 'MiB' },
      {
        name: `lake gold job, first one-day update after the full build (no standby yet: hard links + new files) [${modes[0]}]`,
        value: s(appends[0]!.ms), unit: 's', peer: fullRow,
      },
      { name: '  the updates equal a full build byte for byte',
        value: same ? 1 : 0, unit: same ? '(yes)' : '(NO)', budget: 'yes', withinBudget: same },
      { name: 'load average over the last minute', value: os.loadavg()[0]!, unit: `on ${os.availableParallelism()} cores` },
    ];
  } finally {
    await fs.promises.rm(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const started = performance.now();
  const rows = await runLakeGoldBench();
  console.log(formatBenchTable(`lake gold (${((performance.now() - started) / 1000).toFixed(1)} s)`, rows));
}
