// fetchRestPartition against the simulator: pages to landing, bronze equal to what the simulated
// market holds, empty days as 0-row partitions, refetches, bursts of 429 and 5xx, 401 and 403.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { tradingDays } from '../../../core/calendar/index.ts';
import { fetchRestPartition, type FetchRestPartitionRequest } from '../../../core/layers/bronze/rest-partition.ts';
import { lakePaths } from '../../../core/lake/lake-paths.ts';
import { readLandingManifest, readLandingPage } from '../../../core/sources/polygon/rest/landing-pages.ts';
import { OPEN_GATE } from '../../../core/sources/polygon/rest/rate-gate.ts';
import { createRestClient, type RestClient } from '../../../core/sources/polygon/rest/rest-client.ts';
import type { RestDatasetId } from '../../../core/datasets/rest-dataset-types.ts';
import { clientFor, filesUnder, market, readParquet, readRejects, SCHEDULE, startRestSim, tempLake } from './rest-fixtures.ts';

let env: Awaited<ReturnType<typeof startRestSim>>;
let client: RestClient;
let lake: string;

beforeAll(async () => {
  env = await startRestSim('advanced');
  client = clientFor(env.sim, env.clock, 'advanced');
});
afterAll(async () => {
  await client.close();
  await env.sim.close();
});
beforeEach(async () => {
  lake = await tempLake();
  env.sim.setFaults([]);
  env.sim.setPlan('advanced');
  env.answered.length = 0;
});
afterEach(() => fs.promises.rm(lake, { recursive: true, force: true }));

const fetchOne = (dataset: RestDatasetId, date: string, over: Partial<FetchRestPartitionRequest> = {}) =>
  fetchRestPartition({
    lakeRoot: lake, dataset, date, client, gate: OPEN_GATE, schedule: SCHEDULE, now: () => new Date(env.clock.now()), ...over,
  });

describe('pagination and landing', () => {
  it('follows next_url over many pages with no record lost or repeated, every page kept before parsing', async () => {
    const result = await fetchOne('tickers', '2024-03-28', { pageSize: 7 });
    expect(result.state).toBe('complete');
    expect(result.pages).toBeGreaterThanOrEqual(5);
    // The same listing in one page per query, straight from the simulator, is the reference.
    const whole = async (active: boolean) => {
      const url = `${env.sim.restBase}/v3/reference/tickers?date=2024-03-28&market=stocks&active=${active}&limit=1000`;
      const res = await fetch(url, { headers: { authorization: `Bearer ${env.sim.apiKey}` } });
      return ((await res.json()) as { results: Array<{ ticker: string; active: boolean }> }).results;
    };
    const expected = [...(await whole(true)), ...(await whole(false))].map((r) => `${r.ticker}|${r.active}`).sort();
    const rows = await readParquet(lakePaths(lake).bronzeFile('tickers', '2024-03-28'));
    const got = rows.map((r) => `${r.ticker}|${r.active}`);
    expect(got.slice().sort()).toEqual(expected);
    expect(new Set(got).size).toBe(got.length);
    expect(result.rows).toBe(expected.length);

    const manifest = (await readLandingManifest(result.landing!.dir))!;
    const names = Array.from({ length: result.pages }, (_, i) => `page-${String(i + 1).padStart(4, '0')}.json.gz`);
    expect(manifest.pages.map((p) => p.file)).toEqual(names);
    expect(manifest.pages.reduce((a, p) => a + p.results, 0)).toBe(expected.length);
    for (const p of manifest.pages) {
      const body = await readLandingPage(result.landing!.dir, p.file);
      expect(crypto.createHash('sha256').update(body).digest('hex')).toBe(p.sha256);
      expect(p.url).not.toMatch(/apiKey/i);
    }
    expect(new Set(manifest.pages.map((p) => p.query))).toEqual(new Set([0, 1]));
    expect(result.landing!.dir).toBe(path.join(lake, 'landing', 'polygon-api', 'tickers', '2024', '03', '2024-03-28'));
  });

  it('detects a refetch that changes nothing, and removes pages a shorter refetch no longer has', async () => {
    const first = await fetchOne('dividends', '2024-03-15', { pageSize: 5 });
    expect(first.landing!.changed).toBeNull();
    const second = await fetchOne('dividends', '2024-03-15', { pageSize: 5 });
    expect(second.landing!.changed).toBe(false);
    expect(second.landing!.contentChecksum).toBe(first.landing!.contentChecksum);
    // Request ids differ on every answer, so the exact bytes do.
    expect(second.landing!.checksum).not.toBe(first.landing!.checksum);
    const bigger = await fetchOne('dividends', '2024-03-15', { pageSize: 1000 });
    expect(bigger.pages).toBe(1);
    const pages = (await fs.promises.readdir(bigger.landing!.dir)).filter((n) => n.startsWith('page-'));
    expect(pages).toEqual(['page-0001.json.gz']);
    expect(bigger.rows).toBe(first.rows);
  });
});

