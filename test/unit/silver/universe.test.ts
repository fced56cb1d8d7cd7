// Instruments across ticker changes and the point-in-time universe, on hand-made bronze files.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckDb, sqlString, type DuckDbHandle } from '../../../core/duckdb/duckdb-instance.ts';
import { universeDaySql, universeTablesSql, type UniverseInputFiles } from '../../../core/layers/silver/universe-sql.ts';

const D1 = '2024-03-01';
const D2 = '2024-03-04';
const D3 = '2024-03-05';
let dir: string;
let db: DuckDbHandle;
let files: UniverseInputFiles;

async function parquet(name: string, select: string): Promise<string> {
  const file = path.join(dir, `${name}.parquet`);
  await db.connection.run(`COPY (${select}) TO ${sqlString(file)} (FORMAT parquet)`);
  return file;
}

const listing = (date: string, ticker: string, figi: string, active: boolean, delisted: string | null) =>
  `(DATE '${date}', '${ticker}', '${ticker} Inc.', 'stocks', 'us', 'CS', ${active}, 'XNYS', '000${figi.slice(-2)}', '${figi}', '${figi}S', `
  + `${delisted ? `TIMESTAMPTZ '${delisted} 21:00:00+00'` : 'NULL'})`;

const iso = (v: unknown) => (v instanceof Date ? v.toISOString().slice(0, 10) : v);

async function build(upTo: string): Promise<void> {
  for (const sql of universeTablesSql(files, upTo)) await db.connection.run(sql);
}

async function day(date: string): Promise<Array<Record<string, unknown>>> {
  const r = await db.connection.runAndReadAll(universeDaySql(date));
  return (r.getRowObjectsJS() as Array<Record<string, unknown>>).map((x) => ({
    instrument_id: x.instrument_id, ticker: x.ticker, first_date: iso(x.first_date), type: x.type, delisted_date: iso(x.delisted_date),
  }));
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'silver-universe-'));
  db = await openDuckDb({ threads: 1, memoryLimit: '256MB' });
  const bars = [['OLD', D1], ['XYZ', D1], ['OLD', D2], ['NEW', D3], ['XYZ', D3], ['ZZZ', D3]];
  files = {
    stocksDaily: [await parquet('bars', `SELECT * FROM (VALUES ${bars.map(([t, d]) => `('${t}', DATE '${d}')`).join(', ')}) v(ticker, date)`)],
    // OLD renamed NEW on D3 (same FIGI F1); XYZ delisted after D1 (F2), reused on D3 by another company (F3).
    tickerEvents: [await parquet('events', `SELECT * FROM (VALUES ('OLD', 'FIGI00000F1', DATE '2020-01-02'), ('NEW', 'FIGI00000F1', DATE '${D3}'))
      v(ticker, composite_figi, event_date)`)],
    tickers: [await parquet('tickers', `SELECT * FROM (VALUES
      ${listing(D1, 'OLD', 'FIGI00000F1', true, null)}, ${listing(D1, 'XYZ', 'FIGI00000F2', true, null)},
      ${listing(D2, 'OLD', 'FIGI00000F1', true, null)}, ${listing(D2, 'XYZ', 'FIGI00000F2', false, D1)},
      ${listing(D3, 'NEW', 'FIGI00000F1', true, null)}, ${listing(D3, 'XYZ', 'FIGI00000F3', true, null)}, ${listing(D3, 'XYZ', 'FIGI00000F2', false, D1)}
    ) v(date, ticker, name, market, locale, type, active, primary_exchange, cik, composite_figi, share_class_figi, delisted_utc)`)],
  };
  await build(D3);
});

afterAll(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('point-in-time universe', () => {
  it('lists who traded each day; a renamed company keeps one id and its first day', async () => {
    expect(await day(D1)).toEqual([
      { instrument_id: 'FIGI00000F1', ticker: 'OLD', first_date: D1, type: 'CS', delisted_date: null },
      { instrument_id: 'FIGI00000F2', ticker: 'XYZ', first_date: D1, type: 'CS', delisted_date: null },
    ]);
    expect(await day(D3)).toEqual([
      { instrument_id: 'FIGI00000F1', ticker: 'NEW', first_date: D1, type: 'CS', delisted_date: null },
      { instrument_id: 'FIGI00000F3', ticker: 'XYZ', first_date: D3, type: 'CS', delisted_date: null },
      { instrument_id: 'ticker:ZZZ', ticker: 'ZZZ', first_date: D3, type: null, delisted_date: null },
    ]);
  });

  it('a delisted instrument keeps its history and its real last day; the reused symbol is another instrument', async () => {
    const r = await db.connection.runAndReadAll(
      "SELECT instrument_id, CAST(max(date) AS VARCHAR), count(*) FROM universe_bars WHERE instrument_id = 'FIGI00000F2' GROUP BY 1",
    );
    expect(r.getRows()).toEqual([['FIGI00000F2', D1, 1n]]);
  });

  it('a day built alone equals the same day built with later data', async () => {
    const later = await day(D1);
    await build(D1);
    expect(await day(D1)).toEqual(later);
  });
});
