/**
 * The Symbol page's requests: find an instrument in the point-in-time universe (by any symbol it
 * ever traded under, or its name), then its daily bars, its corporate actions and its identifiers.
 * Everything is read through the lake service's read-only SQL over silver and REST bronze.
 *
 * Actions are matched to the instrument by (symbol, the days it traded under that symbol), never by
 * symbol alone: symbols are reused, and a split of a later holder of "ABC" is not this one's.
 */
import type { SymbolBarView, SymbolEventView, SymbolMatchView, SymbolView } from '../contract/contract-views.ts';
import type { Handlers } from '../contract/dispatch.ts';
import { RequestError } from '../contract/request-error.ts';
import { sqlString } from '../duckdb/duckdb-instance.ts';
import { lakeRows, lakeViewNames, type LakeCell } from './lake-rows.ts';
import { readOptionsChain } from './options-chain-handler.ts';
import { readSymbolFeature } from './symbol-feature-handler.ts';
import { duringSpans, tickerSpans } from './instrument-spans.ts';
import type { LakeCaller } from './sql-handlers.ts';

const str = (v: LakeCell | undefined): string | null => (v === null || v === undefined ? null : String(v));
const num = (v: LakeCell | undefined): number => (v === null || v === undefined ? Number.NaN : Number(v));

/** A ratio as people say it: split_from 1, split_to 2 is "2-for-1"; 4 to 1 is "1-for-4" (a reverse split). */
function splitTitle(from: number, to: number): string {
  const fmt = (x: number) => (Number.isInteger(x) ? String(x) : x.toPrecision(6).replace(/\.?0+$/, ''));
  return `${fmt(to)}-for-${fmt(from)} ${to < from ? 'reverse split' : 'split'}`;
}

/** Instruments whose symbol (any they traded under) starts with the query, or whose name contains it. */
export async function searchSymbols(lake: LakeCaller, query: string, limit: number): Promise<SymbolMatchView[]> {
  const views = await lakeViewNames(lake);
  if (!views.has('universe')) return [];
  const q = sqlString(query.toUpperCase());
  // 3: the symbol itself, 2: a symbol starting with it, 1: the name containing it.
  const score = `CASE WHEN upper(ticker) = ${q} THEN 3 WHEN starts_with(upper(ticker), ${q}) THEN 2
    WHEN contains(upper(coalesce(name, '')), ${q}) THEN 1 ELSE 0 END`;
  const rows = await lakeRows(
    lake,
    `SELECT instrument_id, arg_max(ticker, date) AS ticker, arg_max(name, date) AS name,
       max(${score}) AS score, arg_max(ticker, ${score}) AS matched,
       CAST(min(date) AS VARCHAR) AS first_date, CAST(max(date) AS VARCHAR) AS last_date,
       CAST(max(delisted_date) AS VARCHAR) AS delisted
     FROM universe GROUP BY instrument_id HAVING max(${score}) > 0
     ORDER BY score DESC, ticker LIMIT ${limit}`,
  );
  return rows.map((r) => ({
    instrumentId: String(r.instrument_id),
    ticker: String(r.ticker),
    name: str(r.name),
    matchedTicker: String(r.matched),
    firstDate: String(r.first_date),
    lastDate: String(r.last_date),
    delistedDate: str(r.delisted),
  }));
}

