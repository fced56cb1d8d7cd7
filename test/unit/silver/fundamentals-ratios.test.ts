// Hand-computed point-in-time fundamentals and ratios (core/layers/silver/README.md, "Fundamentals"
// and "Financial ratios"), run through the real SQL on real Parquet files.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckDb, sqlString, type DuckDbHandle } from '../../../core/duckdb/duckdb-instance.ts';
import { ratioDaySql, ratioTablesSql } from '../../../core/layers/silver/financial-ratios-sql.ts';
import { fundamentalsDaySql, fundamentalsRejectsSql, fundamentalsTablesSql } from '../../../core/layers/silver/fundamentals-sql.ts';

let dir: string;
let db: DuckDbHandle;

interface Filing {
  ticker: string;
  cik: string;
  filed: string;
  year: number;
  period: string;
  end: string;
  items: Record<string, number>;
  /** Unit of `revenues` (default USD). */
  revenueUnit?: string;
}

const STATEMENT: Record<string, string> = {
  revenues: 'income_statement', cost_of_revenue: 'income_statement', operating_income_loss: 'income_statement',
  net_income_loss: 'income_statement', depreciation_and_amortization: 'income_statement', basic_average_shares: 'income_statement',
  equity: 'balance_sheet', assets: 'balance_sheet', liabilities: 'balance_sheet', current_assets: 'balance_sheet',
  current_liabilities: 'balance_sheet', long_term_debt: 'balance_sheet', cash: 'balance_sheet',
};

const bs = (equity: number, assets: number, liabilities: number, ca: number, cl: number) =>
  ({ equity, assets, liabilities, current_assets: ca, current_liabilities: cl });
const is = (revenues: number, cost: number, net: number, shares = 10) =>
  ({ revenues, cost_of_revenue: cost, net_income_loss: net, basic_average_shares: shares });

// AAA: four quarters of 2023 (Q1 filed before the range), FY 2023 with Q4, then Q1 2024 filed 2024-05-01.
const filings: Filing[] = [
  { ticker: 'AAA', cik: '1', filed: '2023-05-01', year: 2023, period: 'Q1', end: '2023-03-31', items: { ...is(100, 60, 10), ...bs(180, 480, 300, 140, 100) } },
  { ticker: 'AAA', cik: '1', filed: '2023-08-01', year: 2023, period: 'Q2', end: '2023-06-30', items: { ...is(100, 60, 10), ...bs(185, 485, 300, 140, 100) } },
  { ticker: 'AAA', cik: '1', filed: '2023-11-01', year: 2023, period: 'Q3', end: '2023-09-30', items: { ...is(110, 66, 11), ...bs(190, 490, 300, 145, 100) } },
  { ticker: 'AAA', cik: '1', filed: '2024-02-15', year: 2023, period: 'Q4', end: '2023-12-31', items: { ...is(120, 72, 12), ...bs(200, 500, 300, 150, 100) } },
  {
    ticker: 'AAA', cik: '1', filed: '2024-02-15', year: 2023, period: 'FY', end: '2023-12-31',
    items: { ...is(430, 258, 43), ...bs(200, 500, 300, 150, 100), operating_income_loss: 60, depreciation_and_amortization: 30, long_term_debt: 100, cash: 50 },
  },
  { ticker: 'AAA', cik: '1', filed: '2024-05-01', year: 2024, period: 'Q1', end: '2024-03-31', items: { ...is(130, 78, 13), ...bs(210, 520, 310, 160, 80) } },
  // BBB: negative equity and a loss; its FY 2023 amended on 2024-04-15 (revenue 200 -> 250).
  { ticker: 'BBB', cik: '2', filed: '2024-03-01', year: 2023, period: 'FY', end: '2023-12-31', items: { ...is(200, 150, -20, 5), ...bs(-50, 100, 150, 40, 0) } },
  { ticker: 'BBB', cik: '2', filed: '2024-04-15', year: 2023, period: 'FY', end: '2023-12-31', items: { ...is(250, 150, -20, 5), ...bs(-50, 100, 150, 40, 0) } },
  // CCC: revenue in EUR, refused; DDD: one quarter only (no TTM).
  { ticker: 'CCC', cik: '3', filed: '2024-03-01', year: 2023, period: 'FY', end: '2023-12-31', items: is(90, 50, 9), revenueUnit: 'EUR' },
  // EEE: a filing naming no symbol, refused.
  { ticker: '', cik: '5', filed: '2024-03-01', year: 2023, period: 'FY', end: '2023-12-31', items: is(10, 5, 1) },
  { ticker: 'DDD', cik: '4', filed: '2024-03-01', year: 2024, period: 'Q1', end: '2024-03-31', items: { ...is(40, 20, 4), ...bs(100, 200, 100, 50, 25) } },
];

const FILING_DATES = [...new Set(filings.map((f) => f.filed))].sort();
const DAYS = ['2024-04-30', '2024-05-01', '2024-05-02', '2024-05-03'];
const CLOSES: Record<string, number[]> = { AAA: [49, 50, 52, 26], BBB: [10, 10, 10, 10], DDD: [8, 8, 8, 8] };
const FIGI: Record<string, string> = { AAA: 'FIGI-A', BBB: 'FIGI-B', CCC: 'FIGI-C', DDD: 'FIGI-D' };

