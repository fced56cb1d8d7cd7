import { describe, expect, it } from 'vitest';
import { etMidnightUtc, publicationInstant } from '../../../core/calendar/index.ts';
import { renderFlatFileCsv } from '../../../core/sources/simulator/flat-files/index.ts';
import { decimalUnits, etMinuteOfDay, parseCsv, testMarket, type CsvRow } from './simulator-test-helpers.ts';

const DATES = ['2023-01-03', '2024-11-29', '2025-07-03', '2026-02-27'];

/** The day rows a file of minute rows aggregates to, computed from the printed text exactly. */
function aggregate(rows: CsvRow[], places: number, volumePlaces: number): Map<string, { open: string; close: string; high: bigint; low: bigint; volume: bigint; transactions: number }> {
  const out = new Map<string, { open: string; close: string; high: bigint; low: bigint; volume: bigint; transactions: number }>();
  for (const r of rows) {
    const high = decimalUnits(r.high, places);
    const low = decimalUnits(r.low, places);
    const a = out.get(r.ticker);
    if (!a) {
      out.set(r.ticker, { open: r.open, close: r.close, high, low, volume: decimalUnits(r.volume, volumePlaces), transactions: Number(r.transactions) });
      continue;
    }
    a.close = r.close;
    if (high > a.high) a.high = high;
    if (low < a.low) a.low = low;
    a.volume += decimalUnits(r.volume, volumePlaces);
    a.transactions += Number(r.transactions);
  }
  return out;
}

describe('day bars are the exact aggregate of minute bars', () => {
  for (const assetClass of ['stocks', 'options'] as const) {
    for (const date of DATES) {
      it(`${assetClass} ${date}: every ticker's day row equals its minute rows as printed`, () => {
        const market = testMarket();
        const places = assetClass === 'stocks' ? 6 : 2;
        const day = parseCsv(renderFlatFileCsv(market, `${assetClass}_daily`, date).toString('latin1'));
        const minute = parseCsv(renderFlatFileCsv(market, `${assetClass}_minute`, date).toString('latin1'));
        const agg = aggregate(minute.rows, places, 6);
        expect(day.rows.length).toBeGreaterThan(assetClass === 'stocks' ? 150 : 100);
        expect(day.rows.map((r) => r.ticker)).toEqual([...agg.keys()]);
        const midnightNs = `${etMidnightUtc(date).getTime()}000000`;
        for (const r of day.rows) {
          const a = agg.get(r.ticker)!;
          expect(r.open, r.ticker).toBe(a.open);
          expect(r.close, r.ticker).toBe(a.close);
          expect(decimalUnits(r.high, places), r.ticker).toBe(a.high);
          expect(decimalUnits(r.low, places), r.ticker).toBe(a.low);
          expect(decimalUnits(r.volume, 6), r.ticker).toBe(a.volume);
          expect(Number(r.transactions), r.ticker).toBe(a.transactions);
          expect(r.windowStart).toBe(midnightNs);
        }
      });
    }
  }

  it('the public Bar API agrees with the files', () => {
    const market = testMarket();
    const date = '2024-11-29';
    const bars = market.dayBars('stocks', date);
    const rows = parseCsv(renderFlatFileCsv(market, 'stocks_daily', date).toString('latin1')).rows;
    expect(bars.map((b) => b.ticker)).toEqual(rows.map((r) => r.ticker));
    expect(bars.map((b) => `${b.volume},${b.open},${b.close},${b.high},${b.low},${b.windowStartNs},${b.transactions}`)).toEqual(
      rows.map((r) => `${r.volume},${r.open},${r.close},${r.high},${r.low},${r.windowStart},${r.transactions}`),
    );
    const minutes = [...market.minuteBars('options', date)];
    const minuteRows = parseCsv(renderFlatFileCsv(market, 'options_minute', date).toString('latin1')).rows;
    expect(minutes.length).toBe(minuteRows.length);
    expect(minutes.slice(0, 500).map((b) => `${b.ticker},${b.windowStartNs},${b.close}`)).toEqual(minuteRows.slice(0, 500).map((r) => `${r.ticker},${r.windowStart},${r.close}`));
  });

  it('per-ticker accessors return the same bars as the whole-market files', () => {
    const market = testMarket();
    const date = '2025-07-03';
    const day = market.dayBars('stocks', date);
    for (const bar of day.filter((_, i) => i % 17 === 0)) {
      expect(market.tickerDayBars(bar.ticker, date, date)).toEqual([bar]);
      const minutes = market.tickerMinuteBars(bar.ticker, date);
      expect(minutes.reduce((a, m) => a + m.transactions, 0)).toBe(bar.transactions);
    }
    const option = market.dayBars('options', date)[7]!;
    expect(market.tickerDayBars(option.ticker, '2025-01-01', '2025-12-31').find((b) => b.windowStartNs === option.windowStartNs)).toEqual(option);
  });
});

describe('every bar is a possible bar', () => {
  it('high >= max(open, close), low <= min(open, close), everything positive', () => {
    const market = testMarket();
    const bad: string[] = [];
    let checked = 0;
    for (const assetClass of ['stocks', 'options'] as const) {
      for (const b of market.minuteBars(assetClass, '2024-06-03')) {
        checked += 1;
        const ok = b.high >= Math.max(b.open, b.close) && b.low <= Math.min(b.open, b.close) && b.low > 0 && b.volume > 0 && b.transactions >= 1;
        if (!ok) bad.push(`${b.ticker} ${b.windowStartNs} o${b.open} h${b.high} l${b.low} c${b.close} v${b.volume} n${b.transactions}`);
      }
    }
    expect(checked).toBeGreaterThan(20_000);
    expect(bad).toEqual([]);
  });

  it('stocks trade in extended hours sparsely and densely in the regular session', () => {
    const market = testMarket();
    const date = '2024-06-03';
    const midnight = etMidnightUtc(date).getTime();
    let regular = 0;
    let extended = 0;
    for (const b of market.minuteBars('stocks', date)) {
      const m = etMinuteOfDay(b.windowStartNs, midnight);
      expect(m).toBeGreaterThanOrEqual(4 * 60);
      expect(m).toBeLessThan(20 * 60);
      if (m >= 570 && m < 960) regular += 1;
      else extended += 1;
    }
    // 390 regular minutes against 570 extended ones, yet most bars are regular.
    expect(regular).toBeGreaterThan(2 * extended);
    expect(extended).toBeGreaterThan(0);
    expect(publicationInstant(date).toISOString()).toBe('2024-06-04T15:00:00.000Z');
  });
});
