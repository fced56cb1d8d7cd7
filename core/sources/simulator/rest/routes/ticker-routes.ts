import { previousTradingDay } from '../../../../calendar/index.ts';
import type { IsoDate, SimTicker } from '../../simulator-types.ts';
import type { MarketViews } from '../market-views.ts';
import { listEnvelope, pageOf, type RestContext } from '../rest-context.ts';
import { badRequest, notFound } from '../rest-errors.ts';
import { applyFilters, parseLimit, sortV3, type FilterSpec, type SortFields } from '../rest-query.ts';

/** The last date a symbol traded under its name: its delisting, or the day before a rename. */
export function lastDateOf(t: SimTicker): IsoDate | null {
  if (t.delistedDate) return t.delistedDate;
  return t.renamedTo ? previousTradingDay(t.renamedTo.date) : null;
}

/**
 * The first date a symbol traded under its name: its listing, or for the successor of a rename the
 * rename date (the successor keeps the entity's original list_date, as META keeps FB's).
 */
export function firstDateOf(t: SimTicker, views: Pick<MarketViews, 'ticker'>): IsoDate {
  const before = t.renamedFrom ? views.ticker(t.renamedFrom) : undefined;
  const renamed = before?.renamedTo?.ticker === t.ticker ? before.renamedTo.date : null;
  return renamed !== null && renamed > t.listDate ? renamed : t.listDate;
}

/** Whether a symbol is listed and trading under its name on `date` (`first` from firstDateOf). */
export function activeOn(t: SimTicker, date: IsoDate, first: IsoDate = t.listDate): boolean {
  const last = lastDateOf(t);
  return first <= date && (last === null || date <= last);
}

/** The as-of date of a request: `date` if given (validated), else the latest complete day. */
function asOfDate(ctx: RestContext): IsoDate {
  const date = ctx.query.get('date');
  if (date !== null) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw badRequest(`'${date}' is not a valid date (YYYY-MM-DD)`);
    return date;
  }
  return ctx.views.lastCompleteDay(ctx.now) ?? ctx.views.market.options.to;
}

/** The /v3/reference/tickers row of a symbol as of a date. */
function tickerRow(t: SimTicker, asOf: IsoDate, first: IsoDate = t.listDate) {
  const active = activeOn(t, asOf, first);
  const last = lastDateOf(t);
  return {
    active,
    cik: t.cik,
    composite_figi: t.compositeFigi,
    currency_name: 'usd',
    ...(!active && last ? { delisted_utc: `${last}T00:00:00Z` } : {}),
    last_updated_utc: `${active ? asOf : (last ?? asOf)}T00:00:00Z`,
    locale: 'us',
    market: 'stocks',
    name: t.name,
    primary_exchange: t.primaryExchange,
    share_class_figi: t.shareClassFigi,
    ticker: t.ticker,
    type: t.type,
  };
}

type TickerRow = ReturnType<typeof tickerRow>;

const TICKER_FILTERS: FilterSpec<TickerRow>[] = [
  { param: 'ticker', get: (r) => r.ticker, type: 'string', ranges: true },
  { param: 'type', get: (r) => r.type, type: 'string' },
  { param: 'market', get: (r) => r.market, type: 'string' },
  { param: 'exchange', get: (r) => r.primary_exchange, type: 'string' },
  { param: 'cik', get: (r) => r.cik, type: 'string' },
  // CUSIPs are not simulated, so a CUSIP filter matches nothing, as an unknown CUSIP would.
  { param: 'cusip', get: () => null, type: 'string' },
];

const TICKER_SORTS: SortFields<TickerRow> = {
  ticker: (r) => r.ticker,
  name: (r) => r.name,
  market: (r) => r.market,
  locale: (r) => r.locale,
  primary_exchange: (r) => r.primary_exchange,
  type: (r) => r.type,
  currency_name: (r) => r.currency_name,
  cik: (r) => r.cik,
  composite_figi: (r) => r.composite_figi,
  share_class_figi: (r) => r.share_class_figi,
  last_updated_utc: (r) => r.last_updated_utc,
  delisted_utc: (r) => r.delisted_utc,
};

