import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckDb, sqlString } from '../../../core/duckdb/duckdb-instance.ts';
import { evaluateQlibQuery } from '../../../core/features/engine/feature-pool.ts';
import { planQlibQuery } from '../../../core/features/qlib/qlib-directory-query.ts';
import { featureSetViews, versionPartitions } from '../../../core/lake/feature-set-paths.ts';
import { compileFeatureSet, loadBuiltinManifest, parseManifest } from '../../../core/features/sets/feature-set-manifest.ts';
import { buildFeatureSet } from '../../../core/layers/features/feature-job.ts';
import { noteExperiment, readExperiments, readVersionRecord } from '../../../core/layers/features/feature-versions.ts';
import { verifyFeatureVersion } from '../../../core/layers/features/feature-verify.ts';
import { runGoldJob } from '../../../core/layers/gold/gold-job.ts';
import { lakeGoldDir } from '../../../core/layers/gold/gold-store.ts';
import { readPartitionRecord } from '../../../core/lake/partition-records.ts';
import { MARKET_DAYS, marketDay } from '../gold/fixtures/contract-market.ts';
import { fixtureRegistry, testWorkerContext, writeSilverDay } from '../gold/fixtures/silver-contract.ts';

const registry = fixtureRegistry();
let lake = '';
const days = MARKET_DAYS.slice(0, 40);

beforeAll(async () => {
  lake = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-lake-features-'));
  for (let i = 0; i < 40; i++) {
    const d = marketDay(i);
    await writeSilverDay(lake, d.date, d.bars);
  }
  await runGoldJob({ kind: 'gold-build', dataset: 'qlib_us', lakeRoot: lake, dates: days, duckdb: { threads: 1, memoryLimit: '256MB' },
    registryOptions: { tickersDailyFrom: '2026-01-02' }, markets: [] }, testWorkerContext(), registry);
}, 120_000);
afterAll(() => fs.rmSync(lake, { recursive: true, force: true }));

async function rowsOf(files: string[]): Promise<unknown[][]> {
  const db = await openDuckDb({ threads: 1, memoryLimit: '256MB' });
  try {
    return (await db.connection.runAndReadAll(`SELECT * FROM read_parquet([${files.map(sqlString).join(', ')}]) ORDER BY date, instrument`)).getRows();
  } finally {
    db.close();
  }
}

