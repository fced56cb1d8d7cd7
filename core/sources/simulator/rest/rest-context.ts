import type { CorrectionFault } from '../faults/fault-types.ts';
import type { PlanEntitlements } from '../faults/simulator-plans.ts';
import { encodeCursor } from './rest-cursor.ts';
import type { MarketViews } from './market-views.ts';

/** Everything a route needs to answer one request. */
export interface RestContext {
  views: MarketViews;
  plan: PlanEntitlements;
  now: Date;
  /** The server's own base URL, for next_url. */
  restBase: string;
  /** Request path as received (without query). */
  path: string;
  /** Path parameters, decoded. */
  params: Record<string, string>;
  /** The query the request means (the cursor's, when following next_url), without the key. */
  query: URLSearchParams;
  /** Where this page starts in the ordered results. */
  offset: number;
  requestId: string;
  /** Upstream corrections in force (faults), each with the instant it took effect. */
  corrections?: ReadonlyArray<CorrectionFault & { since: Date }>;
}

/** A route: computes the JSON body (status 200) or throws a RestError. */
export type Route = (ctx: RestContext) => unknown;

/** One page of ordered rows and, when more follow, the next_url continuing the same query. */
export function pageOf<T>(ctx: RestContext, rows: readonly T[], limit: number): { results: T[]; next_url?: string } {
  const results = rows.slice(ctx.offset, ctx.offset + limit);
  const next = ctx.offset + limit;
  return next < rows.length ? { results, next_url: `${ctx.restBase}${ctx.path}?cursor=${encodeCursor(ctx.query, next)}` } : { results };
}

/** The standard list envelope `{results, status, request_id, count?, next_url?}`. */
export function listEnvelope<T>(ctx: RestContext, page: { results: T[]; next_url?: string }, withCount: boolean): Record<string, unknown> {
  return {
    results: page.results,
    status: 'OK',
    request_id: ctx.requestId,
    ...(withCount ? { count: page.results.length } : {}),
    ...(page.next_url ? { next_url: page.next_url } : {}),
  };
}
