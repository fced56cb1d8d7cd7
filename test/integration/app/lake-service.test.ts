import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLakeService, type LakeService } from '../../../core/lake-service/lake-service.ts';

let root: string;
let outside: string;
let service: LakeService;
const FILE = 'bronze/stocks_daily/year=2024/month=03/2024-03-28.parquet';

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-lake-svc-'));
  outside = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-outside-'));
  const dir = path.join(root, 'bronze/stocks_daily/year=2024/month=03');
  fs.mkdirSync(dir, { recursive: true });
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  // 250,000 rows in row groups of 100,000: enough for real row groups, statistics and paging.
  await c.run(`COPY (SELECT 'T' || lpad((i % 500)::VARCHAR, 4, '0') AS ticker, 100 + (i % 1000) / 10.0 AS close,
                 make_timestamp_ns(1711632600000000000 + i * 60000000000) AS window_start, i::BIGINT AS transactions
               FROM range(250000) t(i))
               TO '${path.join(dir, '2024-03-28.parquet')}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 100000)`);
  await c.run(`COPY (SELECT 1 AS x) TO '${path.join(outside, 'secret.parquet')}' (FORMAT parquet)`);
  c.closeSync();
  db.closeSync();
  fs.writeFileSync(path.join(outside, 'passwd'), 'root:x:0:0');
  fs.symlinkSync(outside, path.join(root, 'bronze', 'escape'));
  fs.symlinkSync(path.join(dir, '2024-03-28.parquet'), path.join(root, 'bronze', 'inside-link.parquet'));
  service = await createLakeService({ lakeRoot: root, threads: 2, memoryLimit: '1GB' });
});

afterAll(async () => {
  await service.close();
  fs.rmSync(root, { recursive: true, force: true });
  fs.rmSync(outside, { recursive: true, force: true });
});

async function duckdbAnswer(sql: string): Promise<Record<string, unknown>[]> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  const rows = (await c.runAndReadAll(sql)).getRowObjectsJS();
  c.closeSync();
  db.closeSync();
  return rows as Record<string, unknown>[];
}

