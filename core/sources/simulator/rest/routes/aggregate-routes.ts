import { addDays, etDateOf, etMidnightUtc, etToUtc, isIsoDate, isTradingDay } from '../../../../calendar/index.ts';
import { historyStart } from '../../faults/simulator-plans.ts';
import type { Bar, IsoDate } from '../../simulator-types.ts';
import { combine, restAggOf, TIMESPANS, windowOf, type RestAgg, type Timespan, type Window } from '../aggregate-windows.ts';
import type { MarketViews } from '../market-views.ts';
import { encodeCursor } from '../rest-cursor.ts';
import type { RestContext } from '../rest-context.ts';
import { badRequest, notEntitled } from '../rest-errors.ts';
import { parseLimit } from '../rest-query.ts';

/** Split adjustment of a symbol's bar of `date`: the product of split ratios executed after it, up to `asOf`. */
export function splitFactor(views: MarketViews, ticker: string, date: IsoDate, asOf: IsoDate): number {
  let f = 1;
  for (const s of views.splitsOf(ticker)) if (s.executionDate > date && s.executionDate <= asOf) f *= s.splitTo / s.splitFrom;
  return f;
}

/** `adjusted` (default true); anything but true/false is a 400. */
function parseAdjusted(query: URLSearchParams): boolean {
  const raw = query.get('adjusted') ?? 'true';
  if (raw !== 'true' && raw !== 'false') throw badRequest("adjusted must be 'true' or 'false'");
  return raw === 'true';
}

/** 403 when a date lies before the plan's REST history window. */
function checkHistory(ctx: RestContext, firstDate: IsoDate): void {
  const start = historyStart(ctx.plan.restYears, ctx.now);
  if (start !== null && firstDate < start) throw notEntitled('timeframe');
}

/** A `from`/`to` path value: a date (whole ET day) or epoch milliseconds. */
function parseBound(raw: string, name: string, edge: 'start' | 'end'): number {
  if (/^\d+$/.test(raw)) return Number(raw);
  if (!isIsoDate(raw)) throw badRequest(`'${raw}' is not a valid ${name} (YYYY-MM-DD or milliseconds)`);
  return edge === 'start' ? etMidnightUtc(raw).getTime() : etMidnightUtc(addDays(raw, 1)).getTime() - 1;
}

