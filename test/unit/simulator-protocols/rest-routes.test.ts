import { describe, expect, it } from 'vitest';
import { etMidnightUtc, etToUtc } from '../../../core/calendar/index.ts';
import { planNamed, type PlanName } from '../../../core/sources/simulator/faults/simulator-plans.ts';
import { createMarketViews } from '../../../core/sources/simulator/rest/market-views.ts';
import type { RestContext } from '../../../core/sources/simulator/rest/rest-context.ts';
import { decodeCursor } from '../../../core/sources/simulator/rest/rest-cursor.ts';
import { RestError } from '../../../core/sources/simulator/rest/rest-errors.ts';
import { aggregateRange, groupedDaily } from '../../../core/sources/simulator/rest/routes/aggregate-routes.ts';
import { listDividends, listSplits } from '../../../core/sources/simulator/rest/routes/corporate-action-routes.ts';
import { listFinancials, listNews, listShortVolume } from '../../../core/sources/simulator/rest/routes/fundamentals-routes.ts';
import { marketStatusNow, upcomingMarketStatus } from '../../../core/sources/simulator/rest/routes/market-status-routes.ts';
import { listTickers, tickerDetails, tickerEvents, tickerTypes } from '../../../core/sources/simulator/rest/routes/ticker-routes.ts';
import { AAA_SPLIT_DATE, createFakeMarket, OPTION } from './fake-market.ts';

const market = createFakeMarket();
const views = createMarketViews(market);
const NOW = new Date('2024-04-10T16:00:00Z');

/** A route context as the handler builds it; `query` may carry a cursor to follow. */
function ctx(path: string, query: Record<string, string> = {}, params: Record<string, string> = {}, opts: { now?: Date; plan?: PlanName } = {}): RestContext {
  const raw = new URLSearchParams(query);
  const cursor = raw.get('cursor');
  const state = cursor ? decodeCursor(cursor) : { query: raw, offset: 0 };
  return { views, plan: planNamed(opts.plan ?? 'advanced'), now: opts.now ?? NOW, restBase: 'http://127.0.0.1:9', path, params, query: state.query, offset: state.offset, requestId: 'req-1' };
}

/** The status and body a RestError would answer with. */
function errorOf(fn: () => unknown): { status: number; body: unknown } {
  try {
    fn();
  } catch (err) {
    if (err instanceof RestError) return err.answer('req-1');
    throw err;
  }
  throw new Error('expected a RestError');
}

type Json = Record<string, unknown> & { results: Array<Record<string, unknown>>; next_url?: string };

