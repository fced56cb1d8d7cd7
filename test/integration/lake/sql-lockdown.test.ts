/**
 * The read-only SQL of `quantmini query` and the SQL page cannot write anywhere, cannot read
 * outside the lake's datasets, cannot be held forever by an abandoned query, and cannot grow a
 * result without bound. Regression tests for the hardening issue, items 1-4, on a demo lake.
 */
import fs from 'node:fs';
import path from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlHandlers } from '../../../core/app/sql-handlers.ts';
import { createRequestContext, dispatchRequest, type Handlers } from '../../../core/contract/dispatch.ts';
import { openLakeQuery, type LakeQuery } from '../../../core/lake/lake-query.ts';
import { lakePaths } from '../../../core/lake/lake-paths.ts';
import { createLakeService, type LakeService } from '../../../core/lake-service/lake-service.ts';
import { hashTree, runCli, tempDir } from '../../support/cli.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const DATE = '2024-03-05';
let lake: string;
let home: string;
let q: LakeQuery;
let bronzeFile: string;

beforeAll(async () => {
  lake = tempDir('qm-sql-lake-');
  home = tempDir('qm-sql-home-');
  const built = await runCli(['--data-root', lake, '--source', 'demo', 'backfill', '--dataset', 'stocks_daily', '--from', '2024-03-04', '--to', DATE], { home });
  expect(built.code, built.stderr).toBe(0);
  bronzeFile = lakePaths(lake).bronzeFile('stocks_daily', DATE);
  expect(fs.existsSync(bronzeFile)).toBe(true);
  q = await openLakeQuery(lake, { threads: 1, memoryLimit: '256MB' });
}, 180_000);

afterAll(() => {
  q?.close();
  for (const d of [lake, home]) if (d) fs.rmSync(d, { recursive: true, force: true });
});

/** Every write the issue lists, aimed at the lake's own files and folders. */
function writeAttempts(): string[] {
  const monthDir = path.dirname(bronzeFile);
  return [
    `COPY (SELECT 'x' AS ticker) TO '${bronzeFile}' (FORMAT parquet)`,
    `COPY (SELECT 'x' AS ticker) TO '${bronzeFile}' (FORMAT parquet, USE_TMP_FILE false)`,
    `COPY (SELECT 1 AS a) TO '${path.join(monthDir, 'new.parquet')}' (FORMAT parquet)`,
    `EXPLAIN ANALYZE COPY (SELECT 'x' AS ticker) TO '${bronzeFile}' (FORMAT parquet)`,
    `explain analyze copy (select 1) to '${path.join(monthDir, 'e.csv')}'`,
    `/* note */ EXPLAIN ANALYZE COPY (SELECT 1) TO '${path.join(lake, 'x.csv')}'`,
    `select 1; EXPLAIN ANALYZE COPY (SELECT 1) TO '${path.join(lake, 'y.csv')}'`,
    `EXPORT DATABASE '${path.join(lake, 'bronze', 'exported')}'`,
    `ATTACH '${path.join(lake, 'bronze', 'x.duckdb')}' AS f`,
    `ATTACH '${path.join(lake, 'bronze', 'x.duckdb')}' AS f; CREATE TABLE f.t AS SELECT 1 AS a`,
    'CREATE TABLE t AS SELECT 1 AS a',
    `select * from query('COPY (select 1) TO ''${path.join(lake, 'q.csv')}''')`,
    `select * from query('select 1'); COPY stocks_daily TO '${path.join(lake, 'z.parquet')}'`,
    `SET allowed_paths = ['${lake}']`,
    'SET enable_external_access = true',
    `PRAGMA enable_profiling`,
    `SET profile_output = '${path.join(lake, 'profile.json')}'`,
    `CALL pragma_version()`,
  ];
}

describe('the read-only SQL engine cannot write', () => {
  it('refuses every write attempt in-process and leaves every file of the lake byte-identical', async () => {
    const before = hashTree(lake, ['logs']);
    for (const sql of writeAttempts()) await expect(q.run(sql), sql).rejects.toThrow();
    expect(hashTree(lake, ['logs'])).toEqual(before);
    // Reading still works, EXPLAIN ANALYZE of a SELECT included.
    expect((await q.run('select count(*) > 0 from stocks_daily')).rows).toEqual([[true]]);
    expect((await q.run('EXPLAIN ANALYZE select count(*) from stocks_daily')).rowCount).toBeGreaterThan(0);
  });

  it('refuses them through the lake service (the SQL page) and the CLI, with the lake unchanged', async () => {
    const service: LakeService = await createLakeService({ lakeRoot: lake, threads: 1, memoryLimit: '256MB' });
    const before = hashTree(lake, ['logs']);
    try {
      for (const [i, sql] of writeAttempts().entries()) {
        await expect(service.call('sqlRun', { queryId: `w${i}`, sql, maxRows: 10 }), sql).rejects.toMatchObject({ code: expect.stringMatching(/forbidden|invalid_input/) });
      }
    } finally {
      await service.close();
    }
    for (const sql of writeAttempts().slice(0, 4)) {
      const r = await runCli(['--data-root', lake, 'query', sql], { home });
      expect(r.code, sql).toBe(1);
      expect(r.stderr).toMatch(/not allowed|refused|Permission|read-only/i);
    }
    expect(hashTree(lake, ['logs'])).toEqual(before);
    const status = await runCli(['--data-root', lake, 'status', '--dataset', 'stocks_daily', '--from', DATE, '--to', DATE, '--json'], { home });
    expect(JSON.parse(status.stdout).datasets[0].complete).toBe(1);
  }, 120_000);

  it('writes the data files read-only, so the operating system refuses a write for the lake owner too', () => {
    expect(fs.statSync(bronzeFile).mode & 0o222).toBe(0);
  });
});

