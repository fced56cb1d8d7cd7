/**
 * Lake benchmarks (`npm run bench -- lake`, or `node --import tsx bench/lake-bench.ts`):
 * - ingest of a full-size minute day (the simulator's 12,000-ticker market) beside both readings of
 *   "gunzip alone" on the same file, Node's zlib and the system's `gzip -dc`, all measured here,
 *   interleaved, medians of 3 (budget: ingest within 3x gunzip; each ratio is printed);
 * - peak RSS of that ingest, run in its own process like a real job;
 * - end-to-end latency of a day-aggregates file (download from the in-process simulator + ingest);
 * - coverage of 10 datasets x 20 years (budget: 200 ms), and of silver and gold over 20 years of
 *   records with real lineage, where every cell's staleness walks its inputs upstream to landing.
 *   `--coverage` runs only the coverage rows.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import zlib from 'node:zlib';
import type { FlatFileDatasetId } from '../core/datasets/index.ts';
import { ingestDay } from '../core/layers/bronze/flat-file-ingestor.ts';
import { computeCoverage } from '../core/lake/coverage.ts';
import { clearDataFileListingMemory } from '../core/lake/data-file-listing.ts';
import { lakePaths } from '../core/lake/lake-paths.ts';
import { clearRecordIndexMemory } from '../core/lake/partition-index.ts';
import { downloadDay, headDay } from '../core/sources/polygon/flat-file-downloader.ts';
import { destroySharedS3Clients } from '../core/sources/polygon/s3-client.ts';
import { streamFlatFile } from '../core/sources/simulator/flat-files/index.ts';
import { createMarket, FULL_MARKET_TICKERS } from '../core/sources/simulator/market/index.ts';
import { startSimulatorServers } from '../core/sources/simulator/simulator-servers.ts';
import { formatBenchTable, type BenchRow } from './bench-types.ts';
import { HEATMAP_DATASETS, HISTORY, synthesizeHistory, synthesizeLineageChain } from './synthetic-history.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const DATE = '2024-03-05';
const SEED = 42;
const RUNS = 3;
const DUCKDB = { threads: Math.min(2, os.availableParallelism()), memoryLimit: '1GB' };
const SELF = fileURLToPath(import.meta.url);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** The full-size minute file, rendered once per machine (rendering 12,000 tickers takes a while). */
async function fullMinuteFile(): Promise<string> {
  const dir = path.join(os.tmpdir(), 'quantmini-bench-cache');
  const file = path.join(dir, `stocks_minute-${SEED}-${FULL_MARKET_TICKERS}-${DATE}.csv.gz`);
  if (fs.existsSync(file)) return file;
  await fs.promises.mkdir(dir, { recursive: true });
  const market = createMarket({ seed: SEED, tickers: FULL_MARKET_TICKERS, from: '2024-03-01', to: '2024-03-08' });
  const tmp = `${file}.${process.pid}.partial`;
  await pipeline(streamFlatFile(market, 'stocks_minute', DATE)!, fs.createWriteStream(tmp));
  await fs.promises.rename(tmp, file);
  return file;
}

/** Node zlib gunzip of a file to nowhere: the floor the ingest is compared with. */
async function gunzipMs(file: string): Promise<number> {
  const t = performance.now();
  await pipeline(fs.createReadStream(file, { highWaterMark: 1 << 20 }), zlib.createGunzip({ chunkSize: 1 << 20 }), new Writable({ write: (_c, _e, cb) => cb() }));
  return performance.now() - t;
}

/** `gzip -dc` of the same file to /dev/null, when the system has gzip (the other reading of "gunzip alone"). */
function systemGunzipMs(file: string): Promise<number | null> {
  return new Promise((resolve) => {
    const t = performance.now();
    const child = spawn('gzip', ['-dc', file], { stdio: ['ignore', 'ignore', 'ignore'] });
    child.on('error', () => resolve(null));
    child.on('exit', (code) => resolve(code === 0 ? performance.now() - t : null));
  });
}