/** GET /v3/reference/tickers */
export function listTickers(ctx: RestContext): unknown {
  const limit = parseLimit(ctx.query, 100, 1000);
  const asOf = asOfDate(ctx);
  const activeParam = ctx.query.get('active') ?? 'true';
  if (activeParam !== 'true' && activeParam !== 'false') throw badRequest("active must be 'true' or 'false'");
  const search = ctx.query.get('search')?.toLowerCase();
  // A point-in-time listing: a rename's successor appears from the rename on, not from the entity's listing.
  let rows = ctx.views
    .tickers()
    .map((t) => ({ t, first: firstDateOf(t, ctx.views) }))
    .filter(({ first }) => first <= asOf)
    .map(({ t, first }) => tickerRow(t, asOf, first))
    .filter((r) => r.active === (activeParam === 'true'));
  if (search) rows = rows.filter((r) => r.ticker.toLowerCase().includes(search) || r.name.toLowerCase().includes(search));
  rows = sortV3(applyFilters(rows, ctx.query, TICKER_FILTERS), ctx.query, TICKER_SORTS, { sort: 'ticker', order: 'asc' }, ['ticker']);
  return listEnvelope(ctx, pageOf(ctx, rows, limit), true);
}

const CITIES: ReadonlyArray<[string, string, string]> = [
  ['NEW YORK', 'NY', '100'], ['SAN JOSE', 'CA', '951'], ['AUSTIN', 'TX', '787'], ['BOSTON', 'MA', '021'], ['CHICAGO', 'IL', '606'],
  ['SEATTLE', 'WA', '981'], ['DENVER', 'CO', '802'], ['ATLANTA', 'GA', '303'], ['MIAMI', 'FL', '331'], ['COLUMBUS', 'OH', '432'],
];
const STREETS = ['MAIN STREET', 'MARKET STREET', 'PARK AVENUE', 'TECHNOLOGY DRIVE', 'COMMERCE WAY', 'RIVER ROAD'];

/** A small stable hash of a symbol, for contact details that must not change between requests. */
function symbolHash(symbol: string): number {
  let h = 2166136261;
  for (let i = 0; i < symbol.length; i++) h = Math.imul(h ^ symbol.charCodeAt(i), 16777619) >>> 0;
  return h;
}

