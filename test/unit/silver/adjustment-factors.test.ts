// Hand-computed examples of the factor rules (core/layers/silver/README.md), run through the real
// SQL on real Parquet files.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckDb, sqlString, type DuckDbHandle } from '../../../core/duckdb/duckdb-instance.ts';
import type { FactorInputFiles } from '../../../core/layers/silver/adjustment-factors-sql.ts';
import { corporateActionsOutputSql } from '../../../core/layers/silver/adjustment-factors-sql.ts';
import { buildFactorTables } from '../../../core/layers/silver/factor-tables.ts';

const D1 = '2024-03-01';
const D2 = '2024-03-04';
const D3 = '2024-03-05';

let dir: string;
let db: DuckDbHandle;
let files: FactorInputFiles;

async function parquet(name: string, select: string): Promise<string> {
  const file = path.join(dir, `${name}.parquet`);
  await db.connection.run(`COPY (${select}) TO ${sqlString(file)} (FORMAT parquet)`);
  return file;
}

/** Bars as (ticker, date, close). */
const bars: Array<[string, string, number]> = [
  ['AAA', D1, 100], ['AAA', D2, 25.5], // 4-for-1 split on D2
  ['BBB', D1, 2], ['BBB', D2, 20.4], // 1-for-10 reverse split on D2
  ['CCC', D1, 50], ['CCC', D2, 45.2], // special dividend 5 ex D2
  ['DDD', D1, 100], ['DDD', D2, 49.6], // 2-for-1 split and a dividend of 1 (per share of D1) on D2
  ['EEE', D1, 40], ['EEE', D3, 19.5], // no bar on D2, split 1->2 on D2, dividend 0.5 ex D3
  ['FFF', D1, 3], ['FFF', D2, 2.9], // dividend 3.5 ex D2: more than the close
  ['GGG', D2, 10], ['GGG', D3, 10.2], // split on its first day: not applied
  ['HHH', D1, 10], ['III', D2, 10.1], // HHH renamed III on D2; dividend 0.1 under III ex D2
  ['JJJ', D1, 30], ['JJJ', D2, 29], // dividend in EUR; a split with ratio 0
];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'silver-factors-'));
  db = await openDuckDb({ threads: 1, memoryLimit: '256MB' });
  const values = bars.map(([t, d, c]) => `(${sqlString(t)}, DATE ${sqlString(d)}, ${c})`).join(', ');
  files = {
    stocksDaily: [await parquet('bars', `SELECT * FROM (VALUES ${values}) v(ticker, date, close)`)],
    splits: [await parquet('splits', `SELECT * FROM (VALUES
      ('AAA', DATE '${D2}', 1.0, 4.0, 's1'), ('BBB', DATE '${D2}', 10.0, 1.0, 's2'), ('DDD', DATE '${D2}', 1.0, 2.0, 's3'),
      ('EEE', DATE '${D2}', 1.0, 2.0, 's4'), ('GGG', DATE '${D2}', 1.0, 3.0, 's5'), ('JJJ', DATE '${D2}', 0.0, 2.0, 's6')
    ) v(ticker, execution_date, split_from, split_to, id)`)],
    dividends: [await parquet('dividends', `SELECT * FROM (VALUES
      ('CCC', DATE '${D2}', 5.0, 'USD', 'SC', 'd1'), ('DDD', DATE '${D2}', 1.0, 'USD', 'CD', 'd2'),
      ('EEE', DATE '${D3}', 0.5, 'USD', 'CD', 'd3'), ('FFF', DATE '${D2}', 3.5, 'USD', 'SC', 'd4'),
      ('III', DATE '${D2}', 0.1, 'USD', 'CD', 'd5'), ('JJJ', DATE '${D2}', 0.3, 'EUR', 'CD', 'd6')
    ) v(ticker, ex_dividend_date, cash_amount, currency, dividend_type, id)`)],
    tickers: [],
    tickerEvents: [await parquet('events', `SELECT * FROM (VALUES
      ('HHH', 'BBG000FIGI01', DATE '2020-01-02'), ('III', 'BBG000FIGI01', DATE '${D2}')
    ) v(ticker, composite_figi, event_date)`)],
  };
  await buildFactorTables(db.connection, files, D3, D1);
});

