/**
 * Builds demo data straight through core's downloader and ingestor in this process: a month of two
 * datasets is 80 download/ingest steps, which as one process per job costs minutes on a 2-core
 * machine, and the suite is about the UI. The journeys still run real jobs through the app
 * (Update today, backfill), so the supervised path is exercised too.
 */
import { latestPublishedTradingDay, previousTradingDay } from '../../../core/calendar/index.ts';
import { effectiveSource, loadConfig } from '../../../core/config/index.ts';
import type { FlatFileDatasetId } from '../../../core/datasets/index.ts';
import { ingestDay } from '../../../core/layers/bronze/flat-file-ingestor.ts';
import { downloadDay } from '../../../core/sources/polygon/flat-file-downloader.ts';
import { openRunSources } from '../../../core/runtime/run-sources.ts';
import type { DemoLake } from './serve-process.ts';

/** The `count` trading days ending the day before the latest published one (oldest first). */
export function monthOfDays(count = 20, now = new Date()): string[] {
  const days = [previousTradingDay(latestPublishedTradingDay(now))];
  while (days.length < count) days.unshift(previousTradingDay(days[0]!));
  return days;
}

/** Downloads and ingests every (dataset, day) into the lake; throws if any step does not complete. */
export async function buildDemoData(lake: DemoLake, days: readonly string[], datasets: readonly FlatFileDatasetId[]): Promise<void> {
  const config = loadConfig({ config: lake.configFile, dataRoot: lake.lakeRoot, source: 'demo' });
  const source = effectiveSource(config);
  const flat = await openRunSources(config.settings, source);
  const access = flat.sources.s3!;
  const retry = { requestAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000 };
  try {
    const work = days.flatMap((date) => datasets.map((dataset) => ({ dataset, date })));
    // Downloads are I/O against the in-process simulator; a few at a time is plenty.
    const queue = [...work];
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let w = queue.shift(); w; w = queue.shift()) {
          const r = await downloadDay({ lakeRoot: lake.lakeRoot, dataset: w.dataset, date: w.date, access, retry });
          if (r.state !== 'complete' && r.state !== 'skipped') throw new Error(`download ${w.dataset} ${w.date}: ${r.state} ${r.error ?? ''}`);
        }
      }),
    );
    for (const w of work) {
      const r = await ingestDay({ lakeRoot: lake.lakeRoot, dataset: w.dataset, date: w.date, duckdb: { threads: 2, memoryLimit: '1GB' } });
      if (r.state !== 'complete') throw new Error(`ingest ${w.dataset} ${w.date}: ${r.state} ${r.error ?? ''}`);
    }
  } finally {
    await flat.close();
  }
}
