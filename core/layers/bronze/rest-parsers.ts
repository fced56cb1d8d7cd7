import { etDateOf } from '../../calendar/index.ts';
import type { RestDatasetId } from '../../datasets/rest-dataset-types.ts';

// Parsers from one raw REST page to raw rows: JSON values picked and flattened into the dataset's
// bronze column names. Typing, validation, partitioning and dedupe are generic (rest-rows.ts); a
// parser only knows where each field sits in its endpoint's answer, so it stays a few lines.

/** What a parser knows about the page it reads. */
export interface RestParseContext {
  /** The unit's first partition (tickers: the snapshot date). */
  unitKey: string;
  /** The entity id the page was asked for (ticker_events), else null. */
  id: string | null;
}

/** One record of a page: its raw row, or why it cannot become one; `source` is kept for rejects. */
export type ParsedRecord = { source: unknown; raw: Record<string, unknown> } | { source: unknown; reason: string };

/** Parses one page; throws PageShapeError when the page is not the endpoint's envelope at all. */
export type RestPageParser = (json: unknown, ctx: RestParseContext) => ParsedRecord[];

/** A page that is not the documented envelope: the whole fetch is unusable, not one record. */
export class PageShapeError extends Error {
  override name = 'PageShapeError';
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `results` of a list envelope; an answer without results (nothing matched) is an empty list. */
function listResults(json: unknown): unknown[] {
  if (!isObject(json)) throw new PageShapeError('the page is not a JSON object');
  if (json.status !== undefined && json.status !== 'OK' && json.status !== 'DELAYED') {
    throw new PageShapeError(`the page's status is ${JSON.stringify(json.status)}, not OK`);
  }
  if (json.results === undefined || json.results === null) return [];
  if (!Array.isArray(json.results)) throw new PageShapeError('`results` is not a list');
  return json.results;
}

/** Picks the named fields of a record as they are. */
function pick(record: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) out[f] = record[f];
  return out;
}

/** A parser of a list endpoint whose records map field by field (plus extras computed per record). */
function flatList(
  fields: readonly string[],
  extra?: (r: Record<string, unknown>, ctx: RestParseContext) => Record<string, unknown>,
): RestPageParser {
  return (json, ctx) =>
    listResults(json).map((source): ParsedRecord => {
      if (!isObject(source)) return { source, reason: 'the record is not a JSON object' };
      return { source, raw: { ...pick(source, fields), ...(extra ? extra(source, ctx) : {}) } };
    });
}

const SPLIT_FIELDS = ['ticker', 'execution_date', 'split_from', 'split_to', 'id'];
const DIVIDEND_FIELDS = [
  'ticker', 'ex_dividend_date', 'cash_amount', 'currency', 'declaration_date', 'record_date', 'pay_date', 'frequency', 'dividend_type',
  'id',
];
const IPO_FIELDS = [
  'ticker', 'listing_date', 'ipo_status', 'issuer_name', 'security_type', 'security_description', 'primary_exchange', 'announced_date',
  'last_updated', 'currency_code', 'final_issue_price', 'lowest_offer_price', 'highest_offer_price', 'min_shares_offered',
  'max_shares_offered', 'shares_outstanding', 'total_offer_size', 'lot_size', 'isin', 'us_code',
];
const TICKER_FIELDS = [
  'ticker', 'name', 'market', 'locale', 'type', 'active', 'primary_exchange', 'currency_name', 'currency_symbol', 'base_currency_name',
  'base_currency_symbol', 'cik', 'composite_figi', 'share_class_figi', 'delisted_utc', 'last_updated_utc',
];
const SHORT_INTEREST_FIELDS = ['ticker', 'settlement_date', 'short_interest', 'avg_daily_volume', 'days_to_cover'];
const SHORT_VOLUME_FIELDS = [
  'date', 'ticker', 'short_volume', 'total_volume', 'short_volume_ratio', 'exempt_volume', 'non_exempt_volume',
  'adf_short_volume', 'adf_short_volume_exempt', 'nasdaq_carteret_short_volume', 'nasdaq_carteret_short_volume_exempt',
  'nasdaq_chicago_short_volume', 'nasdaq_chicago_short_volume_exempt', 'nyse_short_volume', 'nyse_short_volume_exempt',
];

/**
 * /vX/reference/tickers/{id}/events: `results` is one object (the entity) holding its events. Each
 * event becomes a row carrying the entity and the symbol in force before it, so a rename row says
 * both sides (FB -> META) even when the earlier event belongs to another partition.
 */
