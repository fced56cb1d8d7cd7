/**
 * 1-minute gold for one month of the demo market (`npm run bench -- minute-gold`, or
 * `node --import tsx bench/minute-gold-bench.ts`): the demo lake (the simulator's 60 tickers, its
 * default) is made once through the CLI (`update` of stocks_daily, stocks_minute, the silver it
 * needs and nothing of gold) and cached; then, each in a process of its own so its peak RSS is its
 * own, measured in this run:
 * - buildLakeMinuteGold (the `gold-minute-build` job's code) writing gold/qlib/us_1min from nothing,
 *   with its wall and CPU time and peak RSS;
 * - the floor: the same bronze minute Parquet files read once through DuckDB into JS columns (what
 *   the build must read anyway), time and peak RSS;
 * - a one-day append (the month less its last day built, then the last day).
 * QUANTMINI_MINUTE_BENCH_TICKERS sets the demo's ticker count (default 60).
 */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { latestPublishedTradingDay, previousTradingDay } from '../core/calendar/index.ts';
import { openDuckDb, sqlString } from '../core/duckdb/duckdb-instance.ts';
import { lakePaths } from '../core/lake/lake-paths.ts';
import { lakeGoldDir } from '../core/layers/gold/gold-store.ts';
import { buildLakeMinuteGold } from '../core/layers/gold/lake-minute-gold.ts';
import { formatBenchTable, type BenchRow } from './bench-types.ts';

const TICKERS = Number(process.env.QUANTMINI_MINUTE_BENCH_TICKERS ?? 60);
const DAYS = 21;
const SELF = fileURLToPath(import.meta.url);
const REPO = fileURLToPath(new URL('../', import.meta.url));
const DUCKDB = { threads: Math.min(2, os.availableParallelism()), memoryLimit: '1GB' };

/** The month: DAYS trading days ending the day before the latest published one. */
function month(): string[] {
  const days = [previousTradingDay(latestPublishedTradingDay(new Date()))];
  while (days.length < DAYS) days.unshift(previousTradingDay(days[0]!));
  return days;
}

/** Date -> file of a layer's partitions present in the lake (files on disk, as the bench made them). */
function files(lake: string, layer: 'bronze' | 'silver', dataset: string, days: readonly string[]): Map<string, string> {
  const p = lakePaths(lake);
  const out = new Map<string, string>();
  for (const d of days) {
    const f = layer === 'bronze' ? p.bronzeFile(dataset, d) : p.parquetFile(layer, dataset, d);
    if (fs.existsSync(f)) out.set(d, f);
  }
  return out;
}

/** The cached demo lake of the month (bronze + silver), made through the CLI once per machine and month. */
async function demoLake(days: readonly string[]): Promise<string> {
  const dir = path.join(os.tmpdir(), 'quantmini-bench-cache', `minute-gold-demo-${TICKERS}-${days[0]}-${days.at(-1)}`);
  const lake = path.join(dir, 'lake');
  if (fs.existsSync(path.join(dir, 'complete'))) return lake;
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const config = path.join(dir, 'config.yaml');
  const datasets = ['stocks_daily', 'stocks_minute', 'splits', 'dividends', 'tickers', 'adjustment_factors', 'stocks_daily_adjusted', 'universe'];
  fs.writeFileSync(config, `demo:\n  tickers: ${TICKERS}\nlogging:\n  level: warn\ndatasets:\n  enabled: [${datasets.join(', ')}]\n`);
  await promisify(execFile)(process.execPath, [path.join(REPO, 'bin', 'quantmini.js'), '--config', config, '--data-root', lake, '--source', 'demo',
    'update', '--date', days.at(-1)!, '--days-back', String(days.length)], {
    cwd: REPO, maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, HOME: dir, QUANTMINI_CONFIG: '', QUANTMINI_FROM_SOURCE: '1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  fs.writeFileSync(path.join(dir, 'complete'), '');
  return lake;
}

interface ChildFigures { wallMs: number; cpuMs: number; maxRssMb: number; note: string }

/** Runs this module in a child for one measurement (its own peak RSS). */
function child(mode: string, lake: string, out: string): Promise<ChildFigures> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', SELF, '--child', mode, lake, out], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve(JSON.parse(stdout.trim().split('\n').at(-1)!) as ChildFigures) : reject(new Error(`${mode}: ${stderr.slice(-800)}`))));
  });
}

