// The lake's day gold with a feature set's columns (gold.withFeatures alpha158@1): each day's chain
// (gold, the set, its columns) gives what a full build with features gives, over a new listing (CCC,
// day 20), a split (AAA, day 25) and a delisting (EEE, after day 15); a day whose partition is
// missing fails naming dataset, version and date.
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createLakeRegistry, DEFAULT_TICKERS_DAILY_FROM } from '../../../core/datasets/index.ts';
import { openDuckDb, sqlString } from '../../../core/duckdb/duckdb-instance.ts';
import { loadBuiltinManifest } from '../../../core/features/sets/feature-set-manifest.ts';
import { featureSetPaths } from '../../../core/lake/feature-set-paths.ts';
import { readPartitionRecord } from '../../../core/lake/partition-records.ts';
import { buildFeatureSet } from '../../../core/layers/features/feature-job.ts';
import { runGoldFeaturesJob } from '../../../core/layers/gold/gold-features-job.ts';
import { runGoldJob } from '../../../core/layers/gold/gold-job.ts';
import { goldFeatureSet, writeGoldFeatureColumns } from '../../../core/layers/gold/lake-gold-features.ts';
import { lakeGoldDir } from '../../../core/layers/gold/gold-store.ts';
import { readQlibCalendar, readQlibFeature, readQlibInstruments } from '../../../core/qlib/qlib-dir-reader.ts';
import { treeDiff } from '../../unit/gold/qlib-dir-compare.ts';
import { MARKET_DAYS, marketDay } from './fixtures/contract-market.ts';
import { tempLakes, testWorkerContext, writeSilverDay } from './fixtures/silver-contract.ts';

const WITH = 'alpha158@1';
const registryOptions = { tickersDailyFrom: DEFAULT_TICKERS_DAILY_FROM, goldFeatures: WITH };
const registry = createLakeRegistry(registryOptions);
const manifest = loadBuiltinManifest('alpha158');
const manifestText = fs.readFileSync(manifest.origin, 'utf8');
const DAYS = MARKET_DAYS.slice(0, 27);
const duckdb = { threads: 1, memoryLimit: '256MB' };
const newLake = tempLakes('qm-gold-features-');

/** A worker context whose log keeps the entries with these messages. */
function loggingContext(entries: Array<Record<string, unknown>>) {
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n')) if (line) entries.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { ...testWorkerContext(), logger: pino({ level: 'info' }, stream) };
}

const goldSpec = (lakeRoot: string, dates: string[]) => ({
  kind: 'gold-build', dataset: 'qlib_us', lakeRoot, dates, duckdb, registryOptions, markets: [], withFeatures: WITH,
});
const columnsSpec = (lakeRoot: string, dates: string[]) => ({
  kind: 'gold-feature-columns', dataset: 'features_alpha158', lakeRoot, dates, duckdb, registryOptions, withFeatures: WITH,
});

/** One update of the chain over `dates`: gold, the feature set, then its columns in gold. */
async function chain(lakeRoot: string, dates: string[], logs: Array<Record<string, unknown>> = []): Promise<void> {
  expect((await runGoldJob(goldSpec(lakeRoot, dates), loggingContext(logs), registry)).outcome).toBe('complete');
  await buildFeatureSet({ lakeRoot, manifest, manifestText, dates, registry, threads: 1 });
  expect((await runGoldFeaturesJob(columnsSpec(lakeRoot, dates), loggingContext(logs), registry)).outcome).toBe('complete');
}