/** GET /v2/aggs/ticker/{ticker}/range/{multiplier}/{timespan}/{from}/{to} */
export function aggregateRange(ctx: RestContext): unknown {
  const { ticker = '', multiplier: multRaw = '', timespan: spanRaw = '', from: fromRaw = '', to: toRaw = '' } = ctx.params;
  const multiplier = Number(multRaw);
  if (!/^\d+$/.test(multRaw) || multiplier < 1) throw badRequest(`'${multRaw}' is not a valid multiplier`);
  if (!(TIMESPANS as readonly string[]).includes(spanRaw)) throw badRequest(`timespan must be one of ${TIMESPANS.join(', ')}`);
  const span = spanRaw as Timespan;
  const fromMs = parseBound(fromRaw, 'from', 'start');
  const toMs = parseBound(toRaw, 'to', 'end');
  const adjusted = parseAdjusted(ctx.query);
  const sort = ctx.query.get('sort') ?? 'asc';
  if (sort !== 'asc' && sort !== 'desc') throw badRequest("sort must be 'asc' or 'desc'");
  const limit = parseLimit(ctx.query, 5000, 50000);
  const fromDate = etDateOf(new Date(fromMs));
  const toDate = etDateOf(new Date(toMs));
  checkHistory(ctx, fromDate);
  // The window grid is anchored on the first date of the original request, carried in the cursor.
  const anchor = ctx.query.get('anchor') ?? fromDate;

  const envelope = (results: RestAgg[], queryCount: number, next?: string) => ({
    ticker,
    queryCount,
    resultsCount: results.length,
    adjusted,
    ...(results.length ? { results } : {}),
    status: 'OK',
    request_id: ctx.requestId,
    count: results.length,
    ...(next ? { next_url: next } : {}),
  });

  const last = ctx.views.lastCompleteDay(ctx.now);
  if (span === 'second' || last === null || fromMs > toMs) return envelope([], 0);
  const assetClass = ticker.startsWith('O:') ? 'options' : 'stocks';
  if (ticker.includes(':') && assetClass === 'stocks') return envelope([], 0);
  const minutes = span === 'minute' || span === 'hour';
  const lastDate = toDate < last ? toDate : last;
  // Day-level spans read the ticker's whole day series at once; minute spans walk days lazily so a
  // page only computes the days it returns.
  const dayGroups: Array<() => Bar[]> = minutes
    ? ctx.views.market
        .tradingDays()
        .filter((d) => d >= fromDate && d <= lastDate)
        .map((d) => () => ctx.views.tickerMinuteBars(ticker, d))
    : [() => ctx.views.tickerDayBars(ticker, fromDate, lastDate)];
  if (sort === 'desc') dayGroups.reverse();
  const factors = new Map<IsoDate, number>();
  const factorOf = (bar: Bar): number => {
    if (!adjusted || assetClass !== 'stocks') return 1;
    const date = etDateOf(new Date(Number(bar.windowStartNs / 1_000_000n)));
    let f = factors.get(date);
    if (f === undefined) factors.set(date, (f = splitFactor(ctx.views, ticker, date, last)));
    return f;
  };

  // Close a window whenever the grid moves on, and stop before a window would take the page past
  // `limit` base aggregates (a window is never split across pages).
  const results: RestAgg[] = [];
  let used = 0;
  let open: { window: Window; aggs: RestAgg[] } | null = null;
  let nextWindow: Window | null = null;
  const close = () => {
    if (!open) return true;
    if (results.length > 0 && used + open.aggs.length > limit) {
      nextWindow = open.window;
      return false;
    }
    used += open.aggs.length;
    results.push(combine(open.aggs, open.window.start));
    open = null;
    return true;
  };
  outer: for (const group of dayGroups) {
    const bars = group();
    if (sort === 'desc') bars.reverse();
    for (const bar of bars) {
      const agg = restAggOf(bar, factorOf(bar));
      if (agg.t < fromMs || agg.t > toMs) continue;
      const window = windowOf(agg.t, span, multiplier, anchor);
      if (open && open.window.start !== window.start) {
        if (!close()) break outer;
      }
      open ??= { window, aggs: [] };
      open.aggs.push(agg);
    }
  }
  close();
  let next: string | undefined;
  const nw = nextWindow as Window | null;
  if (nw) {
    const cursorQuery = new URLSearchParams(ctx.query);
    cursorQuery.set('anchor', anchor);
    const [nf, nt] = sort === 'asc' ? [Math.max(nw.start, fromMs), toMs] : [fromMs, Math.min(nw.end - 1, toMs)];
    next = `${ctx.restBase}/v2/aggs/ticker/${encodeURIComponent(ticker)}/range/${multiplier}/${span}/${nf}/${nt}?cursor=${encodeCursor(cursorQuery, 0)}`;
  }
  return envelope(results, used, next);
}

/** GET /v2/aggs/grouped/locale/us/market/stocks/{date}: every ticker's day bar, stamped at 16:00 ET. */
export function groupedDaily(ctx: RestContext): unknown {
  const date = ctx.params.date ?? '';
  if (!isIsoDate(date)) throw badRequest(`'${date}' is not a valid date (YYYY-MM-DD)`);
  const adjusted = parseAdjusted(ctx.query);
  checkHistory(ctx, date);
  const last = ctx.views.lastCompleteDay(ctx.now);
  const empty = { queryCount: 0, resultsCount: 0, adjusted, status: 'OK', request_id: ctx.requestId };
  if (last === null || date > last || date < ctx.views.market.options.from || !isTradingDay(date)) return empty;
  const t = etToUtc(date, 16, 0).getTime();
  const results = ctx.views.dayBars('stocks', date).map((bar) => {
    const a = restAggOf(bar, adjusted ? splitFactor(ctx.views, bar.ticker, date, last) : 1);
    return { T: bar.ticker, v: a.v, vw: a.vw, o: a.o, c: a.c, h: a.h, l: a.l, t, n: a.n };
  });
  return { ...empty, queryCount: results.length, resultsCount: results.length, ...(results.length ? { results } : {}) };
}
