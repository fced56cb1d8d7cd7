// The REST endpoints driven by undici: next_url pagination with the key in a header, the
// documented 401/403/429 bodies, the free tier's 5 requests a minute on an injected clock, 5xx bursts.
import { Agent, request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSimulatorServers, type RunningSimulator } from '../../../core/sources/simulator/simulator-servers.ts';
import { createFakeMarket, renderFakeFlatFile } from '../../unit/simulator-protocols/fake-market.ts';

let sim: RunningSimulator;
let clock = new Date('2024-04-10T16:00:00Z');
const agent = new Agent({ connections: 4 });

/** GET with undici; the key goes in `Authorization: Bearer` unless `apiKey` is in the URL. */
async function get(url: string, key: string | null = sim.apiKey) {
  const res = await request(url, { dispatcher: agent, headers: key ? { authorization: `Bearer ${key}` } : {} });
  const text = await res.body.text();
  const type = String(res.headers['content-type'] ?? '');
  return { status: res.statusCode, headers: res.headers, body: type.includes('json') ? (JSON.parse(text) as Record<string, unknown>) : text };
}

beforeAll(async () => {
  sim = await startSimulatorServers({ market: createFakeMarket(), render: renderFakeFlatFile, now: () => clock });
});
afterAll(async () => {
  await sim.close();
  await agent.close();
});
beforeEach(() => {
  clock = new Date('2024-04-10T16:00:00Z');
  sim.setFaults([]);
  sim.setPlan('advanced');
});