describe('bronze equals the simulated market', () => {
  it('dividends of a month: every ex-date partition, amounts and dates exact, 0-row days complete', async () => {
    const result = await fetchOne('dividends', '2024-03-15', { pageSize: 10 });
    expect(result.state).toBe('complete');
    const expected = market().dividends().filter((d) => d.exDividendDate >= '2024-03-01' && d.exDividendDate <= '2024-03-28');
    expect(expected.length).toBeGreaterThan(10);
    expect(result.partitions.map((p) => p.date)).toEqual(tradingDays('2024-03-01', '2024-03-28'));
    const rows = await readParquet(path.join(lake, 'bronze', 'dividends', '**', '*.parquet'));
    const fields = [
      'id', 'ticker', 'ex_dividend_date', 'cash_amount', 'currency', 'declaration_date', 'record_date', 'pay_date', 'frequency', 'dividend_type',
    ];
    const simple = (r: Record<string, unknown>) => fields.map((f) => r[f]);
    expect(rows.map(simple).sort()).toEqual(
      expected
        .map((d) => [d.id, d.ticker, d.exDividendDate, d.cashAmount, d.currency, d.declarationDate, d.recordDate, d.payDate])
        .map((head, i) => [...head, expected[i]!.frequency, expected[i]!.dividendType])
        .sort(),
    );
    const empty = result.partitions.filter((p) => p.rows === 0);
    expect(empty.length).toBeGreaterThan(0);
    for (const p of empty) {
      expect(p.state).toBe('complete');
      expect(fs.existsSync(p.file)).toBe(true);
      expect(await readParquet(p.file)).toEqual([]);
    }
    expect(result.records.filter((r) => r.layer === 'bronze')).toHaveLength(result.partitions.length);
    const sums = { bronze: result.landing!.contentChecksum, landing: result.landing!.checksum };
    expect(result.records.every((r) => r.sourceChecksum === sums[r.layer as 'bronze' | 'landing'])).toBe(true);
  });

  it('splits, short volume, short interest, financials and news of one day', async () => {
    const day = '2024-05-13';
    const splits = await fetchOne('splits', day);
    const split = market().splits().find((s) => s.executionDate === day)!;
    expect(await readParquet(lakePaths(lake).bronzeFile('splits', day))).toEqual([
      { date: day, ticker: split.ticker, execution_date: day, split_from: split.splitFrom, split_to: split.splitTo, id: split.id },
    ]);
    expect(splits.rows).toBe(market().splits().filter((s) => s.executionDate.startsWith('2024-05')).length);

    const sv = await fetchOne('short_volume', day);
    expect(sv.state).toBe('complete');
    expect(sv.rows).toBe(market().shortVolume(day).length);

    const si = await fetchOne('short_interest', '2024-03-15');
    const settlements = market().shortInterest().filter((s) => s.settlementDate.startsWith('2024-03'));
    expect(si.rows).toBe(settlements.length);
    const mid = settlements.filter((s) => s.settlementDate === '2024-03-15');
    expect(await readParquet(lakePaths(lake).bronzeFile('short_interest', '2024-03-15'))).toHaveLength(mid.length);

    const filingDay = market().financials().find((f) => f.filingDate >= '2024-04-15')!.filingDate;
    const fin = await fetchOne('financials', filingDay, { pageSize: 3 });
    const filings = market().financials().filter((f) => f.filingDate === filingDay);
    const lineItems = filings.reduce((a, f) => a + Object.values(f.statements).reduce((b, s) => b + Object.keys(s).length, 0) + 5, 0);
    expect(fin.rows).toBe(lineItems);

    const newsDay = market().news().find((n) => n.publishedUtc >= '2024-03-04')!;
    const news = await fetchOne('news', newsDay.publishedUtc.slice(0, 10));
    const rows = await readParquet(lakePaths(lake).bronzeFile('news', newsDay.publishedUtc.slice(0, 10)));
    expect(news.rows).toBe(rows.length);
    expect(rows.map((r) => r.id)).toContain(newsDay.id);
    expect(rows.find((r) => r.id === newsDay.id)!.tickers).toEqual(newsDay.tickers);
  });

  it('ticker_events asks only about the entity that changed symbol between two snapshots', async () => {
    const change = market().tickerChanges().find((c) => c.events[1]!.date.startsWith('2023-08'))!;
    await fetchOne('tickers', '2023-07-31');
    await fetchOne('tickers', '2023-08-31');
    env.answered.length = 0;
    const result = await fetchOne('ticker_events', '2023-08-15');
    expect(result.state).toBe('complete');
    expect(env.answered.map((a) => a.path)).toEqual([`/vX/reference/tickers/${change.compositeFigi}/events`]);
    expect(result.inputs.map((i) => [i.dataset, i.date])).toEqual([['tickers', '2023-07-31'], ['tickers', '2023-08-31']]);
    const rows = await readParquet(path.join(lake, 'bronze', 'ticker_events', '**', '*.parquet'));
    expect(rows).toEqual([
      expect.objectContaining({
        event_date: change.events[1]!.date, ticker: change.currentTicker, previous_ticker: change.events[0]!.ticker,
      }),
    ]);
    expect(result.partitions).toHaveLength(tradingDays('2023-08-01', '2023-08-31').length);
    // Without its input snapshots the fetch fails, naming them.
    const missing = await fetchOne('ticker_events', '2023-09-15');
    expect(missing).toMatchObject({ state: 'failed', errorKind: 'local' });
    expect(missing.error).toMatch(/needs the tickers snapshots of 2023-09-29 in bronze first/);
  });
});

