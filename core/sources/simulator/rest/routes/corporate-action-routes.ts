import { correctDividends } from '../../faults/rest-corrections.ts';
import type { SimDividend, SimIpo, SimSplit } from '../../simulator-types.ts';
import { listEnvelope, pageOf, type RestContext } from '../rest-context.ts';
import { applyFilters, parseLimit, sortV3, type FilterSpec, type SortFields } from '../rest-query.ts';

const DIVIDEND_FILTERS: FilterSpec<SimDividend>[] = [
  { param: 'ticker', get: (d) => d.ticker, type: 'string', ranges: true },
  { param: 'ex_dividend_date', get: (d) => d.exDividendDate, type: 'string', ranges: true },
  { param: 'record_date', get: (d) => d.recordDate, type: 'string', ranges: true },
  { param: 'declaration_date', get: (d) => d.declarationDate, type: 'string', ranges: true },
  { param: 'pay_date', get: (d) => d.payDate, type: 'string', ranges: true },
  { param: 'frequency', get: (d) => d.frequency, type: 'number' },
  { param: 'cash_amount', get: (d) => d.cashAmount, type: 'number', ranges: true },
  { param: 'dividend_type', get: (d) => d.dividendType, type: 'string' },
];

const DIVIDEND_SORTS: SortFields<SimDividend> = {
  ex_dividend_date: (d) => d.exDividendDate,
  pay_date: (d) => d.payDate,
  declaration_date: (d) => d.declarationDate,
  record_date: (d) => d.recordDate,
  cash_amount: (d) => d.cashAmount,
  ticker: (d) => d.ticker,
};

/** GET /v3/reference/dividends (with any upstream correction in force applied before filtering). */
export function listDividends(ctx: RestContext): unknown {
  const limit = parseLimit(ctx.query, 10, 1000);
  const served = correctDividends(ctx.views.market.dividends(), ctx.corrections ?? [], ctx.now);
  const rows = sortV3(
    applyFilters(served, ctx.query, DIVIDEND_FILTERS),
    ctx.query,
    DIVIDEND_SORTS,
    { sort: 'ex_dividend_date', order: 'desc' },
    ['ticker', 'ex_dividend_date'],
  );
  const page = pageOf(ctx, rows, limit);
  const results = page.results.map((d) => ({
    cash_amount: d.cashAmount,
    currency: d.currency,
    declaration_date: d.declarationDate,
    dividend_type: d.dividendType,
    ex_dividend_date: d.exDividendDate,
    frequency: d.frequency,
    id: d.id,
    pay_date: d.payDate,
    record_date: d.recordDate,
    ticker: d.ticker,
  }));
  return listEnvelope(ctx, { ...page, results }, false);
}

const SPLIT_FILTERS: FilterSpec<SimSplit>[] = [
  { param: 'ticker', get: (s) => s.ticker, type: 'string', ranges: true },
  { param: 'execution_date', get: (s) => s.executionDate, type: 'string', ranges: true },
  { param: 'reverse_split', get: (s) => s.splitFrom > s.splitTo, type: 'boolean' },
];

const SPLIT_SORTS: SortFields<SimSplit> = { execution_date: (s) => s.executionDate, ticker: (s) => s.ticker };

/** GET /v3/reference/splits */
export function listSplits(ctx: RestContext): unknown {
  const limit = parseLimit(ctx.query, 10, 1000);
  const rows = sortV3(
    applyFilters(ctx.views.market.splits(), ctx.query, SPLIT_FILTERS),
    ctx.query,
    SPLIT_SORTS,
    { sort: 'execution_date', order: 'desc' },
    ['ticker', 'execution_date'],
  );
  const page = pageOf(ctx, rows, limit);
  const results = page.results.map((s) => ({ execution_date: s.executionDate, id: s.id, split_from: s.splitFrom, split_to: s.splitTo, ticker: s.ticker }));
  return listEnvelope(ctx, { ...page, results }, false);
}

/** The CUSIP inside a US ISIN (US + 9-character CUSIP + check digit). */
const usCode = (ipo: SimIpo) => (ipo.isin.startsWith('US') ? ipo.isin.slice(2, 11) : undefined);

const IPO_FILTERS: FilterSpec<SimIpo>[] = [
  { param: 'ticker', get: (i) => i.ticker, type: 'string' },
  { param: 'us_code', get: usCode, type: 'string' },
  { param: 'isin', get: (i) => i.isin, type: 'string' },
  { param: 'listing_date', get: (i) => i.listingDate, type: 'string', ranges: true },
  { param: 'ipo_status', get: (i) => i.ipoStatus, type: 'string' },
];

const IPO_SORTS: SortFields<SimIpo> = {
  listing_date: (i) => i.listingDate,
  ticker: (i) => i.ticker,
  last_updated: (i) => i.lastUpdated,
  security_type: (i) => i.securityType,
  issuer_name: (i) => i.issuerName,
  currency_code: (i) => i.currencyCode,
  isin: (i) => i.isin,
  us_code: usCode,
  final_issue_price: (i) => i.finalIssuePrice,
  min_shares_offered: (i) => i.sharesOffered,
  max_shares_offered: (i) => i.sharesOffered,
  lowest_offer_price: (i) => i.lowestOfferPrice,
  highest_offer_price: (i) => i.highestOfferPrice,
  total_offer_size: (i) => i.finalIssuePrice * i.sharesOffered,
  shares_outstanding: (i) => i.sharesOffered,
  primary_exchange: (i) => i.primaryExchange,
  lot_size: () => 100,
  security_description: (i) => i.securityDescription,
  ipo_status: (i) => i.ipoStatus,
  announced_date: (i) => i.announcedDate,
};

/** GET /vX/reference/ipos */
export function listIpos(ctx: RestContext): unknown {
  const limit = parseLimit(ctx.query, 10, 1000);
  const rows = sortV3(applyFilters(ctx.views.market.ipos(), ctx.query, IPO_FILTERS), ctx.query, IPO_SORTS, { sort: 'listing_date', order: 'desc' }, ['ticker']);
  const page = pageOf(ctx, rows, limit);
  const results = page.results.map((i) => {
    const priced = i.ipoStatus !== 'pending';
    return {
      announced_date: i.announcedDate,
      currency_code: i.currencyCode,
      ...(priced ? { final_issue_price: i.finalIssuePrice } : {}),
      highest_offer_price: i.highestOfferPrice,
      ipo_status: i.ipoStatus,
      isin: i.isin,
      issuer_name: i.issuerName,
      last_updated: i.lastUpdated,
      listing_date: i.listingDate,
      lot_size: 100,
      lowest_offer_price: i.lowestOfferPrice,
      max_shares_offered: i.sharesOffered,
      min_shares_offered: i.sharesOffered,
      primary_exchange: i.primaryExchange,
      security_description: i.securityDescription,
      security_type: i.securityType,
      shares_outstanding: i.sharesOffered,
      ticker: i.ticker,
      ...(priced ? { total_offer_size: Math.round(i.finalIssuePrice * i.sharesOffered * 100) / 100 } : {}),
      ...(usCode(i) ? { us_code: usCode(i) } : {}),
    };
  });
  return listEnvelope(ctx, { ...page, results }, false);
}
