import { describe, expect, it } from 'vitest';
import { etMidnightUtc, holidays, tradingDays } from '../../../core/calendar/index.ts';
import { renderFlatFile, renderFlatFileCsv } from '../../../core/sources/simulator/flat-files/index.ts';
import { etMinuteOfDay, parseCsv, testMarket } from './simulator-test-helpers.ts';

describe('trading calendar', () => {
  it('has no files and no bars on weekends and holidays', () => {
    const market = testMarket();
    const closed = ['2024-03-02', '2024-03-03', ...holidays('2023-01-03', '2026-03-31').map((h) => h.date)];
    expect(closed).toContain('2025-01-09');
    for (const date of closed) {
      expect(market.dayBars('stocks', date), date).toEqual([]);
      expect([...market.minuteBars('options', date)], date).toEqual([]);
      expect(renderFlatFile(market, 'stocks_daily', date), date).toBeNull();
      expect(market.optionContracts(date)).toEqual([]);
    }
    expect(market.tradingDays()).toEqual(tradingDays('2023-01-03', '2026-03-31'));
    expect(renderFlatFile(market, 'stocks_daily', '2022-12-30')).toBeNull();
    expect(renderFlatFile(market, 'stocks_daily', '2026-04-01')).toBeNull();
    expect(() => renderFlatFileCsv(market, 'stocks_daily', '2024-03-02')).toThrow(/no stocks_daily flat file for 2024-03-02: not a trading day/);
  });

  for (const date of ['2024-11-29', '2024-12-24']) {
    it(`${date} closes at 13:00: no regular session after 13:00 ET, nothing after 17:00 ET`, () => {
      const market = testMarket();
      const midnight = etMidnightUtc(date).getTime();
      const stockMinutes = [...market.minuteBars('stocks', date)].map((b) => etMinuteOfDay(b.windowStartNs, midnight));
      const optionMinutes = [...market.minuteBars('options', date)].map((b) => etMinuteOfDay(b.windowStartNs, midnight));
      expect(Math.max(...stockMinutes)).toBeLessThan(17 * 60);
      expect(Math.min(...stockMinutes)).toBeGreaterThanOrEqual(4 * 60);
      // Options trade only in the regular session, so they show where it ends.
      expect(Math.max(...optionMinutes)).toBeLessThan(13 * 60);
      expect(Math.min(...optionMinutes)).toBeGreaterThanOrEqual(9 * 60 + 30);
      // Stock activity drops from regular-session density to post-market sparseness at 13:00.
      const inHour = (h: number) => stockMinutes.filter((m) => m >= h * 60 && m < (h + 1) * 60).length;
      expect(inHour(13)).toBeLessThan(inHour(12) * 0.5);
    });
  }

  it('a normal day runs to 16:00 in the regular session and 20:00 after hours', () => {
    const market = testMarket();
    const date = '2024-11-27';
    const midnight = etMidnightUtc(date).getTime();
    const optionMinutes = [...market.minuteBars('options', date)].map((b) => etMinuteOfDay(b.windowStartNs, midnight));
    expect(Math.max(...optionMinutes)).toBe(15 * 60 + 59);
    const stockMinutes = [...market.minuteBars('stocks', date)].map((b) => etMinuteOfDay(b.windowStartNs, midnight));
    expect(Math.max(...stockMinutes)).toBeGreaterThanOrEqual(19 * 60);
  });
});

describe('volumes as printed', () => {
  it('are whole numbers before 2026 and carry exactly six decimals from 2026-01-01', () => {
    const market = testMarket();
    for (const [date, decimal] of [['2025-12-31', false], ['2026-01-02', true], ['2026-03-31', true]] as const) {
      for (const ds of ['stocks_daily', 'stocks_minute'] as const) {
        const { rows } = parseCsv(renderFlatFileCsv(market, ds, date).toString('latin1'));
        const pattern = decimal ? /^\d+\.\d{6}$/ : /^\d+$/;
        expect(rows.filter((r) => !pattern.test(r.volume)).map((r) => r.volume), `${ds} ${date}`).toEqual([]);
        // Some volumes really are fractional (not just ".000000").
        if (decimal) expect(rows.some((r) => !r.volume.endsWith('.000000'))).toBe(true);
        // Prices print like Polygon's 2026 files (six decimals) and plainly before.
        const pricePattern = decimal ? /^\d+\.\d{6}$/ : /^\d+(\.\d{1,4})?$/;
        expect(rows.filter((r) => ![r.open, r.close, r.high, r.low].every((p) => pricePattern.test(p))).length).toBe(0);
      }
    }
    // Option volumes are contracts: whole numbers, prices in cents.
    const { rows } = parseCsv(renderFlatFileCsv(market, 'options_minute', '2026-01-02').toString('latin1'));
    expect(rows.every((r) => /^\d+$/.test(r.volume) && /^\d+(\.\d{1,2})?$/.test(r.close))).toBe(true);
  });
});
