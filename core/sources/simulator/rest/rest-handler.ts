import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultState } from '../faults/fault-state.ts';
import type { PlanEntitlements } from '../faults/simulator-plans.ts';
import type { MarketViews } from './market-views.ts';
import { effectiveQuery } from './rest-cursor.ts';
import type { Route } from './rest-context.ts';
import { RestError, serverError, tooManyRequests, unauthorized, type RestAnswer } from './rest-errors.ts';
import { createRateLimiter } from './rest-rate-limiter.ts';
import { aggregateRange, groupedDaily } from './routes/aggregate-routes.ts';
import { listDividends, listIpos, listSplits } from './routes/corporate-action-routes.ts';
import { listFinancials, listNews, listShortInterest, listShortVolume } from './routes/fundamentals-routes.ts';
import { marketStatusNow, upcomingMarketStatus } from './routes/market-status-routes.ts';
import { listTickers, relatedCompanies, tickerDetails, tickerEvents, tickerTypes } from './routes/ticker-routes.ts';

/** Path patterns (`{name}` = one path segment) and their routes; order matters where patterns overlap. */
const ROUTES: ReadonlyArray<[string, Route]> = [
  ['/v3/reference/tickers/types', tickerTypes],
  ['/v3/reference/tickers', listTickers],
  ['/v3/reference/tickers/{ticker}', tickerDetails],
  ['/v1/related-companies/{ticker}', relatedCompanies],
  ['/v3/reference/dividends', listDividends],
  ['/v3/reference/splits', listSplits],
  ['/vX/reference/ipos', listIpos],
  ['/vX/reference/tickers/{id}/events', tickerEvents],
  ['/vX/reference/financials', listFinancials],
  ['/v2/reference/news', listNews],
  ['/stocks/v1/short-interest', listShortInterest],
  ['/stocks/v1/short-volume', listShortVolume],
  ['/v1/marketstatus/upcoming', upcomingMarketStatus],
  ['/v1/marketstatus/now', marketStatusNow],
  ['/v2/aggs/ticker/{ticker}/range/{multiplier}/{timespan}/{from}/{to}', aggregateRange],
  ['/v2/aggs/grouped/locale/us/market/stocks/{date}', groupedDaily],
];

const COMPILED = ROUTES.map(([pattern, route]) => {
  const names: string[] = [];
  const source = pattern.replace(/\{(\w+)\}/g, (_, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { re: new RegExp(`^${source}/?$`), names, route };
});

/** Finds the route of a path and its decoded parameters. */
function match(path: string): { route: Route; params: Record<string, string> } | null {
  for (const { re, names, route } of COMPILED) {
    const m = re.exec(path);
    if (!m) continue;
    const params: Record<string, string> = {};
    try {
      names.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1] as string)));
    } catch {
      return null;
    }
    return { route, params };
  }
  return null;
}

/** Everything the REST endpoint serves from. */
export interface RestHandlerOptions {
  apiKey: string;
  views: MarketViews;
  faults: FaultState;
  plan: () => PlanEntitlements;
  now: () => Date;
  /** The server's base URL (for next_url), known once it listens. */
  restBase: () => string;
  onRequest?: (info: { method: string; path: string; status: number }) => void;
}

/** The key of a request: `apiKey` query parameter or `Authorization: Bearer`. */
function keyOf(req: IncomingMessage, query: URLSearchParams): string | null {
  const q = query.get('apiKey');
  if (q !== null) return q;
  const auth = req.headers.authorization;
  const m = auth ? /^Bearer\s+(.+)$/i.exec(auth) : null;
  return m ? (m[1] as string).trim() : null;
}

/** Writes an answer as JSON (or its raw text body). */
function send(res: ServerResponse, answer: RestAnswer): void {
  const headers: Record<string, string | number> = { ...answer.headers };
  let body: Buffer;
  if (answer.text) {
    headers['Content-Type'] = answer.text.contentType;
    body = Buffer.from(answer.text.body, 'utf8');
  } else {
    headers['Content-Type'] = 'application/json';
    body = Buffer.from(JSON.stringify(answer.body), 'utf8');
  }
  headers['Content-Length'] = body.length;
  res.writeHead(answer.status, headers);
  res.end(body);
}

/** Creates the request handler of the REST endpoint. */
export function createRestHandler(options: RestHandlerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const limiter = createRateLimiter();

  const answer = (req: IncomingMessage, requestId: string): RestAnswer => {
    const url = new URL(req.url ?? '/', 'http://simulator.invalid');
    const fault = options.faults.takeRestError();
    if (fault === 'rest-5xx') return serverError(requestId, options.faults.rest5xxServed() - 1);
    if (fault === 'rest-429') return tooManyRequests(requestId, 1);
    const key = keyOf(req, url.searchParams);
    if (key !== options.apiKey) return unauthorized(requestId, key === null);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return { status: 405, headers: { Allow: 'GET' }, body: { status: 'ERROR', request_id: requestId, error: 'Method not allowed' } };
    }
    const found = match(url.pathname);
    if (!found) return { status: 404, body: { status: 'NOT_FOUND', request_id: requestId, message: 'Not found' } };
    const now = options.now();
    const plan = options.plan();
    const admitted = limiter.admit(now, plan.restPerMinute);
    if (!admitted.ok) return tooManyRequests(requestId, admitted.retryAfterSeconds);
    try {
      const { query, offset } = effectiveQuery(url.searchParams);
      const body = found.route({
        views: options.views,
        plan,
        now,
        // next_url names the host the client reached us by, so it also works through a forwarded port.
        restBase: req.headers.host ? `http://${req.headers.host}` : options.restBase(),
        path: url.pathname,
        params: found.params,
        query,
        offset,
        requestId,
        corrections: options.faults.corrections(),
      });
      return { status: 200, body };
    } catch (err) {
      if (err instanceof RestError) return err.answer(requestId);
      throw err;
    }
  };

  return (req, res) => {
    const requestId = randomBytes(16).toString('hex');
    res.on('finish', () => options.onRequest?.({ method: req.method ?? '', path: new URL(req.url ?? '/', 'http://x').pathname, status: res.statusCode }));
    try {
      send(res, answer(req, requestId));
    } catch (err) {
      send(res, { status: 500, body: { status: 'ERROR', request_id: requestId, error: `Internal error: ${err instanceof Error ? err.message : String(err)}` } });
    }
  };
}
