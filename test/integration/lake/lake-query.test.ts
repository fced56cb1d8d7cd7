import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestDay } from '../../../core/layers/bronze/flat-file-ingestor.ts';
import { openLakeQuery, type LakeQuery } from '../../../core/lake/lake-query.ts';
import { lakePaths } from '../../../core/lake/lake-paths.ts';
import { bar, csvGz, etNs, makeTempLake, minuteDay, putLanding } from './lake-fixtures.ts';

let lake: string;
let q: LakeQuery;
const outside = path.join(os.tmpdir(), `qm-query-escape-${process.pid}.csv`);

beforeAll(async () => {
  lake = await makeTempLake();
  for (const date of ['2024-03-04', '2024-03-05']) {
    await putLanding(lake, 'stocks_minute', date, csvGz(minuteDay(date, 3, 10)));
    await ingestDay({ lakeRoot: lake, dataset: 'stocks_minute', date, duckdb: { threads: 1, memoryLimit: '256MB' } });
  }
  await putLanding(lake, 'stocks_daily', '2024-03-05', csvGz([bar('A', etNs('2024-03-05', 0)), bar('B', etNs('2024-03-05', 0), 10, 11, 5)]));
  await ingestDay({ lakeRoot: lake, dataset: 'stocks_daily', date: '2024-03-05', duckdb: { threads: 1, memoryLimit: '256MB' } });
  q = await openLakeQuery(lake, { threads: 1, memoryLimit: '256MB' });
});
afterAll(async () => {
  q.close();
  await fs.promises.rm(lake, { recursive: true, force: true });
  fs.rmSync(outside, { force: true });
});

describe('openLakeQuery', () => {
  it('has views over bronze with hive year/month and over rejects', async () => {
    expect(q.views()).toEqual(['stocks_daily', 'stocks_daily_rejects', 'stocks_minute']);
    const r = await q.run('select year, month, count(*) as n from stocks_minute group by all order by all');
    expect(r.columns).toEqual([{ name: 'year', type: 'INTEGER' }, { name: 'month', type: 'INTEGER' }, { name: 'n', type: 'BIGINT' }]);
    expect(r.rows).toEqual([[2024, 3, 60]]);
    expect(r.truncated).toBe(false);
    const rej = await q.run('select ticker, reject_reason from stocks_daily_rejects');
    expect(rej.rows).toEqual([['B', 'high below max(open, close)']]);
  });

  it('truncates at maxRows and reports it', async () => {
    const r = await q.run('from stocks_minute order by ticker, window_start', { maxRows: 7 });
    expect(r.rowCount).toBe(7);
    expect(r.truncated).toBe(true);
    expect(typeof r.rows[0]![6]).toBe('string');
  });

  it('accepts read-only statements: WITH, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN', async () => {
    for (const sql of ['with t as (select 1 as x) select * from t', 'describe stocks_minute', 'show tables', 'summarize stocks_daily', 'explain select count(*) from stocks_minute']) {
      await expect(q.run(sql), sql).resolves.toBeTruthy();
    }
  });

  it('refuses writes, other files, attaching, extensions and settings', async () => {
    const bronzeFile = lakePaths(lake).bronzeFile('stocks_daily', '2024-03-05');
    const attempts = [
      `COPY (select 1) TO '${outside}'`,
      `COPY (select 1) TO '${path.join(path.dirname(bronzeFile), 'x.csv')}'`,
      "select * from read_csv('/etc/passwd')",
      "select * from read_text('/etc/hostname')",
      `select * from read_csv('${path.join(lakePaths(lake).bronzeDir('stocks_daily'), '..', '..', '..', '..', 'etc', 'passwd')}')`,
      `select * from read_text('${lake}/bronze_evil/x')`,
      `ATTACH '${path.join(lake, 'x.duckdb')}' AS x`,
      "ATTACH ':memory:' AS m",
      'INSTALL httpfs',
      'LOAD httpfs',
      'SET enable_external_access = true',
      'SET allowed_directories = []',
      'create table t as select 1',
      'drop view stocks_minute',
      'select 1; create table t2 (a int)',
      `export database '${path.join(os.tmpdir(), 'qm-export')}'`,
    ];
    for (const sql of attempts) await expect(q.run(sql), sql).rejects.toThrow();
    expect(fs.existsSync(outside)).toBe(false);
    expect(fs.existsSync(path.join(path.dirname(bronzeFile), 'x.csv'))).toBe(false);
    expect(fs.existsSync(path.join(lake, 'x.duckdb'))).toBe(false);
    // Still usable afterwards.
    expect((await q.run('select count(*) from stocks_daily')).rows).toEqual([[1]]);
  });

  it('picks up datasets ingested after it opened', async () => {
    await putLanding(lake, 'options_daily', '2024-03-05', csvGz([bar('O:SPY240315C00500000', etNs('2024-03-05', 0))]));
    await ingestDay({ lakeRoot: lake, dataset: 'options_daily', date: '2024-03-05', duckdb: { threads: 1, memoryLimit: '256MB' } });
    expect((await q.run('select underlying, strike from options_daily')).rows).toEqual([['SPY', 500]]);
  });

  it('can be interrupted', async () => {
    const slow = q.run('select count(*) from range(10000000000) a');
    setTimeout(() => q.interrupt(), 100);
    await expect(slow).rejects.toThrow(/interrupt/i);
  });
});
