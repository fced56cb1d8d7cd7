/**
 * Silver through the engine: real ingest of a few days of bars, bronze dividend partitions with
 * their records, the planner and runEngine with real job processes. A corrected dividend marks
 * exactly the factor partitions from its ex-date on stale; one run rebuilds them and the adjusted
 * bars that read them, and the result equals a rebuild from scratch.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tradingDays } from '../../../core/calendar/index.ts';
import { effectiveSource, loadConfig } from '../../../core/config/index.ts';
import { openDuckDb, sqlString } from '../../../core/duckdb/duckdb-instance.ts';
import { commitTempFile, tempPathFor } from '../../../core/files/atomic-write.ts';
import { sha256OfFile } from '../../../core/files/file-checksum.ts';
import { computeCoverage } from '../../../core/lake/coverage.ts';
import { lakePaths } from '../../../core/lake/lake-paths.ts';
import { writePartitionRecord } from '../../../core/lake/partition-records.ts';
import { ingestDay } from '../../../core/layers/bronze/flat-file-ingestor.ts';
import { factorStateFile } from '../../../core/layers/silver/silver-partition-writer.ts';
import { createNodeProcessLauncher } from '../../../core/process/node-process-launcher.ts';
import { planRequest, runEngine, type EngineRequest } from '../../../core/runtime/run-engine.ts';
import { bar, csvGz, etNs, makeTempLake, putLanding } from '../lake/lake-fixtures.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const DAYS = tradingDays('2024-03-01', '2024-03-12');
const EX_DATE = '2024-03-06';
const NOW = new Date('2024-06-01T00:00:00Z');
let dir: string;

/** A's close rises 1 a day from 100; B's stays 20. */
const closeOf = (i: number) => 100 + i;

async function ingest(date: string, i: number): Promise<void> {
  const c = closeOf(i);
  await putLanding(dir, 'stocks_daily', date, csvGz([bar('A', etNs(date, 0), c, c, c + 1, c - 1, 1000), bar('B', etNs(date, 0), 20, 20, 21, 19, 500)]));
  const r = await ingestDay({ lakeRoot: dir, dataset: 'stocks_daily', date, duckdb: { threads: 1, memoryLimit: '256MB' } });
  expect(r.state).toBe('complete');
}

/** Writes one day of bronze dividends (file, then record with checksum), as the REST fetch job does. */
async function putDividends(date: string, rows: Array<{ ticker: string; amount: number }>): Promise<void> {
  const target = lakePaths(dir).bronzeFile('dividends', date);
  const tmp = tempPathFor(target, dir);
  fs.mkdirSync(path.dirname(tmp), { recursive: true });
  const values = rows.map((r) => `(DATE ${sqlString(date)}, ${sqlString(r.ticker)}, DATE ${sqlString(date)}, ${r.amount}, 'USD', 'CD', ${sqlString(`${r.ticker}-${date}`)})`);
  const select = values.length
    ? `SELECT * FROM (VALUES ${values.join(', ')}) v(date, ticker, ex_dividend_date, cash_amount, currency, dividend_type, id)`
    : "SELECT DATE '2000-01-03' AS date, 'X' AS ticker, DATE '2000-01-03' AS ex_dividend_date, 0.0 AS cash_amount, 'USD' AS currency, 'CD' AS dividend_type, 'x' AS id WHERE false";
  const db = await openDuckDb({ threads: 1, memoryLimit: '256MB' });
  try {
    await db.connection.run(`COPY (${select}) TO ${sqlString(tmp)} (FORMAT parquet)`);
  } finally {
    db.close();
  }
  if (fs.existsSync(target)) fs.chmodSync(target, 0o644);
  await commitTempFile(tmp, target, { readOnly: true });
  const at = new Date().toISOString();
  await writePartitionRecord(dir, {
    dataset: 'dividends', layer: 'bronze', date, status: 'complete', rows: rows.length, bytes: fs.statSync(target).size, sourceChecksum: null,
    etag: null, schemaVersion: 1, rejects: 0, attempts: 1, lastError: null, startedAt: at, finishedAt: at, durationMs: 0,
    checksum: await sha256OfFile(target), builderVersion: 1, inputs: [],
  });
}

function host() {
  const configFile = path.join(dir, 'config.yaml');
  if (!fs.existsSync(configFile)) fs.writeFileSync(configFile, 'demo:\n  tickers: 5\n');
  const config = loadConfig({ config: configFile, dataRoot: dir, source: 'demo' });
  return { settings: config.settings, source: effectiveSource(config), launcher: createNodeProcessLauncher(), command: 'test', now: () => NOW };
}

