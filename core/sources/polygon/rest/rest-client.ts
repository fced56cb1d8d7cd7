import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { Agent, request, type Dispatcher } from 'undici';
import type { Logger } from '../../../log/logger.ts';
import { backoffDelayMs, type RetryPolicy } from '../retry-policy.ts';
import { OPEN_GATE, type RateGate, type RateWait } from './rate-gate.ts';
import { SYSTEM_CLOCK, type RestClock } from './rest-clock.ts';
import { credentialError, notEntitledError, RestRequestError, upstreamMessageOf, type RestRequestContext } from './rest-errors.ts';
import type { PlanName } from './rest-plans.ts';
import { buildUrl, scrubKeyFromText, shortUrl, stripApiKey } from './rest-url.ts';

const gunzip = promisify(zlib.gunzip);

/** Connect, headers and body timeouts of every request (ms). */
export interface RestTimeouts {
  connectMs: number;
  /** From the request sent to the response headers. */
  headersMs: number;
  /** Longest silence between two chunks of a body. */
  bodyMs: number;
}

export const DEFAULT_REST_TIMEOUTS: RestTimeouts = { connectMs: 10_000, headersMs: 30_000, bodyMs: 30_000 };
export const DEFAULT_REST_RETRY: RetryPolicy = { requestAttempts: 5, baseDelayMs: 500, maxDelayMs: 30_000 };

/** Longest Retry-After honoured; beyond it the answer is treated as a malfunction and capped. */
const MAX_RETRY_AFTER_MS = 5 * 60_000;

/** How to reach the API. The key is held here and only ever leaves in the Authorization header. */
export interface RestClientOptions {
  /** https://api.massive.com, or the simulator's base. */
  baseUrl: string;
  apiKey: string;
  /** The account's plan (rate limits, and the messages of 403 answers). */
  plan: PlanName;
  retry?: RetryPolicy;
  timeouts?: Partial<RestTimeouts>;
  /** Sockets in the pool (default 8). */
  connections?: number;
  clock?: RestClock;
  /** Jitter source (tests pin it). */
  random?: () => number;
  logger?: Logger;
}

/** One page of a 200 answer. Nothing in it holds the key. */
export interface RestPage {
  /** The request URL, without key. */
  url: string;
  /** The body as received (after Content-Encoding), with any echo of the key replaced by ***. */
  body: Buffer;
  /** Whether the key had to be scrubbed from the body (upstream echoed it). */
  scrubbed: boolean;
  json: unknown;
  /** `next_url`, rebased on our base URL and without key, or null on the last page. */
  nextUrl: string | null;
  /** HTTP attempts this page took (1 = no retry). */
  attempts: number;
}

/** A retry about to happen, for logs and progress. */
export interface RestRetry {
  attempt: number;
  status: number | null;
  delayMs: number;
  reason: string;
}

/** Per-request options. */
export interface RestGetOptions {
  signal?: AbortSignal;
  /** Admission before every attempt (default: none, for tests against unlimited plans). */
  gate?: RateGate;
  onWait?: (wait: RateWait) => void;
  onRetry?: (retry: RestRetry) => void;
  /** Names the dataset and the plans that include it, for 403 messages. */
  context?: RestRequestContext;
}

/** The REST client: one pooled undici Agent, retries, pagination. */
export interface RestClient {
  readonly baseUrl: string;
  readonly plan: PlanName;
  /** GETs one page (path + params, or a full URL on the base's host), retrying 429/5xx/network errors. */
  get(pathOrUrl: string, params?: Readonly<Record<string, string>>, options?: RestGetOptions): Promise<RestPage>;
  /** Every page of a listing, following next_url to the end. */
  pages(path: string, params: Readonly<Record<string, string>>, options?: RestGetOptions): AsyncGenerator<RestPage>;
  /** Closes the pool's sockets. */
  close(): Promise<void>;
}

type Outcome =
  | { kind: 'page'; page: RestPage }
  | { kind: 'retry'; status: number | null; reason: string; retryAfterMs: number | null }
  | { kind: 'fail'; error: RestRequestError };

