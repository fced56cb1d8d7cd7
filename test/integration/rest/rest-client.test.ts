// The REST client against small loopback servers that misbehave on purpose: stalled headers or
// bodies (timeouts), aborts, a next_url on another host, gzip bodies, an HTML page with status 200.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { createTokenBucketGate } from '../../../core/sources/polygon/rest/rate-gate.ts';
import { createManualClock } from '../../../core/sources/polygon/rest/rest-clock.ts';
import { createRestClient, type RestClientOptions } from '../../../core/sources/polygon/rest/rest-client.ts';
import { RestRequestError } from '../../../core/sources/polygon/rest/rest-errors.ts';

let server: Server | null = null;
const seen: IncomingMessage[] = [];

/** Starts a loopback server with a handler; returns its base URL. */
async function serve(handler: (req: IncomingMessage, res: ServerResponse, n: number) => void): Promise<string> {
  let n = 0;
  server = createServer((req, res) => {
    seen.push(req);
    handler(req, res, ++n);
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  seen.length = 0;
  if (server) {
    server.closeAllConnections();
    await new Promise((r) => server!.close(r));
    server = null;
  }
});

const json = (res: ServerResponse, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(200, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

const clientOf = (baseUrl: string, over: Partial<RestClientOptions> = {}) =>
  createRestClient({
    baseUrl, apiKey: 'client-test-key-123', plan: 'starter', clock: createManualClock(0),
    retry: { requestAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 }, ...over,
  });

/** The error a promise rejects with. */
async function failure(p: Promise<unknown>): Promise<RestRequestError> {
  try {
    await p;
  } catch (err) {
    return err as RestRequestError;
  }
  throw new Error('expected a rejection');
}

describe('REST client', () => {
  it('sends the key as a Bearer header only, and follows a next_url on another host on its own base', async () => {
    const base = await serve((req, res, n) => {
      if (n === 1) json(res, { status: 'OK', results: [1], next_url: 'https://api.massive.com:443/v3/reference/splits?cursor=abc' });
      else json(res, { status: 'OK', results: [2] });
    });
    const client = clientOf(base);
    const pages = [];
    for await (const p of client.pages('/v3/reference/splits', { limit: '1' })) pages.push(p);
    await client.close();
    expect(pages.map((p) => (p.json as { results: number[] }).results)).toEqual([[1], [2]]);
    expect(seen.map((r) => r.url)).toEqual(['/v3/reference/splits?limit=1', '/v3/reference/splits?cursor=abc']);
    expect(seen.every((r) => r.headers.authorization === 'Bearer client-test-key-123')).toBe(true);
    expect(seen.every((r) => r.headers['accept-encoding'] === 'gzip')).toBe(true);
    expect(pages[0]!.nextUrl).toBe(`${base}/v3/reference/splits?cursor=abc`);
  });

  it('decodes gzip bodies and retries a 200 whose body is not JSON', async () => {
    const base = await serve((_req, res, n) => {
      if (n === 1) {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html>maintenance</html>');
      } else {
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
        res.end(zlib.gzipSync(JSON.stringify({ status: 'OK', results: ['zipped'] })));
      }
    });
    const client = clientOf(base);
    const page = await client.get('/v2/reference/news');
    await client.close();
    expect(page.json).toEqual({ status: 'OK', results: ['zipped'] });
    expect(page.attempts).toBe(2);
  });

  it('times out stalled headers and stalled bodies, retries, then fails as a timeout', async () => {
    const base = await serve((req, res) => {
      if (req.url?.startsWith('/headers')) return; // never answers
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"status":"OK","results":['); // and then nothing more
    });
    const client = clientOf(base, { timeouts: { headersMs: 150, bodyMs: 150 } });
    const headers = await failure(client.get('/headers'));
    const body = await failure(client.get('/body'));
    await client.close();
    for (const err of [headers, body]) {
      expect(err).toBeInstanceOf(RestRequestError);
      expect(err.kind).toBe('timeout');
      expect(err.attempts).toBe(2);
    }
    expect(headers.message).toMatch(/gave up after 2 request attempts \(last: UND_ERR_HEADERS_TIMEOUT\)/);
    expect(body.message).toMatch(/UND_ERR_BODY_TIMEOUT/);
  });

  it('aborts a request in flight and a wait at the gate', async () => {
    const base = await serve(() => undefined);
    const client = clientOf(base, { timeouts: { headersMs: 60_000 } });
    const inflight = new AbortController();
    const pending = failure(client.get('/slow', {}, { signal: inflight.signal }));
    setTimeout(() => inflight.abort(new Error('user cancelled')), 50);
    expect((await pending).kind).toBe('aborted');

    // A clock whose sleeps never end on their own: only the abort can release the waiter.
    const forever = (_ms: number, signal?: AbortSignal) =>
      new Promise<void>((_r, reject) => signal?.addEventListener('abort', () => reject(signal.reason as Error)));
    const gate = createTokenBucketGate({ plan: 'basic', clock: { now: () => 0, sleep: forever } });
    await gate.acquire();
    const waiting = new AbortController();
    const queued = failure(client.get('/x', {}, { gate, signal: waiting.signal }));
    waiting.abort(new Error('user cancelled'));
    expect((await queued).kind).toBe('aborted');
    await client.close();
  });

  it('refuses to send the key to a host other than its base', async () => {
    const base = await serve((_req, res) => json(res, { status: 'OK' }));
    const client = clientOf(base);
    const err = await failure(client.get('http://evil.example/v3/reference/splits?apiKey=client-test-key-123'));
    await client.close();
    expect(err.kind).toBe('bad_request');
    expect(err.message).not.toContain('client-test-key-123');
    expect(seen).toHaveLength(0);
  });

  it('reports a 404 and a 400 without retrying, with the upstream message', async () => {
    const base = await serve((req, res) => {
      res.writeHead(req.url?.startsWith('/missing') ? 404 : 400, { 'content-type': 'application/json' });
      const missing = { status: 'NOT_FOUND', message: 'Ticker not found.' };
      const bad = { status: 'ERROR', error: 'limit must be less than or equal to 1000' };
      res.end(JSON.stringify(req.url?.startsWith('/missing') ? missing : bad));
    });
    const client = clientOf(base, { retry: { requestAttempts: 5, baseDelayMs: 1, maxDelayMs: 1 } });
    const missing = await failure(client.get('/missing'));
    const bad = await failure(client.get('/bad', { limit: '5000' }, { context: { dataset: 'splits' } }));
    await client.close();
    expect([missing.kind, missing.status, missing.upstreamMessage]).toEqual(['not_found', 404, 'Ticker not found.']);
    expect(bad.message).toBe('splits: /bad?limit=5000 answered 400 "limit must be less than or equal to 1000"');
    expect(seen).toHaveLength(2);
  });
});