/** The headquarters, phone and branding a details answer carries (address, phone_number, branding as the real one). */
function contactOf(t: SimTicker, restBase: string) {
  const h = symbolHash(t.cik || t.ticker);
  const [city, state, zip] = CITIES[h % CITIES.length]!;
  const area = 200 + (h % 700);
  const host = Buffer.from(t.homepageUrl.replace(/^https?:\/\//, '').replace(/\/.*$/, ''), 'utf8').toString('base64url');
  const images = `${restBase}/v1/reference/company-branding/${host}/images/2024-01-02`;
  return {
    address: {
      address1: `${1 + (h % 9000)} ${STREETS[(h >>> 8) % STREETS.length]}`,
      city,
      state,
      postal_code: `${zip}${String((h >>> 4) % 100).padStart(2, '0')}`,
    },
    branding: { logo_url: `${images}_logo.svg`, icon_url: `${images}_icon.png` },
    phone_number: `(${area}) ${String(200 + ((h >>> 3) % 800)).padStart(3, '0')}-${String((h >>> 12) % 10000).padStart(4, '0')}`,
  };
}

/** GET /v3/reference/tickers/{ticker} */
export function tickerDetails(ctx: RestContext): unknown {
  const t = ctx.views.ticker(ctx.params.ticker ?? '');
  const asOf = asOfDate(ctx);
  if (!t || t.listDate > asOf) throw notFound();
  // The details answer has no last_updated_utc (the listing's rows do).
  const { last_updated_utc: _updated, ...row } = tickerRow(t, asOf, firstDateOf(t, ctx.views));
  const priceDay = row.active ? asOf : lastDateOf(t);
  const close = priceDay ? ctx.views.tickerDayBars(t.ticker, priceDay, priceDay)[0]?.close : undefined;
  const dot = t.ticker.indexOf('.');
  return {
    request_id: ctx.requestId,
    results: {
      ...row,
      ...contactOf(t, ctx.restBase),
      description: t.description,
      homepage_url: t.homepageUrl,
      list_date: t.listDate,
      ...(close !== undefined ? { market_cap: Math.round(close * t.sharesOutstanding * 100) / 100 } : {}),
      round_lot: t.roundLot,
      share_class_shares_outstanding: t.sharesOutstanding,
      sic_code: t.sicCode,
      sic_description: t.sicDescription,
      ticker_root: dot < 0 ? t.ticker : t.ticker.slice(0, dot),
      ...(dot < 0 ? {} : { ticker_suffix: t.ticker.slice(dot + 1) }),
      total_employees: t.totalEmployees,
      weighted_shares_outstanding: t.sharesOutstanding,
    },
    status: 'OK',
  };
}

const TICKER_TYPES: ReadonlyArray<[string, string, 'stocks' | 'indices']> = [
  ['CS', 'Common Stock', 'stocks'], ['PFD', 'Preferred Stock', 'stocks'], ['WARRANT', 'Warrant', 'stocks'],
  ['RIGHT', 'Rights', 'stocks'], ['BOND', 'Corporate Bond', 'stocks'], ['ETF', 'Exchange Traded Fund', 'stocks'],
  ['ETN', 'Exchange Traded Note', 'stocks'], ['ETV', 'Exchange Traded Vehicle', 'stocks'], ['SP', 'Structured Product', 'stocks'],
  ['ADRC', 'American Depository Receipt Common', 'stocks'], ['ADRP', 'American Depository Receipt Preferred', 'stocks'],
  ['ADRW', 'American Depository Receipt Warrants', 'stocks'], ['ADRR', 'American Depository Receipt Rights', 'stocks'],
  ['FUND', 'Fund', 'stocks'], ['BASKET', 'Basket', 'stocks'], ['UNIT', 'Unit', 'stocks'], ['LT', 'Liquidating Trust', 'stocks'],
  ['OS', 'Ordinary Shares', 'stocks'], ['GDR', 'Global Depository Receipts', 'stocks'], ['OTHER', 'Other Security Type', 'stocks'],
  ['NYRS', 'New York Registry Shares', 'stocks'], ['AGEN', 'Agency Bond', 'stocks'], ['EQLK', 'Equity Linked Bond', 'stocks'],
  ['ETS', 'Single-security ETF', 'stocks'], ['INDEX', 'Index', 'indices'],
];

/** GET /v3/reference/tickers/types */
export function tickerTypes(ctx: RestContext): unknown {
  const assetClass = ctx.query.get('asset_class');
  const locale = ctx.query.get('locale');
  const results = TICKER_TYPES.filter(([, , ac]) => (assetClass === null || ac === assetClass) && (locale === null || locale === 'us')).map(
    ([code, description, asset_class]) => ({ asset_class, code, description, locale: 'us' }),
  );
  return { results, status: 'OK', request_id: ctx.requestId, count: results.length };
}

/** GET /v1/related-companies/{ticker}: peers in the same industry, then alphabetical neighbours. */
export function relatedCompanies(ctx: RestContext): unknown {
  const symbol = ctx.params.ticker ?? '';
  const t = ctx.views.ticker(symbol);
  if (!t) throw notFound();
  const asOf = ctx.views.lastCompleteDay(ctx.now) ?? ctx.views.market.options.to;
  const others = ctx.views.tickers().filter((o) => o.ticker !== symbol && activeOn(o, asOf, firstDateOf(o, ctx.views)));
  const peers = others.filter((o) => o.sicCode === t.sicCode);
  const rest = others.filter((o) => o.sicCode !== t.sicCode).sort((a, b) => (a.ticker < b.ticker ? -1 : 1));
  const after = Math.max(0, rest.findIndex((o) => o.ticker > symbol));
  const results = [...peers, ...rest.slice(after), ...rest.slice(0, after)].slice(0, 10).map((o) => ({ ticker: o.ticker }));
  return { request_id: ctx.requestId, results, status: 'OK', stock_symbol: symbol };
}

/** GET /vX/reference/tickers/{id}/events: ticker changes of the entity a ticker or FIGI names (newest first). */
export function tickerEvents(ctx: RestContext): unknown {
  const id = ctx.params.id ?? '';
  const types = ctx.query.get('types');
  if (types !== null && types.split(',').some((x) => x.trim() !== 'ticker_change')) throw badRequest("types: 'ticker_change' is the only supported event type");
  const changes = ctx.views.market.tickerChanges();
  const change =
    changes.find((c) => c.currentTicker === id || c.compositeFigi === id) ?? changes.find((c) => c.events.some((e) => e.ticker === id));
  let name: string;
  let figi: string;
  let cik: string | undefined;
  let events: Array<{ date: IsoDate; ticker: string }>;
  if (change) {
    ({ name, compositeFigi: figi } = change);
    cik = ctx.views.ticker(change.currentTicker)?.cik;
    events = change.events;
  } else {
    const t = ctx.views.ticker(id) ?? ctx.views.tickers().find((x) => x.compositeFigi === id);
    if (!t) throw notFound();
    ({ name, compositeFigi: figi, cik } = t);
    events = [{ date: t.listDate, ticker: t.ticker }];
  }
  return {
    results: {
      name,
      composite_figi: figi,
      ...(cik ? { cik } : {}),
      events: [...events].reverse().map((e) => ({ ticker_change: { ticker: e.ticker }, type: 'ticker_change', date: e.date })),
    },
    status: 'OK',
    request_id: ctx.requestId,
  };
}