async function parquet(name: string, select: string): Promise<string> {
  const file = path.join(dir, `${name}.parquet`);
  await db.connection.run(`COPY (${select}) TO ${sqlString(file)} (FORMAT parquet)`);
  return file;
}

const str = (s: string) => sqlString(s);
const dt = (s: string) => `DATE ${sqlString(s)}`;

function financialsSelect(): string {
  const rows = filings.flatMap((f) => Object.entries(f.items).map(([concept, value]) => {
    const unit = concept === 'basic_average_shares' ? 'shares' : concept === 'revenues' ? (f.revenueUnit ?? 'USD') : 'USD';
    const timeframe = f.period === 'FY' ? 'annual' : 'quarterly';
    const start = f.period === 'FY' ? `${f.year}-01-01` : f.end.slice(0, 8) + '01';
    return `(${dt(f.filed)}, ${dt(f.filed)}, ${str(f.cik)}, ${str(`${f.ticker} Inc`)}, ${f.ticker ? `[${str(f.ticker)}]` : '[]::VARCHAR[]'}, ${f.year}, ${str(f.period)}, ${str(timeframe)},
      ${dt(start)}, ${dt(f.end)}, TIMESTAMPTZ '${f.filed} 20:05:00+00', 'url', ${str(STATEMENT[concept]!)}, ${str(concept)}, ${value}, ${str(unit)})`;
  }));
  return `SELECT * FROM (VALUES ${rows.join(',\n')}) v(date, filing_date, cik, company_name, tickers, fiscal_year, fiscal_period, timeframe,
    start_date, end_date, acceptance_datetime, source_filing_url, statement, concept, value, unit)`;
}

let fundamentalsFiles: string[];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'silver-fundamentals-'));
  db = await openDuckDb({ threads: 1, memoryLimit: '256MB' });
  const financials = await parquet('financials', financialsSelect());
  const events = await parquet('events', `SELECT * FROM (VALUES ${Object.entries(FIGI).map(([t, f]) => `(${str(t)}, ${str(f)}, DATE '2020-01-02')`).join(', ')})
    v(ticker, composite_figi, event_date)`);
  for (const sql of fundamentalsTablesSql({ financials: [financials], tickers: [], tickerEvents: [events] }, '2024-05-03')) await db.connection.run(sql);
  fundamentalsFiles = [];
  for (const d of FILING_DATES) fundamentalsFiles.push(await parquet(`fundamentals-${d}`, fundamentalsDaySql(d)));
  const factorRows = Object.entries(CLOSES).flatMap(([t, cs]) => cs.map((c, i) => `(${str(FIGI[t]!)}, ${str(t)}, ${dt(DAYS[i]!)}, ${c})`));
  const factors = await parquet('factors', `SELECT * FROM (VALUES ${factorRows.join(', ')}) v(instrument_id, ticker, date, close)`);
  // AAA splits 2-for-1 on 2024-05-03; DDD has a split silver refused on 2024-05-02.
  const actions = await parquet('actions', `SELECT * FROM (VALUES
    (DATE '2024-05-03', 'FIGI-A', DATE '2024-05-03', 'split', 1.0, 2.0, 'applied'),
    (DATE '2024-05-02', 'FIGI-D', DATE '2024-05-02', 'split', 0.0, 2.0, 'rejected')
  ) v(date, instrument_id, action_date, action, split_from, split_to, status)`);
  for (const sql of ratioTablesSql({ fundamentals: fundamentalsFiles, corporateActions: [actions], factors: [factors] }, DAYS)) await db.connection.run(sql);
});

afterAll(() => {
  db?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

async function rows(sql: string): Promise<Record<string, unknown>[]> {
  const out = (await db.connection.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
  // DATE values as ISO dates, so expectations read like the data.
  return out.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v instanceof Date ? v.toISOString().slice(0, 10) : v])));
}

async function ratiosOf(ticker: string, date: string): Promise<Record<string, unknown>> {
  const r = (await rows(`SELECT * FROM (${ratioDaySql(date)}) WHERE ticker = ${str(ticker)}`))[0];
  expect(r, `${ticker} on ${date}`).toBeDefined();
  return r!;
}

