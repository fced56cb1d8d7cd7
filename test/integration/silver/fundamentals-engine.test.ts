/**
 * Fundamentals and ratios through the silver-build job: real ingest of a few days of bars, bronze
 * filings partitions with their records, then the job's worker (in process: spawning four job
 * processes costs more than the build) in the planner's order. The ratio on the day before a
 * filing and on its day uses the previous filing, from the next day the new one; the partitions
 * are complete, fresh by lineage, and queryable as views.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tradingDays } from '../../../core/calendar/index.ts';
import { DEFAULT_TICKERS_DAILY_FROM, createLakeRegistry } from '../../../core/datasets/index.ts';
import { openDuckDb, sqlString } from '../../../core/duckdb/duckdb-instance.ts';
import { commitTempFile, tempPathFor } from '../../../core/files/atomic-write.ts';
import { sha256OfFile } from '../../../core/files/file-checksum.ts';
import { lakePaths } from '../../../core/lake/lake-paths.ts';
import { createLineageReader, staleReason } from '../../../core/lake/lineage.ts';
import { writePartitionRecord } from '../../../core/lake/partition-records.ts';
import { queryableViews } from '../../../core/lake/queryable-files.ts';
import { ingestDay } from '../../../core/layers/bronze/flat-file-ingestor.ts';
import { runSilverJob } from '../../../core/layers/silver/silver-job.ts';
import { testWorkerContext } from '../gold/fixtures/silver-contract.ts';
import { bar, csvGz, etNs, makeTempLake, putLanding } from '../lake/lake-fixtures.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const DAYS = tradingDays('2024-04-29', '2024-05-03');
let dir: string;

/** Filings of A: FY 2023 on the first day, Q1 2024 on 2024-05-01 (equity 200, then 250; shares 10). */
const FILINGS: Record<string, Array<{ year: number; period: string; end: string; equity: number; net: number }>> = {
  '2024-04-29': [{ year: 2023, period: 'FY', end: '2023-12-31', equity: 200, net: 40 }],
  '2024-05-01': [{ year: 2024, period: 'Q1', end: '2024-03-31', equity: 250, net: 12 }],
};

async function writeBronze(dataset: string, date: string, select: string, rows: number): Promise<void> {
  const target = lakePaths(dir).bronzeFile(dataset, date);
  const tmp = tempPathFor(target, dir);
  fs.mkdirSync(path.dirname(tmp), { recursive: true });
  const db = await openDuckDb({ threads: 1, memoryLimit: '256MB' });
  try {
    await db.connection.run(`COPY (${select}) TO ${sqlString(tmp)} (FORMAT parquet)`);
  } finally {
    db.close();
  }
  await commitTempFile(tmp, target, { readOnly: true });
  const at = new Date().toISOString();
  await writePartitionRecord(dir, {
    dataset, layer: 'bronze', date, status: 'complete', rows, bytes: fs.statSync(target).size, sourceChecksum: null, etag: null,
    schemaVersion: 1, rejects: 0, attempts: 1, lastError: null, startedAt: at, finishedAt: at, durationMs: 0,
    checksum: await sha256OfFile(target), builderVersion: 1, inputs: [],
  });
}

/** One day of bronze financials in the REST dataset's columns (one row per line item). */
function financialsSelect(date: string): string {
  const items = (FILINGS[date] ?? []).flatMap((f) => {
    const timeframe = f.period === 'FY' ? 'annual' : 'quarterly';
    const line = (statement: string, concept: string, value: number, unit: string) =>
      `(DATE '${date}', DATE '${date}', '0001', 'A Inc', ['A'], ${f.year}, '${f.period}', '${timeframe}', DATE '${f.end.slice(0, 8)}01',
        DATE '${f.end}', TIMESTAMPTZ '${date} 20:05:00+00', 'url', '${statement}', '${concept}', 'label', ${value}::DOUBLE, '${unit}', 1)`;
    return [
      line('income_statement', 'net_income_loss', f.net, 'USD'), line('income_statement', 'revenues', f.net * 10, 'USD'),
      line('income_statement', 'basic_average_shares', 10, 'shares'), line('balance_sheet', 'equity', f.equity, 'USD'),
    ];
  });
  const columns = `date, filing_date, cik, company_name, tickers, fiscal_year, fiscal_period, timeframe, start_date, end_date,
    acceptance_datetime, source_filing_url, statement, concept, label, value, unit, line_order`;
  return items.length
    ? `SELECT * FROM (VALUES ${items.join(', ')}) v(${columns})`
    : `SELECT DATE '2000-01-03' AS date, DATE '2000-01-03' AS filing_date, '' AS cik, '' AS company_name, ['x'] AS tickers, 0 AS fiscal_year,
         '' AS fiscal_period, '' AS timeframe, DATE '2000-01-03' AS start_date, DATE '2000-01-03' AS end_date,
         TIMESTAMPTZ '2000-01-03 00:00:00+00' AS acceptance_datetime, '' AS source_filing_url, '' AS statement, '' AS concept, '' AS label,
         0.0::DOUBLE AS value, '' AS unit, 0 AS line_order WHERE false`;
}