/** Retry-After as milliseconds: delta-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number): number | null {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined || raw.trim() === '') return null;
  if (/^\d+(\.\d+)?$/.test(raw.trim())) return Math.min(MAX_RETRY_AFTER_MS, Math.round(Number(raw) * 1000));
  const at = Date.parse(raw);
  return Number.isNaN(at) ? null : Math.min(MAX_RETRY_AFTER_MS, Math.max(0, at - nowMs));
}

/** True for an error thrown by undici that a retry may cure, with a short name for it. */
function transportFailure(err: unknown): { kind: 'network' | 'timeout'; reason: string } {
  const e = err as { code?: string; name?: string; message?: string };
  const code = e?.code ?? e?.name ?? 'Error';
  if (/TIMEOUT/i.test(code)) return { kind: 'timeout', reason: code };
  return { kind: 'network', reason: `${code}${e?.message && e.message !== code ? `: ${e.message}` : ''}` };
}

/** The listing's next_url on our own base: the key is only ever sent to the configured host. */
function rebaseNext(next: unknown, baseUrl: string): string | null {
  if (typeof next !== 'string' || next === '') return null;
  let parsed: URL;
  try {
    parsed = new URL(next, baseUrl);
  } catch {
    return null;
  }
  const base = new URL(baseUrl);
  const prefix = base.pathname.replace(/\/+$/, '');
  return stripApiKey(`${base.origin}${prefix}${parsed.pathname}${parsed.search}`);
}

