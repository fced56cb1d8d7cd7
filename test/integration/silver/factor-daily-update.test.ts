/**
 * The daily factor update carries a state (each instrument's last bar with its factors) instead of
 * reading every bar since the first day. Over 30 trading days of the demo simulator's bars and
 * actions (a reverse split, regular dividends), building day by day from the previous day's state
 * gives the same rows, values, order and rejects as building the whole range at once.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckDb, sqlString, type DuckDbHandle } from '../../../core/duckdb/duckdb-instance.ts';
import { factorDaySql, factorRejectsSql, factorStateSql, type FactorInputFiles } from '../../../core/layers/silver/adjustment-factors-sql.ts';
import { buildFactorTables } from '../../../core/layers/silver/factor-tables.ts';
import { previousTradingDay } from '../../../core/calendar/index.ts';
import { DEMO_MARKET_DEFAULTS } from '../../../core/sources/simulator/simulator-servers.ts';
import { createMarket } from '../../../core/sources/simulator/market/index.ts';

// 30 trading days from here hold HE's reverse split (2019-03-18) and regular dividends (30, not
// the issue's 60, keeps the file under CI's per-file budget: each day is a build).
const FIRST = '2019-02-20';
const DAYS = 30;
let dir: string;
let db: DuckDbHandle;
let days: string[];
let barFiles: string[];
let reference: Omit<FactorInputFiles, 'stocksDaily'>;

const lit = (s: string) => sqlString(s);

async function parquet(name: string, select: string): Promise<string> {
  const file = path.join(dir, `${name}.parquet`);
  await db.connection.run(`COPY (${select}) TO ${lit(file)} (FORMAT parquet)`);
  return file;
}

async function rows(sql: string): Promise<unknown[][]> {
  return (await db.connection.runAndReadAll(sql)).getRows() as unknown[][];
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'silver-factor-update-'));
  db = await openDuckDb({ threads: 1, memoryLimit: '512MB' });
  const market = createMarket({ seed: DEMO_MARKET_DEFAULTS.seed, tickers: DEMO_MARKET_DEFAULTS.tickers, from: DEMO_MARKET_DEFAULTS.from, to: '2019-06-28' });
  const all = market.tradingDays();
  days = all.slice(all.indexOf(FIRST), all.indexOf(FIRST) + DAYS);
  const last = days[days.length - 1]!;
  barFiles = [];
  for (const d of days) {
    const values = market.dayBars('stocks', d).map((b) => `(${lit(b.ticker)}, DATE ${lit(d)}, ${b.close})`);
    barFiles.push(await parquet(`bars-${d}`, `SELECT * FROM (VALUES ${values.join(', ')}) v(ticker, date, close)`));
  }
  const splits = market.splits().filter((s) => s.executionDate <= last);
  const dividends = market.dividends().filter((d) => d.exDividendDate <= last);
  const events = market.tickerChanges().flatMap((c) => c.events.filter((e) => e.date <= last).map((e) => ({ ...e, figi: c.compositeFigi })));
  reference = {
    splits: [await parquet('splits', `SELECT * FROM (VALUES ${splits.map((s) =>
      `(${lit(s.ticker)}, DATE ${lit(s.executionDate)}, ${s.splitFrom}::DOUBLE, ${s.splitTo}::DOUBLE, ${lit(s.id)})`).join(', ')})
      v(ticker, execution_date, split_from, split_to, id)`)],
    // Plus a dividend above its close, refused on the day it goes ex.
    dividends: [await parquet('dividends', `SELECT * FROM (VALUES ${[...dividends.map((d) =>
      `(${lit(d.ticker)}, DATE ${lit(d.exDividendDate)}, ${d.cashAmount}::DOUBLE, ${lit(d.currency)}, ${lit(d.dividendType)}, ${lit(d.id)})`),
    `('HE', DATE '2019-03-01', 1000.0, 'USD', 'SC', 'bad')`].join(', ')})
      v(ticker, ex_dividend_date, cash_amount, currency, dividend_type, id)`)],
    tickers: [],
    tickerEvents: events.length === 0 ? [] : [await parquet('events', `SELECT * FROM (VALUES ${events.map((e) =>
      `(${lit(e.ticker)}, ${lit(e.figi)}, DATE ${lit(e.date)})`).join(', ')}) v(ticker, composite_figi, event_date)`)],
  };
  expect(splits.some((s) => s.executionDate > FIRST)).toBe(true);
  expect(dividends.some((d) => d.exDividendDate > FIRST)).toBe(true);
}, 60_000);

afterAll(() => {
  db?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('adjustment factors: the daily update from the previous day\'s state', () => {
  it('day by day over 30 trading days equals one build of the whole range (rows, values, order, rejects, state)', async () => {
    await buildFactorTables(db.connection, { ...reference, stocksDaily: barFiles }, days.at(-1)!, days[0]);
    const whole: unknown[][][] = [];
    for (const d of days) whole.push(await rows(factorDaySql(d)), await rows(factorRejectsSql(d, previousTradingDay(d))));
    const wholeState = await rows(factorStateSql(days.at(-1)!));

    const daily: unknown[][][] = [];
    let state: string | undefined;
    for (const [i, d] of days.entries()) {
      await buildFactorTables(db.connection, { ...reference, stocksDaily: [barFiles[i]!], ...(state ? { state } : {}) }, d, d);
      daily.push(await rows(factorDaySql(d)), await rows(factorRejectsSql(d, previousTradingDay(d))));
      state = await parquet(`state-${d}`, factorStateSql(d));
    }
    expect(daily).toEqual(whole);
    expect(await rows(`SELECT * FROM read_parquet(${lit(state!)})`)).toEqual(wholeState);
    // The range had something to carry: factors other than 1 and a refused dividend.
    expect(whole.flat().some((r) => r[5] !== 1)).toBe(true);
    expect(whole.flat().some((r) => String(r.at(-1)).includes('is not below the previous close'))).toBe(true);
  });
});
