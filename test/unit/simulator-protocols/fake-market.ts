// A tiny hand-made SimulatedMarket and flat-file renderer for protocol tests: three stocks (AAA
// splits 2-for-1, BBB is delisted, CCC is renamed to CCD), one option contract, a few minute bars
// per day. Small enough that every expected value can be computed by hand in a test.
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { etMidnightUtc, etToUtc, publicationInstant, tradingDays } from '../../../core/calendar/index.ts';
import { flatFileDataset, flatFileKey, type FlatFileDatasetId } from '../../../core/datasets/index.ts';
import type { Bar, RenderedFlatFile, SimTicker, SimulatedMarket } from '../../../core/sources/simulator/simulator-types.ts';

export const FAKE_FROM = '2024-02-26';
export const FAKE_TO = '2024-04-05';
export const AAA_SPLIT_DATE = '2024-03-11';
export const BBB_DELISTED = '2024-03-15';
export const CCC_RENAME_DATE = '2024-03-20';
export const OPTION = 'O:AAA240419C00050000';

const ticker = (over: Partial<SimTicker> & Pick<SimTicker, 'ticker' | 'name'>): SimTicker => ({
  type: 'CS',
  primaryExchange: 'XNAS',
  cik: `000${over.ticker.charCodeAt(0)}000`,
  compositeFigi: `BBG000${over.ticker}FIGI`,
  shareClassFigi: `BBG001${over.ticker}SHCL`,
  listDate: FAKE_FROM,
  delistedDate: null,
  renamedTo: null,
  renamedFrom: null,
  sicCode: '3571',
  sicDescription: 'ELECTRONIC COMPUTERS',
  description: `${over.name} makes things.`,
  homepageUrl: `https://www.${over.ticker.toLowerCase()}.example`,
  totalEmployees: 1000,
  sharesOutstanding: 1_000_000,
  roundLot: 100,
  ...over,
});

const TICKERS: SimTicker[] = [
  ticker({ ticker: 'AAA', name: 'Alpha Corp' }),
  ticker({ ticker: 'BBB', name: 'Beta Inc', delistedDate: BBB_DELISTED, sicCode: '2834' }),
  ticker({ ticker: 'CCC', name: 'Gamma Ltd', renamedTo: { ticker: 'CCD', date: CCC_RENAME_DATE } }),
  ticker({ ticker: 'CCD', name: 'Gamma Ltd', listDate: CCC_RENAME_DATE, renamedFrom: 'CCC' }),
];

/** Whether a ticker trades on a date. */
function trades(t: SimTicker, date: string): boolean {
  if (date < t.listDate) return false;
  if (t.delistedDate && date > t.delistedDate) return false;
  if (t.renamedTo && date >= t.renamedTo.date) return false;
  return true;
}

/** Deterministic raw close: AAA halves at its split (100 -> 50 area), others drift. */
function closeOf(symbol: string, date: string, index: number): number {
  if (symbol === 'AAA') return (date >= AAA_SPLIT_DATE ? 50 : 100) + index * 0.25;
  if (symbol === 'BBB') return 20 + index * 0.1;
  if (symbol === 'O:AAA240419C00050000') return 5 + index * 0.05;
  return 30 + index * 0.2;
}

const round = (x: number) => Math.round(x * 10000) / 10000;

/** A bar around a close, valid by construction (low <= open, close <= high). */
function barOf(symbol: string, close: number, t: Date, volume: number): Bar {
  return {
    ticker: symbol,
    volume,
    open: round(close - 0.5),
    close: round(close),
    high: round(close + 1),
    low: round(close - 1),
    windowStartNs: BigInt(t.getTime()) * 1_000_000n,
    transactions: Math.round(volume / 10),
  };
}