/** The whole history of one instrument: bars, symbols, actions and identifiers. */
export async function readSymbol(lake: LakeCaller, instrumentId: string, now: () => number = Date.now): Promise<SymbolView> {
  const started = now();
  const views = await lakeViewNames(lake);
  if (!views.has('universe')) throw new RequestError('not_found', 'the lake has no silver universe yet: run an update with silver enabled');
  const id = sqlString(instrumentId);
  const tickers = await tickerSpans(lake, instrumentId);
  const [ident] = await lakeRows(
    lake,
    `SELECT arg_max(ticker, date) AS ticker, arg_max(name, date) AS name, arg_max(composite_figi, date) AS figi,
       arg_max(share_class_figi, date) AS share_figi, arg_max(cik, date) AS cik, arg_max(primary_exchange, date) AS exchange,
       arg_max(type, date) AS type, CAST(min(first_date) AS VARCHAR) AS first_day, CAST(max(delisted_date) AS VARCHAR) AS delisted
     FROM universe WHERE instrument_id = ${id}`,
  );

  let bars: SymbolBarView[] = [];
  if (views.has('stocks_daily_adjusted')) {
    const rows = await lakeRows(
      lake,
      `SELECT CAST(date AS VARCHAR) AS date, CAST(close AS DOUBLE) AS close, CAST(factor AS DOUBLE) AS factor,
         CAST(volume AS DOUBLE) AS volume
       FROM stocks_daily_adjusted WHERE instrument_id = ${id} ORDER BY date`,
    );
    // Backward-adjusted: divided by the latest factor, so the last day's adjusted close is its raw close.
    const last = rows.length ? num(rows[rows.length - 1]!.factor) : 1;
    bars = rows.map((r) => ({
      date: String(r.date), close: num(r.close), adjClose: (num(r.close) * num(r.factor)) / last, volume: num(r.volume),
    }));
  }

  const events: SymbolEventView[] = [];
  const during = (column: string) => duringSpans(tickers, 'ticker', column);
  if (views.has('splits')) {
    const rows = await lakeRows(
      lake,
      `SELECT DISTINCT CAST(execution_date AS VARCHAR) AS d, ticker, CAST(split_from AS DOUBLE) AS f, CAST(split_to AS DOUBLE) AS t
       FROM splits WHERE ${during('execution_date')} ORDER BY d`,
    );
    for (const r of rows) {
      events.push({
        date: String(r.d), kind: 'split', ticker: String(r.ticker), title: splitTitle(num(r.f), num(r.t)),
        detail: `${num(r.f)} share(s) became ${num(r.t)}`,
      });
    }
  }
  if (views.has('dividends')) {
    const rows = await lakeRows(
      lake,
      `SELECT DISTINCT CAST(ex_dividend_date AS VARCHAR) AS d, ticker, CAST(cash_amount AS DOUBLE) AS cash, currency, dividend_type AS type,
         CAST(declaration_date AS VARCHAR) AS declared, CAST(pay_date AS VARCHAR) AS paid
       FROM dividends WHERE ${during('ex_dividend_date')} ORDER BY d`,
    );
    for (const r of rows) {
      const dates = [r.declared ? `declared ${String(r.declared)}` : null, r.paid ? `paid ${String(r.paid)}` : null]
        .filter(Boolean)
        .join(', ');
      events.push({
        date: String(r.d), kind: 'dividend', ticker: String(r.ticker),
        title: `Cash dividend ${num(r.cash)} ${str(r.currency) ?? '(currency not given)'} (${String(r.type)})`,
        detail: dates ? `ex-date ${String(r.d)}; ${dates}` : `ex-date ${String(r.d)}`,
      });
    }
  }
  // Ticker changes as the universe saw them: the day the instrument first traded under a new symbol.
  for (let i = 1; i < tickers.length; i++) {
    const prev = tickers[i - 1]!;
    const cur = tickers[i]!;
    events.push({
      date: cur.from, kind: 'ticker_change', ticker: cur.ticker, title: `Ticker ${prev.ticker} → ${cur.ticker}`,
      detail: `traded as ${prev.ticker} until ${prev.to}`,
    });
  }
  const firstDay = str(ident?.first_day ?? null);
  if (firstDay) {
    events.push({ date: firstDay, kind: 'first_day', ticker: tickers[0]!.ticker, title: 'First trading day in the lake', detail: null });
  }
  const delisted = str(ident?.delisted ?? null);
  if (delisted) {
    events.push({ date: delisted, kind: 'delisted', ticker: tickers[tickers.length - 1]!.ticker, title: 'Delisted', detail: null });
  }
  events.sort((a, b) => (a.date === b.date ? a.kind.localeCompare(b.kind) : a.date.localeCompare(b.date)));

  return {
    instrumentId,
    ticker: String(ident?.ticker ?? tickers[tickers.length - 1]!.ticker),
    name: str(ident?.name ?? null),
    tickers,
    identifiers: {
      compositeFigi: str(ident?.figi ?? null),
      shareClassFigi: str(ident?.share_figi ?? null),
      cik: str(ident?.cik ?? null),
      primaryExchange: str(ident?.exchange ?? null),
      type: str(ident?.type ?? null),
    },
    bars,
    events,
    elapsedMs: now() - started,
  };
}

/** The Symbol page's requests over the lake service. */
export function symbolHandlers(lake: LakeCaller): Pick<Handlers, 'symbol.search' | 'symbol.get' | 'symbol.feature' | 'symbol.options'> {
  return {
    'symbol.search': (input) => searchSymbols(lake, input.query, input.limit),
    'symbol.get': (input) => readSymbol(lake, input.instrumentId),
    'symbol.feature': (input) => readSymbolFeature(lake, input),
    'symbol.options': (input) => readOptionsChain(lake, input.instrumentId, input.date),
  };
}
