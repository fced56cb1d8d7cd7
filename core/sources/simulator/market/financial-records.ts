import { civilOf, daysInMonth, dayNumberOf, formatDayNumber } from '../../../calendar/iso-date.ts';
import { nextTradingDayNumber } from '../../../calendar/trading-days.ts';
import type { SimFinancials } from '../simulator-types.ts';
import { createRng, mix } from './hash-rng.ts';
import { cikFor } from './identifiers.ts';
import type { MarketEngine } from './market-engine.ts';
import { STREAM } from './streams.ts';
import { sharesAt } from './ticker-records.ts';
import { symbolAt, type Entity } from './universe.ts';

type Statements = SimFinancials['statements'];

/** One quarter's figures before they are shaped into statements. */
interface Quarter {
  revenue: number;
  costOfRevenue: number;
  operatingExpenses: number;
  pretax: number;
  tax: number;
  netIncome: number;
  shares: number;
  assets: number;
  liabilities: number;
  operatingCash: number;
  investingCash: number;
  financingCash: number;
}

function statementsOf(q: Quarter): Statements {
  const gross = q.revenue - q.costOfRevenue;
  const eps = Math.round((q.netIncome / q.shares) * 100) / 100;
  return {
    income_statement: {
      revenues: q.revenue,
      cost_of_revenue: q.costOfRevenue,
      gross_profit: gross,
      operating_expenses: q.operatingExpenses,
      operating_income_loss: gross - q.operatingExpenses,
      income_loss_from_continuing_operations_before_tax: q.pretax,
      income_tax_expense_benefit: q.tax,
      net_income_loss: q.netIncome,
      basic_earnings_per_share: eps,
      diluted_earnings_per_share: eps > 0 ? Math.round(eps * 98) / 100 : eps,
      basic_average_shares: q.shares,
      diluted_average_shares: Math.round(q.shares * 1.01),
    },
    balance_sheet: {
      assets: q.assets,
      current_assets: Math.round(q.assets * 0.35),
      noncurrent_assets: q.assets - Math.round(q.assets * 0.35),
      liabilities: q.liabilities,
      current_liabilities: Math.round(q.liabilities * 0.4),
      noncurrent_liabilities: q.liabilities - Math.round(q.liabilities * 0.4),
      equity: q.assets - q.liabilities,
      liabilities_and_equity: q.assets,
    },
    cash_flow_statement: {
      net_cash_flow_from_operating_activities: q.operatingCash,
      net_cash_flow_from_investing_activities: q.investingCash,
      net_cash_flow_from_financing_activities: q.financingCash,
      net_cash_flow: q.operatingCash + q.investingCash + q.financingCash,
    },
  };
}

/** The four quarters summed into a fiscal year (balance sheet as of year end). */
function yearOf(qs: Quarter[]): Quarter {
  const sum = (f: (q: Quarter) => number): number => qs.reduce((a, q) => a + f(q), 0);
  const last = qs[qs.length - 1] as Quarter;
  return {
    revenue: sum((q) => q.revenue),
    costOfRevenue: sum((q) => q.costOfRevenue),
    operatingExpenses: sum((q) => q.operatingExpenses),
    pretax: sum((q) => q.pretax),
    tax: sum((q) => q.tax),
    netIncome: sum((q) => q.netIncome),
    shares: Math.round(sum((q) => q.shares) / qs.length),
    assets: last.assets,
    liabilities: last.liabilities,
    operatingCash: sum((q) => q.operatingCash),
    investingCash: sum((q) => q.investingCash),
    financingCash: sum((q) => q.financingCash),
  };
}

/**
 * Quarterly and annual financials of one company (common stock or ADR), for fiscal periods
 * (calendar quarters) filed inside the range while it was listed. Revenue follows market value,
 * so a company whose shares rallied reports growing sales; statements add up.
 */