describe('reference tickers', () => {
  it('lists active tickers by default, inactive ones with delisted_utc, and as of a past date', () => {
    const active = listTickers(ctx('/v3/reference/tickers')) as Json;
    expect(active.results.map((r) => r.ticker)).toEqual(['AAA', 'CCD']);
    expect(active.results[0]).toMatchObject({ active: true, currency_name: 'usd', locale: 'us', market: 'stocks', primary_exchange: 'XNAS', type: 'CS' });
    const inactive = listTickers(ctx('/v3/reference/tickers', { active: 'false' })) as Json;
    expect(inactive.results.map((r) => [r.ticker, r.delisted_utc])).toEqual([['BBB', '2024-03-15T00:00:00Z'], ['CCC', '2024-03-19T00:00:00Z']]);
    const past = listTickers(ctx('/v3/reference/tickers', { date: '2024-03-01', order: 'desc' })) as Json;
    expect(past.results.map((r) => r.ticker)).toEqual(['CCC', 'BBB', 'AAA']);
    expect((listTickers(ctx('/v3/reference/tickers', { 'ticker.gt': 'AAA', search: 'gamma' })) as Json).results.map((r) => r.ticker)).toEqual(['CCD']);
  });

  it('pages with a cursor that carries the query', () => {
    const page1 = listTickers(ctx('/v3/reference/tickers', { date: '2024-03-01', limit: '2' })) as Json;
    expect(page1.results.map((r) => r.ticker)).toEqual(['AAA', 'BBB']);
    const next = new URL(page1.next_url!);
    expect(next.origin + next.pathname).toBe('http://127.0.0.1:9/v3/reference/tickers');
    expect([...next.searchParams.keys()]).toEqual(['cursor']);
    const page2 = listTickers(ctx('/v3/reference/tickers', { cursor: next.searchParams.get('cursor')! })) as Json;
    expect(page2.results.map((r) => r.ticker)).toEqual(['CCC']);
    expect(page2.next_url).toBeUndefined();
  });

  it('answers details, 404 for unknown symbols, types and ticker events newest first', () => {
    const details = tickerDetails(ctx('/v3/reference/tickers/AAA', {}, { ticker: 'AAA' })) as { results: Record<string, unknown> };
    expect(details.results).toMatchObject({ ticker: 'AAA', active: true, list_date: '2024-02-26', round_lot: 100, share_class_shares_outstanding: 1_000_000 });
    expect(errorOf(() => tickerDetails(ctx('/v3/reference/tickers/ZZZ', {}, { ticker: 'ZZZ' })))).toEqual({ status: 404, body: { status: 'NOT_FOUND', request_id: 'req-1', message: 'Ticker not found.' } });
    const types = tickerTypes(ctx('/v3/reference/tickers/types', { asset_class: 'indices' })) as Json;
    expect(types.results).toEqual([{ asset_class: 'indices', code: 'INDEX', description: 'Index', locale: 'us' }]);
    const events = tickerEvents(ctx('/vX/reference/tickers/CCD/events', {}, { id: 'CCD' })) as { results: { events: unknown[] } };
    expect(events.results.events).toEqual([
      { ticker_change: { ticker: 'CCD' }, type: 'ticker_change', date: '2024-03-20' },
      { ticker_change: { ticker: 'CCC' }, type: 'ticker_change', date: '2024-02-26' },
    ]);
  });
});

describe('corporate actions and fundamentals', () => {
  it('filters and orders dividends and splits as documented', () => {
    const all = listDividends(ctx('/v3/reference/dividends')) as Json;
    expect(all.results.map((r) => r.id)).toEqual(['D-CCC-1', 'D-AAA-1']);
    expect(all.results[1]).toEqual({ cash_amount: 0.5, currency: 'USD', declaration_date: '2024-02-27', dividend_type: 'CD', ex_dividend_date: '2024-03-05', frequency: 4, id: 'D-AAA-1', pay_date: '2024-03-20', record_date: '2024-03-06', ticker: 'AAA' });
    expect((listDividends(ctx('/v3/reference/dividends', { 'ex_dividend_date.lt': '2024-03-10' })) as Json).results.map((r) => r.id)).toEqual(['D-AAA-1']);
    expect((listDividends(ctx('/v3/reference/dividends', { 'cash_amount.gte': '1' })) as Json).results.map((r) => r.id)).toEqual(['D-CCC-1']);
    expect(errorOf(() => listDividends(ctx('/v3/reference/dividends', { 'cash_amount.gte': 'lots' }))).status).toBe(400);
    expect(errorOf(() => listDividends(ctx('/v3/reference/dividends', { limit: '1001' }))).status).toBe(400);
    expect((listSplits(ctx('/v3/reference/splits', { reverse_split: 'false' })) as Json).results).toEqual([{ execution_date: AAA_SPLIT_DATE, id: 'S-AAA-1', split_from: 1, split_to: 2, ticker: 'AAA' }]);
    expect((listSplits(ctx('/v3/reference/splits', { reverse_split: 'true' })) as Json).results).toEqual([]);
  });

  it('serves news newest first with publisher and insights; financials are not in the starter plan', () => {
    const news = listNews(ctx('/v2/reference/news', { ticker: 'BBB', limit: '3' })) as Json;
    expect(news.results.map((r) => r.id)).toEqual(['N023', 'N021', 'N019']);
    expect(news.results[0]).toMatchObject({ publisher: { name: 'Example Wire' }, insights: [{ ticker: 'AAA' }, { ticker: 'BBB' }] });
    expect(news.next_url).toMatch(/cursor=/);
    expect(errorOf(() => listFinancials(ctx('/vX/reference/financials', {}, {}, { plan: 'starter' })))).toEqual({
      status: 403,
      body: { status: 'NOT_AUTHORIZED', request_id: 'req-1', message: 'You are not entitled to this data. Please upgrade your plan at https://massive.com/pricing' },
    });
  });

  it('computes short volume only for the requested dates, with venue columns that add up', () => {
    const sv = listShortVolume(ctx('/stocks/v1/short-volume', { date: '2024-03-14', sort: 'ticker.desc' })) as Json;
    expect(sv.results.map((r) => r.ticker)).toEqual(['CCC', 'BBB', 'AAA']);
    const r = sv.results[0]!;
    expect(r.short_volume_ratio).toBe(40);
    expect(Number(r.adf_short_volume) + Number(r.nasdaq_carteret_short_volume) + Number(r.nasdaq_chicago_short_volume) + Number(r.nyse_short_volume)).toBe(400);
  });
});

