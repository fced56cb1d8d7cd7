import { describe, expect, it } from 'vitest';
import { addDays, isTradingDay, previousTradingDay } from '../../../core/calendar/index.ts';
import type { Bar } from '../../../core/sources/simulator/simulator-types.ts';
import { TEST_MARKET, testMarket } from './simulator-test-helpers.ts';

const dateOf = (b: Bar): string => new Date(Number(b.windowStartNs / 1_000_000n) + 12 * 3_600_000).toISOString().slice(0, 10);

/** Day bars of a ticker over the range, or part of it. */
function history(ticker: string, from: string = TEST_MARKET.from, to: string = TEST_MARKET.to): Bar[] {
  return testMarket().tickerDayBars(ticker, from, to);
}

describe('listings, delistings and ticker changes', () => {
  it('IPOs trade first on their listing date, at about the issue price', () => {
    const market = testMarket();
    const listed = market.ipos().filter((i) => i.ipoStatus === 'history');
    expect(listed.length).toBeGreaterThanOrEqual(5);
    const tickers = new Map(market.tickers().map((t) => [t.ticker, t]));
    for (const ipo of listed) {
      const bars = history(ipo.ticker, TEST_MARKET.from, addDays(ipo.listingDate, 7));
      expect(dateOf(bars[0]!), ipo.ticker).toBe(ipo.listingDate);
      expect(tickers.get(ipo.ticker)!.listDate).toBe(ipo.listingDate);
      expect(bars[0]!.open / ipo.finalIssuePrice).toBeGreaterThan(0.4);
      expect(bars[0]!.open / ipo.finalIssuePrice).toBeLessThan(2.5);
      expect(ipo.lowestOfferPrice).toBeLessThanOrEqual(ipo.finalIssuePrice);
      expect(ipo.isin).toMatch(/^US[0-9A-Z]{9}\d$/);
    }
  });

  it('delisted securities trade last on their delisting date', () => {
    const delisted = testMarket().tickers().filter((t) => t.delistedDate !== null && t.renamedTo === null);
    expect(delisted.length).toBeGreaterThanOrEqual(5);
    for (const t of delisted) {
      const bars = history(t.ticker, addDays(t.delistedDate!, -7));
      expect(dateOf(bars[bars.length - 1]!), t.ticker).toBe(t.delistedDate);
    }
  });

  it('a renamed security trades under its old ticker until the day before the change, then under the new one', () => {
    const market = testMarket();
    const changes = market.tickerChanges();
    expect(changes.length).toBeGreaterThanOrEqual(2);
    for (const c of changes) {
      const [before, after] = c.events as [{ date: string; ticker: string }, { date: string; ticker: string }];
      const oldBars = history(before.ticker);
      const newBars = history(after.ticker);
      expect(dateOf(oldBars[oldBars.length - 1]!)).toBe(previousTradingDay(after.date));
      expect(dateOf(newBars[0]!)).toBe(after.date);
      expect(after.ticker).toBe(c.currentTicker);
      // History stays under the old symbol: no bar of the new symbol before the change.
      expect(newBars.every((b) => dateOf(b) >= after.date)).toBe(true);
      const oldRecord = market.tickers().find((t) => t.ticker === before.ticker)!;
      expect(oldRecord.renamedTo).toEqual({ ticker: after.ticker, date: after.date });
      expect(market.tickers().find((t) => t.ticker === after.ticker)!.renamedFrom).toBe(before.ticker);
      expect(oldRecord.compositeFigi).toBe(c.compositeFigi);
    }
  });

  it('has a realistic mix of security types, exchanges and unique tickers', () => {
    const tickers = testMarket().tickers();
    const names = tickers.map((t) => t.ticker);
    expect(new Set(names).size).toBe(names.length);
    const types = new Set(tickers.map((t) => t.type));
    for (const type of ['CS', 'ETF', 'ADRC', 'PFD', 'WARRANT', 'UNIT']) expect(types).toContain(type);
    for (const t of tickers) {
      if (t.type === 'CS' || t.type === 'ETF' || t.type === 'ADRC') expect(t.ticker).toMatch(/^[A-Z]{1,5}$/);
      if (t.type === 'PFD') expect(t.ticker).toMatch(/^[A-Z]{1,5}p[A-H]$/);
      if (t.type === 'WARRANT') expect(t.ticker).toMatch(/^[A-Z]{1,5}\.WS$/);
      if (t.type === 'UNIT') expect(t.ticker).toMatch(/^[A-Z]{1,5}\.U$/);
      expect(t.compositeFigi).toMatch(/^BBG[0-9B-DF-HJ-NP-TV-Z]{8}\d$/);
      expect(t.cik).toMatch(/^\d{10}$/);
    }
    // About `tickers` names trade on any day.
    expect(testMarket().dayBars('stocks', '2025-06-02').length).toBeGreaterThan(170);
  });
});

