/**
 * Issue 13's demo acceptance: silver's factor and adjusted-bar SQL over the demo simulator's own
 * bars, splits, dividends and ticker events (seed 42, 60 tickers, the demo defaults), in windows
 * around a forward split, a reverse split, a special dividend and a rename picked from its
 * universe. The adjusted close is continuous across each action: its return on the action's day
 * equals the simulator's economic return (its price path before actions are applied); raw =
 * adjusted / factor on every row; the renamed company is one instrument with one series.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckDb, sqlString, type DuckDbHandle } from '../../../core/duckdb/duckdb-instance.ts';
import { factorDaySql } from '../../../core/layers/silver/adjustment-factors-sql.ts';
import { adjustedBarsDaySql } from '../../../core/layers/silver/adjusted-bars-sql.ts';
import { buildFactorTables } from '../../../core/layers/silver/factor-tables.ts';
import { DEMO_MARKET_DEFAULTS } from '../../../core/sources/simulator/simulator-servers.ts';
import { createMarket, marketEngineOf, type FullSimulatedMarket } from '../../../core/sources/simulator/market/index.ts';
import type { MarketEngine } from '../../../core/sources/simulator/market/market-engine.ts';

/** The actions, as the simulator's universe schedules them for the demo seed (see its sparseActions and renames). */
const CASES = [
  { name: 'a 1-for-2 forward split', ticker: 'JUNE', date: '2018-01-08', kind: 'split', ratio: [1, 2] },
  { name: 'a special dividend', ticker: 'WESE', date: '2018-04-27', kind: 'dividend', type: 'SC' },
  { name: 'a 4-for-1 reverse split', ticker: 'HE', date: '2019-03-18', kind: 'split', ratio: [4, 1] },
  { name: 'a rename (RALE -> NEXC)', ticker: 'RALE', date: '2019-08-28', kind: 'rename', newTicker: 'NEXC' },
] as const;

/** Trading days either side of an action in its window. */
const SIDE = 4;

/**
 * The simulator prints closes rounded (cents, or 1e-4 below a few dollars) and dividends in cents,
 * so silver, which reads the prints, can meet the unrounded path only to that rounding: at most
 * half a cent on each close and on a dividend, relative to the price. Against the path's return
 * recomputed from those same prints (the published closes with the published action undone) it
 * must agree to 1e-9.
 */
const HALF_CENT = 0.005;

let dir: string;
let db: DuckDbHandle;
let market: FullSimulatedMarket;
let engine: MarketEngine;
/** Adjusted bars of each case's window, as silver writes them. */
const windows = new Map<string, Array<Record<string, unknown>>>();

const lit = (s: string) => sqlString(s);

async function parquet(name: string, select: string): Promise<string> {
  const file = path.join(dir, `${name}.parquet`);
  await db.connection.run(`COPY (${select}) TO ${lit(file)} (FORMAT parquet)`);
  return file;
}

async function rows(sql: string): Promise<Array<Record<string, unknown>>> {
  const out = (await db.connection.runAndReadAll(sql)).getRowObjectsJS() as Array<Record<string, unknown>>;
  return out.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v instanceof Date ? v.toISOString().slice(0, 10) : v])));
}

/** Bronze-shaped files of a window of days, then silver's factors and adjusted bars for each day. */
async function buildWindow(key: string, days: string[]): Promise<Array<Record<string, unknown>>> {
  const barValues = days.flatMap((d) => market.dayBars('stocks', d).map((b) =>
    `(${lit(b.ticker)}, DATE ${lit(d)}, ${b.open}, ${b.high}, ${b.low}, ${b.close}, ${b.volume}, ${b.transactions})`));
  const bars = await parquet(`${key}-bars`, `SELECT * FROM (VALUES ${barValues.join(', ')})
    v(ticker, date, open, high, low, close, volume, transactions)`);
  const last = days[days.length - 1]!;
  const splits = market.splits().filter((s) => s.executionDate <= last);
  const dividends = market.dividends().filter((d) => d.exDividendDate <= last);
  const events = market.tickerChanges().flatMap((c) => c.events.filter((e) => e.date <= last).map((e) => ({ ...e, figi: c.compositeFigi })));
  const files = {
    stocksDaily: [bars],
    splits: [await parquet(`${key}-splits`, `SELECT * FROM (VALUES ${splits.map((s) =>
      `(${lit(s.ticker)}, DATE ${lit(s.executionDate)}, ${s.splitFrom}::DOUBLE, ${s.splitTo}::DOUBLE, ${lit(s.id)})`).join(', ')})
      v(ticker, execution_date, split_from, split_to, id)`)],
    dividends: [await parquet(`${key}-dividends`, `SELECT * FROM (VALUES ${dividends.map((d) =>
      `(${lit(d.ticker)}, DATE ${lit(d.exDividendDate)}, ${d.cashAmount}::DOUBLE, ${lit(d.currency)}, ${lit(d.dividendType)}, ${lit(d.id)})`).join(', ')})
      v(ticker, ex_dividend_date, cash_amount, currency, dividend_type, id)`)],
    tickers: [],
    tickerEvents: [await parquet(`${key}-events`, `SELECT * FROM (VALUES ${events.map((e) => `(${lit(e.ticker)}, ${lit(e.figi)}, DATE ${lit(e.date)})`).join(', ')})
      v(ticker, composite_figi, event_date)`)],
  };
  await buildFactorTables(db.connection, files, last, days[0]);
  const out: Array<Record<string, unknown>> = [];
  for (const d of days) {
    const dayBars = await parquet(`${key}-bars-${d}`, `SELECT * FROM read_parquet(${lit(bars)}) WHERE date = DATE ${lit(d)}`);
    const factors = await parquet(`${key}-factors-${d}`, factorDaySql(d));
    out.push(...(await rows(adjustedBarsDaySql({ bars: dayBars, factors, minutes: [] }))));
  }
  return out;
}

