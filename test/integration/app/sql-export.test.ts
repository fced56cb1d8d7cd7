/**
 * SQL export through the real lake service (in this process) over a small bronze file: the query
 * runs in the read-only engine and a separate DuckDB writes CSV or Parquet. The bytes are checked
 * against DuckDB's own COPY of the same query, values keep full precision (nanosecond timestamps,
 * big integers, decimals), types without an exact export arrive as text, an oversized result is
 * refused rather than cut, and a failed export leaves no file behind. Also the download store and
 * the web host's download route.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExportDownloads } from '../../../core/lake-service/export-downloads.ts';
import { createLakeService, type LakeService } from '../../../core/lake-service/lake-service.ts';
import { exportSqlResult } from '../../../core/lake-service/sql-export.ts';
import { attachmentHeader, serveExport } from '../../../core/web-host/export-route.ts';

let root: string;
let out: string;
let service: LakeService;

const QUERY = `SELECT ticker, close, window_start, transactions, date FROM stocks_daily ORDER BY ticker, window_start`;

async function duckdb<T>(fn: (c: Awaited<ReturnType<DuckDBInstance['connect']>>) => Promise<T>): Promise<T> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  try {
    await c.run("SET TimeZone = 'UTC'");
    return await fn(c);
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-sql-export-'));
  out = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-sql-export-out-'));
  const dir = path.join(root, 'bronze/stocks_daily/year=2024/month=03');
  fs.mkdirSync(dir, { recursive: true });
  await duckdb(async (c) => {
    // Prices with awkward decimals, nanosecond times with all nine digits, a comma and a quote in a ticker.
    await c.run(`COPY (SELECT CASE WHEN i = 0 THEN 'BRK,"B"' ELSE 'T' || lpad(i::VARCHAR, 3, '0') END AS ticker,
                   (100 + i / 7.0)::DOUBLE AS close,
                   make_timestamp_ns(1709562600123456789 + i * 60000000000) AS window_start,
                   (9007199254740000 + i)::BIGINT AS transactions, DATE '2024-03-04' AS date
                 FROM range(500) t(i))
                 TO '${path.join(dir, '2024-03-04.parquet')}' (FORMAT parquet)`);
  });
  service = await createLakeService({ lakeRoot: root, threads: 2, memoryLimit: '1GB' });
});

afterAll(async () => {
  await service.close();
  fs.rmSync(root, { recursive: true, force: true });
  fs.rmSync(out, { recursive: true, force: true });
});

describe('SQL export', () => {
  it("writes CSV byte for byte as DuckDB's own COPY of the same query", async () => {
    const target = path.join(out, 'result.csv');
    const r = await service.call('sqlExport', { queryId: 'exp-csv', sql: QUERY, format: 'csv', target });
    expect(r).toMatchObject({ file: target, rowCount: 500, textColumns: [] });
    const reference = path.join(out, 'reference.csv');
    const glob = path.join(root, 'bronze/stocks_daily/*/*/*.parquet');
    const truth = QUERY.replace('FROM stocks_daily', `FROM read_parquet('${glob}')`);
    await duckdb((c) => c.run(`COPY (${truth}) TO '${reference}' (FORMAT csv, HEADER true)`));
    const written = fs.readFileSync(target);
    expect(written.equals(fs.readFileSync(reference))).toBe(true);
    expect(r.bytes).toBe(written.length);
    expect(written.toString('utf8')).toContain('"BRK,""B""",100.0,2024-03-04 14:30:00.123456789,9007199254740000,2024-03-04');
    // Nothing but the target is left in the folder (the temporary file was renamed, not copied).
    expect(fs.readdirSync(out).sort()).toEqual(['reference.csv', 'result.csv']);
  });

  it('writes Parquet that reads back with the same types and values', async () => {
    const target = path.join(out, 'result.parquet');
    const r = await service.call('sqlExport', { queryId: 'exp-pq', sql: QUERY, format: 'parquet', target });
    expect(r.rowCount).toBe(500);
    const back = await duckdb(async (c) => {
      const described = (await c.runAndReadAll(`DESCRIBE SELECT * FROM '${target}'`)).getRowObjectsJS();
      const types = described.map((x) => `${String(x.column_name)} ${String(x.column_type)}`);
      const totals = `SELECT count(*) AS n, sum(transactions)::VARCHAR AS t, max(epoch_ns(window_start))::VARCHAR AS ns FROM '${target}'`;
      const sums = (await c.runAndReadAll(totals)).getRowObjectsJS()[0];
      return { types, sums };
    });
    expect(back.types).toEqual(['ticker VARCHAR', 'close DOUBLE', 'window_start TIMESTAMP_NS', 'transactions BIGINT', 'date DATE']);
    const t = String(500n * 9007199254740000n + (499n * 500n) / 2n);
    expect(back.sums).toEqual({ n: 500n, t, ns: String(1709562600123456789n + 499n * 60000000000n) });
  });

  it('keeps HUGEINT and DECIMAL exact, and writes lists and intervals as text (and says so)', async () => {
    const target = path.join(out, 'mixed.csv');
    const sql =
      'SELECT sum(i)::HUGEINT AS total, 12.345::DECIMAL(10,3) AS price, [1, 2, 3] AS xs, INTERVAL 90 MINUTE AS span FROM range(10) t(i)';
    const r = await service.call('sqlExport', { queryId: 'exp-mixed', sql, format: 'csv', target });
    expect(r.textColumns).toEqual(['xs', 'span']);
    expect(fs.readFileSync(target, 'utf8')).toMatch(/^total,price,xs,span\n45,12.345,"\[1, ?2, ?3\]",\S+\n$/);
  });

  it('refuses a HUGEINT the result can only carry rounded, naming the column, and leaves no file', async () => {
    const target = path.join(out, 'huge.csv');
    const sql = `SELECT (9007199254740993::HUGEINT * 1000) AS big`;
    const exported = service.call('sqlExport', { queryId: 'exp-huge', sql, format: 'csv', target });
    await expect(exported).rejects.toThrow(/"big".*cannot be exported exactly/);
    expect(fs.readdirSync(out).filter((f) => f.startsWith('huge'))).toEqual([]);
  });

  it('refuses a result larger than the cap instead of cutting it short', async () => {
    const target = path.join(out, 'capped.csv');
    const sqlEngine = (id: string, sql: string, maxRows: number) => service.call('sqlRun', { queryId: id, sql, maxRows });
    const exported = exportSqlResult({ run: sqlEngine, queryId: 'exp-cap', sql: QUERY, format: 'csv', target, maxRows: 100 });
    await expect(exported).rejects.toThrow(/more than 100 rows/);
    expect(fs.existsSync(target)).toBe(false);
  });

  it('is still read-only: a write statement is refused by the SQL engine and nothing is written', async () => {
    const escape = path.join(out, 'escape.csv');
    const blocked = path.join(out, 'x.csv');
    await expect(
      service.call('sqlExport', { queryId: 'exp-write', sql: `COPY (SELECT 1) TO '${escape}'`, format: 'csv', target: blocked }),
    ).rejects.toThrow(/read-only|not allowed|refused/);
    expect(fs.existsSync(escape)).toBe(false);
    expect(fs.existsSync(path.join(out, 'x.csv'))).toBe(false);
  });
});

describe('export downloads and the download route', () => {
  it('serves a published export once, as an attachment, then deletes it', async () => {
    const store = createExportDownloads({ baseDir: out });
    const slot = await store.reserve('quantmini-query-1.csv', 'csv');
    expect(slot.path).toBe(`/exports/${slot.id}/quantmini-query-1.csv`);
    expect((fs.statSync(path.dirname(slot.target)).mode & 0o777).toString(8)).toBe('700');
    await service.call('sqlExport', { queryId: 'exp-dl', sql: 'SELECT 1 AS one', format: 'csv', target: slot.target });
    expect(store.take(slot.id)).toBeNull();
    slot.publish();

    const route = (req: http.IncomingMessage, res: http.ServerResponse) =>
      serveExport(new URL(req.url ?? '/', 'http://x').pathname, res, store, {});
    const server = http.createServer((req, res) => void route(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const { port } = server.address() as { port: number };
    try {
      const first = await fetch(`http://127.0.0.1:${port}${slot.path}`);
      expect(first.status).toBe(200);
      expect(first.headers.get('content-disposition')).toBe(attachmentHeader('quantmini-query-1.csv'));
      expect(first.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(await first.text()).toBe('one\n1\n');
      await new Promise((r) => setTimeout(r, 50));
      expect(fs.existsSync(path.dirname(slot.target))).toBe(false);
      const again = await fetch(`http://127.0.0.1:${port}${slot.path}`);
      expect(again.status).toBe(404);
      expect(await again.text()).toMatch(/no longer available/);
    } finally {
      server.close();
      await store.close();
    }
  });

  it('deletes unclaimed and abandoned exports', async () => {
    const store = createExportDownloads({ baseDir: out, ttlMs: 30 });
    const kept = await store.reserve('a.csv', 'csv');
    fs.writeFileSync(kept.target, 'x');
    kept.publish();
    const abandoned = await store.reserve('b.parquet', 'parquet');
    await abandoned.discard();
    expect(fs.existsSync(path.dirname(abandoned.target))).toBe(false);
    await new Promise((r) => setTimeout(r, 100));
    expect(fs.existsSync(path.dirname(kept.target))).toBe(false);
    expect(store.take(kept.id)).toBeNull();
    const open = await store.reserve('c.csv', 'csv');
    await store.close();
    expect(fs.existsSync(path.dirname(open.target))).toBe(false);
  });

  it('names attachments safely for any file name', () => {
    const header = attachmentHeader('résumé "q".csv');
    expect(header).toBe(`attachment; filename="r_sum_ _q_.csv"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%22q%22.csv`);
  });
});