describe('feature sets as silver datasets over the lake gold', () => {
  it('day by day equals a range build; values are what the Qlib engine computes on the lake gold', async () => {
    const manifest = loadBuiltinManifest('alpha158');
    const text = fs.readFileSync(manifest.origin, 'utf8');
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-lake-features-b-'));
    try {
      fs.cpSync(path.join(lake, 'gold'), path.join(other, 'gold'), { recursive: true, verbatimSymlinks: true });
      fs.cpSync(path.join(lake, 'metadata'), path.join(other, 'metadata'), { recursive: true });
      await buildFeatureSet({ lakeRoot: lake, manifest, manifestText: text, dates: days.slice(20), registry });
      for (const d of days.slice(20)) await buildFeatureSet({ lakeRoot: other, manifest, manifestText: text, dates: [d], registry });
      const a = versionPartitions(lake, 'alpha158', '1.0.0');
      const b = versionPartitions(other, 'alpha158', '1.0.0');
      expect(a.map((p) => p.date)).toEqual(days.slice(20));
      const rowsA = await rowsOf(a.map((p) => p.file));
      expect(rowsA.length).toBeGreaterThan(60);
      expect(await rowsOf(b.map((p) => p.file))).toEqual(rowsA);
      // One truth: Qlib's query over the lake's gold (instruments all, whole history) gives the same floats.
      const compiled = compileFeatureSet(manifest);
      const plan = planQlibQuery({ qlibDir: lakeGoldDir(lake), instruments: 'all' });
      const expected = new Map<string, number>();
      for await (const r of evaluateQlibQuery(compiled, plan, { threads: 1 })) {
        r.rows.forEach((row, i) => expected.set(`${plan.calendar[row]}|${r.instrument}|KMID`, r.values[i]!));
        r.rows.forEach((row, i) => expected.set(`${plan.calendar[row]}|${r.instrument}|CORR20`, r.values[compiled.names.indexOf('CORR20') * r.rows.length + i]!));
      }
      const db = await openDuckDb({ threads: 1, memoryLimit: '256MB' });
      try {
        const got = (await db.connection.runAndReadAll(`SELECT CAST(date AS VARCHAR), instrument, KMID, CORR20 FROM read_parquet([${a.map((p) => sqlString(p.file)).join(', ')}])`)).getRows();
        for (const [d, inst, kmid, corr] of got) {
          const k = expected.get(`${d}|${inst}|KMID`)!;
          const c = expected.get(`${d}|${inst}|CORR20`)!;
          expect(kmid === null ? NaN : Math.fround(Number(kmid))).toEqual(k);
          expect(corr === null ? NaN : Math.fround(Number(corr))).toEqual(c);
        }
      } finally {
        db.close();
      }
      const rec = (await readPartitionRecord(lake, 'silver', 'features_alpha158', days[25]!)) as unknown as { featureSet: { contentHash: string }; inputs: Array<{ dataset: string }> };
      expect(rec.featureSet.contentHash).toBe(manifest.contentHash);
      expect(rec.inputs.map((i) => i.dataset)).toEqual(['qlib_us']);
      const stats = readVersionRecord(lake, 'alpha158', '1.0.0')!.stats!;
      expect(stats).toMatchObject({ partitions: 20, from: days[20], to: days[39], instruments: 5 });
      expect(stats.features).toHaveLength(158);
      expect(featureSetViews(lake).map((v) => v.name)).toEqual(['features_alpha158']);
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
  }, 240_000);

  it('verify rebuilds sampled days from the checkpoint before each; a tampered partition is named with its feature', async () => {
    const text = fs.readFileSync(loadBuiltinManifest('alpha158').origin, 'utf8').replace(/^name: alpha158$/m, 'name: alpha_ck');
    const manifest = parseManifest(text, 'alpha_ck.yaml');
    await buildFeatureSet({ lakeRoot: lake, manifest, manifestText: text, dates: days.slice(10), registry, checkpointEvery: 8 });
    const scratchDir = path.join(lake, '.tmp', 'verify');
    const ok = await verifyFeatureVersion({ lakeRoot: lake, manifest, sample: 3, scratchDir });
    expect(ok.differing).toEqual([]);
    // checkpoints after calendar rows 15, 23, 31 and 39 (every 8th): days[10] has none before it
    expect(ok.checked).toEqual([{ date: days[10], from: null }, { date: days[25], from: days[23] }, { date: days[39], from: days[31] }]);
    // tamper with one value of one stored day (a new file renamed over the read-only one)
    const part = versionPartitions(lake, 'alpha_ck', '1.0.0').find((p) => p.date === days[25])!;
    const db = await openDuckDb({ threads: 1, memoryLimit: '256MB' });
    try {
      const c = db.connection;
      await c.run(`CREATE TABLE t AS SELECT * FROM read_parquet(${sqlString(part.file)})`);
      await c.run('UPDATE t SET KMID = KMID + 0.001 WHERE instrument = (SELECT min(instrument) FROM t)');
      await c.run(`COPY t TO ${sqlString(`${part.file}.new`)} (FORMAT parquet)`);
    } finally {
      db.close();
    }
    fs.renameSync(`${part.file}.new`, part.file);
    const bad = await verifyFeatureVersion({ lakeRoot: lake, manifest, sample: 3, scratchDir });
    expect(bad.differing).toEqual([{ date: days[25], features: [{ name: 'KMID', rows: 1 }], missing: 0, extra: 0 }]);
  }, 120_000);

  it('refuses an edited expression under a built version; logs builds with notes', async () => {
    const daily = loadBuiltinManifest('daily');
    const text = fs.readFileSync(daily.origin, 'utf8');
    await buildFeatureSet({ lakeRoot: lake, manifest: daily, manifestText: text, dates: days.slice(30, 32), registry });
    const edited = text.replace('$volume/Mean($volume, ${window})', '$volume/Mean($volume, 5)');
    const m2 = parseManifest(edited, 'edited.yaml');
    await expect(buildFeatureSet({ lakeRoot: lake, manifest: m2, manifestText: edited, dates: [days[33]!], registry })).rejects.toThrow(
      /daily@1\.0\.0 is already built from a different manifest/,
    );
    await noteExperiment(lake, 'daily', '1.0.0', 'baseline');
    const log = readExperiments(lake).filter((e) => e.name === 'daily');
    expect(log.at(-1)).toMatchObject({ version: '1.0.0', note: 'baseline', dates: { from: days[30], to: days[31], count: 2 } });
  }, 120_000);
});