/** The measured work of one child. */
async function runChild(mode: string, lake: string, out: string): Promise<void> {
  const days = month();
  const bars = files(lake, 'silver', 'stocks_daily_adjusted', days);
  const universe = files(lake, 'silver', 'universe', days);
  const minutes = files(lake, 'bronze', 'stocks_minute', days);
  const target = lakeGoldDir(out, 'us', '1min');
  const build = (end: string, changed: string[]) => buildLakeMinuteGold({ target, files: { bars, universe, minutes }, end, changedDates: new Set(changed), duckdb: DUCKDB });
  if (mode === 'append-setup') {
    await build(days.at(-2)!, days.slice(0, -1));
    console.log(JSON.stringify({ wallMs: 0, cpuMs: 0, maxRssMb: 0, note: '' }));
    return;
  }
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let note: string;
  if (mode === 'floor') {
    const db = await openDuckDb(DUCKDB);
    let rows = 0;
    try {
      for (const f of minutes.values()) {
        const cols = (await db.connection.runAndReadAll(
          `SELECT ticker, epoch_ms(window_start), open, high, low, close, volume FROM read_parquet(${sqlString(f)})`,
        )).getColumns();
        rows += cols[0]!.length;
      }
    } finally {
      db.close();
    }
    note = `${rows} rows`;
  } else {
    const r = await build(days.at(-1)!, mode === 'append' ? [days.at(-1)!] : days);
    note = `${r.mode}, ${r.bars} bars, ${r.commit?.calendarLength ?? 0} minutes x ${r.commit?.instruments ?? 0} instruments`;
  }
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const figures: ChildFigures = { wallMs, cpuMs: (cpu.user + cpu.system) / 1000, maxRssMb: process.resourceUsage().maxRSS / 1024, note };
  console.log(JSON.stringify(figures));
}

/** The bench's rows. */
export async function runMinuteGoldBench(): Promise<BenchRow[]> {
  const days = month();
  const lake = await demoLake(days);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-minute-bench-'));
  try {
    const floor = await child('floor', lake, path.join(work, 'floor'));
    const full = await child('full', lake, path.join(work, 'full'));
    await child('append-setup', lake, path.join(work, 'append'));
    const append = await child('append', lake, path.join(work, 'append'));
    const load = os.loadavg()[0]!.toFixed(2);
    console.error(`minute gold, ${TICKERS} demo tickers x ${days.length} days (${days[0]}..${days.at(-1)}), load ${load}: ${full.note}; floor ${floor.note}; append ${append.note}`);
    const floorPeer = (v: number, unit: string) => ({ name: 'read the minute Parquet once', value: v, unit });
    return [
      { name: `1-min gold, demo month (${TICKERS} tickers x ${days.length} days), wall`, value: full.wallMs / 1000, unit: 's', peer: floorPeer(floor.wallMs / 1000, 's') },
      { name: '1-min gold, demo month, CPU', value: full.cpuMs / 1000, unit: 's', peer: floorPeer(floor.cpuMs / 1000, 's') },
      { name: '1-min gold, demo month, peak RSS', value: full.maxRssMb, unit: 'MB', peer: floorPeer(floor.maxRssMb, 'MB') },
      { name: '1-min gold, one-day append, wall', value: append.wallMs / 1000, unit: 's' },
      { name: '1-min gold, one-day append, peak RSS', value: append.maxRssMb, unit: 'MB' },
    ];
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') await runChild(process.argv[3]!, process.argv[4]!, process.argv[5]!);
else if (process.argv[1] === SELF) console.log(formatBenchTable('minute-gold', await runMinuteGoldBench()));