describe('the read-only SQL engine reads only the lake datasets', () => {
  it('cannot read the working directory .tmp, the lake metadata, landing or logs', async () => {
    const cwd = tempDir('qm-sql-cwd-');
    try {
      fs.mkdirSync(path.join(cwd, '.tmp'));
      fs.writeFileSync(path.join(cwd, '.tmp', 'x.csv'), 'a\n1\n');
      const landing = lakePaths(lake).landingFile('stocks_daily', DATE);
      const record = lakePaths(lake).metadataFile('bronze', 'stocks_daily', DATE);
      for (const sql of [
        `select * from read_csv('${path.join(cwd, '.tmp', 'x.csv')}')`,
        "select * from read_csv('.tmp/x.csv')",
        `select * from read_csv('${landing}')`,
        `select * from read_json('${record}')`,
        `select * from read_text('${path.join(lake, 'logs', '*')}')`,
        `select * from glob('${lake}/**')`,
      ]) {
        const r = await runCli(['--data-root', lake, 'query', sql], { home, cwd });
        expect(r.code, sql).toBe(1);
      }
      // A dataset's own file is readable by its path, as the views read it.
      const own = await runCli(['--data-root', lake, 'query', `select count(*) > 0 from read_parquet('${bronzeFile}')`], { home, cwd });
      expect(own.code, own.stderr).toBe(0);
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true });
    }
  }, 120_000);

  it('spills only inside the lake own .tmp, and removes its spill folder when closed', async () => {
    const tmp = lakePaths(lake).tmpDir;
    const spill = fs.readdirSync(tmp).filter((n) => n.startsWith('duckdb-sql.'));
    expect(spill.length).toBeGreaterThan(0);
    const other = await openLakeQuery(lake, { threads: 1, memoryLimit: '256MB' });
    const mine = fs.readdirSync(tmp).filter((n) => n.startsWith('duckdb-sql.') && !spill.includes(n));
    expect(mine).toHaveLength(1);
    other.close();
    expect(fs.existsSync(path.join(tmp, mine[0]!))).toBe(false);
  });
});

describe('queries are bounded', () => {
  it('stops a query at its time limit with an error saying so (CLI)', async () => {
    const r = await runCli(['--data-root', lake, 'query', '--time-limit', '1', 'select count(*) from range(100000000000) a, range(10) b'], { home });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/query stopped after 1 s, its time limit/);
  }, 60_000);

  it('cuts a result at its size cap and says so, with the rows so far', async () => {
    const service = await createLakeService({ lakeRoot: lake, threads: 1, memoryLimit: '256MB', sqlMaxResultMiB: 1 });
    try {
      const r = await service.call('sqlRun', { queryId: 'big', sql: "select repeat('x', 30000) as s from range(100000)", maxRows: 100_000 });
      expect(r.truncated).toBe(true);
      expect(r.notice).toMatch(/^truncated at 1 MiB \(\d+ rows kept\)$/);
      expect(r.rowCount).toBeGreaterThan(10);
      expect(r.rowCount).toBeLessThan(40);
      expect(tableFromIPC(r.arrow).numRows).toBe(r.rowCount);
    } finally {
      await service.close();
    }
  });

  it('cancels a query when the page that asked for it goes away, and answers the next page', async () => {
    const service = await createLakeService({ lakeRoot: lake, threads: 1, memoryLimit: '256MB' });
    // The app backend's own SQL handlers, over the real lake service (in-process here).
    const handlers = sqlHandlers(service) as unknown as Handlers;
    const page = createRequestContext();
    try {
      const heavy = dispatchRequest(handlers, 'sql.run', { queryId: 'abandoned', sql: 'select count(*) from range(100000000000) a, range(10) b' }, { context: page });
      const heavy2 = dispatchRequest(handlers, 'sql.run', { queryId: 'abandoned2', sql: 'select count(*) from range(100000000000) a, range(10) b' }, { context: page });
      await new Promise((r) => setTimeout(r, 300));
      page.close();
      const [a, b] = await Promise.all([heavy, heavy2]);
      expect(a).toMatchObject({ ok: false, error: { code: 'cancelled' } });
      expect(b).toMatchObject({ ok: false, error: { code: 'cancelled' } });
      const next = await dispatchRequest(handlers, 'sql.run', { queryId: 'fresh', sql: 'select 1 as one' }, { context: createRequestContext() });
      expect(next).toMatchObject({ ok: true, value: { rowCount: 1 } });
    } finally {
      await service.close();
    }
  }, 60_000);
});