describe('aggregates', () => {
  const dayBar = (date: string, symbol: string) => market.dayBars('stocks', date).find((b) => b.ticker === symbol)!;

  it('split-adjusts by default and serves raw flat-file values with adjusted=false', () => {
    const params = { ticker: 'AAA', multiplier: '1', timespan: 'day', from: '2024-03-07', to: '2024-03-12' };
    const adj = aggregateRange(ctx('/v2/aggs/ticker/AAA/range/1/day/2024-03-07/2024-03-12', {}, params)) as Json;
    const raw = aggregateRange(ctx('/v2/aggs/ticker/AAA/range/1/day/2024-03-07/2024-03-12', { adjusted: 'false' }, params)) as Json;
    expect(adj.results.map((r) => r.t)).toEqual(['2024-03-07', '2024-03-08', '2024-03-11', '2024-03-12'].map((d) => etMidnightUtc(d).getTime()));
    const pre = dayBar('2024-03-08', 'AAA');
    expect(raw.results[1]).toMatchObject({ o: pre.open, c: pre.close, h: pre.high, l: pre.low, v: pre.volume, n: pre.transactions });
    expect(adj.results[1]).toMatchObject({ c: pre.close / 2, v: pre.volume * 2 });
    expect(adj.results[2]).toMatchObject({ c: dayBar('2024-03-11', 'AAA').close });
    expect(adj).toMatchObject({ ticker: 'AAA', adjusted: true, queryCount: 4, resultsCount: 4, status: 'OK' });
  });

  it('rolls days into weeks and pages minute bars at window boundaries', () => {
    const week = aggregateRange(ctx('/x', { adjusted: 'false' }, { ticker: 'BBB', multiplier: '1', timespan: 'week', from: '2024-03-04', to: '2024-03-08' })) as Json;
    expect(week.results).toHaveLength(1);
    const days = ['2024-03-04', '2024-03-05', '2024-03-06', '2024-03-07', '2024-03-08'].map((d) => dayBar(d, 'BBB'));
    expect(week.results[0]).toMatchObject({ o: days[0]!.open, c: days[4]!.close, v: days.reduce((s, b) => s + b.volume, 0), t: etMidnightUtc('2024-03-03').getTime() });
    const params = { ticker: 'AAA', multiplier: '1', timespan: 'minute', from: '2024-03-04', to: '2024-03-05' };
    const page1 = aggregateRange(ctx('/v2/aggs/ticker/AAA/range/1/minute/2024-03-04/2024-03-05', { limit: '7' }, params)) as Json;
    expect(page1.results).toHaveLength(7);
    const next = new URL(page1.next_url!);
    expect(next.pathname).toBe(`/v2/aggs/ticker/AAA/range/1/minute/${etToUtc('2024-03-05', 9, 32).getTime()}/${etMidnightUtc('2024-03-06').getTime() - 1}`);
    const [nf, nt] = next.pathname.split('/').slice(8);
    const page2 = aggregateRange(ctx(next.pathname, { cursor: next.searchParams.get('cursor')! }, { ...params, from: nf!, to: nt! })) as Json;
    expect(page2.results.map((r) => r.t)).toEqual([2, 3, 4].map((m) => etToUtc('2024-03-05', 9, 30 + m).getTime()));
    expect(page2.next_url).toBeUndefined();
    const fives = aggregateRange(ctx('/x', {}, { ...params, multiplier: '5', to: '2024-03-04' })) as Json;
    expect(fives.results).toHaveLength(1);
    expect(fives).toMatchObject({ queryCount: 5, resultsCount: 1 });
  });

  it('serves option aggregates, answers 403 beyond the plan window, and grouped daily at 16:00 ET', () => {
    const opt = aggregateRange(ctx('/x', {}, { ticker: OPTION, multiplier: '1', timespan: 'day', from: '2024-03-04', to: '2024-03-04' })) as Json;
    expect(opt.results).toHaveLength(1);
    const old = errorOf(() => aggregateRange(ctx('/x', {}, { ticker: 'AAA', multiplier: '1', timespan: 'day', from: '2021-03-04', to: '2024-03-04' }, { plan: 'basic' })));
    expect(old).toEqual({ status: 403, body: { status: 'NOT_AUTHORIZED', request_id: 'req-1', message: "Your plan doesn't include this data timeframe." } });
    const grouped = groupedDaily(ctx('/x', { adjusted: 'false' }, { date: '2024-03-08' })) as Json;
    expect(grouped.results.map((r) => r.T)).toEqual(['AAA', 'BBB', 'CCC']);
    expect(grouped.results[0]).toMatchObject({ T: 'AAA', c: dayBar('2024-03-08', 'AAA').close, t: etToUtc('2024-03-08', 16, 0).getTime() });
    expect(groupedDaily(ctx('/x', {}, { date: '2024-03-29' }))).toEqual({ queryCount: 0, resultsCount: 0, adjusted: true, status: 'OK', request_id: 'req-1' });
  });
});

