import type { SimFinancials, SimNewsArticle, SimShortInterest, SimShortVolume } from '../../simulator-types.ts';
import { listEnvelope, pageOf, type RestContext } from '../rest-context.ts';
import { badRequest, notEntitled } from '../rest-errors.ts';
import { applyFilters, parseLimit, sortList, sortV3, type FilterSpec, type SortFields } from '../rest-query.ts';

/** "net_income_loss" -> "Net Income Loss", the label style of the financials endpoint. */
function labelOf(field: string): string {
  return field
    .split('_')
    .map((w) => (w ? w[0]!.toUpperCase() + w.slice(1) : w))
    .join(' ');
}

/** Unit of a statement field: per-share figures, share counts, or dollars. */
function unitOf(field: string): string {
  if (field.includes('per_share')) return 'USD / shares';
  if (field.includes('shares')) return 'shares';
  return 'USD';
}

/**
 * The comprehensive-income statement real filings carry beside the other three: the simulated
 * companies have no other comprehensive income, so it equals net income, all of it the parent's.
 */
function comprehensiveIncomeOf(f: SimFinancials): Record<string, number> {
  const net = f.statements.income_statement.net_income_loss ?? 0;
  return {
    comprehensive_income_loss: net,
    comprehensive_income_loss_attributable_to_parent: net,
    comprehensive_income_loss_attributable_to_noncontrolling_interest: 0,
    other_comprehensive_income_loss: 0,
    other_comprehensive_income_loss_attributable_to_parent: 0,
  };
}

const FINANCIAL_FILTERS: FilterSpec<SimFinancials>[] = [
  { param: 'ticker', get: (f) => f.ticker, type: 'string' },
  { param: 'cik', get: (f) => f.cik, type: 'string' },
  { param: 'company_name', get: (f) => f.companyName, type: 'string' },
  { param: 'filing_date', get: (f) => f.filingDate, type: 'string', ranges: true },
  { param: 'period_of_report_date', get: (f) => f.endDate, type: 'string', ranges: true },
  { param: 'timeframe', get: (f) => f.timeframe, type: 'string' },
];

const FINANCIAL_SORTS: SortFields<SimFinancials> = { period_of_report_date: (f) => f.endDate, filing_date: (f) => f.filingDate };

/** GET /vX/reference/financials (plans with fundamentals only). */
export function listFinancials(ctx: RestContext): unknown {
  if (!ctx.plan.financials) throw notEntitled('product');
  const limit = parseLimit(ctx.query, 10, 100);
  const search = ctx.query.get('company_name.search')?.toLowerCase();
  const sic = ctx.query.get('sic');
  let rows = applyFilters(ctx.views.market.financials(), ctx.query, FINANCIAL_FILTERS);
  if (search) rows = rows.filter((f) => f.companyName.toLowerCase().includes(search));
  if (sic !== null) rows = rows.filter((f) => ctx.views.ticker(f.ticker)?.sicCode === sic);
  rows = sortV3(rows, ctx.query, FINANCIAL_SORTS, { sort: 'period_of_report_date', order: 'desc' }, ['ticker', 'timeframe', 'fiscal_period']);
  const page = pageOf(ctx, rows, limit);
  const sources = ctx.query.get('include_sources') === 'true';
  const results = page.results.map((f) => {
    const accession = `0000${f.cik.slice(-6)}-${String(f.fiscalYear).slice(-2)}-${f.filingDate.replace(/-/g, '').slice(2)}`;
    const filingUrl = `${ctx.restBase}/v1/reference/sec/filings/${accession}`;
    const statements = Object.fromEntries(
      Object.entries({ ...f.statements, comprehensive_income: comprehensiveIncomeOf(f) }).map(([statement, fields]) => [
        statement,
        Object.fromEntries(
          Object.entries(fields).map(([field, value], i) => [
            field,
            { label: labelOf(field), order: (i + 1) * 100, unit: unitOf(field), value, ...(sources ? { source: { formula: null, xpath: null } } : {}) },
          ]),
        ),
      ]),
    );
    return {
      acceptance_datetime: `${f.filingDate}T20:05:00Z`,
      cik: f.cik,
      company_name: f.companyName,
      end_date: f.endDate,
      filing_date: f.filingDate,
      financials: statements,
      fiscal_period: f.fiscalPeriod,
      fiscal_year: String(f.fiscalYear),
      source_filing_file_url: `${filingUrl}/files/${f.ticker.toLowerCase()}-${f.endDate.replace(/-/g, '')}_htm.xml`,
      source_filing_url: filingUrl,
      start_date: f.startDate,
      tickers: [f.ticker],
      timeframe: f.timeframe,
    };
  });
  return listEnvelope(ctx, { ...page, results }, true);
}