/** Creates a client with its own pooled Agent (keep one per process and key). */
export function createRestClient(options: RestClientOptions): RestClient {
  const timeouts = { ...DEFAULT_REST_TIMEOUTS, ...options.timeouts };
  const retry = options.retry ?? DEFAULT_REST_RETRY;
  const clock = options.clock ?? SYSTEM_CLOCK;
  const random = options.random ?? Math.random;
  const agent = new Agent({
    connections: options.connections ?? 8,
    connect: { timeout: timeouts.connectMs },
    headersTimeout: timeouts.headersMs,
    bodyTimeout: timeouts.bodyMs,
    keepAliveTimeout: 4_000,
  });
  const headers = { authorization: `Bearer ${options.apiKey}`, accept: 'application/json', 'accept-encoding': 'gzip' };

  /** One HTTP attempt, classified. */
  const attempt = async (url: string, tries: number, opts: RestGetOptions): Promise<Outcome> => {
    const safe = stripApiKey(url);
    let res: Dispatcher.ResponseData;
    let body: Buffer;
    try {
      res = await request(url, { dispatcher: agent, method: 'GET', headers, ...(opts.signal ? { signal: opts.signal } : {}) });
      body = Buffer.from(await res.body.arrayBuffer());
    } catch (err) {
      if (opts.signal?.aborted) throw abortError(safe, tries);
      const failure = transportFailure(err);
      return { kind: 'retry', status: null, reason: failure.reason, retryAfterMs: null };
    }
    const status = res.statusCode;
    if (status === 200) {
      try {
        if (String(res.headers['content-encoding'] ?? '').toLowerCase() === 'gzip') body = await gunzip(body);
        const clean = scrubKeyFromText(body.toString('utf8'), options.apiKey);
        const json: unknown = JSON.parse(clean.text);
        if (typeof json !== 'object' || json === null) throw new Error('not a JSON object or array');
        const next = Array.isArray(json) ? null : rebaseNext((json as { next_url?: unknown }).next_url, options.baseUrl);
        const kept = clean.scrubbed ? Buffer.from(clean.text, 'utf8') : body;
        return { kind: 'page', page: { url: safe, body: kept, scrubbed: clean.scrubbed, json, nextUrl: next, attempts: tries } };
      } catch (err) {
        // A proxy's HTML page or a cut body with status 200: a later attempt usually gets the JSON.
        return { kind: 'retry', status, reason: `unreadable body: ${(err as Error).message}`, retryAfterMs: null };
      }
    }
    const text = scrubKeyFromText(body.toString('utf8'), options.apiKey).text;
    const upstream = upstreamMessageOf(text);
    const endpoint = new URL(safe).pathname;
    if (status === 401) return { kind: 'fail', error: credentialError(status, safe, tries, upstream, opts.context?.dataset) };
    if (status === 403) return { kind: 'fail', error: notEntitledError(endpoint, safe, tries, upstream, options.plan, opts.context ?? {}) };
    const retryAfterMs = parseRetryAfter(res.headers['retry-after'], clock.now());
    if (status === 429 || status === 408 || status >= 500) {
      return { kind: 'retry', status, reason: `${status}${upstream ? ` ${upstream}` : ''}`, retryAfterMs };
    }
    const kind = status === 404 ? 'not_found' : 'bad_request';
    const label = opts.context?.dataset ? `${opts.context.dataset}: ` : '';
    return {
      kind: 'fail',
      error: new RestRequestError(`${label}${shortUrl(safe)} answered ${status}${upstream ? ` "${upstream}"` : ''}`, {
        kind, status, url: safe, attempts: tries, ...(upstream ? { upstreamMessage: upstream } : {}),
        ...(opts.context?.dataset ? { dataset: opts.context.dataset } : {}),
      }),
    };
  };

  const abortError = (url: string, attempts: number) =>
    new RestRequestError(`${shortUrl(url)}: aborted`, { kind: 'aborted', status: null, url, attempts });

  const get = async (pathOrUrl: string, params: Readonly<Record<string, string>> = {}, opts: RestGetOptions = {}): Promise<RestPage> => {
    const url = /^https?:\/\//i.test(pathOrUrl) ? pathOrUrl : buildUrl(options.baseUrl, pathOrUrl, params);
    const safe = stripApiKey(url);
    if (new URL(url).origin !== new URL(options.baseUrl).origin) {
      throw new RestRequestError(`${safe}: refusing to send the API key to a host other than ${options.baseUrl}`, {
        kind: 'bad_request', status: null, url: safe, attempts: 0,
      });
    }
    const gate = opts.gate ?? OPEN_GATE;
    let last: { status: number | null; reason: string } = { status: null, reason: 'no attempt' };
    for (let tries = 1; tries <= retry.requestAttempts; tries++) {
      try {
        await gate.acquire(opts.signal, opts.onWait);
      } catch (err) {
        if (opts.signal?.aborted) throw abortError(safe, tries - 1);
        throw err;
      }
      const outcome = await attempt(url, tries, opts);
      if (outcome.kind === 'page') {
        options.logger?.debug({ url: shortUrl(safe), attempts: tries, bytes: outcome.page.body.length }, 'rest page');
        return outcome.page;
      }
      if (outcome.kind === 'fail') {
        options.logger?.warn({ url: shortUrl(safe), status: outcome.error.status, kind: outcome.error.kind }, outcome.error.message);
        throw outcome.error;
      }
      last = outcome;
      if (tries === retry.requestAttempts) break;
      const backoff = backoffDelayMs(tries, retry, random);
      // Retry-After is the server's own figure: honoured as given (plus a little jitter so processes
      // sharing a key do not return in lockstep), and told to the gate so every caller holds back.
      let delayMs = backoff;
      if (outcome.retryAfterMs !== null) delayMs = Math.round(outcome.retryAfterMs * (1 + 0.1 * random()));
      const reason = outcome.reason;
      opts.onRetry?.({ attempt: tries, status: outcome.status, delayMs, reason });
      options.logger?.warn({ url: shortUrl(safe), status: outcome.status, attempt: tries, delayMs }, `rest retry: ${reason}`);
      if (outcome.status === 429 && gate.throttled) gate.throttled(delayMs);
      else await clock.sleep(delayMs, opts.signal).catch(() => {
        throw abortError(safe, tries);
      });
    }
    const transport = /TIMEOUT/i.test(last.reason) ? 'timeout' : 'network';
    const kind = last.status === null ? transport : last.status === 200 ? 'invalid_response' : 'http';
    const label = opts.context?.dataset ? `${opts.context.dataset}: ` : '';
    throw new RestRequestError(`${label}${shortUrl(safe)}: gave up after ${retry.requestAttempts} request attempts (last: ${last.reason})`, {
      kind, status: last.status, url: safe, attempts: retry.requestAttempts,
      ...(opts.context?.dataset ? { dataset: opts.context.dataset } : {}),
    });
  };

  return {
    baseUrl: options.baseUrl,
    plan: options.plan,
    get,
    async *pages(path, params, opts = {}) {
      let page = await get(path, params, opts);
      yield page;
      const seen = new Set<string>([page.url]);
      while (page.nextUrl) {
        // A cursor that points back at a page already read would loop forever and duplicate rows.
        if (seen.has(page.nextUrl)) {
          throw new RestRequestError(`${shortUrl(page.url)}: next_url repeats an earlier page`, {
            kind: 'invalid_response', status: 200, url: page.nextUrl, attempts: 1,
          });
        }
        seen.add(page.nextUrl);
        page = await get(page.nextUrl, {}, opts);
        yield page;
      }
    },
    close: () => agent.close(),
  };
}
