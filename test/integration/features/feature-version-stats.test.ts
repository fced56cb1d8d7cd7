import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckDb, sqlString } from '../../../core/duckdb/duckdb-instance.ts';
import { featureSetPaths, versionPartitions } from '../../../core/lake/feature-set-paths.ts';
import { loadBuiltinManifest } from '../../../core/features/sets/feature-set-manifest.ts';
import { dayStatsFile } from '../../../core/layers/features/feature-day-stats.ts';
import { buildFeatureSet } from '../../../core/layers/features/feature-job.ts';
import { readVersionRecord, refreshVersionStats, scanVersionStats } from '../../../core/layers/features/feature-versions.ts';
import { runGoldJob } from '../../../core/layers/gold/gold-job.ts';
import { lakeGoldDir } from '../../../core/layers/gold/gold-store.ts';
import { decodeQlibBin, encodeQlibBin } from '../../../core/qlib/qlib-bin.ts';
import { qlibFeaturePath } from '../../../core/qlib/qlib-dir-reader.ts';
import { MARKET_DAYS, marketDay } from '../gold/fixtures/contract-market.ts';
import { fixtureRegistry, testWorkerContext, writeSilverDay } from '../gold/fixtures/silver-contract.ts';

const registry = fixtureRegistry();
const days = MARKET_DAYS.slice(0, 24);
const manifest = loadBuiltinManifest('daily');
const text = fs.readFileSync(manifest.origin, 'utf8');
const features = manifest.expressions.map((e) => e.name);
let lake = '';

beforeAll(async () => {
  lake = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-feature-stats-'));
  for (let i = 0; i < days.length; i++) await writeSilverDay(lake, marketDay(i).date, marketDay(i).bars);
  await runGoldJob({ kind: 'gold-build', dataset: 'qlib_us', lakeRoot: lake, dates: days, duckdb: { threads: 1, memoryLimit: '256MB' },
    registryOptions: { tickersDailyFrom: '2026-01-02' }, markets: [] }, testWorkerContext(), registry);
}, 120_000);
afterAll(() => fs.rmSync(lake, { recursive: true, force: true }));

/** The stored stats and a scan of every partition, both as version.json holds them (JSON). */
async function storedAndScanned(): Promise<[unknown, unknown]> {
  const stored = readVersionRecord(lake, manifest.name, manifest.version)!.stats;
  const scanned = await scanVersionStats(lake, manifest.name, manifest.version, features);
  return [JSON.parse(JSON.stringify(stored)), JSON.parse(JSON.stringify(scanned))];
}

describe('version stats folded day by day', () => {
  it('equal a full rescan after range and one-day builds, a rebuilt day, a rewritten and a removed partition', async () => {
    const build = (dates: string[]) => buildFeatureSet({ lakeRoot: lake, manifest, manifestText: text, dates, registry });
    await build(days.slice(6, 14));
    for (const d of days.slice(14, 18)) await build([d]);
    let [stored, scanned] = await storedAndScanned();
    expect(stored).toEqual(scanned);
    expect(stored).toMatchObject({ partitions: 12, from: days[6], to: days[17] });
    const file = dayStatsFile(featureSetPaths(lake, manifest.name, manifest.version).versionDir);
    expect(Object.keys((JSON.parse(fs.readFileSync(file, 'utf8')) as { days: object }).days)).toEqual(days.slice(6, 18));

    // gold re-adjusts one instrument's closes; rebuilding day 9 replaces that day's share
    const inst = fs.readFileSync(path.join(lakeGoldDir(lake), 'instruments', 'all.txt'), 'utf8').split('\n')[0]!.split('\t')[0]!;
    const bin = qlibFeaturePath(lakeGoldDir(lake), inst, 'close');
    const decoded = decodeQlibBin(fs.readFileSync(bin));
    fs.chmodSync(bin, 0o644);
    fs.writeFileSync(bin, encodeQlibBin(decoded.start, decoded.values.map((v) => v * 40)));
    const before = stored;
    await build([days[9]!]);
    [stored, scanned] = await storedAndScanned();
    expect(stored).toEqual(scanned);
    expect(stored).not.toEqual(before);

    // a partition rewritten behind the build's back is scanned again; a removed one drops out
    const parts = versionPartitions(lake, manifest.name, manifest.version);
    const target = parts.find((p) => p.date === days[12])!.file;
    const db = await openDuckDb({ threads: 1, memoryLimit: '256MB' });
    try {
      await db.connection.run(`COPY (SELECT * REPLACE (${features[0]} * 1000 AS ${features[0]}) FROM read_parquet(${sqlString(target)})) TO ${sqlString(`${target}.new`)} (FORMAT parquet)`);
    } finally {
      db.close();
    }
    fs.renameSync(`${target}.new`, target);
    fs.rmSync(parts.find((p) => p.date === days[17])!.file);
    await refreshVersionStats(lake, manifest.name, manifest.version, features);
    [stored, scanned] = await storedAndScanned();
    expect(stored).toEqual(scanned);
    expect(stored).toMatchObject({ partitions: 11, to: days[16] });

    // a lake built before day-stats.json existed: every partition is scanned once
    fs.rmSync(file);
    await refreshVersionStats(lake, manifest.name, manifest.version, features);
    [stored, scanned] = await storedAndScanned();
    expect(stored).toEqual(scanned);
  }, 120_000);
});
