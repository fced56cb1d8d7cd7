import { describe, expect, it } from 'vitest';
import { isTradingDay, previousTradingDay } from '../../../core/calendar/index.ts';
import { TEST_MARKET, testMarket } from './simulator-test-helpers.ts';

describe('reference data agrees with prices and dates', () => {
  it('splits and dividends name tickers that trade on those dates', () => {
    const market = testMarket();
    const known = new Map(market.tickers().map((t) => [t.ticker, t]));
    for (const x of [...market.splits().map((s) => ({ ticker: s.ticker, date: s.executionDate })), ...market.dividends().map((d) => ({ ticker: d.ticker, date: d.exDividendDate }))]) {
      const t = known.get(x.ticker);
      expect(t, x.ticker).toBeDefined();
      expect(x.date >= TEST_MARKET.from && x.date <= TEST_MARKET.to).toBe(true);
      expect(isTradingDay(x.date)).toBe(true);
      if (t!.delistedDate) expect(x.date <= t!.delistedDate).toBe(true);
    }
    const split = market.splits()[0]!;
    expect(market.splitsOf(split.ticker)).toContainEqual(split);
    const dividend = market.dividends()[0]!;
    expect(market.dividendsOf(dividend.ticker)).toContainEqual(dividend);
  });

  it('financial statements add up and track the company', () => {
    const market = testMarket();
    const all = market.financials();
    expect(all.some((f) => f.timeframe === 'annual')).toBe(true);
    for (const f of all) {
      const inc = f.statements.income_statement;
      const bs = f.statements.balance_sheet;
      const cf = f.statements.cash_flow_statement;
      expect(inc.gross_profit).toBe(inc.revenues! - inc.cost_of_revenue!);
      expect(inc.operating_income_loss).toBe(inc.gross_profit! - inc.operating_expenses!);
      expect(bs.liabilities_and_equity).toBe(bs.liabilities! + bs.equity!);
      expect(bs.assets).toBe(bs.current_assets! + bs.noncurrent_assets!);
      expect(cf.net_cash_flow).toBe(cf.net_cash_flow_from_operating_activities! + cf.net_cash_flow_from_investing_activities! + cf.net_cash_flow_from_financing_activities!);
      expect(f.endDate < f.filingDate).toBe(true);
      expect(f.startDate < f.endDate).toBe(true);
    }
    const one = all[all.length - 1]!;
    expect(market.financialsOf(one.ticker)).toContainEqual(one);
    // Annual revenue is the sum of the year's quarters.
    const fy = all.find((f) => f.fiscalPeriod === 'FY')!;
    const quarters = all.filter((f) => f.cik === fy.cik && f.fiscalYear === fy.fiscalYear && f.timeframe === 'quarterly');
    if (quarters.length === 4) expect(fy.statements.income_statement.revenues).toBe(quarters.reduce((a, q) => a + q.statements.income_statement.revenues!, 0));
  });

  it('news sentiment follows the subject\'s move that day', () => {
    const market = testMarket();
    const news = market.news();
    expect(news.length).toBeGreaterThan(300);
    let checked = 0;
    for (const a of news.filter((n) => n.sentiment !== 'neutral').slice(0, 40)) {
      const date = a.articleUrl.match(/\/(\d{4})\/(\d{2})\/(\d{2})\//)!.slice(1).join('-');
      const bars = market.tickerDayBars(a.tickers[0]!, previousTradingDay(date), date);
      if (bars.length !== 2) continue;
      const moved = bars[1]!.close / bars[0]!.close - 1;
      // Ignore days whose raw move is a split or dividend, which the headline does not describe.
      if (market.splitsOf(a.tickers[0]!).some((s) => s.executionDate === date) || market.dividendsOf(a.tickers[0]!).some((d) => d.exDividendDate === date)) continue;
      checked += 1;
      expect(Math.sign(moved), `${a.title} (${moved})`).toBe(a.sentiment === 'positive' ? 1 : -1);
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('short interest is bi-monthly and short volume stays inside the day\'s volume', () => {
    const market = testMarket();
    const settlements = [...new Set(market.shortInterest().map((s) => s.settlementDate))];
    expect(settlements.length).toBe(2 * 39);
    for (const d of settlements) expect(isTradingDay(d)).toBe(true);
    const one = market.shortInterestOn(settlements[5]!);
    expect(one.length).toBeGreaterThan(150);
    expect(market.shortInterestOf(one[0]!.ticker)).toContainEqual(one[0]);
    expect(market.shortInterestOn('2024-03-05')).toEqual([]);
    const date = '2024-09-10';
    const volume = new Map(market.dayBars('stocks', date).map((b) => [b.ticker, b.volume]));
    const sv = market.shortVolume(date);
    expect(sv.length).toBe(volume.size);
    for (const s of sv) {
      expect(s.totalVolume).toBeLessThanOrEqual(volume.get(s.ticker)!);
      expect(s.shortVolume).toBeLessThanOrEqual(s.totalVolume);
      expect(s.exemptVolume + s.nonExemptVolume).toBe(s.shortVolume);
    }
  });
});