interface ChildResult {
  ms: number;
  maxRssBytes: number;
  rows: number;
  bytes: number;
  state: string;
  /** CPU time of the whole ingest process (user + system, all threads), which load from other work barely moves. */
  cpuMs: number;
  /** Milliseconds spent in each progress phase of the ingest. */
  phases: Record<string, number>;
}

/** Runs one ingest in a fresh process (as the supervisor would) and returns its time and peak RSS. */
function ingestInChild(lakeRoot: string): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', SELF, '--ingest-child', lakeRoot], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1)!)) : reject(new Error(`ingest child exited ${code}`))));
  });
}

async function childMain(lakeRoot: string): Promise<void> {
  const cpu = process.cpuUsage();
  const t = performance.now();
  const phases: Record<string, number> = {};
  let phase = 'start';
  let since = t;
  const res = await ingestDay({
    lakeRoot, dataset: 'stocks_minute', date: DATE, duckdb: DUCKDB,
    onProgress: (p) => {
      if (p.phase === phase) return;
      const now = performance.now();
      phases[phase] = (phases[phase] ?? 0) + now - since;
      [phase, since] = [p.phase, now];
    },
  });
  const ms = performance.now() - t;
  phases[phase] = (phases[phase] ?? 0) + performance.now() - since;
  const used = process.cpuUsage(cpu);
  const out: ChildResult = { ms, maxRssBytes: process.resourceUsage().maxRSS * 1024, rows: res.rows, bytes: res.bytes, state: res.state, cpuMs: (used.user + used.system) / 1000, phases };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

function bytesOf(limit: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(KB|MB|GB|KiB|MiB|GiB)$/i.exec(limit)!;
  const unit = m[2]!.toUpperCase();
  const base = unit.endsWith('IB') ? 1024 : 1000;
  return Number(m[1]) * base ** (unit.startsWith('K') ? 1 : unit.startsWith('M') ? 2 : 3);
}

async function minuteIngestRows(work: string): Promise<BenchRow[]> {
  const source = await fullMinuteFile();
  const lake = path.join(work, 'minute-lake');
  const landing = lakePaths(lake).landingFile('stocks_minute', DATE);
  await fs.promises.mkdir(path.dirname(landing), { recursive: true });
  await fs.promises.copyFile(source, landing);
  const gunzips: number[] = [];
  const systemGunzips: number[] = [];
  const ingests: ChildResult[] = [];
  await gunzipMs(landing); // warm the page cache for both
  const loadBefore = os.loadavg()[0]!;
  for (let i = 0; i < RUNS; i++) {
    gunzips.push(await gunzipMs(landing));
    const sys = await systemGunzipMs(landing);
    if (sys !== null) systemGunzips.push(sys);
    ingests.push(await ingestInChild(lake));
  }
  const loadAfter = os.loadavg()[0]!;
  const run = ingests[0]!;
  if (run.state !== 'complete') throw new Error(`the full-size ingest ended ${run.state}`);
  const ingest = median(ingests.map((r) => r.ms));
  const rss = Math.max(...ingests.map((r) => r.maxRssBytes));
  const limit = bytesOf(DUCKDB.memoryLimit);
  const mb = (n: number) => n / 1e6;
  const phase = (names: string[]) => median(ingests.map((r) => names.reduce((a, n) => a + (r.phases[n] ?? 0), 0)));
  const against = (peerName: string, peerMs: number): BenchRow => ({
    name: `  ingest against ${peerName}`,
    value: ingest,
    unit: 'ms',
    peer: { name: peerName, value: peerMs, unit: 'ms' },
    budget: `< 3x gunzip (here ${(ingest / peerMs).toFixed(1)}x)`,
    withinBudget: ingest <= 3 * peerMs,
  });
  return [
    {
      name: `ingest full-size minute day (${run.rows.toLocaleString('en-US')} rows, ${mb(fs.statSync(landing).size).toFixed(1)} MB gz -> ${mb(run.bytes).toFixed(1)} MB ZSTD Parquet; median of ${RUNS}; 1-min load ${loadBefore.toFixed(1)} -> ${loadAfter.toFixed(1)} on ${os.availableParallelism()} cores)`,
      value: ingest,
      unit: 'ms',
    },
    against('gunzip alone (Node zlib, to nowhere)', median(gunzips)),
    ...(systemGunzips.length ? [against('gunzip alone (gzip -dc > /dev/null)', median(systemGunzips))] : []),
    { name: '  of which: gunzip + header check + sha256 to a temp CSV (Node), DuckDB open', value: phase(['start', 'decompressing']), unit: 'ms' },
    { name: '  of which: one DuckDB pass: typed parse + validation + ZSTD Parquet write', value: phase(['reading']), unit: 'ms' },
    { name: '  of which: read-back proving the rows sorted and unique', value: phase(['validating']), unit: 'ms' },
    { name: '  of which: fsync + rename + record', value: phase(['writing', 'committing']), unit: 'ms' },
    { name: '  CPU time of the ingest (user + system, all threads; moved less than wall time by a busy machine)', value: median(ingests.map((r) => r.cpuMs)), unit: 'ms' },
    {
      name: `ingest peak RSS (own process, DuckDB threads ${DUCKDB.threads})`,
      value: mb(rss),
      unit: 'MB',
      peer: { name: 'DuckDB memory_limit', value: mb(limit), unit: 'MB' },
      budget: 'bounded by the configured limit',
      withinBudget: rss <= limit,
    },
  ];
}

async function dayAggregatesRows(work: string): Promise<BenchRow[]> {
  const now = () => new Date('2024-04-02T00:00:00Z');
  const sim = await startSimulatorServers({ seed: SEED, tickers: FULL_MARKET_TICKERS, from: '2024-03-01', to: '2024-03-28', now });
  const access = { endpoint: sim.s3Endpoint, bucket: sim.bucket, region: 'us-east-1', accessKeyId: sim.accessKeyId, secretAccessKey: sim.secretAccessKey };
  const retry = { requestAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000 };
  const dataset: FlatFileDatasetId = 'stocks_daily';
  try {
    const totals: number[] = [];
    const downloads: number[] = [];
    let rows = 0;
    let bytes = 0;
    for (let i = 0; i < RUNS; i++) {
      // The simulator renders a file on first request; warm it so only our side is timed.
      await headDay(access, dataset, DATE);
      const lake = path.join(work, `day-lake-${i}`);
      const t = performance.now();
      const d = await downloadDay({ lakeRoot: lake, dataset, date: DATE, access, retry, now });
      const t1 = performance.now();
      const ing = await ingestDay({ lakeRoot: lake, dataset, date: DATE, duckdb: DUCKDB });
      totals.push(performance.now() - t);
      downloads.push(t1 - t);
      if (d.state !== 'complete' || ing.state !== 'complete') throw new Error(`day aggregates: download ${d.state}, ingest ${ing.state} ${ing.error ?? ''}`);
      rows = ing.rows;
      bytes = d.bytes;
    }
    return [
      {
        name: `day-aggregates file end to end: download + ingest (${rows.toLocaleString('en-US')} rows, ${(bytes / 1e3).toFixed(0)} KB gz)`,
        value: median(totals),
        unit: 'ms',
        peer: { name: 'download alone', value: median(downloads), unit: 'ms' },
      },
    ];
  } finally {
    destroySharedS3Clients();
    await sim.close();
  }
}

async function coverageRows(work: string): Promise<BenchRow[]> {
  const lake = path.join(work, 'coverage-lake');
  const datasets = HEATMAP_DATASETS;
  const { from, to } = HISTORY;
  const records = synthesizeHistory(lake);
  const ask = () => computeCoverage({ lakeRoot: lake, datasets, layer: 'bronze', from, to, now: new Date('2024-01-02T00:00:00Z') });
  clearRecordIndexMemory();
  clearDataFileListingMemory();
  let t = performance.now();
  await ask();
  const build = performance.now() - t;
  const fromDisk: number[] = [];
  const repeat: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    clearRecordIndexMemory();
    clearDataFileListingMemory();
    t = performance.now();
    await ask();
    fromDisk.push(performance.now() - t);
    t = performance.now();
    await ask();
    repeat.push(performance.now() - t);
  }
  const cells = `${datasets.length} datasets x 20 years = ${records.toLocaleString('en-US')} trading days`;
  return [
    { name: `coverage, ${cells}: first request (index files on disk)`, value: median(fromDisk), unit: 'ms', peer: { name: 'building the indexes from every record', value: build, unit: 'ms' }, budget: '< 200 ms', withinBudget: median(fromDisk) < 200 },
    { name: 'coverage, same request again (long-lived lake process)', value: median(repeat), unit: 'ms', budget: '< 200 ms', withinBudget: median(repeat) < 200 },
  ];
}

