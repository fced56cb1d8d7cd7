/**
 * Silver: adjustment factors for 5,000 instruments x 1 year of daily bars (one bronze file per
 * day, splits and quarterly dividends), beside DuckDB reading the same bronze columns in the same
 * run; then one day of factors and adjusted bars written out. A factor build reads all history up
 * to its last day, so "the whole year" is also what one daily update costs at this size.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { tradingDays } from '../core/calendar/index.ts';
import { openDuckDb, sqlString, type DuckDbHandle } from '../core/duckdb/duckdb-instance.ts';
import { factorDaySql } from '../core/layers/silver/adjustment-factors-sql.ts';
import { adjustedBarsDaySql } from '../core/layers/silver/adjusted-bars-sql.ts';
import { buildFactorTables } from '../core/layers/silver/factor-tables.ts';
import { SILVER_PARQUET_OPTIONS } from '../core/layers/silver/silver-sql.ts';
import type { BenchRow } from './bench-types.ts';

const INSTRUMENTS = 5000;
const DAYS = tradingDays('2024-01-02', '2024-12-31');

async function time(fn: () => Promise<unknown>, runs = 3): Promise<number> {
  const all: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    all.push(performance.now() - t);
  }
  return all.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}

/** Writes the synthetic bronze inputs: a file per day of bars, one of splits, one of dividends. */
async function synthesize(db: DuckDbHandle, dir: string): Promise<{ bars: string[]; splits: string; dividends: string }> {
  const c = db.connection;
  await c.run(`CREATE TABLE days AS SELECT unnest([${DAYS.map((d) => `DATE '${d}'`).join(', ')}]) AS date`);
  await c.run(`CREATE TABLE px AS
    SELECT 'T' || lpad(i::VARCHAR, 5, '0') AS ticker, d.date,
           round(20 + 10 * sin(i + epoch(d.date) / 864000.0) + (hash(i, d.date) % 100) / 100.0, 4) AS close
    FROM range(${INSTRUMENTS}) r(i), days d`);
  const bars: string[] = [];
  for (const d of DAYS) {
    const f = path.join(dir, `bars-${d}.parquet`);
    await c.run(`COPY (SELECT ticker, close AS open, close * 1.01 AS high, close * 0.99 AS low, close, 1000.0 AS volume, 10::BIGINT AS transactions,
                 date FROM px WHERE date = DATE '${d}' ORDER BY ticker) TO ${sqlString(f)} (${SILVER_PARQUET_OPTIONS})`);
    bars.push(f);
  }
  const splits = path.join(dir, 'splits.parquet');
  await c.run(`COPY (SELECT ticker, date AS execution_date, 1.0 AS split_from, 2.0 AS split_to, 's' || ticker AS id FROM px
               WHERE hash(ticker, 'split') % 4000 = 0) TO ${sqlString(splits)} (${SILVER_PARQUET_OPTIONS})`);
  const dividends = path.join(dir, 'dividends.parquet');
  await c.run(`COPY (SELECT ticker, date AS ex_dividend_date, 0.2 AS cash_amount, 'USD' AS currency, 'CD' AS dividend_type, 'd' || ticker || date AS id
               FROM px WHERE hash(ticker) % 5 < 2 AND dayofmonth(date) = 15 AND month(date) IN (3, 6, 9, 12))
               TO ${sqlString(dividends)} (${SILVER_PARQUET_OPTIONS})`);
  return { bars, splits, dividends };
}

/** Factor and adjusted-bar figures, each beside DuckDB reading the same bronze input. */
export async function runSilverBench(): Promise<BenchRow[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qm-silver-bench-'));
  const gen = await openDuckDb({ threads: 2, memoryLimit: '2GB' });
  let input: Awaited<ReturnType<typeof synthesize>>;
  try {
    input = await synthesize(gen, dir);
  } finally {
    gen.close();
  }
  const db = await openDuckDb({ threads: 2, memoryLimit: '2GB', preserveInsertionOrder: false });
  try {
    const list = `[${input.bars.map(sqlString).join(', ')}]`;
    const read = await time(() => db.connection.run(`SELECT count(*), sum(close), count(DISTINCT ticker) FROM read_parquet(${list})`));
    const files = { stocksDaily: input.bars, splits: [input.splits], dividends: [input.dividends], tickers: [], tickerEvents: [] };
    const last = DAYS[DAYS.length - 1]!;
    const daily = await time(() => buildFactorTables(db.connection, files, last));
    const build = await time(() => buildFactorTables(db.connection, files, last, DAYS[0]!));
    const actions = Number((await db.connection.runAndReadAll('SELECT count(*) FROM action_review WHERE ratio IS NOT NULL')).getRows()[0]?.[0]);
    const factorsOut = path.join(dir, 'factors-day.parquet');
    const writeFactors = await time(() => db.connection.run(`COPY (${factorDaySql(last)}) TO ${sqlString(factorsOut)} (${SILVER_PARQUET_OPTIONS})`));
    const adjusted = adjustedBarsDaySql({ bars: input.bars[input.bars.length - 1]!, factors: factorsOut, minutes: [] });
    const writeBars = await time(() => db.connection.run(`COPY (${adjusted}) TO ${sqlString(path.join(dir, 'bars-day.parquet'))} (${SILVER_PARQUET_OPTIONS})`));
    const readDay = await time(() => db.connection.run(`SELECT count(*), sum(close) FROM read_parquet(${sqlString(input.bars[input.bars.length - 1]!)})`));
    const peerYear = { name: `DuckDB reads the same ${DAYS.length} bronze files`, value: read, unit: 'ms' };
    const peerDay = { name: 'DuckDB reads that bronze day', value: readDay, unit: 'ms' };
    return [
      { name: `factors: ${INSTRUMENTS} instruments x ${DAYS.length} days (${actions} actions applied)`, value: build, unit: 'ms', peer: peerYear },
      { name: 'factors: a daily update (the last day, reading the whole year)', value: daily, unit: 'ms', peer: peerYear },
      { name: 'write one day of factors', value: writeFactors, unit: 'ms', peer: peerDay },
      { name: 'write one day of adjusted bars', value: writeBars, unit: 'ms', peer: peerDay },
    ];
  } finally {
    db.close();
    if (!process.env.KEEP) fs.rmSync(dir, { recursive: true, force: true });
    else console.log(dir);
  }
}