/** Builds the fake market over [FAKE_FROM, FAKE_TO] (or a given range). */
export function createFakeMarket(from = FAKE_FROM, to = FAKE_TO): SimulatedMarket {
  const days = tradingDays(from, to);
  const indexOf = new Map(days.map((d, i) => [d, i]));
  const stocksOn = (date: string) => TICKERS.filter((t) => trades(t, date)).map((t) => t.ticker);
  return {
    options: { seed: 1, tickers: 3, from, to, optionUnderlyings: 1 },
    tradingDays: () => [...days],
    tickers: () => TICKERS.map((t) => ({ ...t })),
    splits: () => [{ id: 'S-AAA-1', ticker: 'AAA', executionDate: AAA_SPLIT_DATE, splitFrom: 1, splitTo: 2 }],
    dividends: () => [
      { id: 'D-AAA-1', ticker: 'AAA', cashAmount: 0.5, currency: 'USD', declarationDate: '2024-02-27', exDividendDate: '2024-03-05', recordDate: '2024-03-06', payDate: '2024-03-20', frequency: 4, dividendType: 'CD' },
      { id: 'D-CCC-1', ticker: 'CCC', cashAmount: 1.25, currency: 'USD', declarationDate: '2024-03-01', exDividendDate: '2024-03-12', recordDate: '2024-03-13', payDate: '2024-03-28', frequency: 0, dividendType: 'SC' },
    ],
    ipos: () => [],
    tickerChanges: () => [{ currentTicker: 'CCD', name: 'Gamma Ltd', compositeFigi: 'BBG000CCCFIGI', events: [{ date: FAKE_FROM, ticker: 'CCC' }, { date: CCC_RENAME_DATE, ticker: 'CCD' }] }],
    financials: () => [],
    news: () =>
      Array.from({ length: 25 }, (_, i) => ({
        id: `N${String(i).padStart(3, '0')}`,
        publishedUtc: `2024-03-${String(1 + i).padStart(2, '0')}T13:00:00Z`,
        title: `Story ${i}`,
        author: 'Reporter',
        articleUrl: `https://news.example/${i}`,
        description: `Story number ${i}`,
        tickers: i % 2 === 0 ? ['AAA'] : ['AAA', 'BBB'],
        keywords: ['markets'],
        publisherName: 'Example Wire',
        sentiment: 'neutral' as const,
      })),
    shortInterest: () => [],
    shortVolume: (date) =>
      stocksOn(date).map((t) => ({ ticker: t, date, shortVolume: 400, totalVolume: 1000, exemptVolume: 10, nonExemptVolume: 390 })),
    optionContracts: () => [OPTION],
    dayBars(assetClass, date) {
      const i = indexOf.get(date);
      if (i === undefined) return [];
      const t = etMidnightUtc(date);
      const symbols = assetClass === 'stocks' ? stocksOn(date) : [OPTION];
      return symbols.map((s) => barOf(s, closeOf(s, date, i), t, assetClass === 'stocks' ? 10_000 + i : 50));
    },
    *minuteBars(assetClass, date) {
      const i = indexOf.get(date);
      if (i === undefined) return;
      const symbols = assetClass === 'stocks' ? stocksOn(date) : [OPTION];
      for (const s of symbols) {
        for (let m = 0; m < 5; m++) yield barOf(s, closeOf(s, date, i) + m * 0.01, etToUtc(date, 9, 30 + m), 100 + m);
      }
    },
  };
}

/** Renders a fake flat file exactly as the real renderer's contract describes (header, sort, gzip, ETag). */
export function renderFakeFlatFile(market: SimulatedMarket, datasetId: FlatFileDatasetId, date: string): RenderedFlatFile | null {
  if (!market.tradingDays().includes(date)) return null;
  const dataset = flatFileDataset(datasetId);
  const bars = dataset.frequency === 'day' ? market.dayBars(dataset.assetClass, date) : [...market.minuteBars(dataset.assetClass, date)];
  const lines = ['ticker,volume,open,close,high,low,window_start,transactions'];
  for (const b of bars) lines.push([b.ticker, b.volume, b.open, b.close, b.high, b.low, b.windowStartNs, b.transactions].join(','));
  const body = gzipSync(Buffer.from(`${lines.join('\n')}\n`));
  return {
    dataset: datasetId,
    date,
    key: flatFileKey(dataset, date),
    body,
    etag: `"${createHash('md5').update(body).digest('hex')}"`,
    lastModified: publicationInstant(date),
  };
}
