import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateQlibQuery } from '../../../core/features/engine/feature-pool.ts';
import { planQlibQuery } from '../../../core/features/qlib/qlib-directory-query.ts';
import { compileFeatureSet, loadBuiltinManifest, parseManifest } from '../../../core/features/sets/feature-set-manifest.ts';
import { buildFeatureDaysReport } from '../../../core/layers/features/feature-build.ts';
import { carryFile } from '../../../core/layers/features/feature-carry-store.ts';
import { runGoldJob } from '../../../core/layers/gold/gold-job.ts';
import { lakeGoldDir } from '../../../core/layers/gold/gold-store.ts';
import { openDuckDb, sqlString } from '../../../core/duckdb/duckdb-instance.ts';
import { decodeQlibBin, encodeQlibBin } from '../../../core/qlib/qlib-bin.ts';
import { qlibFeaturePath } from '../../../core/qlib/qlib-dir-reader.ts';
import { MARKET_DAYS, marketDay } from '../gold/fixtures/contract-market.ts';
import { fixtureRegistry, testWorkerContext, writeSilverDay } from '../gold/fixtures/silver-contract.ts';

// Alpha158 plus a deliberately long window (a 30-day mean of a 20-day std) and an expanding mean.
const alpha = loadBuiltinManifest('alpha158');
const text = fs.readFileSync(alpha.origin, 'utf8').replace(/^name: alpha158$/m, 'name: alpha_inc')
  .replace(/^labels:$/m, '  LONG: "Mean(Std($close/Ref($close, 1), 20), 30)"\n  EXPAND: "$close/Mean($close, 0)"\nlabels:');
const manifest = parseManifest(text, 'alpha_inc.yaml');
const days = MARKET_DAYS.slice(0, 40);
let lake = '';
let gold = '';

beforeAll(async () => {
  lake = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-incremental-features-'));
  for (let i = 0; i < 40; i++) await writeSilverDay(lake, marketDay(i).date, marketDay(i).bars);
  await runGoldJob({ kind: 'gold-build', dataset: 'qlib_us', lakeRoot: lake, dates: days, duckdb: { threads: 1, memoryLimit: '256MB' },
    registryOptions: { tickersDailyFrom: '2026-01-02' }, markets: [] }, testWorkerContext(), fixtureRegistry());
  gold = lakeGoldDir(lake);
}, 120_000);
afterAll(() => fs.rmSync(lake, { recursive: true, force: true }));

const fileIn = (dir: string) => (d: string) => path.join(dir, `${d}.parquet`);

/** Qlib's values over the whole history of the gold directory, by `date|instrument`. */
async function wholeHistory(): Promise<Map<string, Float32Array>> {
  const compiled = compileFeatureSet(manifest);
  const plan = planQlibQuery({ qlibDir: gold, instruments: 'all' });
  const out = new Map<string, Float32Array>();
  for await (const r of evaluateQlibQuery(compiled, plan, { threads: 1 })) {
    const n = r.rows.length;
    r.rows.forEach((row, i) => out.set(`${plan.calendar[row]}|${r.instrument}`, Float32Array.from(compiled.names, (_, k) => r.values[k * n + i]!)));
  }
  return out;
}

async function readDay(file: string): Promise<unknown[][]> {
  const db = await openDuckDb({ threads: 1, memoryLimit: '256MB' });
  try {
    return (await db.connection.runAndReadAll(`SELECT * EXCLUDE (date), CAST(date AS VARCHAR) FROM read_parquet(${sqlString(file)}) ORDER BY instrument`)).getRows();
  } finally {
    db.close();
  }
}

describe('incremental feature builds', () => {
  it('day by day from carried states writes the same Parquet bytes as one full build, reading 61 rows of history', async () => {
    const full = fs.mkdtempSync(path.join(lake, 'full-'));
    const inc = fs.mkdtempSync(path.join(lake, 'inc-'));
    const range = days.slice(22);
    const one = await buildFeatureDaysReport({ lakeRoot: lake, manifest, qlibDir: gold, dates: range, fileOf: fileIn(full) });
    expect(one.mode).toBe('carried');
    const first = await buildFeatureDaysReport({ lakeRoot: lake, manifest, qlibDir: gold, dates: [range[0]!], fileOf: fileIn(inc), carryFile: carryFile(inc) });
    expect(first.resumed).toBe(0);
    expect(first.fromStart).toBeGreaterThan(0);
    let before = first.fromStart; // every instrument built the day before resumes; a new listing is read from its first row
    for (const d of range.slice(1)) {
      const r = await buildFeatureDaysReport({ lakeRoot: lake, manifest, qlibDir: gold, dates: [d], fileOf: fileIn(inc), carryFile: carryFile(inc), ...(d === range.at(-1) ? { threads: 2, rowsPerThread: 1 } : {}) });
      expect(r.mode).toBe('carried');
      expect(r.resumed, d).toBe(before);
      before = r.resumed + r.fromStart;
      expect(r.depth).toBe(61);
    }
    for (const d of range) expect(fs.readFileSync(fileIn(inc)(d)), d).toEqual(fs.readFileSync(fileIn(full)(d)));
    // and both are Qlib's whole-history values, float for float
    const expected = await wholeHistory();
    let compared = 0;
    for (const d of [range[0]!, range[10]!, range.at(-1)!]) {
      for (const row of await readDay(fileIn(inc)(d))) {
        const want = expected.get(`${String(row.at(-1))}|${String(row[0])}`)!;
        row.slice(1, -1).forEach((v, k) => expect(v === null ? NaN : Math.fround(Number(v)), `${d} ${String(row[0])} ${manifest.expressions[k]!.name}`).toEqual(want[k]));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(10);
  }, 120_000);

  it('a carry made over other gold is not used: a re-adjusted history is read from its first row', async () => {
    const inc = fs.mkdtempSync(path.join(lake, 'adj-'));
    await buildFeatureDaysReport({ lakeRoot: lake, manifest, qlibDir: gold, dates: days.slice(30, 38), fileOf: fileIn(inc), carryFile: carryFile(inc) });
    // a split adjusts one instrument's whole close history
    const expected0 = await wholeHistory();
    const inst = [...expected0.keys()].find((k) => k.startsWith(`${days[38]}|`))!.split('|')[1]!;
    const file = qlibFeaturePath(gold, inst, 'close');
    const bin = decodeQlibBin(fs.readFileSync(file));
    fs.chmodSync(file, 0o644);
    fs.writeFileSync(file, encodeQlibBin(bin.start, bin.values.map((v) => v / 2)));
    const r = await buildFeatureDaysReport({ lakeRoot: lake, manifest, qlibDir: gold, dates: [days[38]!], fileOf: fileIn(inc), carryFile: carryFile(inc) });
    expect(r.fromStart).toBe(1);
    expect(r.resumed).toBeGreaterThan(0);
    const expected = await wholeHistory();
    const row = (await readDay(fileIn(inc)(days[38]!))).find((x) => x[0] === inst)!;
    const want = expected.get(`${days[38]}|${inst}`)!;
    row.slice(1, -1).forEach((v, k) => expect(v === null ? NaN : Math.fround(Number(v)), manifest.expressions[k]!.name).toEqual(want[k]));
  }, 120_000);
});