describe('REST endpoints with undici', () => {
  it('follows next_url across more than two pages with the key only in a header', async () => {
    let url: string | undefined = `${sim.restBase}/v2/reference/news?ticker=AAA&limit=4&order=asc`;
    const ids: string[] = [];
    let pages = 0;
    while (url) {
      expect(url).not.toContain('apiKey');
      const res = await get(url);
      expect(res.status).toBe(200);
      const body = res.body as { status: string; request_id: string; results: Array<{ id: string }>; next_url?: string };
      expect(body.status).toBe('OK');
      expect(body.request_id).toMatch(/^[0-9a-f]{32}$/);
      ids.push(...body.results.map((r) => r.id));
      url = body.next_url;
      if (url) expect(url.startsWith(`${sim.restBase}/v2/reference/news?cursor=`)).toBe(true);
      pages++;
    }
    expect(pages).toBe(7);
    expect(ids).toEqual(Array.from({ length: 25 }, (_, i) => `N${String(i).padStart(3, '0')}`));
  });

  it('accepts the key as apiKey parameter and answers the documented 401 bodies', async () => {
    const ok = await get(`${sim.restBase}/v3/reference/tickers?apiKey=${sim.apiKey}`, null);
    expect(ok.status).toBe(200);
    expect((ok.body as { results: Array<{ ticker: string }> }).results.map((r) => r.ticker)).toEqual(['AAA', 'CCD']);
    const bad = await get(`${sim.restBase}/v3/reference/tickers`, 'wrong-key');
    expect(bad.status).toBe(401);
    expect(bad.body).toMatchObject({ status: 'ERROR', error: 'Unknown API Key' });
    const none = await get(`${sim.restBase}/v3/reference/tickers`, null);
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ status: 'ERROR', error: 'API Key was not provided' });
  });

  it('answers 403 NOT_AUTHORIZED beyond the plan window and for products outside the plan', async () => {
    sim.setPlan('starter');
    const old = await get(`${sim.restBase}/v2/aggs/ticker/AAA/range/1/day/2018-01-01/2024-03-08`);
    expect(old.status).toBe(403);
    expect(old.body).toMatchObject({ status: 'NOT_AUTHORIZED', message: "Your plan doesn't include this data timeframe." });
    const fin = await get(`${sim.restBase}/vX/reference/financials?ticker=AAA`);
    expect(fin.status).toBe(403);
    expect(fin.body).toMatchObject({ status: 'NOT_AUTHORIZED', message: 'You are not entitled to this data. Please upgrade your plan at https://massive.com/pricing' });
    const recent = await get(`${sim.restBase}/v2/aggs/ticker/AAA/range/1/day/2024-03-01/2024-03-08`);
    expect(recent.status).toBe(200);
  });

  it('limits the basic plan to 5 requests a minute on the simulator clock, with Retry-After', async () => {
    sim.setPlan('basic');
    clock = new Date('2024-04-11T16:00:00Z');
    const url = `${sim.restBase}/v3/reference/splits`;
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      statuses.push((await get(url)).status);
      clock = new Date(clock.getTime() + 1000);
    }
    const limited = await get(url);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ status: 'ERROR', error: "You've exceeded the maximum requests per minute, please wait or upgrade your subscription to continue." });
    expect(limited.headers['retry-after']).toBe('55');
    clock = new Date('2024-04-11T16:01:00.500Z'); // the first request has left the window
    expect((await get(url)).status).toBe(200);
    expect((await get(url)).status).toBe(429);
    sim.setPlan('advanced');
    for (let i = 0; i < 20; i++) expect((await get(url)).status).toBe(200);
  });

  it('answers a burst of 502, 503, 500 with rest-5xx:3, then recovers', async () => {
    sim.setFaults('rest-5xx:3');
    const url = `${sim.restBase}/v1/marketstatus/now`;
    const burst = [await get(url), await get(url), await get(url)];
    expect(burst.map((r) => r.status)).toEqual([502, 503, 500]);
    expect(burst[0]!.body).toContain('502 Bad Gateway');
    expect(burst[1]!.headers['retry-after']).toBe('1');
    const ok = await get(url);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ market: 'open', serverTime: '2024-04-10T12:00:00-04:00' });
    expect(sim.faults()).toEqual([]);
  });

  it('serves every documented path with its envelope', async () => {
    const paths: Array<[string, (b: unknown) => void]> = [
      ['/v3/reference/tickers/AAA', (b) => expect(b).toMatchObject({ status: 'OK', results: { ticker: 'AAA' } })],
      ['/v3/reference/tickers/types', (b) => expect(b).toMatchObject({ status: 'OK', count: 25 })],
      ['/v1/related-companies/AAA', (b) => expect(b).toMatchObject({ status: 'OK', results: [{ ticker: 'CCD' }] })],
      ['/v3/reference/dividends?ticker=AAA', (b) => expect(b).toMatchObject({ results: [{ id: 'D-AAA-1' }] })],
      ['/v3/reference/splits?ticker=AAA', (b) => expect(b).toMatchObject({ results: [{ split_to: 2 }] })],
      ['/vX/reference/ipos', (b) => expect(b).toMatchObject({ status: 'OK', results: [] })],
      ['/vX/reference/tickers/CCC/events', (b) => expect(b).toMatchObject({ results: { name: 'Gamma Ltd' } })],
      ['/vX/reference/financials', (b) => expect(b).toMatchObject({ status: 'OK', results: [] })],
      ['/stocks/v1/short-interest', (b) => expect(b).toMatchObject({ status: 'OK', results: [] })],
      ['/stocks/v1/short-volume?date=2024-03-14', (b) => expect(b).toMatchObject({ results: [{ ticker: 'AAA' }, { ticker: 'BBB' }, { ticker: 'CCC' }] })],
      ['/v1/marketstatus/upcoming', (b) => expect(Array.isArray(b)).toBe(true)],
      ['/v2/aggs/grouped/locale/us/market/stocks/2024-03-08', (b) => expect(b).toMatchObject({ resultsCount: 3 })],
      ['/v2/aggs/ticker/AAA/range/1/day/2024-03-04/2024-03-08', (b) => expect(b).toMatchObject({ ticker: 'AAA', resultsCount: 5, adjusted: true })],
    ];
    for (const [path, check] of paths) {
      const res = await get(`${sim.restBase}${path}`);
      expect(res.status, path).toBe(200);
      check(res.body);
    }
    expect((await get(`${sim.restBase}/v9/nothing`)).status).toBe(404);
    expect((await get(`${sim.restBase}/v3/reference/tickers?limit=5000`)).status).toBe(400);
  });
});
