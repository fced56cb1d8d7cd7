import fs from 'node:fs';
import path from 'node:path';
import { tradingDays } from '../core/calendar/index.ts';
import { lakePaths } from '../core/lake/lake-paths.ts';

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