const SILVER = ['adjustment_factors', 'stocks_daily_adjusted'] as const;
const cells: EngineRequest = {
  target: { kind: 'cells', cells: SILVER.flatMap((dataset) => DAYS.map((date) => ({ dataset, layer: 'silver' as const, date }))) },
  withInputs: false,
};

async function states(dataset: string): Promise<string[]> {
  const [cov] = await computeCoverage({ lakeRoot: dir, datasets: [dataset], layer: 'silver', from: DAYS[0]!, to: DAYS.at(-1)!, now: NOW });
  return cov!.cells.filter((c) => c.state !== 'non_trading').map((c) => c.state);
}

async function adjusted(): Promise<Array<Record<string, unknown>>> {
  const files = DAYS.map((d) => lakePaths(dir).parquetFile('silver', 'stocks_daily_adjusted', d));
  const db = await openDuckDb({ threads: 1, memoryLimit: '256MB' });
  try {
    const r = await db.connection.runAndReadAll(
      `SELECT ticker, CAST(date AS VARCHAR) AS date, close, factor, adj_close, change FROM read_parquet([${files.map(sqlString).join(', ')}]) ORDER BY date, ticker`,
    );
    return r.getRowObjectsJS() as Array<Record<string, unknown>>;
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  dir = await makeTempLake('qm-silver-');
  for (const [i, d] of DAYS.entries()) await ingest(d, i);
  for (const d of DAYS) await putDividends(d, d === EX_DATE ? [{ ticker: 'A', amount: 1 }] : []);
}, 120_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('silver adjustment factors through the planner', () => {
  it('builds factors then adjusted bars; the dividend scales A from its ex-date on', async () => {
    const run = await runEngine(host(), cells);
    expect(run.summary?.state).toBe('complete');
    expect(run.plan.jobs.map((j) => j.id)).toEqual([
      `silver-build:adjustment_factors:${DAYS[0]}..${DAYS.at(-1)}`, `silver-build:stocks_daily_adjusted:${DAYS[0]}..${DAYS.at(-1)}`,
    ]);
    for (const ds of SILVER) expect(await states(ds)).toEqual(DAYS.map(() => 'complete'));
    const rows = await adjusted();
    const ex = DAYS.indexOf(EX_DATE);
    const prev = closeOf(ex - 1);
    const a = rows.filter((r) => r.ticker === 'A');
    expect(a.map((r) => r.factor)).toEqual(DAYS.map((_, i) => (i < ex ? 1 : prev / (prev - 1))));
    for (const r of rows) expect(r.adj_close).toBe((r.close as number) * (r.factor as number));
    expect(a[ex]!.change).toBeCloseTo(((closeOf(ex) * prev) / (prev - 1)) / prev - 1, 12);
    expect(rows.filter((r) => r.ticker === 'B').every((r) => r.factor === 1)).toBe(true);
  }, 180_000);

  it('a corrected dividend marks exactly the factor partitions from its ex-date on stale; one run rebuilds them and their bars', async () => {
    const before = await adjusted();
    await putDividends(EX_DATE, [{ ticker: 'A', amount: 2 }]);
    const ex = DAYS.indexOf(EX_DATE);
    expect(await states('adjustment_factors')).toEqual(DAYS.map((_, i) => (i >= ex ? 'stale' : 'complete')));
    const plan = await planRequest(host(), cells);
    const factorJob = plan.jobs.find((j) => j.dataset === 'adjustment_factors')!;
    const barsJob = plan.jobs.find((j) => j.dataset === 'stocks_daily_adjusted')!;
    expect(factorJob.dates).toEqual(DAYS.slice(ex));
    expect(factorJob.reason).toMatch(/dividends bronze .* changed since this was built/);
    expect(barsJob.dates).toEqual(DAYS.slice(ex));
    expect(barsJob.dependsOn).toEqual([factorJob.id]);
    // The rebuild carries the fresh state of the day before the ex-date rather than reading every bar.
    expect(fs.existsSync(factorStateFile(dir, DAYS[ex - 1]!))).toBe(true);
    const run = await runEngine(host(), cells);
    expect(run.summary?.state).toBe('complete');
    for (const ds of SILVER) expect(await states(ds)).toEqual(DAYS.map(() => 'complete'));
    const after = await adjusted();
    const prev = closeOf(ex - 1);
    expect(after.slice(0, ex * 2)).toEqual(before.slice(0, ex * 2));
    expect(after.filter((r) => r.ticker === 'A').slice(ex).every((r) => r.factor === prev / (prev - 2))).toBe(true);
  }, 180_000);

  it('the incremental result equals a rebuild from scratch', async () => {
    const incremental = await adjusted();
    const run = await runEngine(host(), { ...cells, force: true });
    expect(run.summary?.state).toBe('complete');
    expect(await adjusted()).toEqual(incremental);
  }, 180_000);
});
