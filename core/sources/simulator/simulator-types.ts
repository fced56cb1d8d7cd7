/**
 * The contract between the simulated market (market/: what exists and what it traded) and the
 * protocol servers (s3/, rest/: how Polygon serves it). The market is deterministic for a given
 * seed, universe size and date range, and computes a day only when asked for it.
 */
import type { FlatFileDatasetId } from '../../datasets/index.ts';

export type IsoDate = string;

/** Parameters that fully determine a simulated market. */
export interface MarketOptions {
  seed: number;
  /** Number of stock tickers in the universe (the full market is about 12,000). */
  tickers: number;
  /** First and last calendar dates of the simulated history (inclusive). */
  from: IsoDate;
  to: IsoDate;
  /** Underlyings with option chains (default: an index ETF plus a few large stocks). */
  optionUnderlyings?: number;
}

/** One aggregate bar exactly as a flat-file row carries it. */
export interface Bar {
  ticker: string;
  volume: number;
  open: number;
  close: number;
  high: number;
  low: number;
  /** Nanoseconds since the Unix epoch (UTC) of the window start. */
  windowStartNs: bigint;
  transactions: number;
}

/** A listed security over the simulated history (Polygon's /v3/reference/tickers fields). */
export interface SimTicker {
  ticker: string;
  name: string;
  type: 'CS' | 'ETF' | 'ADRC' | 'PFD' | 'WARRANT' | 'UNIT';
  primaryExchange: 'XNYS' | 'XNAS' | 'ARCX' | 'BATS' | 'XASE';
  cik: string;
  compositeFigi: string;
  shareClassFigi: string;
  /** First trading date (IPO listing date when inside the range). */
  listDate: IsoDate;
  /** Last trading date, or null when still listed at the end of the range. */
  delistedDate: IsoDate | null;
  /** When the symbol was renamed, the new symbol and the first date it trades under it. */
  renamedTo: { ticker: string; date: IsoDate } | null;
  /** When this symbol is the successor of a rename, the previous symbol. */
  renamedFrom: string | null;
  sicCode: string;
  sicDescription: string;
  description: string;
  homepageUrl: string;
  totalEmployees: number;
  sharesOutstanding: number;
  roundLot: number;
}

export interface SimSplit {
  id: string;
  ticker: string;
  executionDate: IsoDate;
  splitFrom: number;
  splitTo: number;
}

export interface SimDividend {
  id: string;
  ticker: string;
  cashAmount: number;
  currency: 'USD';
  declarationDate: IsoDate;
  exDividendDate: IsoDate;
  recordDate: IsoDate;
  payDate: IsoDate;
  /** 0 one-time, 1 annual, 2 semi, 4 quarterly, 12 monthly. */
  frequency: 0 | 1 | 2 | 4 | 12;
  /** CD regular cash dividend, SC special cash dividend. */
  dividendType: 'CD' | 'SC';
}

export interface SimIpo {
  ticker: string;
  issuerName: string;
  listingDate: IsoDate;
  announcedDate: IsoDate;
  finalIssuePrice: number;
  lowestOfferPrice: number;
  highestOfferPrice: number;
  sharesOffered: number;
  primaryExchange: string;
  securityType: string;
  securityDescription: string;
  ipoStatus: 'history' | 'new' | 'pending';
  isin: string;
  currencyCode: 'USD';
  lastUpdated: IsoDate;
}

export interface SimTickerChange {
  /** The entity's current ticker (the id /vX/reference/tickers/{id}/events answers for). */
  currentTicker: string;
  name: string;
  compositeFigi: string;
  /** Ascending by date: the ticker in force from each date. */
  events: Array<{ date: IsoDate; ticker: string }>;
}

export interface SimFinancials {
  ticker: string;
  cik: string;
  companyName: string;
  fiscalYear: number;
  fiscalPeriod: 'Q1' | 'Q2' | 'Q3' | 'Q4' | 'FY';
  timeframe: 'quarterly' | 'annual';
  startDate: IsoDate;
  endDate: IsoDate;
  filingDate: IsoDate;
  /** statement -> field -> value (USD, or USD/share for EPS) */
  statements: Record<'income_statement' | 'balance_sheet' | 'cash_flow_statement', Record<string, number>>;
}

export interface SimNewsArticle {
  id: string;
  publishedUtc: string;
  title: string;
  author: string;
  articleUrl: string;
  description: string;
  tickers: string[];
  keywords: string[];
  publisherName: string;
  sentiment: 'positive' | 'negative' | 'neutral';
}

export interface SimShortInterest {
  ticker: string;
  settlementDate: IsoDate;
  shortInterest: number;
  avgDailyVolume: number;
  daysToCover: number;
}

export interface SimShortVolume {
  ticker: string;
  date: IsoDate;
  shortVolume: number;
  totalVolume: number;
  exemptVolume: number;
  nonExemptVolume: number;
}

/** The simulated market: reference data, corporate actions and bars, all computed on demand. */
export interface SimulatedMarket {
  readonly options: Required<MarketOptions>;
  /** Trading days of the range (NYSE calendar). */
  tradingDays(): IsoDate[];
  /** Every security that existed at any time in the range. */
  tickers(): SimTicker[];
  splits(): SimSplit[];
  dividends(): SimDividend[];
  ipos(): SimIpo[];
  tickerChanges(): SimTickerChange[];
  financials(): SimFinancials[];
  news(): SimNewsArticle[];
  shortInterest(): SimShortInterest[];
  shortVolume(date: IsoDate): SimShortVolume[];
  /** Option contract tickers listed on a date (OCC format, e.g. O:SPY251219C00650000). */
  optionContracts(date: IsoDate): string[];
  /** Day bars of a date, sorted by ticker (stocks: every ticker that traded; options: contracts with volume). */
  dayBars(assetClass: 'stocks' | 'options', date: IsoDate): Bar[];
  /** Minute bars of a date, sorted by ticker then window start; streamed because a full day is millions of rows. */
  minuteBars(assetClass: 'stocks' | 'options', date: IsoDate): Iterable<Bar>;
}

/** A flat file rendered from the market: exact Polygon CSV bytes, gzip-compressed. */
export interface RenderedFlatFile {
  dataset: FlatFileDatasetId;
  date: IsoDate;
  key: string;
  body: Buffer;
  /** Quoted MD5 hex of the body, as S3 reports single-part ETags. */
  etag: string;
  lastModified: Date;
}
