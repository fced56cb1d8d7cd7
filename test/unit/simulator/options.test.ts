import { describe, expect, it } from 'vitest';
import { etMidnightUtc, isTradingDay } from '../../../core/calendar/index.ts';
import { parseOccTicker } from '../../../core/sources/simulator/market/index.ts';
import { etMinuteOfDay, testMarket } from './simulator-test-helpers.ts';

const DATES = ['2023-04-05', '2024-03-28', '2025-12-24', '2026-03-20'];
const weekday = (d: string): number => new Date(`${d}T12:00:00Z`).getUTCDay();
const plusDays = (d: string, n: number): string => new Date(Date.parse(`${d}T12:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

describe('option chains', () => {
  for (const date of DATES) {
    it(`${date}: OCC tickers parse, sort, and expire on Fridays (Thursdays before holiday Fridays) on or after the date`, () => {
      const market = testMarket();
      const contracts = market.optionContracts(date);
      expect(contracts.length).toBeGreaterThan(1000);
      expect([...contracts].sort()).toEqual(contracts);
      expect(new Set(contracts).size).toBe(contracts.length);
      const roots = new Set<string>();
      const expiries = new Set<string>();
      for (const ticker of contracts) {
        const p = parseOccTicker(ticker);
        expect(p, ticker).not.toBeNull();
        roots.add(p!.root);
        expiries.add(p!.expiry);
        expect(p!.strike).toBeGreaterThan(0);
        expect(ticker.slice(-8)).toBe(String(Math.round(p!.strike * 1000)).padStart(8, '0'));
      }
      expect(roots.size).toBe(market.options.optionUnderlyings);
      expect(roots).toContain('SPY');
      for (const expiry of expiries) {
        expect(expiry >= date, expiry).toBe(true);
        expect(expiry <= plusDays(date, 92), expiry).toBe(true);
        expect(isTradingDay(expiry), expiry).toBe(true);
        const wd = weekday(expiry);
        expect(wd === 5 || (wd === 4 && !isTradingDay(plusDays(expiry, 1))), expiry).toBe(true);
      }
      // Weeklies and the third-Friday monthlies out to about three months.
      expect(expiries.size).toBeGreaterThanOrEqual(12);
      const traded = market.dayBars('options', date);
      expect(traded.length).toBeGreaterThan(300);
      expect(traded.length).toBeLessThan(contracts.length);
      const listed = new Set(contracts);
      expect(traded.every((b) => listed.has(b.ticker))).toBe(true);
    });
  }

  it('lists the Thursday before Good Friday as the expiry of that week', () => {
    // 2024-03-29 was Good Friday; that week's options expired on Thursday 2024-03-28.
    const expiries = new Set(testMarket().optionContracts('2024-03-25').map((t) => parseOccTicker(t)!.expiry));
    expect(expiries).toContain('2024-03-28');
    expect(expiries).not.toContain('2024-03-29');
  });

  it('prices every option minute at or above its intrinsic value from the underlying at that minute', () => {
    const market = testMarket();
    const date = '2025-06-11';
    const midnight = etMidnightUtc(date).getTime();
    const spot = new Map<string, Float64Array>();
    for (const u of new Set(market.optionContracts(date).map((t) => parseOccTicker(t)!.root))) {
      const path = new Float64Array(24 * 60).fill(NaN);
      for (const b of market.tickerMinuteBars(u, date)) path[etMinuteOfDay(b.windowStartNs, midnight)] = b.close;
      for (let m = 1; m < path.length; m++) if (Number.isNaN(path[m]!)) path[m] = path[m - 1]!;
      spot.set(u, path);
    }
    let itm = 0;
    const bad: string[] = [];
    for (const b of market.minuteBars('options', date)) {
      const p = parseOccTicker(b.ticker)!;
      const s = spot.get(p.root)![etMinuteOfDay(b.windowStartNs, midnight)]!;
      const intrinsic = p.call ? s - p.strike : p.strike - s;
      if (intrinsic <= 0) continue;
      itm += 1;
      if (b.close < 0.95 * intrinsic - 0.02 || b.close > intrinsic + 0.5 * s) bad.push(`${b.ticker} ${b.windowStartNs} close ${b.close} spot ${s}`);
    }
    expect(itm).toBeGreaterThan(500);
    expect(bad).toEqual([]);
  });

  it('trades contracts near the money far more than those far from it', () => {
    const market = testMarket();
    const date = '2025-06-11';
    const close = new Map(market.dayBars('stocks', date).map((b) => [b.ticker, b.close]));
    let near = 0;
    let nearListed = 0;
    let far = 0;
    let farListed = 0;
    const traded = new Set(market.dayBars('options', date).map((b) => b.ticker));
    for (const t of market.optionContracts(date)) {
      const p = parseOccTicker(t)!;
      const distance = Math.abs(Math.log(p.strike / close.get(p.root)!));
      if (distance < 0.05) {
        nearListed += 1;
        if (traded.has(t)) near += 1;
      } else if (distance > 0.4) {
        farListed += 1;
        if (traded.has(t)) far += 1;
      }
    }
    expect(near / nearListed).toBeGreaterThan(0.5);
    expect(far / farListed).toBeLessThan(0.25);
  });
});
