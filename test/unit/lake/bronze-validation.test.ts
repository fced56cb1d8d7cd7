import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flatFileDataset, parseOptionTicker, type FlatFileDataset } from '../../../core/datasets/index.ts';
import { openDuckDb, sqlString, type DuckDbHandle } from '../../../core/duckdb/duckdb-instance.ts';
import { bronzeProjectionSql, rejectReasonSql, REJECT_REASONS, tradingDayBoundsNs } from '../../../core/layers/bronze/bronze-sql.ts';

// Each rule is exercised on a crafted row against real DuckDB with the exact SQL the ingestor runs.
const DATE = '2024-03-05';
const { startNs, endNs } = tradingDayBoundsNs(DATE);
const TEN_AM = startNs + 10n * 3_600_000_000_000n;

type Row = { ticker: string | null; volume: number | null; open: number | null; close: number | null; high: number | null; low: number | null; window_start: bigint | null; transactions: number | null };
const good: Row = { ticker: 'AAPL', volume: 100, open: 10, close: 11, high: 12, low: 9, window_start: TEN_AM, transactions: 5 };

let db: DuckDbHandle;
beforeAll(async () => {
  db = await openDuckDb({ threads: 1, memoryLimit: '256MB' });
});
afterAll(() => db.close());

function lit(v: unknown, type: string): string {
  if (v === null) return `CAST(NULL AS ${type})`;
  if (typeof v === 'number' && !Number.isFinite(v)) return `CAST('${String(v)}' AS ${type})`;
  if (typeof v === 'string') return `CAST(${sqlString(v)} AS ${type})`;
  return `CAST(${String(v)} AS ${type})`;
}

async function reasonOf(ds: FlatFileDataset, row: Row): Promise<string | null> {
  const cols = ds.columns.map((c) => `${lit(row[c.name as keyof Row], c.duckdbType)} AS ${c.name}`).join(', ');
  const reader = await db.connection.runAndReadAll(`SELECT ${rejectReasonSql(ds, DATE)} FROM (SELECT ${cols})`);
  return reader.getRowsJS()[0]![0] as string | null;
}

describe('bronze validation rules (first failing rule wins)', () => {
  const stocks = flatFileDataset('stocks_minute');
  const cases: Array<[string, Partial<Row>, string | null]> = [
    ['a good bar', {}, null],
    ['a missing ticker', { ticker: null }, `${REJECT_REASONS.missing}: ticker`],
    ['an empty ticker', { ticker: '' }, `${REJECT_REASONS.missing}: ticker`],
    ['a missing close', { close: null }, `${REJECT_REASONS.missing}: close`],
    ['a missing window_start', { window_start: null }, `${REJECT_REASONS.missing}: window_start`],
    ['an infinite volume', { volume: Infinity }, REJECT_REASONS.nonFinite],
    ['a NaN high', { high: NaN }, REJECT_REASONS.nonFinite],
    ['a zero open', { open: 0 }, REJECT_REASONS.price],
    ['a negative low', { low: -1 }, REJECT_REASONS.price],
    ['a negative volume', { volume: -5 }, REJECT_REASONS.volume],
    ['negative transactions', { transactions: -1 }, REJECT_REASONS.transactions],
    ['high below the close', { high: 10.5 }, REJECT_REASONS.high],
    ['high below low', { high: 8, low: 9, open: 8, close: 8 }, REJECT_REASONS.low],
    ['low above the open', { low: 10.5 }, REJECT_REASONS.low],
    ['a bar one nanosecond before New York midnight', { window_start: startNs - 1n }, REJECT_REASONS.outsideDay],
    ['a bar at the next New York midnight', { window_start: endNs }, REJECT_REASONS.outsideDay],
    ['the first instant of the day', { window_start: startNs }, null],
    ['a 17-digit doc-sample timestamp', { window_start: 16799904000000000n }, REJECT_REASONS.outsideDay],
    ['zero volume (allowed)', { volume: 0 }, null],
    ['a fractional 2026 volume', { volume: 2036584.149027 }, null],
    ['a doji bar', { open: 10, close: 10, high: 10, low: 10 }, null],
  ];
  for (const [name, patch, expected] of cases) {
    it(`${name} -> ${expected ?? 'accepted'}`, async () => {
      expect(await reasonOf(stocks, { ...good, ...patch })).toBe(expected);
    });
  }

  it('the trading day is the New York day, 23 hours long when clocks spring forward', () => {
    const spring = tradingDayBoundsNs('2024-03-11');
    expect(Number(spring.endNs - spring.startNs) / 3.6e12).toBe(24);
    const dstDay = tradingDayBoundsNs('2024-03-10');
    expect(Number(dstDay.endNs - dstDay.startNs) / 3.6e12).toBe(23);
    expect(new Date(Number(startNs / 1_000_000n)).toISOString()).toBe('2024-03-05T05:00:00.000Z');
  });

  it('options tickers must be OCC tickers with a real expiration', async () => {
    const options = flatFileDataset('options_daily');
    const opt = { ...good, ticker: 'O:SPY240315C00500000' };
    expect(await reasonOf(options, opt)).toBeNull();
    expect(await reasonOf(options, { ...opt, ticker: 'SPY' })).toBe(REJECT_REASONS.optionTicker);
    expect(await reasonOf(options, { ...opt, ticker: 'O:SPY241315C00500000' })).toBe(REJECT_REASONS.optionTicker);
    expect(await reasonOf(options, { ...opt, ticker: 'O:SPY240315X00500000' })).toBe(REJECT_REASONS.optionTicker);
    // Stocks do not apply the option rule.
    expect(await reasonOf(stocks, { ...good, ticker: 'BRK.B' })).toBeNull();
  });
});

describe('bronze projection', () => {
  it('parses option contracts in SQL exactly like the TypeScript parser', async () => {
    const ds = flatFileDataset('options_minute');
    const tickers = ['O:SPY230327P00390000', 'O:NANOS230327C00400000', 'O:AAPL1251219C00152500', 'O:BRKB260116P01234567'];
    for (const ticker of tickers) {
      const src = ds.columns.map((c) => `${lit(c.name === 'ticker' ? ticker : c.name === 'window_start' ? TEN_AM : 1, c.duckdbType)} AS ${c.name}`).join(', ');
      const reader = await db.connection.runAndReadAll(
        `SELECT underlying, strftime(expiration, '%Y-%m-%d'), contract_type, strike, strftime(window_start, '%Y-%m-%dT%H:%M:%SZ'), strftime(date, '%Y-%m-%d')
           FROM (SELECT ${bronzeProjectionSql(ds, DATE)} FROM (SELECT ${src}))`,
      );
      const [underlying, expiration, type, strike, ws, date] = reader.getRowsJS()[0]!;
      const parts = parseOptionTicker(ticker)!;
      expect({ underlying, expiration, type, strike }).toEqual({ underlying: parts.underlying, expiration: parts.expiration, type: parts.contractType, strike: parts.strike });
      expect(ws).toBe('2024-03-05T15:00:00Z');
      expect(date).toBe(DATE);
    }
  });
});