/** The simulator's entity trading as `ticker` on `date`, and the date's trading index. */
function entityAt(ticker: string, date: string) {
  const k = engine.index.dates.indexOf(date);
  const e = engine.universe().entities.find((x) => x.symbol === ticker || x.newSymbol === ticker);
  if (!e || k < 0) throw new Error(`the demo market has no ${ticker} on ${date}`);
  return { e, k };
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'silver-demo-actions-'));
  db = await openDuckDb({ threads: 1, memoryLimit: '512MB' });
  market = createMarket({ seed: DEMO_MARKET_DEFAULTS.seed, tickers: DEMO_MARKET_DEFAULTS.tickers, from: DEMO_MARKET_DEFAULTS.from, to: '2019-12-31' });
  engine = marketEngineOf(market)!;
  const all = market.tradingDays();
  for (const c of CASES) {
    const at = all.indexOf(c.date);
    windows.set(c.ticker, await buildWindow(c.ticker, all.slice(at - SIDE, at + SIDE + 1)));
  }
}, 60_000);

afterAll(() => {
  db?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('silver on the demo simulator, across its corporate actions', () => {
  it('the simulator still schedules the actions these cases name', () => {
    for (const c of CASES) {
      if (c.kind === 'split') {
        expect(market.splitsOf(c.ticker).filter((s) => s.executionDate === c.date).map((s) => [s.splitFrom, s.splitTo])).toEqual([c.ratio]);
      } else if (c.kind === 'dividend') {
        expect(market.dividendsOf(c.ticker).filter((d) => d.exDividendDate === c.date).map((d) => d.dividendType)).toEqual([c.type]);
      } else {
        const change = market.tickerChanges().find((t) => t.currentTicker === c.newTicker);
        expect(change?.events.at(-1)).toEqual({ date: c.date, ticker: c.newTicker });
      }
    }
  });

  for (const c of CASES) {
    it(`adjusted close is continuous across ${c.name}: the day's return is the simulator's economic return`, () => {
      const series = windows.get(c.ticker)!.filter((r) => r.ticker === c.ticker || (c.kind === 'rename' && r.ticker === c.newTicker));
      const i = series.findIndex((r) => r.date === c.date);
      const day = series[i]!;
      const prev = series[i - 1]!;
      expect(String(prev.date) < c.date).toBe(true);
      const { e, k } = entityAt(String(day.ticker), c.date);
      const kPrev = engine.index.dates.indexOf(String(prev.date));
      const economic = engine.prices().adjustedClose(e, k) / engine.prices().adjustedClose(e, kPrev) - 1;
      const change = Number(day.change);
      expect(change).toBe(Number(day.adj_close) / Number(prev.adj_close) - 1);
      // The prints' economic return: published closes with the published action undone.
      const [close, before] = [Number(day.close), Number(prev.close)];
      const dividend = market.dividendsOf(c.ticker).filter((d) => d.exDividendDate === c.date).reduce((a, d) => a + d.cashAmount, 0);
      const split = market.splitsOf(c.ticker).filter((s) => s.executionDate === c.date).reduce((a, s) => (a * s.splitTo) / s.splitFrom, 1);
      const printed = ((close * split) / (before - dividend)) - 1;
      expect(Math.abs(change - printed)).toBeLessThan(1e-9);
      const rounding = (HALF_CENT / close + HALF_CENT / before + (dividend > 0 ? HALF_CENT / (before - dividend) : 0)) * (1 + Math.abs(economic));
      expect(Math.abs(change - economic)).toBeLessThanOrEqual(rounding);
      // Without the adjustment the day would jump by the action itself: the test would notice.
      if (c.kind !== 'rename') expect(Math.abs(close / before - 1 - economic)).toBeGreaterThan(20 * rounding);
    });
  }

  it('raw = adjusted / factor on every row of every window', () => {
    let n = 0;
    for (const series of windows.values()) {
      for (const r of series) {
        for (const p of ['open', 'high', 'low', 'close'] as const) {
          const raw = Number(r[p]);
          expect(Math.abs(Number(r[`adj_${p}`]) / Number(r.factor) - raw)).toBeLessThanOrEqual(1e-12 * raw);
        }
        n++;
      }
    }
    expect(n).toBeGreaterThan(4 * 2 * SIDE * 40);
  });

  it('the renamed company is one instrument with one series across the rename', () => {
    const c = CASES[3];
    const series = windows.get(c.ticker)!.filter((r) => r.ticker === c.ticker || r.ticker === c.newTicker);
    const days = market.tradingDays();
    const at = days.indexOf(c.date);
    expect(series.map((r) => r.date)).toEqual(days.slice(at - SIDE, at + SIDE + 1));
    expect(series.map((r) => r.ticker)).toEqual([...Array<string>(SIDE).fill(c.ticker), ...Array<string>(SIDE + 1).fill(c.newTicker)]);
    const ids = new Set(series.map((r) => r.instrument_id));
    expect(ids.size).toBe(1);
    expect([...ids][0]).toMatch(/^BBG/);
    for (let i = 1; i < series.length; i++) {
      expect(series[i]!.change).toBe(Number(series[i]!.adj_close) / Number(series[i - 1]!.adj_close) - 1);
    }
  });
});
