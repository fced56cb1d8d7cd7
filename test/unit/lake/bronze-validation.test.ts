import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flatFileDataset, parseOptionTicker, type FlatFileDataset } from '../../../core/datasets/index.ts';
import { openDuckDb, sqlString, type DuckDbHandle } from '../../../core/duckdb/duckdb-instance.ts';
import { bronzeProjectionSql, disorderSql, goodRowSql, rejectReasonSql, REJECT_REASONS, timestampTzSql, tradingDayBoundsNs } from '../../../core/layers/bronze/bronze-sql.ts';

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
  const reader = await db.connection.runAndReadAll(`SELECT ${rejectReasonSql(ds, DATE)}, ${goodRowSql(ds, DATE)} FROM (SELECT ${cols})`);
  const [reason, good] = reader.getRowsJS()[0]! as [string | null, boolean];
  // The single pass's good-row test must agree with the reject reason on every row.
  expect(good).toBe(reason === null);
  return reason;
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

  it('the good-row test agrees with the reasons on NaN, infinities and NULL in every column', async () => {
    for (const col of ['volume', 'open', 'close', 'high', 'low'] as const) {
      for (const v of [NaN, Infinity, -Infinity, null]) {
        expect(await reasonOf(stocks, { ...good, [col]: v }), `${col}=${String(v)}`).not.toBeNull();
      }
    }
    for (const col of ['ticker', 'window_start', 'transactions'] as const) expect(await reasonOf(stocks, { ...good, [col]: null })).not.toBeNull();
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
  it('converts epoch nanoseconds to TIMESTAMPTZ exactly as make_timestamp_ns does, whole seconds or not', async () => {
    const values = [startNs, TEN_AM, endNs - 1n, TEN_AM + 1n, TEN_AM + 999n, TEN_AM + 1_000n, TEN_AM + 123_456_789n, TEN_AM + 999_999_999n, 0n, 1_000_000_000n, 16799904000000000n];
    const list = values.map((v) => `${v}::BIGINT`).join(', ');
    const reader = await db.connection.runAndReadAll(
      `SELECT ws, typeof(${timestampTzSql('ws')}), ${timestampTzSql('ws')} = make_timestamp_ns(ws)::TIMESTAMPTZ, epoch_us(${timestampTzSql('ws')}) FROM unnest([${list}]) t(ws)`,
    );
    for (const [ws, type, same, us] of reader.getRowsJS() as Array<[bigint, string, boolean, bigint]>) {
      expect(type).toBe('TIMESTAMP WITH TIME ZONE');
      expect(same, String(ws)).toBe(true);
      expect(us).toBe(ws / 1000n);
    }
  });

  it('counts rows that are not strictly after the previous one (disorder and duplicate keys)', async () => {
    const count = async (rows: Array<[string, number]>) => {
      const values = rows.map(([t, w]) => `(${sqlString(t)}, ${w})`).join(', ');
      const reader = await db.connection.runAndReadAll(disorderSql(`(SELECT * FROM (VALUES ${values}) v(ticker, window_start))`));
      return Number(reader.getRows()[0]![0]);
    };
    expect(await count([['A', 1], ['A', 2], ['B', 1], ['C', 0]])).toBe(0);
    expect(await count([['A', 1], ['A', 1], ['B', 1]])).toBe(1);
    expect(await count([['A', 2], ['A', 1], ['B', 1], ['AA', 5]])).toBe(2);
  });

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