afterAll(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

interface FactorRow { instrument_id: string; split_factor: number; factor: number; prev_adj_close: number | null }

async function factorOf(ticker: string, date: string): Promise<FactorRow> {
  const r = await db.connection.runAndReadAll(
    `SELECT instrument_id, split_factor, factor, prev_adj_close FROM factors WHERE ticker = ${sqlString(ticker)} AND date = DATE ${sqlString(date)}`,
  );
  const rows = r.getRowObjectsJS() as unknown as FactorRow[];
  expect(rows, `${ticker} ${date}`).toHaveLength(1);
  return rows[0]!;
}

async function rejects(): Promise<string[]> {
  const r = await db.connection.runAndReadAll('SELECT reject_reason FROM action_review WHERE reject_reason IS NOT NULL ORDER BY ticker, kind');
  return r.getRows().map((x) => String(x[0]));
}

describe('adjustment factors', () => {
  it('a 4-for-1 split multiplies the factor by 4 from its execution date, so the adjusted series is continuous', async () => {
    expect(await factorOf('AAA', D1)).toMatchObject({ split_factor: 1, factor: 1 });
    const d2 = await factorOf('AAA', D2);
    expect(d2).toMatchObject({ split_factor: 4, factor: 4, prev_adj_close: 100 });
    expect(25.5 * d2.factor).toBe(102);
  });

  it('a 1-for-10 reverse split multiplies it by 1/10', async () => {
    expect(await factorOf('BBB', D2)).toMatchObject({ split_factor: 0.1, factor: 0.1 });
  });

  it('a special dividend of 5 on a close of 50 multiplies the total-return factor by 50/45 and leaves the split factor', async () => {
    expect(await factorOf('CCC', D2)).toMatchObject({ split_factor: 1, factor: 50 / 45 });
  });

  it('a split and a dividend on one day: the split first, the dividend against the previous close in the shares it was paid on', async () => {
    expect(await factorOf('DDD', D2)).toMatchObject({ split_factor: 2, factor: 2 * (100 / 99) });
  });

  it('actions on a day the instrument did not trade apply from its next bar; the previous close is read in post-split shares', async () => {
    // D1 close 40; split 1->2 on D2 (no bar) makes that close 20 in the shares of D3; dividend 0.5 ex D3.
    const d3 = await factorOf('EEE', D3);
    expect(d3).toMatchObject({ split_factor: 2, factor: 2 * (20 / 19.5), prev_adj_close: 40 });
  });

  it('an action on the first day is history before the anchor: the factor starts at 1', async () => {
    expect(await factorOf('GGG', D2)).toMatchObject({ split_factor: 1, factor: 1, prev_adj_close: null });
    expect(await factorOf('GGG', D3)).toMatchObject({ factor: 1 });
  });

  it('a renamed company is one instrument; its dividend reads the close it had under the old symbol', async () => {
    const before = await factorOf('HHH', D1);
    const after = await factorOf('III', D2);
    expect(before.instrument_id).toBe('BBG000FIGI01');
    expect(after.instrument_id).toBe('BBG000FIGI01');
    expect(after).toMatchObject({ factor: 10 / 9.9, prev_adj_close: 10 });
  });

  it('refuses a dividend not below the previous close, a foreign currency and a zero split ratio, naming instrument and date', async () => {
    expect(await factorOf('FFF', D2)).toMatchObject({ factor: 1 });
    expect(await factorOf('JJJ', D2)).toMatchObject({ factor: 1, split_factor: 1 });
    expect(await rejects()).toEqual([
      `dividend 3.5 of FFF (ticker:FFF) ex ${D2} is not below the previous close 3.0 (${D1})`,
      `dividend 0.3 of JJJ (ticker:JJJ) ex ${D2} is in EUR, not the prices' currency USD`,
      `split of JJJ (ticker:JJJ) on ${D2} has ratio 2.0/0.0: both sides must be positive numbers`,
    ]);
  });

  it('a day built alone equals the same day built with later data (left folds, only data up to the day)', async () => {
    const all = (await db.connection.runAndReadAll(`SELECT * FROM factors WHERE date = DATE '${D2}' ORDER BY ticker`)).getRows();
    const other = await openDuckDb({ threads: 1, memoryLimit: '256MB' });
    try {
      await buildFactorTables(other.connection, files, D2);
      const alone = (await other.connection.runAndReadAll(`SELECT * FROM factors WHERE date = DATE '${D2}' ORDER BY ticker`)).getRows();
      expect(alone).toHaveLength(8);
      expect(alone).toEqual(all);
    } finally {
      other.close();
    }
  });

  it('the corporate-action timeline of a day says what became of each action, and lists ticker changes', async () => {
    const r = await db.connection.runAndReadAll(`SELECT ticker, action, status, ratio, previous_ticker FROM (${corporateActionsOutputSql(D2, D1)})`);
    const rows = r.getRows().map((x) => x.map((v) => (typeof v === 'number' ? Number(v.toFixed(12)) : v)));
    expect(rows).toEqual([
      ['III', 'dividend', 'applied', Number((10 / 9.9).toFixed(12)), null],
      ['III', 'ticker_change', 'applied', null, 'HHH'],
      ['AAA', 'split', 'applied', 4, null],
      ['BBB', 'split', 'applied', 0.1, null],
      ['CCC', 'dividend', 'applied', Number((50 / 45).toFixed(12)), null],
      ['DDD', 'split', 'applied', 2, null],
      ['DDD', 'dividend', 'applied', Number((100 / 99).toFixed(12)), null],
      ['EEE', 'split', 'applied', 2, null],
      ['FFF', 'dividend', 'rejected', null, null],
      ['GGG', 'split', 'before_first_day', null, null],
      ['JJJ', 'split', 'rejected', null, null],
      ['JJJ', 'dividend', 'rejected', null, null],
    ]);
  });
});