const NEWS_FILTERS: FilterSpec<SimNewsArticle>[] = [
  { param: 'ticker', get: (n) => n.tickers, type: 'string', ranges: true },
  { param: 'published_utc', get: (n) => n.publishedUtc, type: 'string', ranges: true },
];

/** A publisher's web identity derived from its name. */
function publisherOf(name: string) {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '');
  return { name, homepage_url: `https://www.${slug}.com/`, logo_url: `https://www.${slug}.com/logo.svg`, favicon_url: `https://www.${slug}.com/favicon.ico` };
}

/** GET /v2/reference/news */
export function listNews(ctx: RestContext): unknown {
  const limit = parseLimit(ctx.query, 10, 1000);
  const rows = sortV3(applyFilters(ctx.views.market.news(), ctx.query, NEWS_FILTERS), ctx.query, { published_utc: (n) => n.publishedUtc }, { sort: 'published_utc', order: 'desc' }, ['id']);
  const page = pageOf(ctx, rows, limit);
  const results = page.results.map((n) => ({
    amp_url: `${n.articleUrl}?amp=1`,
    article_url: n.articleUrl,
    author: n.author,
    description: n.description,
    id: n.id,
    image_url: `${publisherOf(n.publisherName).homepage_url}images/${n.id}.jpg`,
    insights: n.tickers.map((ticker) => ({
      sentiment: n.sentiment,
      sentiment_reasoning: `The article's tone about ${ticker} is ${n.sentiment}.`,
      ticker,
    })),
    keywords: n.keywords,
    published_utc: n.publishedUtc,
    publisher: publisherOf(n.publisherName),
    tickers: n.tickers,
    title: n.title,
  }));
  return listEnvelope(ctx, { ...page, results }, true);
}

const SHORT_INTEREST_FILTERS: FilterSpec<SimShortInterest>[] = [
  { param: 'ticker', get: (s) => s.ticker, type: 'string', ranges: true, anyOf: true },
  { param: 'days_to_cover', get: (s) => s.daysToCover, type: 'number', ranges: true, anyOf: true },
  { param: 'settlement_date', get: (s) => s.settlementDate, type: 'string', ranges: true, anyOf: true },
  { param: 'avg_daily_volume', get: (s) => s.avgDailyVolume, type: 'number', ranges: true, anyOf: true },
];

const SHORT_INTEREST_SORTS: SortFields<SimShortInterest> = {
  ticker: (s) => s.ticker,
  settlement_date: (s) => s.settlementDate,
  days_to_cover: (s) => s.daysToCover,
  avg_daily_volume: (s) => s.avgDailyVolume,
  short_interest: (s) => s.shortInterest,
};

/** GET /stocks/v1/short-interest */
export function listShortInterest(ctx: RestContext): unknown {
  const limit = parseLimit(ctx.query, 10, 50000);
  const rows = sortList(applyFilters(ctx.views.market.shortInterest(), ctx.query, SHORT_INTEREST_FILTERS), ctx.query, SHORT_INTEREST_SORTS, 'ticker.asc', ['ticker', 'settlement_date']);
  const page = pageOf(ctx, rows, limit);
  const results = page.results.map((s) => ({
    avg_daily_volume: s.avgDailyVolume,
    days_to_cover: s.daysToCover,
    settlement_date: s.settlementDate,
    short_interest: s.shortInterest,
    ticker: s.ticker,
  }));
  return listEnvelope(ctx, { ...page, results }, false);
}

