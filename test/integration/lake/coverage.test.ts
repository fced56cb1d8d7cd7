import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tradingDays } from '../../../core/calendar/index.ts';
import { computeCoverage, gapsOf } from '../../../core/lake/coverage.ts';
import { lakePaths, type Layer } from '../../../core/lake/lake-paths.ts';
import { clearDataFileListingMemory } from '../../../core/lake/data-file-listing.ts';
import { clearRecordIndexMemory, recordIndexPath } from '../../../core/lake/partition-index.ts';
import { writePartitionRecord, type PartitionRecord, type PartitionStatus } from '../../../core/lake/partition-records.ts';
import { makeTempLake } from './lake-fixtures.ts';

let lake: string;
beforeEach(async () => {
  lake = await makeTempLake();
  clearRecordIndexMemory();
  clearDataFileListingMemory();
});
afterEach(async () => {
  await fs.promises.rm(lake, { recursive: true, force: true });
});

function record(dataset: string, layer: Layer, date: string, status: PartitionStatus, extra: Partial<PartitionRecord> = {}): PartitionRecord {
  return {
    dataset, layer, date, status, rows: 10, bytes: 100, sourceChecksum: null, etag: null, schemaVersion: 1, rejects: 0, attempts: 1,
    lastError: status === 'complete' ? null : `${status} on ${date}`, startedAt: '2024-01-01T00:00:00Z', finishedAt: '2024-01-01T00:00:01Z', durationMs: 1000, ...extra,
  };
}

async function putBronze(dataset: string, date: string, status: PartitionStatus = 'complete'): Promise<void> {
  const file = lakePaths(lake).bronzeFile(dataset, date);
  await fs.promises.mkdir(path.dirname(file), { recursive: true });
  await fs.promises.writeFile(file, 'x');
  await writePartitionRecord(lake, record(dataset, 'bronze', date, status));
}

const NOW = new Date('2024-03-28T20:00:00Z'); // 2024-03-27 is the latest published day

