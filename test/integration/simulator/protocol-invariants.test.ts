// Market invariants checked end to end through the protocols on the real simulated market, as a
// client sees them: files downloaded with the AWS SDK and gunzipped, REST answers fetched with
// undici, compared with each other and with the calendar.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
import { GetObjectCommand, ListObjectsV2Command, S3Client, paginateListObjectsV2 } from '@aws-sdk/client-s3';
import { gunzipSync } from 'node:zlib';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { etMidnightUtc, extendedHours, holidays, latestPublishedTradingDay, tradingDays } from '../../../core/calendar/index.ts';
import { startSimulatorServers, type RunningSimulator } from '../../../core/sources/simulator/simulator-servers.ts';

// The demo market (seed 42, 60 tickers from 2015); the clock stands on Friday 14 Nov 2025 at
// 10:00 ET, so Wednesday the 12th is the latest published day and the 13th is not out yet.
const FROM = '2015-01-02';
const TO = '2025-11-14';
const HEADER = 'ticker,volume,open,close,high,low,window_start,transactions';
const NOW = new Date('2025-11-14T15:00:00Z');

let sim: RunningSimulator;
let s3: S3Client;

interface Row {
  ticker: string;
  volume: number;
  open: number;
  close: number;
  high: number;
  low: number;
  windowStart: bigint;
  transactions: number;
}

/** Downloads a flat file with the SDK and parses it, checking the exact header. */
async function download(key: string): Promise<Row[]> {
  const r = await s3.send(new GetObjectCommand({ Bucket: sim.bucket, Key: key }));
  const lines = gunzipSync(Buffer.from(await r.Body!.transformToByteArray())).toString('utf8').split('\n');
  expect(lines[0]).toBe(HEADER);
  return lines
    .slice(1)
    .filter(Boolean)
    .map((l) => {
      const [ticker = '', volume, open, close, high, low, ws = '', n] = l.split(',');
      return { ticker, volume: Number(volume), open: Number(open), close: Number(close), high: Number(high), low: Number(low), windowStart: BigInt(ws), transactions: Number(n) };
    });
}

/** GET a REST path with the key in a header. */
async function rest<T>(path: string): Promise<T> {
  const res = await request(`${sim.restBase}${path}`, { headers: { authorization: `Bearer ${sim.apiKey}` } });
  expect(res.statusCode, path).toBe(200);
  return (await res.body.json()) as T;
}

const key = (prefix: string, d: string) => `${prefix}/${d.slice(0, 4)}/${d.slice(5, 7)}/${d}.csv.gz`;
const ns = (d: Date) => BigInt(d.getTime()) * 1_000_000n;

beforeAll(async () => {
  sim = await startSimulatorServers({ seed: 42, tickers: 60, from: FROM, to: TO, now: () => NOW });
  s3 = new S3Client({ endpoint: sim.s3Endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: sim.accessKeyId, secretAccessKey: sim.secretAccessKey } });
});
afterAll(async () => {
  s3.destroy();
  await sim.close();
});

