// The simulator's REST answers have the recorded real answers' keys and value types, endpoint by
// endpoint, so demo data cannot drift from what the API sends. A key the simulator adds must be one
// the reference documents for that endpoint; a key the real answer has, the simulator must have.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { previousTradingDay } from '../../../core/calendar/index.ts';
import { createMarket } from '../../../core/sources/simulator/market/index.ts';
import { startSimulatorServers, type RunningSimulator } from '../../../core/sources/simulator/simulator-servers.ts';

const SAMPLES = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/polygon-rest-samples');
const DOC_EXAMPLES = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/polygon-rest-doc-examples');
const sample = (dir: string, name: string): unknown => JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8'));

/** The class of a JSON value: text is told apart as date, instant or plain text. */
function classOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'string') {
    if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return 'date';
    if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(v)) return 'instant';
    return 'text';
  }
  return typeof v;
}

/** Every key path of a set of records (`publisher.name`, `events[].ticker_change.ticker`) with the classes seen there. */
function shapeOf(
  records: readonly unknown[],
  prefix = '',
  out = new Map<string, Set<string>>(),
  opaque: ReadonlySet<string> = new Set(),
): Map<string, Set<string>> {
  for (const rec of records) {
    if (typeof rec !== 'object' || rec === null || Array.isArray(rec)) continue;
    for (const [k, v] of Object.entries(rec)) {
      const key = `${prefix}${k}`;
      let set = out.get(key);
      if (!set) out.set(key, (set = new Set()));
      set.add(classOf(v));
      // Maps keyed by data (financial statements' line items) are compared by the shape of their values.
      if (opaque.has(key) && typeof v === 'object' && v !== null) shapeOf(Object.values(v), `${key}.*.`, out, opaque);
      else if (Array.isArray(v)) {
        const objects = v.filter((x) => typeof x === 'object' && x !== null);
        if (objects.length) shapeOf(objects, `${key}[].`, out, opaque);
        else for (const x of v) set.add(`array of ${classOf(x)}`);
      } else if (typeof v === 'object' && v !== null) shapeOf([v], `${key}.`, out, opaque);
    }
  }
  return out;
}

/**
 * Compares shapes: each real key is in the simulator's answer with no class the real one lacks
 * (null aside: optional fields are null in one record and set in another), and each simulator key
 * is a real one or a documented extra.
 */
function drift(real: Map<string, Set<string>>, sim: Map<string, Set<string>>, documentedExtras: readonly string[]): string[] {
  const problems: string[] = [];
  for (const [key, classes] of real) {
    const simClasses = sim.get(key);
    if (!simClasses) problems.push(`missing ${key}`);
    else {
      for (const c of simClasses) {
        if (!classes.has(c) && c !== 'null') problems.push(`${key}: simulator sends ${c}, real sends ${[...classes].join('|')}`);
      }
    }
  }
  for (const key of sim.keys()) {
    const documented = documentedExtras.some((x) => key === x || key.startsWith(`${x}.`) || key.startsWith(`${x}[]`));
    if (!real.has(key) && !documented) problems.push(`undocumented ${key}`);
  }
  return problems;
}

let sim: RunningSimulator;
const NOW = new Date('2024-07-01T16:00:00Z');