describe('corporate actions move raw prices', () => {
  /** The last close before and the open on a date, from bars of consecutive trading days. */
  function closeAndOpen(ticker: string, date: string): { prevClose: number; open: number } | null {
    const prev = previousTradingDay(date);
    const bars = testMarket().tickerDayBars(ticker, prev, date);
    if (bars.length !== 2) return null;
    return { prevClose: bars[0]!.close, open: bars[1]!.open };
  }

  it('a split scales the price by splitFrom/splitTo on its execution date', () => {
    const splits = testMarket().splits();
    expect(splits.some((s) => s.splitTo > s.splitFrom)).toBe(true);
    expect(splits.some((s) => s.splitTo < s.splitFrom)).toBe(true);
    let checked = 0;
    for (const s of splits) {
      expect(isTradingDay(s.executionDate)).toBe(true);
      const p = closeAndOpen(s.ticker, s.executionDate);
      if (!p) continue;
      checked += 1;
      const jump = p.open / p.prevClose;
      const expected = s.splitFrom / s.splitTo;
      expect(jump / expected, `${s.ticker} ${s.executionDate} ${s.splitFrom}:${s.splitTo}`).toBeGreaterThan(0.92);
      expect(jump / expected, `${s.ticker} ${s.executionDate}`).toBeLessThan(1.08);
    }
    expect(checked).toBeGreaterThanOrEqual(4);
  });

  it('a special dividend drops the price by its amount on the ex-date', () => {
    const specials = testMarket().dividends().filter((d) => d.dividendType === 'SC');
    expect(specials.length).toBeGreaterThanOrEqual(1);
    for (const d of specials) {
      expect(d.frequency).toBe(0);
      const p = closeAndOpen(d.ticker, d.exDividendDate)!;
      expect(Math.abs(p.prevClose - p.open - d.cashAmount), `${d.ticker} ${d.exDividendDate}`).toBeLessThan(0.03 * p.prevClose);
    }
  });

  it('regular dividends drop the price by their amount on average, and their dates are in order', () => {
    const regular = testMarket().dividends().filter((d) => d.dividendType === 'CD');
    expect(new Set(regular.map((d) => d.frequency))).toEqual(new Set([1, 2, 4, 12]));
    let sum = 0;
    let n = 0;
    for (const d of regular) {
      expect(d.declarationDate < d.exDividendDate).toBe(true);
      expect(d.recordDate >= d.exDividendDate && d.payDate > d.recordDate).toBe(true);
      if (d.exDividendDate >= '2024-05-28') expect(d.recordDate).toBe(d.exDividendDate);
      const p = closeAndOpen(d.ticker, d.exDividendDate);
      if (!p) continue;
      sum += (p.prevClose - p.open) / d.cashAmount;
      n += 1;
    }
    // Each drop is the amount plus overnight noise; the noise averages out.
    expect(n).toBeGreaterThan(200);
    expect(sum / n).toBeGreaterThan(0.7);
    expect(sum / n).toBeLessThan(1.3);
  });

  it('quarterly dividends come about three months apart', () => {
    const byTicker = new Map<string, string[]>();
    for (const d of testMarket().dividends()) {
      if (d.frequency !== 4) continue;
      byTicker.set(d.ticker, [...(byTicker.get(d.ticker) ?? []), d.exDividendDate]);
    }
    for (const [ticker, dates] of byTicker) {
      for (let i = 1; i < dates.length; i++) {
        const gap = (Date.parse(dates[i]!) - Date.parse(dates[i - 1]!)) / 86_400_000;
        expect(gap, `${ticker} ${dates[i - 1]} -> ${dates[i]}`).toBeGreaterThan(80);
        expect(gap, ticker).toBeLessThan(100);
      }
    }
  });
});