/** Coverage of silver and gold over a 20-year chain with lineage: the upstream walk behind `stale`. */
async function lineageCoverageRows(work: string): Promise<BenchRow[]> {
  const lake = path.join(work, 'lineage-lake');
  const records = synthesizeLineageChain(lake);
  const { from, to } = HISTORY;
  const now = new Date('2024-01-02T00:00:00Z');
  const rows: BenchRow[] = [];
  // Built once untimed: the index files are written on the first request.
  await computeCoverage({ lakeRoot: lake, datasets: ['qlib_us'], layer: 'gold', from, to, now });
  for (const [layer, datasets] of [['silver', ['adjustment_factors', 'stocks_daily_adjusted', 'universe']], ['gold', ['qlib_us']]] as const) {
    const ask = () => computeCoverage({ lakeRoot: lake, datasets: [...datasets], layer, from, to, now });
    const fromDisk: number[] = [];
    const repeat: number[] = [];
    let stale = 0;
    for (let i = 0; i < RUNS; i++) {
      clearRecordIndexMemory();
      clearDataFileListingMemory();
      let t = performance.now();
      await ask();
      fromDisk.push(performance.now() - t);
      t = performance.now();
      const cov = await ask();
      repeat.push(performance.now() - t);
      stale = cov.reduce((s, c) => s + c.counts.stale, 0);
    }
    if (stale !== 0) throw new Error(`lineage coverage: ${stale} ${layer} cells read stale in a lake built in order`);
    const name = `coverage, ${layer} (${datasets.length} dataset${datasets.length > 1 ? 's' : ''} x 20 years, walking lineage upstream over ${records.toLocaleString('en-US')} records)`;
    rows.push(
      { name: `${name}: first request`, value: median(fromDisk), unit: 'ms', budget: '< 200 ms', withinBudget: median(fromDisk) < 200 },
      { name: `  same request again (long-lived lake process)`, value: median(repeat), unit: 'ms', budget: '< 200 ms', withinBudget: median(repeat) < 200 },
    );
  }
  return rows;
}

/** Runs every lake benchmark and returns its rows. */
export async function runLakeBench(): Promise<BenchRow[]> {
  const work = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'qm-lake-bench-'));
  try {
    return [...(await minuteIngestRows(work)), ...(await dayAggregatesRows(work)), ...(await coverageRows(work)), ...(await lineageCoverageRows(work))];
  } finally {
    await fs.promises.rm(work, { recursive: true, force: true });
  }
}

/** The coverage rows alone (`--coverage`). */
async function coverageOnly(): Promise<BenchRow[]> {
  const work = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'qm-lake-bench-'));
  try {
    return [...(await coverageRows(work)), ...(await lineageCoverageRows(work))];
  } finally {
    await fs.promises.rm(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const at = process.argv.indexOf('--ingest-child');
  if (at >= 0) {
    await childMain(process.argv[at + 1]!);
  } else {
    const started = performance.now();
    const rows = process.argv.includes('--coverage') ? await coverageOnly() : await runLakeBench();
    console.log(formatBenchTable(`lake (${((performance.now() - started) / 1000).toFixed(1)} s)`, rows));
  }
}