async function get(pathAndQuery: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${sim.restBase}${pathAndQuery}`, { headers: { authorization: `Bearer ${sim.apiKey}` } });
  expect(res.status, pathAndQuery).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

/** Envelope keys (all but results) and record shapes of an answer. */
function parts(body: unknown, opaque: ReadonlySet<string> = new Set()) {
  const b = body as Record<string, unknown>;
  const results = b.results;
  const envelope = new Map<string, Set<string>>(
    [...Object.entries(b)].filter(([k]) => k !== 'results').map(([k, v]) => [k, new Set([classOf(v)])]),
  );
  return { envelope, records: shapeOf(Array.isArray(results) ? results : results ? [results] : [], '', new Map(), opaque) };
}

/** Asserts the simulator's answer has the real answer's shape (records and envelope). */
function expectSameShape(
  name: string,
  realBody: unknown,
  simBody: unknown,
  extras: readonly string[],
  envelopeExtras: readonly string[] = [],
  opaque = new Set<string>(),
) {
  const real = parts(realBody, opaque);
  const simulated = parts(simBody, opaque);
  expect(simulated.records.size, `${name}: the simulator answered no records`).toBeGreaterThan(0);
  expect(drift(real.records, simulated.records, extras), `${name} records`).toEqual([]);
  // Paging keys come and go with the page; the rest of the envelope must match.
  const optional = ['next_url', 'count', ...envelopeExtras];
  const envelopeDrift = drift(real.envelope, simulated.envelope, optional).filter((p) => !optional.some((o) => p.endsWith(` ${o}`)));
  expect(envelopeDrift, `${name} envelope`).toEqual([]);
}

beforeAll(async () => {
  const market = createMarket({ seed: 42, tickers: 200, from: '2022-01-03', to: '2024-06-28' });
  sim = await startSimulatorServers({ market, now: () => NOW });
});
afterAll(() => sim.close());

describe('simulator vs recorded answers', () => {
  it('splits', async () => {
    expectSameShape('splits', sample(SAMPLES, 'splits.json'), await get('/v3/reference/splits?limit=50'), ['id']);
  });

  it('dividends', async () => {
    expectSameShape('dividends', sample(SAMPLES, 'dividends.json'), await get('/v3/reference/dividends?limit=50'), ['id', 'currency']);
  });

  it('tickers (a point-in-time page)', async () => {
    const [one, two] = ['tickers-page-1.json', 'tickers-page-2.json'].map((f) => sample(SAMPLES, f) as { results: unknown[] });
    const real = { ...one, results: [...one!.results, ...two!.results] };
    const extras = ['delisted_utc', 'base_currency_name', 'base_currency_symbol', 'currency_symbol'];
    expectSameShape('tickers', real, await get('/v3/reference/tickers?date=2024-03-28&limit=100'), extras);
    const inactive = await get('/v3/reference/tickers?date=2024-03-28&active=false&limit=100');
    expectSameShape('inactive tickers', real, inactive, ['delisted_utc']);
  });

  it('ticker details', async () => {
    const documented = [
      'delisted_utc', 'list_date', 'market_cap', 'round_lot', 'share_class_shares_outstanding', 'sic_code', 'sic_description',
      'ticker_root', 'ticker_suffix', 'total_employees', 'weighted_shares_outstanding', 'description', 'homepage_url',
    ];
    const simBody = await get(`/v3/reference/tickers/${sim.market.tickers()[0]!.ticker}?date=2024-03-28`);
    expectSameShape('ticker details', sample(SAMPLES, 'ticker-details-AAPL.json'), simBody, documented);
    expectSameShape('ticker details as of a date', sample(SAMPLES, 'ticker-details-AAPL-2020-10-01.json'), simBody, documented);
  });

  it('ticker types', async () => {
    expectSameShape('ticker types', sample(SAMPLES, 'ticker-types.json'), await get('/v3/reference/tickers/types'), []);
  });

  it('ticker events', async () => {
    const change = sim.market.tickerChanges()[0]!;
    const answer = await get(`/vX/reference/tickers/${change.compositeFigi}/events?types=ticker_change`);
    expectSameShape('ticker events', sample(SAMPLES, 'ticker-events-META.json'), answer, []);
  });

  it('financials (statements compared by their line items\' shape)', async () => {
    const statements = ['balance_sheet', 'income_statement', 'cash_flow_statement', 'comprehensive_income'];
    const opaque = new Set(statements.map((s) => `financials.${s}`));
    const answer = await get('/vX/reference/financials?limit=5');
    expectSameShape('financials', sample(SAMPLES, 'financials.json'), answer, ['acceptance_datetime', 'tickers', 'timeframe'], [], opaque);
  });

  it('news', async () => {
    expectSameShape('news', sample(SAMPLES, 'news-NFLX.json'), await get('/v2/reference/news?limit=20'), ['insights', 'keywords']);
  });

  it('grouped daily and aggregates', async () => {
    const grouped = await get('/v2/aggs/grouped/locale/us/market/stocks/2024-03-28');
    expectSameShape('grouped daily', sample(SAMPLES, 'grouped-daily-2005-04-04.json'), grouped, []);
    const t = sim.market.tickers()[0]!.ticker;
    const aggs = await get(`/v2/aggs/ticker/${t}/range/1/day/2024-03-25/2024-03-28`);
    expectSameShape('aggregates', sample(SAMPLES, 'aggs-AAPL-1day-2005-04-01-2005-04-04.json'), aggs, [], ['next_url']);
  });
});

describe('simulator vs documented answers (no recorded sample exists)', () => {
  it('short interest has the documented example\'s keys and types', async () => {
    const answer = await get('/stocks/v1/short-interest?settlement_date=2024-03-15&limit=20');
    expectSameShape('short interest', sample(DOC_EXAMPLES, 'short-interest.json'), answer, []);
  });

  it('short volume and IPOs send only documented fields, all required ones included', async () => {
    const documented = {
      '/stocks/v1/short-volume?date=2024-03-15&limit=5': {
        required: ['date'],
        all: ['adf_short_volume', 'adf_short_volume_exempt', 'date', 'exempt_volume', 'nasdaq_carteret_short_volume',
          'nasdaq_carteret_short_volume_exempt', 'nasdaq_chicago_short_volume', 'nasdaq_chicago_short_volume_exempt', 'non_exempt_volume',
          'nyse_short_volume', 'nyse_short_volume_exempt',
          'short_volume', 'short_volume_ratio', 'ticker', 'total_volume'],
      },
      '/vX/reference/ipos?limit=20': {
        required: ['ipo_status', 'last_updated', 'primary_exchange', 'security_description', 'security_type'],
        all: ['announced_date', 'currency_code', 'final_issue_price', 'highest_offer_price', 'ipo_status', 'isin', 'issuer_name',
          'last_updated', 'listing_date', 'lot_size', 'lowest_offer_price', 'max_shares_offered', 'min_shares_offered', 'primary_exchange',
          'security_description', 'security_type',
          'shares_outstanding', 'ticker', 'total_offer_size', 'us_code'],
      },
    };
    for (const [url, fields] of Object.entries(documented)) {
      const records = (await get(url)).results as Array<Record<string, unknown>>;
      expect(records.length, url).toBeGreaterThan(0);
      for (const r of records) {
        expect(Object.keys(r).filter((k) => !fields.all.includes(k)), url).toEqual([]);
        for (const k of fields.required) expect(r[k], `${url} ${k}`).not.toBeUndefined();
      }
    }
  });
});

describe('simulator point-in-time universe', () => {
  it('lists a rename\'s successor only from the rename on, and the old symbol as delisted the day before', async () => {
    const change = sim.market.tickerChanges().find((c) => c.events[1]!.date > '2022-02-01')!;
    const oldSymbol = change.events[0]!.ticker;
    const { date: renamed, ticker: newSymbol } = change.events[1]!;
    const eve = previousTradingDay(renamed);
    const active = async (date: string, flag: boolean) =>
      (await get(
        `/v3/reference/tickers?date=${date}&active=${flag}&limit=1000`,
      )).results as Array<{ ticker: string; delisted_utc?: string }>;
    expect((await active(eve, true)).map((r) => r.ticker)).toContain(oldSymbol);
    expect((await active(eve, true)).map((r) => r.ticker)).not.toContain(newSymbol);
    expect((await active(renamed, true)).map((r) => r.ticker)).toContain(newSymbol);
    expect((await active(renamed, false)).find((r) => r.ticker === oldSymbol)?.delisted_utc).toBe(`${eve}T00:00:00Z`);
  });
});