describe('silver fundamentals', () => {
  it('flattens one filing into one row per instrument and period, keeping every line item', async () => {
    const r = await rows(fundamentalsDaySql('2024-02-15'));
    expect(r.map((x) => [x.instrument_id, x.ticker, x.fiscal_period, x.timeframe])).toEqual([['FIGI-A', 'AAA', 'Q4', 'quarterly'], ['FIGI-A', 'AAA', 'FY', 'annual']]);
    expect(r[1]!.revenues).toBe(430);
    expect(r[1]!.gross_profit).toBeNull();
    expect(r[1]!.depreciation_and_amortization).toBe(30);
    const items = await rows(`SELECT line_items['balance_sheet.cash'] AS cash, CAST(cardinality(line_items) AS INTEGER) AS n FROM (${fundamentalsDaySql('2024-02-15')}) WHERE fiscal_period = 'FY'`);
    expect(items[0]).toEqual({ cash: 50, n: 13 });
  });

  it('refuses a filing with an amount in another currency or naming no symbol, with symbol, instrument and period', async () => {
    const r = await rows(fundamentalsRejectsSql('2024-03-01'));
    expect(r.map((x) => x.reject_reason)).toEqual([
      'financials of CCC (FIGI-C, CIK 3) 2023 FY (annual) filed 2024-03-01: revenues is in EUR, not USD',
      'financials of no symbol (no instrument, CIK 5) 2023 FY (annual) filed 2024-03-01: names no symbol',
    ]);
    expect((await rows(fundamentalsDaySql('2024-03-01'))).map((x) => x.ticker)).toEqual(['BBB', 'DDD']);
  });
});

describe('silver financial ratios', () => {
  it('on the filing day and the day before, uses the previous filing (FY 2023, TTM = the annual row)', async () => {
    for (const [date, close] of [['2024-04-30', 49], ['2024-05-01', 50]] as const) {
      const r = await ratiosOf('AAA', date);
      const cap = close * 10;
      expect(r).toMatchObject({ filing_date: '2024-02-15', fiscal_period: 'Q4', end_date: '2023-12-31', ttm_source: 'annual', shares: 10, market_cap: cap });
      expect(r.pe).toBe(cap / 43);
      expect(r.pb).toBe(cap / 200);
      expect(r.ps).toBe(cap / 430);
      expect(r.enterprise_value).toBe(cap + 100 - 50);
      expect(r.ev_to_ebitda).toBe((cap + 50) / 90);
      expect(r.roe).toBe(43 / 200);
      expect(r.roa).toBe(43 / 500);
      expect(r.gross_margin).toBe(172 / 430);
      expect(r.net_margin).toBe(43 / 430);
      expect(r.debt_to_equity).toBe(1.5);
      expect(r.current_ratio).toBe(1.5);
      expect(r.null_reasons).toEqual([]);
    }
  });

  it('the day after a filing uses it: TTM from four quarters', async () => {
    const r = await ratiosOf('AAA', '2024-05-02');
    expect(r).toMatchObject({ filing_date: '2024-05-01', fiscal_period: 'Q1', fiscal_year: 2024, ttm_source: 'quarters', market_cap: 520 });
    // Q2..Q4 2023 + Q1 2024, folded in end-date order.
    expect(r.revenue_ttm).toBe(100 + 110 + 120 + 130);
    expect(r.net_income_ttm).toBe(10 + 11 + 12 + 13);
    expect(r.gross_profit_ttm).toBe(40 + 44 + 48 + 52);
    expect(r.pe).toBe(520 / 46);
    expect(r.pb).toBe(520 / 210);
    expect(r.current_ratio).toBe(2);
    expect(r.ev_to_ebitda).toBeNull();
    expect(r.null_reasons).toEqual(['ev_to_ebitda: no enterprise value (long_term_debt and cash)']);
  });

  it('counts a split after the period end in the shares (the close is post-split)', async () => {
    const r = await ratiosOf('AAA', '2024-05-03');
    expect(r).toMatchObject({ close: 26, shares: 20, market_cap: 520, pe: 520 / 46 });
  });

  it('gives null with a reason for negative equity and losses, and uses the amended filing', async () => {
    const r = await ratiosOf('BBB', '2024-04-30');
    expect(r).toMatchObject({ filing_date: '2024-04-15', revenue_ttm: 250, market_cap: 50, pe: null, pb: null, roe: null, debt_to_equity: null });
    expect(r.ps).toBe(50 / 250);
    expect(r.net_margin).toBe(-20 / 250);
    expect(r.current_ratio).toBeNull();
    expect(r.null_reasons).toEqual([
      'pe: trailing net income is not positive', 'pb: equity is not positive',
      'ev_to_ebitda: no enterprise value (long_term_debt and cash)', 'roe: equity is not positive',
      'debt_to_equity: equity is not positive', 'current_ratio: current liabilities is not positive',
    ]);
  });

  it('without four quarters TTM is null; a refused split makes market-cap ratios null', async () => {
    const before = await ratiosOf('DDD', '2024-05-01');
    expect(before).toMatchObject({ ttm_source: null, pe: null, ps: null, pb: 80 / 100, current_ratio: 2 });
    expect(before.null_reasons).toContain('ttm: fewer than four quarters of the year to end_date are known');
    const after = await ratiosOf('DDD', '2024-05-02');
    expect(after).toMatchObject({ shares: null, market_cap: null, pb: null, current_ratio: 2 });
    expect(after.null_reasons).toContain('shares: a split after the period end was rejected by silver');
  });

  it('has no row for an instrument without a filing before the day, and none for a refused filing', async () => {
    expect((await rows(ratioDaySql('2024-04-30'))).map((r) => r.ticker)).toEqual(['AAA', 'BBB', 'DDD']);
  });
});
