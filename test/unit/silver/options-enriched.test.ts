// One day of options enrichment on hand-made bronze files.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckDb, sqlString, type DuckDbHandle } from '../../../core/duckdb/duckdb-instance.ts';
import { blackScholesPrice } from '../../../core/layers/silver/black-scholes.ts';
import { buildOptionsEnriched, OPTIONS_ENRICHED_SELECT, type EnrichmentCounts } from '../../../core/layers/silver/options-enriched.ts';

const DAY = '2024-03-01';
let dir: string;
let db: DuckDbHandle;
let counts: EnrichmentCounts;
const R = 0.04;
// A 20-day call priced at 30% volatility (Friday 2024-03-01 to Thursday 2024-03-21: 14 trading days after the day).
const CALL_PRICE = Math.round(blackScholesPrice({ s: 100, k: 95, t: 20 / 365, r: R, call: true }, 0.3) * 100) / 100;

async function parquet(name: string, select: string): Promise<string> {
  const file = path.join(dir, `${name}.parquet`);
  await db.connection.run(`COPY (${select}) TO ${sqlString(file)} (FORMAT parquet)`);
  return file;
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'silver-options-'));
  db = await openDuckDb({ threads: 1, memoryLimit: '256MB' });
  const row = (t: string, u: string, exp: string, type: string, k: number, c: number) =>
    `('${t}', DATE '${DAY}', '${u}', DATE '${exp}', '${type}', ${k}, ${c}, ${c}, ${c}, ${c}, 10.0, 3::BIGINT)`;
  const options = await parquet('options', `SELECT * FROM (VALUES
    ${row('O:AAA240321C00095000', 'AAA', '2024-03-21', 'call', 95, CALL_PRICE)},
    ${row('O:AAA240321P00095000', 'AAA', '2024-03-21', 'put', 95, 0.01)},
    ${row('O:AAA240301C00090000', 'AAA', DAY, 'call', 90, 10)},
    ${row('O:ZZZ240321C00010000', 'ZZZ', '2024-03-21', 'call', 10, 1)}
  ) v(ticker, date, underlying, expiration, contract_type, strike, open, high, low, close, volume, transactions)`);
  const stocks = await parquet('stocks', "SELECT 'AAA' AS ticker, 100.0 AS close");
  counts = await buildOptionsEnriched(db.connection, { options, stocks }, DAY, R);
});

afterAll(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('options enrichment', () => {
  it('adds underlying close, moneyness, days to expiry, intrinsic value and the implied volatility of the close', async () => {
    const rows = (await db.connection.runAndReadAll(OPTIONS_ENRICHED_SELECT)).getRowObjectsJS() as Array<Record<string, unknown>>;
    const call = rows.find((r) => r.ticker === 'O:AAA240321C00095000')!;
    expect(call).toMatchObject({
      underlying_close: 100, moneyness: 100 / 95, log_moneyness: Math.log(100 / 95), days_to_expiry: 20, trading_days_to_expiry: 14,
      intrinsic_value: 5, in_the_money: true,
    });
    // The close is rounded to cents, so the volatility is that of the rounded price: near 0.3.
    expect(call.implied_volatility as number).toBeCloseTo(0.3, 3);
    expect(call.delta as number).toBeGreaterThan(0.5);
    const put = rows.find((r) => r.ticker === 'O:AAA240321P00095000')!;
    expect(put).toMatchObject({ intrinsic_value: 0, in_the_money: false });
    expect(put.delta as number).toBeLessThan(0);
  });

  it('keeps nulls for a contract whose underlying has no bar and for one without a solution, and counts both', async () => {
    const rows = (await db.connection.runAndReadAll(OPTIONS_ENRICHED_SELECT)).getRowObjectsJS() as Array<Record<string, unknown>>;
    expect(rows.find((r) => r.ticker === 'O:ZZZ240321C00010000')).toMatchObject({ underlying_close: null, moneyness: null, implied_volatility: null });
    expect(rows.find((r) => r.ticker === 'O:AAA240301C00090000')).toMatchObject({ days_to_expiry: 0, implied_volatility: null, delta: null });
    expect(counts).toEqual({ contracts: 4, noUnderlyingBar: 1, noImpliedVolatility: 1 });
  });
});