describe('protocol invariants', () => {
  it('lists exactly the published trading days: no weekends, no holidays, nothing after publication', async () => {
    const dates: string[] = [];
    for await (const page of paginateListObjectsV2({ client: s3, pageSize: 50 }, { Bucket: sim.bucket, Prefix: 'us_stocks_sip/day_aggs_v1/2025/' })) {
      for (const o of page.Contents ?? []) dates.push(o.Key!.slice(-17, -7));
    }
    const last = latestPublishedTradingDay(NOW);
    expect(last).toBe('2025-11-12');
    expect(dates).toEqual(tradingDays('2025-01-01', last));
    for (const h of holidays('2025-01-01', TO)) expect(dates).not.toContain(h.date);
    const years = await s3.send(new ListObjectsV2Command({ Bucket: sim.bucket, Prefix: 'us_options_opra/minute_aggs_v1/', Delimiter: '/' }));
    expect(years.CommonPrefixes?.map((p) => p.Prefix!.slice(-5, -1))).toEqual(Array.from({ length: 11 }, (_, i) => String(2015 + i)));
  });

  it('serves day files sorted by ticker with window_start at 00:00 ET of the trading date', async () => {
    for (const d of ['2016-11-25', '2024-03-08', '2025-11-12']) {
      const rows = await download(key('us_stocks_sip/day_aggs_v1', d));
      expect(rows.length).toBeGreaterThan(0);
      const tickers = rows.map((r) => r.ticker);
      expect(tickers).toEqual([...tickers].sort());
      expect(new Set(tickers).size).toBe(tickers.length);
      for (const r of rows) {
        expect(r.windowStart).toBe(ns(etMidnightUtc(d)));
        expect(r.high).toBeGreaterThanOrEqual(Math.max(r.open, r.close));
        expect(r.low).toBeLessThanOrEqual(Math.min(r.open, r.close));
        expect(r.volume).toBeGreaterThanOrEqual(0);
      }
    }
  });

  it('serves minute files sorted by ticker then window_start, inside the extended session', async () => {
    const d = '2024-11-29'; // an early close: the extended session ends at 17:00 ET
    const rows = await download(key('us_stocks_sip/minute_aggs_v1', d));
    const hours = extendedHours(d)!;
    for (let i = 1; i < rows.length; i++) {
      const [a, b] = [rows[i - 1]!, rows[i]!];
      expect(a.ticker < b.ticker || (a.ticker === b.ticker && a.windowStart < b.windowStart)).toBe(true);
    }
    for (const r of rows) {
      expect(r.windowStart).toBeGreaterThanOrEqual(ns(hours.startUtc));
      expect(r.windowStart).toBeLessThan(ns(hours.endUtc));
      expect(r.windowStart % 60_000_000_000n).toBe(0n);
    }
  });

  it('grouped daily with adjusted=false equals the day file row for row', async () => {
    const d = '2023-06-15';
    const rows = await download(key('us_stocks_sip/day_aggs_v1', d));
    const grouped = await rest<{ results: Array<{ T: string; o: number; c: number; h: number; l: number; v: number; n: number }> }>(`/v2/aggs/grouped/locale/us/market/stocks/${d}?adjusted=false`);
    expect(grouped.results.map((g) => [g.T, g.o, g.c, g.h, g.l, g.v, g.n])).toEqual(rows.map((r) => [r.ticker, r.open, r.close, r.high, r.low, r.volume, r.transactions]));
    const range = await rest<{ results: Array<{ o: number; c: number; v: number; t: number }> }>(`/v2/aggs/ticker/${rows[0]!.ticker}/range/1/day/${d}/${d}?adjusted=false`);
    expect(range.results[0]).toMatchObject({ o: rows[0]!.open, c: rows[0]!.close, v: rows[0]!.volume, t: Number(rows[0]!.windowStart / 1_000_000n) });
  });

  it('REST splits explain the price jump in the raw flat files, and adjusted aggregates remove it', async () => {
    const splits = await rest<{ results: Array<{ ticker: string; execution_date: string; split_from: number; split_to: number }> }>(`/v3/reference/splits?execution_date.gt=${FROM}&execution_date.lte=${latestPublishedTradingDay(NOW)}&limit=1000`);
    expect(splits.results.length).toBeGreaterThan(0);
    const split = splits.results[0]!;
    console.log(`split checked: ${split.ticker} ${split.split_to}-for-${split.split_from} on ${split.execution_date}`);
    const days = tradingDays(FROM, TO);
    const before = days[days.indexOf(split.execution_date) - 1]!;
    const prev = (await download(key('us_stocks_sip/day_aggs_v1', before))).find((r) => r.ticker === split.ticker)!;
    const on = (await download(key('us_stocks_sip/day_aggs_v1', split.execution_date))).find((r) => r.ticker === split.ticker)!;
    const ratio = split.split_to / split.split_from;
    const rawJump = prev.close / on.open;
    expect(rawJump / ratio).toBeGreaterThan(0.8);
    expect(rawJump / ratio).toBeLessThan(1.25);
    const adj = await rest<{ results: Array<{ o: number; c: number }> }>(`/v2/aggs/ticker/${split.ticker}/range/1/day/${before}/${split.execution_date}`);
    expect(adj.results).toHaveLength(2);
    expect(adj.results[0]!.c).toBeCloseTo(prev.close / ratio, 6);
    expect(adj.results[0]!.c / adj.results[1]!.o).toBeGreaterThan(0.8);
    expect(adj.results[0]!.c / adj.results[1]!.o).toBeLessThan(1.25);
  });
});