const SILVER = ['adjustment_factors', 'corporate_actions', 'fundamentals', 'financial_ratios'] as const;

beforeAll(async () => {
  dir = await makeTempLake('qm-fundamentals-');
  for (const [i, date] of DAYS.entries()) {
    const c = 50 + i;
    await putLanding(dir, 'stocks_daily', date, csvGz([bar('A', etNs(date, 0), c, c, c + 1, c - 1, 1000)]));
    const r = await ingestDay({ lakeRoot: dir, dataset: 'stocks_daily', date, duckdb: { threads: 1, memoryLimit: '256MB' } });
    expect(r.state).toBe('complete');
    await writeBronze('financials', date, financialsSelect(date), (FILINGS[date]?.length ?? 0) * 4);
  }
}, 120_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('silver fundamentals and ratios through the planner', () => {
  it('builds every day; a ratio on the day before a filing and on its day uses the previous filing', async () => {
    const registryOptions = { tickersDailyFrom: DEFAULT_TICKERS_DAILY_FROM };
    for (const dataset of SILVER) {
      const spec = { kind: 'silver-build', dataset, dates: DAYS, lakeRoot: dir, duckdb: { threads: 1, memoryLimit: '256MB' }, registryOptions, riskFreeRate: 0.04 };
      const r = await runSilverJob(spec, testWorkerContext());
      expect(r.outcome, `${dataset}: ${r.error ?? ''}`).toBe('complete');
    }
    const registry = createLakeRegistry(registryOptions);
    const reader = createLineageReader(dir);
    for (const dataset of SILVER) {
      for (const date of DAYS) {
        const ref = { dataset, layer: 'silver' as const, date };
        const rec = reader.record(ref);
        expect(rec?.status, `${dataset} ${date}`).toBe('complete');
        expect(staleReason(registry, reader, ref, rec!)).toBeNull();
      }
    }
    const views = queryableViews(dir).map((v) => v.name);
    expect(views).toEqual(expect.arrayContaining(['fundamentals', 'financial_ratios']));
    const files = DAYS.slice(1).map((d) => lakePaths(dir).parquetFile('silver', 'financial_ratios', d));
    const db = await openDuckDb({ threads: 1, memoryLimit: '256MB' });
    try {
      const r = (await db.connection.runAndReadAll(`SELECT CAST(date AS VARCHAR) AS date, CAST(filing_date AS VARCHAR) AS filed, fiscal_period, pb, roe
        FROM read_parquet([${files.map(sqlString).join(', ')}]) ORDER BY date`)).getRowObjectsJS();
      // 2024-04-29's own filing is used from the next day; Q1 (filed 2024-05-01) from 2024-05-02.
      expect(r).toEqual([
        { date: '2024-04-30', filed: '2024-04-29', fiscal_period: 'FY', pb: (51 * 10) / 200, roe: 40 / 200 },
        { date: '2024-05-01', filed: '2024-04-29', fiscal_period: 'FY', pb: (52 * 10) / 200, roe: 40 / 200 },
        { date: '2024-05-02', filed: '2024-05-01', fiscal_period: 'Q1', pb: (53 * 10) / 250, roe: null },
        { date: '2024-05-03', filed: '2024-05-01', fiscal_period: 'Q1', pb: (54 * 10) / 250, roe: null },
      ]);
    } finally {
      db.close();
    }
  }, 60_000);
});
