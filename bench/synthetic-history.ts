import fs from 'node:fs';
import path from 'node:path';
import { tradingDays } from '../core/calendar/index.ts';
import { defaultRegistry, type DatasetRegistry } from '../core/datasets/index.ts';
import { lakePaths, type Layer } from '../core/lake/lake-paths.ts';
import { createLineageReader, currentLineage } from '../core/lake/lineage.ts';

/** Ten heatmap rows: the four flat-file datasets plus six REST dataset ids (only in bench lakes). */
export const HEATMAP_DATASETS = ['stocks_daily', 'stocks_minute', 'options_daily', 'options_minute', 'splits', 'dividends', 'tickers', 'news', 'short_interest', 'short_volume'];

/** Twenty years of trading days for the coverage benchmarks. */
export const HISTORY = { from: '2004-01-01', to: '2023-12-31' };

/**
 * Writes bronze partition records and empty data files for every dataset and trading day of
 * HISTORY; returns the number of (dataset, day) records. A few days are failed and degraded when
 * `mixedStates` is set, so the heatmap draws more than one colour. Folders are back-dated so the
 * coverage index treats them as settled.
 */
export function synthesizeHistory(lakeRoot: string, { mixedStates = false } = {}): number {
  const days = tradingDays(HISTORY.from, HISTORY.to);
  const p = lakePaths(lakeRoot);
  const old = new Date(Date.now() - 3_600_000);
  for (const ds of HEATMAP_DATASETS) {
    const months = new Map<string, string[]>();
    for (const d of days) months.set(d.slice(0, 7), [...(months.get(d.slice(0, 7)) ?? []), d]);
    for (const [month, list] of months) {
      const metaDir = path.dirname(p.metadataFile('bronze', ds, `${month}-01`));
      const dataDir = path.dirname(p.bronzeFile(ds, `${month}-01`));
      fs.mkdirSync(metaDir, { recursive: true });
      fs.mkdirSync(dataDir, { recursive: true });
      list.forEach((d, i) => {
        const status = !mixedStates ? 'complete' : i === 3 && month.endsWith('-06') ? 'failed' : i === 7 && month.endsWith('-02') ? 'degraded' : 'complete';
        const rec = { dataset: ds, layer: 'bronze', date: d, status, rows: 12000, bytes: 400000, sourceChecksum: null, etag: null, schemaVersion: 1, rejects: 0, attempts: 1, lastError: status === 'failed' ? 'simulated failure' : null, startedAt: '', finishedAt: '', durationMs: 0 };
        fs.writeFileSync(path.join(metaDir, `${d}.json`), JSON.stringify(rec));
        if (status !== 'failed') fs.writeFileSync(path.join(dataDir, `${d}.parquet`), '');
      });
      fs.utimesSync(metaDir, old, old);
      fs.utimesSync(dataDir, old, old);
    }
  }
  return days.length * HEATMAP_DATASETS.length;
}

/** The chain of gold's day bars over HISTORY: landing, bronze, silver and gold records with real lineage. */
const CHAIN: ReadonlyArray<{ dataset: string; layer: Layer }> = [
  { dataset: 'stocks_daily', layer: 'landing' },
  ...['stocks_daily', 'splits', 'dividends', 'tickers', 'ticker_events'].map((dataset) => ({ dataset, layer: 'bronze' as const })),
  ...['adjustment_factors', 'stocks_daily_adjusted', 'universe'].map((dataset) => ({ dataset, layer: 'silver' as const })),
  { dataset: 'qlib_us', layer: 'gold' },
];

/**
 * Writes complete records with the lineage their builders would record (currentLineage, layer by
 * layer in build order, a checksum per partition) for gold's chain over HISTORY, and empty data
 * files where a layer keeps them; returns the number of records. Folders are back-dated as above.
 */
export function synthesizeLineageChain(lakeRoot: string, registry: DatasetRegistry = defaultRegistry()): number {
  const p = lakePaths(lakeRoot);
  const old = new Date(Date.now() - 3_600_000);
  let n = 0;
  for (const { dataset, layer } of CHAIN) {
    // A fresh reader per (dataset, layer): it sees the layers written before, as a builder would.
    const reader = createLineageReader(lakeRoot, { persistIndex: false });
    const storage = registry.layer(dataset, layer).storage;
    const dirs = new Set<string>();
    for (const date of registry.partitionDates(dataset, HISTORY.from, HISTORY.to)) {
      const ref = { dataset, layer, date };
      const lineage = currentLineage(registry, reader, ref);
      const rec = {
        ...ref, status: 'complete', rows: 100, bytes: 4000, sourceChecksum: null, etag: null, schemaVersion: 1, rejects: 0, attempts: 1, lastError: null,
        startedAt: '', finishedAt: '', durationMs: 0, checksum: `${dataset}-${layer}-${date}`, ...lineage,
      };
      const meta = p.metadataFile(layer, dataset, date);
      fs.mkdirSync(path.dirname(meta), { recursive: true });
      fs.writeFileSync(meta, JSON.stringify(rec));
      dirs.add(path.dirname(meta));
      const data = storage === 'parquet' ? p.parquetFile(layer, dataset, date) : storage === 'flat-file-landing' ? p.landingFile(dataset, date) : null;
      if (data) {
        fs.mkdirSync(path.dirname(data), { recursive: true });
        fs.writeFileSync(data, '');
        dirs.add(path.dirname(data));
      }
      n++;
    }
    for (const d of dirs) fs.utimesSync(d, old, old);
  }
  return n;
}