/** Short-volume ratio as the endpoint defines it: short / total * 100, two decimals. */
const ratioOf = (s: SimShortVolume) => (s.totalVolume > 0 ? Math.round((s.shortVolume / s.totalVolume) * 10000) / 100 : 0);

const SHORT_VOLUME_FILTERS: FilterSpec<SimShortVolume>[] = [
  { param: 'ticker', get: (s) => s.ticker, type: 'string', ranges: true, anyOf: true },
  { param: 'short_volume_ratio', get: ratioOf, type: 'number', ranges: true, anyOf: true },
];

const SHORT_VOLUME_SORTS: SortFields<SimShortVolume> = {
  ticker: (s) => s.ticker,
  date: (s) => s.date,
  short_volume: (s) => s.shortVolume,
  total_volume: (s) => s.totalVolume,
  short_volume_ratio: ratioOf,
};

/** Splits a venue total deterministically across the FINRA facilities the endpoint reports. */
function venues(total: number, suffix: string): Record<string, number> {
  const nyse = Math.floor(total * 0.38);
  const carteret = Math.floor(total * 0.52);
  const chicago = Math.floor(total * 0.04);
  return {
    [`adf${suffix}`]: total - nyse - carteret - chicago,
    [`nasdaq_carteret${suffix}`]: carteret,
    [`nasdaq_chicago${suffix}`]: chicago,
    [`nyse${suffix}`]: nyse,
  };
}

/** Trading days a short-volume request without any date filter covers. */
export const SHORT_VOLUME_DEFAULT_DAYS = 30;

/** GET /stocks/v1/short-volume: computed per trading day, only for the days the date filters keep. */
export function listShortVolume(ctx: RestContext): unknown {
  const limit = parseLimit(ctx.query, 10, 50000);
  const last = ctx.views.lastCompleteDay(ctx.now);
  const days = last === null ? [] : ctx.views.market.tradingDays().filter((d) => d <= last);
  for (const p of ['date', 'date.gt', 'date.gte', 'date.lt', 'date.lte']) {
    const v = ctx.query.get(p);
    if (v !== null && !/^\d{4}-\d{2}-\d{2}$/.test(v)) throw badRequest(`'${v}' is not a valid date for ${p}`);
  }
  const dateFiltered = ['date', 'date.gt', 'date.gte', 'date.lt', 'date.lte', 'date.any_of'].some((p) => ctx.query.has(p));
  // Each date costs a cross-section of the market, so an unbounded request covers the latest
  // SHORT_VOLUME_DEFAULT_DAYS days rather than recomputing the whole history on every page.
  const dates = dateFiltered
    ? applyFilters(days, ctx.query, [{ param: 'date', get: (d: string) => d, type: 'string', ranges: true, anyOf: true }])
    : days.slice(-SHORT_VOLUME_DEFAULT_DAYS);
  const rows = dates.flatMap((d) => ctx.views.shortVolume(d));
  const sorted = sortList(applyFilters(rows, ctx.query, SHORT_VOLUME_FILTERS), ctx.query, SHORT_VOLUME_SORTS, 'ticker.asc', ['ticker', 'date']);
  const page = pageOf(ctx, sorted, limit);
  const results = page.results.map((s) => {
    const v = venues(s.shortVolume, '_short_volume');
    const e = venues(s.exemptVolume, '_short_volume_exempt');
    return {
      ...v,
      ...e,
      date: s.date,
      exempt_volume: s.exemptVolume,
      non_exempt_volume: s.nonExemptVolume,
      short_volume: s.shortVolume,
      short_volume_ratio: ratioOf(s),
      ticker: s.ticker,
      total_volume: s.totalVolume,
    };
  });
  return listEnvelope(ctx, { ...page, results }, false);
}
