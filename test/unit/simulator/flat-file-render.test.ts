import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { publicationInstant } from '../../../core/calendar/index.ts';
import {
  FLAT_FILE_HEADER,
  flatFileCsvChunks,
  renderFlatFile,
  renderFlatFileAsync,
  renderFlatFileCsv,
  streamFlatFile,
} from '../../../core/sources/simulator/flat-files/index.ts';
import type { SimulatedMarket } from '../../../core/sources/simulator/simulator-types.ts';
import { parseCsv, testMarket } from './simulator-test-helpers.ts';

const DATASETS = ['stocks_daily', 'stocks_minute', 'options_daily', 'options_minute'] as const;
const FIXTURES = path.resolve(process.cwd(), 'test/fixtures/polygon-doc-samples');

/** The same market seen only through the shared interface (so renderers take the generic path). */
function throughInterface(m: SimulatedMarket): SimulatedMarket {
  return {
    options: m.options,
    tradingDays: () => m.tradingDays(),
    tickers: () => m.tickers(),
    splits: () => m.splits(),
    dividends: () => m.dividends(),
    ipos: () => m.ipos(),
    tickerChanges: () => m.tickerChanges(),
    financials: () => m.financials(),
    news: () => m.news(),
    shortInterest: () => m.shortInterest(),
    shortVolume: (d) => m.shortVolume(d),
    optionContracts: (d) => m.optionContracts(d),
    dayBars: (a, d) => m.dayBars(a, d),
    minuteBars: (a, d) => m.minuteBars(a, d),
  };
}

describe('flat-file CSV layout', () => {
  for (const ds of DATASETS) {
    it(`${ds}: exact header, sorted by ticker then window_start, plain \\n rows`, () => {
      const text = renderFlatFileCsv(testMarket(), ds, '2025-03-14').toString('latin1');
      expect(text.startsWith(FLAT_FILE_HEADER)).toBe(true);
      expect(text.endsWith('\n')).toBe(true);
      expect(text).not.toMatch(/[\r \t"]/);
      const { rows } = parseCsv(text);
      for (let i = 1; i < rows.length; i++) {
        const a = rows[i - 1]!;
        const b = rows[i]!;
        const ordered = a.ticker < b.ticker || (a.ticker === b.ticker && BigInt(a.windowStart) < BigInt(b.windowStart));
        if (!ordered) throw new Error(`rows ${i} and ${i + 1} out of order: ${a.ticker} ${a.windowStart} / ${b.ticker} ${b.windowStart}`);
      }
      expect(rows.every((r) => /^\d{19}$/.test(r.windowStart) && /^[1-9]\d*$/.test(r.transactions))).toBe(true);
    });
  }

  it('matches the header of every sample file Polygon publishes', () => {
    const samples = fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.csv'));
    expect(samples.length).toBe(4);
    for (const f of samples) {
      const first = fs.readFileSync(path.join(FIXTURES, f), 'latin1').split('\n')[0];
      expect(`${first}\n`, f).toBe(FLAT_FILE_HEADER);
    }
  });

  it('prints the same bytes through the fast path and through the Bar interface', () => {
    const market = testMarket();
    const plain = throughInterface(market);
    for (const [ds, date] of [['stocks_daily', '2025-03-14'], ['stocks_minute', '2026-02-02'], ['options_daily', '2024-12-24'], ['options_minute', '2025-03-14']] as const) {
      expect(renderFlatFileCsv(plain, ds, date).equals(renderFlatFileCsv(market, ds, date)), `${ds} ${date}`).toBe(true);
    }
  });

  it('streams the same text in chunks of any size', () => {
    const market = testMarket();
    const whole = renderFlatFileCsv(market, 'stocks_minute', '2025-03-14');
    const chunks = [...flatFileCsvChunks(market, 'stocks_minute', '2025-03-14', 64 * 1024)!];
    expect(chunks.length).toBeGreaterThan(10);
    expect(Buffer.concat(chunks).equals(whole)).toBe(true);
  });
});

describe('rendered objects', () => {
  it('are gzip with a fixed header, the S3 key, an MD5 ETag and the publication time', async () => {
    const market = testMarket();
    const date = '2025-03-14';
    for (const ds of DATASETS) {
      const f = renderFlatFile(market, ds, date)!;
      expect(f.dataset).toBe(ds);
      expect(f.date).toBe(date);
      expect([...f.body.subarray(0, 10)]).toEqual([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
      expect(zlib.gunzipSync(f.body).equals(renderFlatFileCsv(market, ds, date))).toBe(true);
      expect(f.etag).toBe(`"${crypto.createHash('md5').update(f.body).digest('hex')}"`);
      expect(f.lastModified).toEqual(publicationInstant(date));
      const async = await renderFlatFileAsync(market, ds, date);
      expect(async!.body.equals(f.body), `${ds} async`).toBe(true);
    }
    expect(renderFlatFile(market, 'stocks_daily', date)!.key).toBe('us_stocks_sip/day_aggs_v1/2025/03/2025-03-14.csv.gz');
    expect(renderFlatFile(market, 'options_minute', date)!.key).toBe('us_options_opra/minute_aggs_v1/2025/03/2025-03-14.csv.gz');
  });

  it('stream as the same gzip bytes however the CSV is chunked', async () => {
    const market = testMarket();
    const expected = renderFlatFile(market, 'options_minute', '2025-03-14')!;
    const parts: Buffer[] = [];
    for await (const chunk of streamFlatFile(market, 'options_minute', '2025-03-14', { chunkBytes: 16 * 1024 })!) parts.push(chunk as Buffer);
    expect(parts.length).toBeGreaterThan(1);
    expect(Buffer.concat(parts).equals(expected.body)).toBe(true);
  });

  it('do not exist before a dataset\'s first date', () => {
    const early = throughInterface(testMarket());
    const options = { ...early.options, from: '2014-01-02' };
    const market = { ...early, options };
    expect(renderFlatFile(market, 'options_daily', '2014-05-30')).toBeNull();
    expect(renderFlatFile(testMarket(), 'options_daily', '2023-01-03')).not.toBeNull();
  });
});