export function financialsOf(engine: MarketEngine, e: Entity): SimFinancials[] {
  if (e.type !== 'CS' && e.type !== 'ADRC') return [];
  const { index } = engine;
  const prices = engine.prices();
  const profile = createRng(mix(mix(engine.seedBase, STREAM.financials), e.id));
  const priceToSales = 2.5 * Math.exp(0.6 * profile.normal());
  const grossMargin = 0.25 + 0.5 * profile.next();
  const operatingMargin = -0.15 + 0.45 * profile.next();
  const turnover = 1 + 2 * profile.next();
  const leverage = 0.3 + 0.4 * profile.next();
  const firstDay = index.days[e.firstIndex] as number;
  const lastDay = index.days[e.lastIndex] as number;
  const cik = cikFor(1_100_000 + (e.id % 400_000) * 2 + (engine.seedBase % 2));
  const out: SimFinancials[] = [];
  const startYear = civilOf(Math.max(firstDay, e.listDay)).y - 1;
  for (let y = startYear; y <= civilOf(lastDay).y; y++) {
    const quarters: Quarter[] = [];
    for (let q = 1; q <= 4; q++) {
      const endDay = dayNumberOf(y, q * 3, daysInMonth(y, q * 3));
      const rng = createRng(mix(mix(mix(engine.seedBase, STREAM.financials), e.id), y * 4 + q));
      const k = Math.max(e.firstIndex - 1, index.floorIndex(endDay));
      const shares = sharesAt(engine, e, k);
      const revenue = Math.round(((prices.rawClose(e, k) * shares) / priceToSales / 4) * Math.exp(0.08 * rng.normal()));
      const costOfRevenue = Math.round(revenue * (1 - grossMargin * (1 + 0.05 * rng.normal())));
      const operatingIncome = Math.round(revenue * operatingMargin * (1 + 0.3 * rng.normal()));
      const operatingExpenses = revenue - costOfRevenue - operatingIncome;
      const pretax = Math.round(operatingIncome * 0.97);
      const tax = Math.max(0, Math.round(pretax * 0.21));
      const netIncome = pretax - tax;
      const assets = Math.round(revenue * 4 * turnover);
      quarters.push({
        revenue,
        costOfRevenue,
        operatingExpenses,
        pretax,
        tax,
        netIncome,
        shares,
        assets,
        liabilities: Math.round(assets * leverage),
        operatingCash: Math.round(netIncome + revenue * 0.05),
        investingCash: -Math.round(revenue * 0.06 * (0.5 + rng.next())),
        financingCash: Math.round(revenue * 0.02 * rng.normal()),
      });
      const yearEnd = q === 4;
      const filing = nextTradingDayNumber(endDay + (yearEnd ? 50 : 30) + rng.int(yearEnd ? 20 : 15) - 1);
      const fk = index.floorIndex(filing);
      // Filed while listed and inside the range, and about a period the company was public for.
      if (filing < firstDay || filing > lastDay || endDay < e.listDay) continue;
      const renamed = e.renameIndex >= 0 && fk >= e.renameIndex;
      const base = {
        ticker: symbolAt(e, fk),
        cik,
        companyName: (renamed ? e.newName : e.name) ?? e.name,
        fiscalYear: y,
        endDate: formatDayNumber(endDay),
        filingDate: formatDayNumber(filing),
      };
      out.push({
        ...base,
        fiscalPeriod: `Q${q}` as SimFinancials['fiscalPeriod'],
        timeframe: 'quarterly',
        startDate: formatDayNumber(dayNumberOf(y, q * 3 - 2, 1)),
        statements: statementsOf(quarters[q - 1] as Quarter),
      });
      if (yearEnd) {
        out.push({ ...base, fiscalPeriod: 'FY', timeframe: 'annual', startDate: formatDayNumber(dayNumberOf(y, 1, 1)), statements: statementsOf(yearOf(quarters)) });
      }
    }
  }
  return out;
}

/** Financials of every company in the range, ascending by filing date then ticker. */
export function financialRecords(engine: MarketEngine): SimFinancials[] {
  const out: SimFinancials[] = [];
  for (const e of engine.universe().entities) for (const f of financialsOf(engine, e)) out.push(f);
  return out.sort((a, b) => (a.filingDate < b.filingDate ? -1 : a.filingDate > b.filingDate ? 1 : a.ticker < b.ticker ? -1 : a.ticker > b.ticker ? 1 : 0));
}