describe('lake service: browsing', () => {
  it('lists folders with sizes and Parquet files with their row counts; links out of the lake are not listed', async () => {
    const top = await service.call('list', { path: '' });
    expect(top.entries.map((e) => e.name)).toEqual(['bronze']);
    expect(top.entries[0]!.sizeBytes).toBeGreaterThan(100_000);
    const bronze = await service.call('list', { path: 'bronze' });
    expect(bronze.entries.map((e) => e.name)).toEqual(['stocks_daily', 'inside-link.parquet']);
    const month = await service.call('list', { path: 'bronze/stocks_daily/year=2024/month=03' });
    expect(month.entries).toEqual([expect.objectContaining({ name: '2024-03-28.parquet', path: FILE, kind: 'file', rows: 250_000 })]);
  });

  it('reads schema, row groups, compression and min/max from the footer', async () => {
    const info = await service.call('parquetInfo', { path: FILE });
    expect(info.rows).toBe(250_000);
    expect(info.schema).toEqual([
      { name: 'ticker', type: 'VARCHAR' },
      { name: 'close', type: 'DOUBLE' },
      { name: 'window_start', type: 'TIMESTAMP_NS' },
      { name: 'transactions', type: 'BIGINT' },
    ]);
    // DuckDB rounds row groups to whole 2,048-row vectors.
    const sizes = info.rowGroups.map((g) => g.rows);
    expect(sizes).toHaveLength(3);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(250_000);
    const tx = info.rowGroups[1]!.columns.find((c) => c.name === 'transactions')!;
    expect(tx).toMatchObject({ compression: 'ZSTD', min: String(sizes[0]), max: String(sizes[0]! + sizes[1]! - 1), nulls: 0 });
    expect(info.createdBy).toMatch(/DuckDB/);
  });

  it("previews the first rows as Arrow, equal to DuckDB's own answer for the same file", async () => {
    const preview = await service.call('preview', { path: FILE, offset: 0, limit: 50 });
    expect(preview.totalRows).toBe(250_000);
    const table = tableFromIPC(preview.arrow);
    expect(table.numRows).toBe(50);
    const first = table.get(0)!.toJSON();
    const [expected] = await duckdbAnswer(`SELECT ticker, close, epoch_ns(window_start) AS ns, transactions FROM read_parquet('${path.join(root, FILE)}') LIMIT 1`);
    expect(first.ticker).toBe(expected!.ticker);
    expect(first.close).toBe(expected!.close);
    expect(first.transactions).toBe(expected!.transactions);
    // Nanosecond timestamps keep every digit through Arrow.
    const ns = (table.getChild('window_start')!.data[0]!.values as BigInt64Array)[0];
    expect(ns).toBe(expected!.ns);
  });

  it('pushes column selection and paging down', async () => {
    const page = await service.call('preview', { path: FILE, columns: ['transactions', 'ticker'], offset: 120_000, limit: 3 });
    const table = tableFromIPC(page.arrow);
    expect(table.schema.fields.map((f) => f.name)).toEqual(['transactions', 'ticker']);
    expect([...table.getChild('transactions')!.toArray()]).toEqual([120_000n, 120_001n, 120_002n]);
    await expect(service.call('preview', { path: FILE, columns: ['nope'], offset: 0, limit: 1 })).rejects.toMatchObject({ code: 'invalid_input' });
  });

  it('refuses any path outside the lake: traversal, absolute paths, symlinks pointing out', async () => {
    for (const p of ['../../etc/passwd', '../' + path.basename(outside) + '/passwd', '/etc/passwd', path.join(outside, 'secret.parquet'), 'bronze/escape/secret.parquet', 'bronze/escape']) {
      await expect(service.call('preview', { path: p, offset: 0, limit: 1 }), p).rejects.toMatchObject({ code: 'forbidden' });
      await expect(service.call('list', { path: p }), p).rejects.toMatchObject({ code: 'forbidden' });
    }
    await expect(service.call('parquetInfo', { path: 'bronze/escape/secret.parquet' })).rejects.toMatchObject({ code: 'forbidden' });
    // A link that stays inside the lake is fine, and so is an absolute path inside the lake.
    expect((await service.call('parquetInfo', { path: 'bronze/inside-link.parquet' })).rows).toBe(250_000);
    expect((await service.call('parquetInfo', { path: path.join(root, FILE) })).rows).toBe(250_000);
    await expect(service.call('preview', { path: 'bronze/none.parquet', offset: 0, limit: 1 })).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe('lake service: SQL', () => {
  it('queries dataset views read-only and returns Arrow with row count and time', async () => {
    const r = await service.call('sqlRun', { queryId: 'q1', sql: 'SELECT count(*) AS n, count(DISTINCT ticker) AS tickers FROM stocks_daily', maxRows: 100 });
    expect(r.rowCount).toBe(1);
    expect(r.elapsedMs).toBeGreaterThanOrEqual(0);
    expect(tableFromIPC(r.arrow).get(0)!.toJSON()).toEqual({ n: 250_000n, tickers: 500n });
    const limited = await service.call('sqlRun', { queryId: 'q2', sql: 'SELECT ticker FROM stocks_daily', maxRows: 10 });
    expect(limited).toMatchObject({ rowCount: 10, truncated: true });
  });

  it('refuses writes and files outside the lake', async () => {
    for (const sql of [
      `COPY (SELECT 1) TO '${path.join(outside, 'x.csv')}'`,
      'CREATE TABLE t AS SELECT 1',
      'DELETE FROM stocks_daily',
      `SELECT * FROM read_parquet('${path.join(outside, 'secret.parquet')}')`,
      `SELECT * FROM read_csv('${path.join(outside, 'passwd')}')`,
      "ATTACH 'x.db'",
    ]) {
      await expect(service.call('sqlRun', { queryId: 'w', sql, maxRows: 10 }), sql).rejects.toMatchObject({ code: 'forbidden' });
    }
    expect(fs.existsSync(path.join(outside, 'x.csv'))).toBe(false);
  });

  it('cancels a long query', async () => {
    const long = service.call('sqlRun', { queryId: 'long', sql: 'SELECT sum(a.range * b.range) FROM range(200000) a, range(200000) b', maxRows: 10 });
    await new Promise((r) => setTimeout(r, 300));
    expect(await service.call('sqlCancel', { queryId: 'long' })).toEqual({ cancelled: true });
    await expect(long).rejects.toMatchObject({ code: 'cancelled' });
    expect(await service.call('sqlCancel', { queryId: 'long' })).toEqual({ cancelled: false });
  });
});