describe('rejects', () => {
  it('keeps bad records out of bronze with their reasons; the partition is degraded, the others complete', async () => {
    const records = [
      { ticker: 'GOOD', ex_dividend_date: '2024-03-11', cash_amount: 0.25, dividend_type: 'CD', frequency: 4 },
      { ticker: 'NEG', ex_dividend_date: '2024-03-11', cash_amount: -1, dividend_type: 'CD', frequency: 4 },
      { ticker: 'BAD', ex_dividend_date: '11/03/2024', cash_amount: 1, dividend_type: 'CD', frequency: 4 },
    ];
    const server = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'OK', request_id: 'x', results: req.url?.startsWith('/v3/reference/dividends') ? records : [] }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    // A one-letter key must not be scrubbed out of "ticker" in the kept bytes.
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const upstream = createRestClient({ baseUrl, apiKey: 'k', plan: 'starter' });
    try {
      const result = await fetchOne('dividends', '2024-03-11', { client: upstream });
      expect(result.state).toBe('degraded');
      const day = result.partitions.find((p) => p.date === '2024-03-11')!;
      expect(day).toMatchObject({ state: 'degraded', rows: 1 });
      const firstDay = result.partitions[0]!;
      expect(firstDay).toMatchObject({ date: '2024-03-01', state: 'degraded', rows: 0, rejects: 1 });
      expect((await readRejects(day.rejectsFile!)).map((r) => r.reason)).toEqual(['cash_amount is negative (-1)']);
      expect((await readRejects(firstDay.rejectsFile!)).map((r) => r.reason))
        .toEqual(['ex_dividend_date: expected a date as YYYY-MM-DD, got text "11/03/2024"']);
      expect(result.partitions.filter((p) => p.state === 'complete')).toHaveLength(result.partitions.length - 2);
      expect(result.error).toMatch(/2 records rejected/);
    } finally {
      await upstream.close();
      await new Promise((r) => server.close(r));
    }
  });
});

describe('upstream failures', () => {
  it('survives a burst of 429s, honouring Retry-After on the injected clock', async () => {
    env.sim.setFaults('rest-429:4');
    const before = env.clock.now();
    const result = await fetchOne('dividends', '2024-03-15');
    expect(result.state).toBe('complete');
    expect(env.answered.map((a) => a.status)).toEqual([429, 429, 429, 429, 200]);
    // Retry-After: 1 each time, plus at most 10% jitter.
    expect(env.clock.now() - before).toBeGreaterThanOrEqual(4000);
  });

  it('survives a burst of 502, 503 and 500 with backoff', async () => {
    env.sim.setFaults('rest-5xx:4');
    const result = await fetchOne('splits', '2024-03-15');
    expect(result.state).toBe('complete');
    expect(env.answered.map((a) => a.status)).toEqual([502, 503, 500, 502, 200]);
  });

  it('fails when the outage outlasts every attempt, leaving bronze untouched', async () => {
    env.sim.setFaults('rest-5xx:5');
    const result = await fetchOne('splits', '2024-03-15');
    expect(result).toMatchObject({ state: 'failed', errorKind: 'http' });
    expect(result.error).toMatch(/gave up after 5 request attempts \(last: 50[023]( Service Unavailable| Internal Server Error)?\)/);
    expect(await filesUnder(path.join(lake, 'bronze'))).toEqual([]);
  });

  it('401 is a credential error, not retried', async () => {
    const wrong = clientFor(env.sim, env.clock, 'advanced', 'not-the-key');
    try {
      const result = await fetchOne('splits', '2024-03-15', { client: wrong });
      expect(result).toMatchObject({ state: 'failed', errorKind: 'credentials' });
      expect(result.error).toMatch(/^the API key was rejected \(401 Unknown API Key\)/);
      expect(env.answered).toHaveLength(1);
      expect(result.partitions.every((p) => p.state === 'failed')).toBe(true);
    } finally {
      await wrong.close();
    }
  });

  it('403 is not_entitled, naming the dataset, the endpoint and the plan that includes it, not retried', async () => {
    env.sim.setPlan('starter');
    const starter = clientFor(env.sim, env.clock, 'starter');
    try {
      const result = await fetchOne('financials', '2024-05-01', { client: starter });
      expect(result).toMatchObject({ state: 'not_entitled', errorKind: 'not_entitled' });
      expect(result.error).toBe(
        'financials (/vX/reference/financials) is not included in the starter plan; the advanced plan includes it ' +
          '(upstream: "You are not entitled to this data. Please upgrade your plan at https://massive.com/pricing")',
      );
      expect(env.answered).toHaveLength(1);
      expect(result.records.filter((r) => r.layer === 'bronze').map((r) => r.status)).toEqual(['not_entitled']);
    } finally {
      await starter.close();
    }
  });
});