describe('computeCoverage', () => {
  it('derives every state from records, files, the calendar and the clock', async () => {
    await putBronze('stocks_daily', '2024-03-04');
    await putBronze('stocks_daily', '2024-03-05', 'degraded');
    await putBronze('stocks_daily', '2024-03-06');
    await fs.promises.rm(lakePaths(lake).bronzeFile('stocks_daily', '2024-03-06'));
    await writePartitionRecord(lake, record('stocks_daily', 'bronze', '2024-03-07', 'failed'));
    await writePartitionRecord(lake, record('stocks_daily', 'bronze', '2024-03-08', 'not_entitled'));
    await putBronze('stocks_daily', '2024-03-27');
    const [cov] = await computeCoverage({
      lakeRoot: lake, datasets: ['stocks_daily'], layer: 'bronze', from: '2024-03-01', to: '2024-03-29', now: NOW,
      running: new Set(['stocks_daily|bronze|2024-03-11']), historyStart: '2024-03-04',
    });
    const state = Object.fromEntries(cov!.cells.map((c) => [c.date, c.state]));
    expect(cov!.cells).toHaveLength(29);
    expect(state).toMatchObject({
      '2024-03-01': 'out_of_range', '2024-03-02': 'non_trading', '2024-03-03': 'non_trading',
      '2024-03-04': 'complete', '2024-03-05': 'degraded', '2024-03-06': 'missing', '2024-03-07': 'failed', '2024-03-08': 'not_entitled',
      '2024-03-11': 'running', '2024-03-12': 'missing', '2024-03-27': 'complete', '2024-03-28': 'pending', '2024-03-29': 'non_trading',
    });
    expect(cov!.cells.find((c) => c.date === '2024-03-04')).toEqual({ date: '2024-03-04', state: 'complete', rows: 10, bytes: 100, lastError: null });
    expect(cov!.cells.find((c) => c.date === '2024-03-07')?.lastError).toBe('failed on 2024-03-07');
    expect(cov!.watermark).toBe('2024-03-04');
    expect(cov!.counts).toMatchObject({ complete: 2, degraded: 1, failed: 1, not_entitled: 1, running: 1, pending: 1, out_of_range: 1, non_trading: 9 });
    expect(Object.values(cov!.counts).reduce((a, b) => a + b, 0)).toBe(29);
    expect(gapsOf(cov!).map((g) => g.date)).toContain('2024-03-06');
  });

  it('covers landing with landing files and records', async () => {
    const file = lakePaths(lake).landingFile('options_daily', '2024-03-05');
    await fs.promises.mkdir(path.dirname(file), { recursive: true });
    await fs.promises.writeFile(file, 'x');
    await writePartitionRecord(lake, record('options_daily', 'landing', '2024-03-05', 'complete'));
    await writePartitionRecord(lake, record('options_daily', 'landing', '2024-03-06', 'complete'));
    const [cov] = await computeCoverage({ lakeRoot: lake, datasets: ['options_daily'], layer: 'landing', from: '2024-03-05', to: '2024-03-06', now: NOW });
    expect(cov!.cells.map((c) => c.state)).toEqual(['complete', 'missing']);
  });

  it('keeps a derivable index that follows new records, deleted records and its own loss', async () => {
    await putBronze('stocks_daily', '2024-03-04');
    const ask = async () => (await computeCoverage({ lakeRoot: lake, datasets: ['stocks_daily'], layer: 'bronze', from: '2024-03-04', to: '2024-03-05', now: NOW }))[0]!.cells.map((c) => c.state);
    expect(await ask()).toEqual(['complete', 'missing']);
    const indexFile = recordIndexPath(lake, 'bronze', 'stocks_daily');
    expect(fs.existsSync(indexFile)).toBe(true);
    // A record written right after the index (same mtime tick possible) is still seen.
    await putBronze('stocks_daily', '2024-03-05', 'degraded');
    expect(await ask()).toEqual(['complete', 'degraded']);
    await fs.promises.rm(lakePaths(lake).metadataFile('bronze', 'stocks_daily', '2024-03-04'));
    expect(await ask()).toEqual(['missing', 'degraded']);
    await fs.promises.rm(indexFile);
    clearRecordIndexMemory();
    expect(await ask()).toEqual(['missing', 'degraded']);
    fs.writeFileSync(indexFile, '{not json');
    clearRecordIndexMemory();
    expect(await ask()).toEqual(['missing', 'degraded']);
  });

  it('trusts an old month snapshot without re-reading its records, and re-reads when the folder changes', async () => {
    await putBronze('stocks_daily', '2024-03-04');
    const monthDir = path.dirname(lakePaths(lake).metadataFile('bronze', 'stocks_daily', '2024-03-04'));
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(monthDir, old, old);
    const ask = async () => (await computeCoverage({ lakeRoot: lake, datasets: ['stocks_daily'], layer: 'bronze', from: '2024-03-04', to: '2024-03-04', now: NOW }))[0]!.cells[0]!.state;
    expect(await ask()).toBe('complete');
    // Edit the record behind the index's back without touching the folder: the snapshot is trusted.
    const recFile = lakePaths(lake).metadataFile('bronze', 'stocks_daily', '2024-03-04');
    fs.writeFileSync(recFile, JSON.stringify(record('stocks_daily', 'bronze', '2024-03-04', 'failed')));
    fs.utimesSync(monthDir, old, old);
    expect(await ask()).toBe('complete');
    // Any real write goes through a rename, which changes the folder's mtime.
    await writePartitionRecord(lake, record('stocks_daily', 'bronze', '2024-03-04', 'failed'));
    expect(await ask()).toBe('failed');
  });

  it('answers 10 datasets x 4 years from the index exactly as from the records (the bench times 20 years)', async () => {
    const datasets = ['stocks_daily', 'stocks_minute', 'options_daily', 'options_minute', 'splits', 'dividends', 'tickers', 'news', 'short_interest', 'short_volume'];
    const days = tradingDays('2020-01-01', '2023-12-31');
    const old = new Date(Date.now() - 60_000);
    for (const ds of datasets) {
      const byMonth = new Map<string, string[]>();
      for (const d of days) byMonth.set(d.slice(0, 7), [...(byMonth.get(d.slice(0, 7)) ?? []), d]);
      for (const [month, ds2] of byMonth) {
        const p = lakePaths(lake);
        const metaDir = path.dirname(p.metadataFile('bronze', ds, `${month}-01`));
        const dataDir = path.dirname(p.bronzeFile(ds, `${month}-01`));
        fs.mkdirSync(metaDir, { recursive: true });
        fs.mkdirSync(dataDir, { recursive: true });
        for (const d of ds2) {
          fs.writeFileSync(path.join(metaDir, `${d}.json`), JSON.stringify(record(ds, 'bronze', d, 'complete')));
          if (!d.endsWith('-15')) fs.writeFileSync(path.join(dataDir, `${d}.parquet`), '');
        }
        fs.utimesSync(metaDir, old, old);
      }
    }
    const ask = () => computeCoverage({ lakeRoot: lake, datasets, layer: 'bronze', from: '2020-01-01', to: '2023-12-31', now: NOW });
    const t0 = performance.now();
    const cold = await ask();
    const coldMs = performance.now() - t0;
    clearRecordIndexMemory();
    clearDataFileListingMemory();
    const t1 = performance.now();
    const warm = await ask();
    const warmMs = performance.now() - t1;
    console.log(`coverage 10 datasets x 4 years: cold (building indexes from ${datasets.length * days.length} records) ${coldMs.toFixed(0)} ms, from index files ${warmMs.toFixed(0)} ms`);
    expect(warm).toEqual(cold);
    expect(warm[0]!.cells).toHaveLength(1461);
    const missing = days.filter((d) => d.endsWith('-15')).length;
    expect(warm[1]!.counts).toMatchObject({ complete: days.length - missing, missing });
    // Its speed is the bench's figure (against 200 ms), not an assertion here.
  });
});