const parseTickerEvents: RestPageParser = (json, ctx) => {
  if (!isObject(json)) throw new PageShapeError('the page is not a JSON object');
  if (json.status !== undefined && json.status !== 'OK') {
    throw new PageShapeError(`the page's status is ${JSON.stringify(json.status)}, not OK`);
  }
  const entity = json.results;
  if (!isObject(entity)) throw new PageShapeError('`results` is not an object');
  if (!Array.isArray(entity.events)) return [{ source: entity, reason: '`events` is not a list' }];
  const events = entity.events.map((e, i) => ({ e, i }));
  // Oldest first (the endpoint answers newest first), so "previous" is well defined.
  const dateOf = (e: unknown) => (isObject(e) && typeof e.date === 'string' ? e.date : '');
  events.sort((a, b) => (dateOf(a.e) < dateOf(b.e) ? -1 : dateOf(a.e) > dateOf(b.e) ? 1 : a.i - b.i));
  let previous: unknown = null;
  return events.map(({ e }): ParsedRecord => {
    if (!isObject(e)) return { source: e, reason: 'the event is not a JSON object' };
    const change = isObject(e.ticker_change) ? e.ticker_change : {};
    const row = {
      event_date: e.date,
      ticker: change.ticker,
      previous_ticker: previous,
      // The spec names the field event_type; real answers and the official client use type.
      event_type: e.type ?? e.event_type,
      composite_figi: entity.composite_figi,
      cik: entity.cik,
      name: entity.name,
      queried_id: ctx.id,
    };
    previous = change.ticker ?? previous;
    return { source: e, raw: row };
  });
};

/** A filing's identity fields, repeated on each of its line-item rows. */
function filingFields(f: Record<string, unknown>): Record<string, unknown> {
  const year = f.fiscal_year;
  return {
    filing_date: f.filing_date,
    cik: f.cik,
    company_name: f.company_name,
    tickers: f.tickers,
    // Published as text ("2022"); a year that is not digits stays text and is rejected by its type.
    fiscal_year: typeof year === 'string' && /^\d{4}$/.test(year) ? Number(year) : year,
    fiscal_period: f.fiscal_period,
    timeframe: f.timeframe,
    start_date: f.start_date,
    end_date: f.end_date,
    acceptance_datetime: f.acceptance_datetime,
    source_filing_url: f.source_filing_url,
  };
}

/**
 * /vX/reference/financials, long: one row per (filing, statement, line item). Line items differ by
 * company and over time (the recorded NXPI filing has 22 income-statement items; the simulator's
 * have 12), so wide rows would mean a schema that changes whenever upstream adds a concept or
 * hundreds of mostly empty columns. Long keeps one fixed schema and every value exactly as
 * published; silver pivots the concepts features use.
 */
const parseFinancials: RestPageParser = (json) => {
  const out: ParsedRecord[] = [];
  for (const filing of listResults(json)) {
    if (!isObject(filing)) {
      out.push({ source: filing, reason: 'the record is not a JSON object' });
      continue;
    }
    const statements = filing.financials;
    const identity = filingFields(filing);
    let items = 0;
    if (isObject(statements)) {
      for (const [statement, lines] of Object.entries(statements)) {
        if (!isObject(lines)) {
          out.push({ source: { ...identity, statement, lines }, reason: `${statement} is not an object of line items` });
          continue;
        }
        for (const [concept, item] of Object.entries(lines)) {
          items += 1;
          const source = { ...identity, statement, concept, item };
          if (!isObject(item)) {
            out.push({ source, reason: `${statement}.${concept} is not a line item object` });
            continue;
          }
          const line = { label: item.label, value: item.value, unit: item.unit, line_order: item.order };
          out.push({ source, raw: { ...identity, statement, concept, ...line } });
        }
      }
    }
    if (items === 0) out.push({ source: filing, reason: 'the filing has no statement line items' });
  }
  return out;
};

/** /v2/reference/news: publisher flattened, insights kept as JSON text, the New York date derived. */
const parseNews: RestPageParser = flatList(
  ['id', 'published_utc', 'title', 'author', 'article_url', 'amp_url', 'image_url', 'description', 'tickers', 'keywords'],
  (r) => {
    const publisher = isObject(r.publisher) ? r.publisher : {};
    const published = typeof r.published_utc === 'string' ? Date.parse(r.published_utc) : Number.NaN;
    return {
      ny_date: Number.isNaN(published) ? null : etDateOf(new Date(published)),
      publisher_name: publisher.name,
      publisher_homepage_url: publisher.homepage_url,
      publisher_logo_url: publisher.logo_url,
      publisher_favicon_url: publisher.favicon_url,
      insights: r.insights === undefined || r.insights === null ? null : JSON.stringify(r.insights),
    };
  },
);

/** The parser of each REST dataset. */
export const REST_PARSERS: Readonly<Record<RestDatasetId, RestPageParser>> = {
  splits: flatList(SPLIT_FIELDS),
  dividends: flatList(DIVIDEND_FIELDS),
  ipos: flatList(IPO_FIELDS),
  ticker_events: parseTickerEvents,
  tickers: flatList(TICKER_FIELDS, (_r, ctx) => ({ date: ctx.unitKey })),
  financials: parseFinancials,
  news: parseNews,
  short_interest: flatList(SHORT_INTEREST_FIELDS),
  short_volume: flatList(SHORT_VOLUME_FIELDS),
};
