/**
 * One security's bars for one day in columns, reused from ticker to ticker so that generating and
 * printing millions of minute rows allocates nothing per row. Prices are integer ticks (1e-4 USD
 * for stocks, 1e-2 for options) and volumes integer units (shares, or micro-shares from 2026), so
 * sums and printed decimals are exact.
 */
export interface BarBlock {
  /** The ticker, or '' when only `tickerBytes` is set (see blockTicker). */
  ticker: string;
  /** The ticker as ASCII bytes, for writers that copy bytes. */
  tickerBytes: Uint8Array;
  n: number;
  /** Minute of the bar counted from 04:00 ET. */
  minute: Int32Array;
  open: Int32Array;
  high: Int32Array;
  low: Int32Array;
  close: Int32Array;
  volume: Float64Array;
  transactions: Int32Array;
}

/** Capacity for every minute from 04:00 to 20:00 ET. */
export const MINUTES_PER_DAY = 960;

/** Allocates a block for up to one day of minutes. */
export function createBarBlock(capacity = MINUTES_PER_DAY): BarBlock {
  return {
    ticker: '',
    tickerBytes: new Uint8Array(0),
    n: 0,
    minute: new Int32Array(capacity),
    open: new Int32Array(capacity),
    high: new Int32Array(capacity),
    low: new Int32Array(capacity),
    close: new Int32Array(capacity),
    volume: new Float64Array(capacity),
    transactions: new Int32Array(capacity),
  };
}

/** The day aggregate of a block: first open, last close, extremes and sums. */
export interface BlockAggregate {
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  transactions: number;
}

/** Aggregates a non-empty block into its day bar (in the block's ticks and units). */
export function aggregateBlock(b: BarBlock): BlockAggregate {
  let high = b.high[0] as number;
  let low = b.low[0] as number;
  let volume = 0;
  let transactions = 0;
  for (let i = 0; i < b.n; i++) {
    const h = b.high[i] as number;
    const l = b.low[i] as number;
    if (h > high) high = h;
    if (l < low) low = l;
    volume += b.volume[i] as number;
    transactions += b.transactions[i] as number;
  }
  return { open: b.open[0] as number, high, low, close: b.close[b.n - 1] as number, volume, transactions };
}

const encoder = new TextEncoder();

/** The block's ticker as a string (option blocks carry only bytes until asked). */
export function blockTicker(b: BarBlock): string {
  if (b.ticker === '') b.ticker = String.fromCharCode(...b.tickerBytes);
  return b.ticker;
}

/** Sets the block's ticker (string and bytes). */
export function setBlockTicker(b: BarBlock, ticker: string, bytes?: Uint8Array): void {
  b.ticker = ticker;
  b.tickerBytes = bytes ?? encoder.encode(ticker);
}