describe('market status', () => {
  it('follows the clock: open, pre-market, weekend', () => {
    expect(marketStatusNow(ctx('/x', {}, {}, { now: new Date('2024-03-06T15:00:00Z') }))).toMatchObject({ market: 'open', earlyHours: false, afterHours: false, exchanges: { nyse: 'open' }, serverTime: '2024-03-06T10:00:00-05:00' });
    expect(marketStatusNow(ctx('/x', {}, {}, { now: new Date('2024-03-06T12:00:00Z') }))).toMatchObject({ market: 'extended-hours', earlyHours: true });
    expect(marketStatusNow(ctx('/x', {}, {}, { now: new Date('2024-03-09T15:00:00Z') }))).toMatchObject({ market: 'closed', currencies: { fx: 'closed' } });
  });

  it('lists the coming year of closures and early closes as a bare array', () => {
    const rows = upcomingMarketStatus(ctx('/x', {}, {}, { now: new Date('2024-03-10T15:00:00Z') })) as Array<Record<string, string>>;
    expect(rows.slice(0, 2)).toEqual([
      { date: '2024-03-29', exchange: 'NASDAQ', name: 'Good Friday', status: 'closed' },
      { date: '2024-03-29', exchange: 'NYSE', name: 'Good Friday', status: 'closed' },
    ]);
    expect(rows).toContainEqual({ close: '2024-07-03T17:00:00.000Z', date: '2024-07-03', exchange: 'NYSE', name: 'Independence Day', open: '2024-07-03T13:30:00.000Z', status: 'early-close' });
  });
});
