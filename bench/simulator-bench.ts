/**
 * Simulator benchmark: how long the synthetic market takes to produce one full-size day of each
 * flat file (12,000 stock tickers; about 1.8 M stock minute rows; about 360,000 option day rows),
 * each beside the time zlib.gzipSync (default level) takes to compress the same bytes in the same
 * run: rendering a file should cost less than compressing it.
 * Run alone: `node --import tsx bench/simulator-bench.ts`.
 */
import { pathToFileURL } from 'node:url';
import zlib from 'node:zlib';
import { renderFlatFileAsync, renderFlatFileCsv } from '../core/sources/simulator/flat-files/index.ts';
import { tradingDays } from '../core/calendar/index.ts';
import { FLAT_FILE_DATASETS, flatFileKey } from '../core/datasets/index.ts';
import { createMarket } from '../core/sources/simulator/market/index.ts';
import { listKeys } from '../core/sources/simulator/s3/list-keys.ts';
import type { FlatFileDatasetId } from '../core/datasets/index.ts';
import { formatBenchTable, type BenchRow } from './bench-types.ts';

const FULL = { seed: 42, tickers: 12_000, from: '2006-01-03', to: '2026-11-20' } as const;
const DATE = '2025-06-16';
const DATASETS: FlatFileDatasetId[] = ['stocks_daily', 'stocks_minute', 'options_daily', 'options_minute'];

function timed<T>(run: () => T): { value: T; ms: number } {
  const started = performance.now();
  const value = run();
  return { value, ms: performance.now() - started };
}

function countRows(csv: Buffer): number {
  let rows = -1;
  for (let at = csv.indexOf(10); at >= 0; at = csv.indexOf(10, at + 1)) rows += 1;
  return rows;
}

/** Runs the simulator figures. */
export async function runSimulatorBench(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const construct = timed(() => createMarket({ ...FULL }));
  const keys = FLAT_FILE_DATASETS.flatMap((d) => tradingDays('2005-01-03', '2024-12-31').filter((x) => x >= d.firstDate).map((x) => flatFileKey(d, x))).sort();
  const listing = timed(() => {
    for (let i = 0; i < 1000; i++) listKeys(keys, { prefix: '', delimiter: '/', after: '', maxKeys: 1000 });
  });
  rows.push({ name: `S3 listing, top level of ${keys.length} keys (per call)`, value: listing.ms, unit: 'µs', budget: '< 1000 µs', withinBudget: listing.ms < 1000 });
  rows.push({ name: 'construct 20-year 12,000-ticker market', value: construct.ms, unit: 'ms', budget: '< 200 ms', withinBudget: construct.ms < 200 });
  const market = construct.value;

  // The first day also builds the universe and every corporate-action schedule.
  const cold = timed(() => renderFlatFileCsv(market, 'stocks_daily', '2026-11-19'));
  rows.push({ name: 'first stocks_daily render (builds universe, schedules)', value: cold.ms, unit: 'ms' });

  for (const ds of DATASETS) {
    const csv = timed(() => renderFlatFileCsv(market, ds, DATE));
    const gzip = timed(() => zlib.gzipSync(csv.value));
    const n = countRows(csv.value);
    // A day file costs the whole day's minute bars but compresses tiny, so only minute files have a gzip budget.
    const minuteFile = ds.endsWith('_minute');
    rows.push({
      name: `${ds} ${DATE}: ${n.toLocaleString('en-US')} rows, ${(csv.value.length / 1e6).toFixed(1)} MB CSV -> ${(gzip.value.length / 1e6).toFixed(1)} MB gz`,
      value: csv.ms,
      unit: 'ms',
      peer: { name: 'gzipSync same bytes', value: gzip.ms, unit: 'ms' },
      ...(minuteFile ? { budget: '< gzip', withinBudget: csv.ms < gzip.ms } : {}),
    });
    rows.push({ name: `${ds} generation rate`, value: n / (csv.ms / 1000) / 1e6, unit: 'M rows/s', peer: { name: 'gzip rate', value: n / (gzip.ms / 1000) / 1e6, unit: 'M rows/s' } });
  }

  // The async path overlaps CSV generation with compression on the zlib thread pool.
  const csv = timed(() => renderFlatFileCsv(market, 'stocks_minute', DATE));
  const gzip = timed(() => zlib.gzipSync(csv.value, { level: 6 }));
  const started = performance.now();
  await renderFlatFileAsync(market, 'stocks_minute', DATE);
  const asyncMs = performance.now() - started;
  rows.push({
    name: 'stocks_minute renderFlatFileAsync (CSV + gzip overlapped)',
    value: asyncMs,
    unit: 'ms',
    peer: { name: 'render then gzipSync', value: csv.ms + gzip.ms, unit: 'ms' },
  });
  return rows;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const started = performance.now();
  const rows = await runSimulatorBench();
  console.log(formatBenchTable(`simulator (${((performance.now() - started) / 1000).toFixed(1)} s)`, rows));
}