describe("the lake's day gold with a feature set's columns", () => {
  it('day by day equals a full build with features byte for byte; the columns are the partitions\' values, read by field name', async () => {
    const full = newLake();
    for (let i = 0; i < DAYS.length; i++) await writeSilverDay(full, DAYS[i]!, marketDay(i).bars);
    await chain(full, DAYS);
    const dir = lakeGoldDir(full);

    // kmid.day.bin beside close.day.bin: same start and length; each day's value is the partition's KMID.
    const close = readQlibFeature(dir, 'CCC', 'close')!;
    const kmid = readQlibFeature(dir, 'CCC', 'kmid')!;
    expect([kmid.start, kmid.values.length]).toEqual([close.start, close.values.length]);
    expect(fs.existsSync(path.join(dir, 'features', 'ccc', 'roc60.day.bin'))).toBe(true);
    const cal = readQlibCalendar(dir);
    const db = await openDuckDb(duckdb);
    try {
      const file = featureSetPaths(full, 'alpha158', manifest.version).partition(DAYS[24]!);
      const rows = (await db.connection.runAndReadAll(`SELECT instrument, KMID, MA5 FROM read_parquet(${sqlString(file)}) ORDER BY 1`)).getRows();
      expect(rows.map((r) => r[0])).toEqual(['AAA', 'BBB', 'CCC', 'DDD']);
      for (const [inst, k, ma5] of rows) {
        const i = cal.indexOf(DAYS[24]!);
        const kBin = readQlibFeature(dir, String(inst), 'kmid')!;
        const mBin = readQlibFeature(dir, String(inst), 'ma5')!;
        expect(kBin.values[i - kBin.start]).toBe(k === null ? NaN : Math.fround(Number(k)));
        expect(mBin.values[i - mBin.start]).toBe(ma5 === null ? NaN : Math.fround(Number(ma5)));
      }
    } finally {
      db.close();
    }
    expect(Number.isNaN(kmid.values[cal.indexOf(DAYS[26]!) - kmid.start]!)).toBe(false);
    // Written again one instrument at a time (the batches a first fill of a long history reads): the same bytes.
    const again = newLake();
    fs.cpSync(path.join(full, 'gold'), path.join(again, 'gold'), { recursive: true, verbatimSymlinks: true });
    fs.cpSync(path.join(full, 'silver', 'features'), path.join(again, 'silver', 'features'), { recursive: true });
    const rewritten = await writeGoldFeatureColumns({ lakeRoot: again, target: lakeGoldDir(again), set: goldFeatureSet(WITH), dates: DAYS, duckdb, maxBatchValues: 1 });
    expect(rewritten.instruments).toBe(new Set(readQlibInstruments(dir, 'all').map((x) => x.instrument)).size);
    expect(treeDiff(dir, lakeGoldDir(again))).toEqual([]);

    // Day by day: 18 days at once, then one day per chain.
    const daily = newLake();
    for (let i = 0; i < 18; i++) await writeSilverDay(daily, DAYS[i]!, marketDay(i).bars);
    await chain(daily, DAYS.slice(0, 18));
    const modes: unknown[] = [];
    for (let i = 18; i < DAYS.length; i++) {
      await writeSilverDay(daily, DAYS[i]!, marketDay(i).bars);
      const logs: Array<Record<string, unknown>> = [];
      await chain(daily, [DAYS[i]!], logs);
      modes.push(logs.find((l) => l.msg === 'gold committed')?.mode);
    }
    // The columns' commit hands the append state on: the next day gold reads only its new day.
    expect(modes).toEqual(DAYS.slice(18).map(() => 'append'));
    expect(treeDiff(dir, lakeGoldDir(daily))).toEqual([]);
    for (const d of DAYS) {
      const a = await readPartitionRecord(full, 'gold', 'features_alpha158', d);
      const b = await readPartitionRecord(daily, 'gold', 'features_alpha158', d);
      expect([d, b?.status, b?.checksum]).toEqual([d, 'complete', a?.checksum]);
    }
  }, 300_000);

  it('a day whose feature partition is not built fails naming dataset, version and date, and leaves gold as it was', async () => {
    const lake = newLake();
    for (let i = 0; i < 6; i++) await writeSilverDay(lake, DAYS[i]!, marketDay(i).bars);
    await chain(lake, DAYS.slice(0, 5));
    expect((await runGoldJob(goldSpec(lake, [DAYS[5]!]), testWorkerContext(), registry)).outcome).toBe('complete');
    const before = fs.realpathSync(lakeGoldDir(lake));
    const r = await runGoldFeaturesJob(columnsSpec(lake, [DAYS[5]!]), testWorkerContext(), registry);
    expect(r.outcome).toBe('failed');
    expect(r.error).toContain(`features_alpha158 v${manifest.version} has no partition for ${DAYS[5]}`);
    expect(fs.realpathSync(lakeGoldDir(lake))).toBe(before);
    expect(await readPartitionRecord(lake, 'gold', 'features_alpha158', DAYS[5]!)).toMatchObject({ status: 'failed' });
    // Built, then written: the day's columns hold its values.
    await buildFeatureSet({ lakeRoot: lake, manifest, manifestText, dates: [DAYS[5]!], registry, threads: 1 });
    expect((await runGoldFeaturesJob(columnsSpec(lake, [DAYS[5]!]), testWorkerContext(), registry)).outcome).toBe('complete');
    const kmid = readQlibFeature(lakeGoldDir(lake), 'AAA', 'kmid')!;
    expect(Number.isNaN(kmid.values.at(-1)!)).toBe(false);
  }, 120_000);

  it('a corrected stored day rewrites its instrument keeping its columns, and the stale days\' values follow: equal to a full build', async () => {
    const corrected = (i: number) => marketDay(i).bars.map((b) => (b.id === 'FIGI_A' && i === 3 ? { ...b, close: b.close + 0.25 } : b));
    const lake = newLake();
    for (let i = 0; i < 8; i++) await writeSilverDay(lake, DAYS[i]!, marketDay(i).bars);
    await chain(lake, DAYS.slice(0, 8));
    await writeSilverDay(lake, DAYS[3]!, corrected(3));
    await writeSilverDay(lake, DAYS[8]!, marketDay(8).bars);
    const logs: Array<Record<string, unknown>> = [];
    expect((await runGoldJob(goldSpec(lake, [DAYS[8]!]), loggingContext(logs), registry)).outcome).toBe('complete');
    expect(logs.find((l) => l.msg === 'gold committed')).toMatchObject({ mode: 'update', writes: { put: 1 } });
    // The planner rebuilds the set's days whose gold changed (3 on: each reads gold up to its day), then the columns.
    await buildFeatureSet({ lakeRoot: lake, manifest, manifestText, dates: DAYS.slice(3, 9), registry, threads: 1 });
    const cols: Array<Record<string, unknown>> = [];
    expect((await runGoldFeaturesJob(columnsSpec(lake, [DAYS[8]!]), loggingContext(cols), registry)).outcome).toBe('complete');
    expect(cols.find((l) => l.msg === 'writing feature columns into gold')).toMatchObject({ days: 6 });

    const full = newLake();
    for (let i = 0; i < 9; i++) await writeSilverDay(full, DAYS[i]!, i === 3 ? corrected(3) : marketDay(i).bars);
    await chain(full, DAYS.slice(0, 9));
    expect(treeDiff(lakeGoldDir(full), lakeGoldDir(lake))).toEqual([]);
  }, 120_000);
});
