import { isIsoDate, parseIsoDate } from '../../../calendar/iso-date.ts';
import type {
  Bar,
  IsoDate,
  MarketOptions,
  SimDividend,
  SimFinancials,
  SimShortInterest,
  SimSplit,
  SimulatedMarket,
} from '../simulator-types.ts';
import { aggregateBlock, blockTicker, createBarBlock, type BarBlock } from './bar-block.ts';
import { dividendRecords, dividendsOf, splitRecords, splitsOf } from './corporate-action-records.ts';
import type { DaySession } from './day-session.ts';
import { financialRecords, financialsOf } from './financial-records.ts';
import { createMarketEngine, normalizeOptions, PRICE_SCALE, type AssetClass, type MarketEngine } from './market-engine.ts';
import { newsRecords } from './news-records.ts';
import { OPTION_LISTING_DAYS, parseOccTicker } from './option-chain.ts';
import { settlementIndices, shortInterestAt, shortInterestOf, shortInterestRecords, shortVolumeFromBars } from './short-records.ts';
import { ipoRecords, tickerChangeRecords, tickerRecords } from './ticker-records.ts';
import { defaultOptionUnderlyings, symbolAt, type Entity } from './universe.ts';

/**
 * Per-ticker and per-date accessors beyond the shared contract. The full-list methods of
 * SimulatedMarket are fine for a demo-sized market; at full size (12,000 tickers, 20 years) use
 * these instead, which compute only what is asked for.
 */
export interface SimulatedMarketExtras {
  /** Day bars of one ticker (stock, or OCC option like O:SPY251219C00650000) from `from` to `to`, ascending. */
  tickerDayBars(ticker: string, from: IsoDate, to: IsoDate): Bar[];
  /** Minute bars of one ticker on one date, ascending (empty when it did not trade). */
  tickerMinuteBars(ticker: string, date: IsoDate): Bar[];
  /** Splits of the security trading (or that traded) under a ticker. */
  splitsOf(ticker: string): SimSplit[];
  /** Dividends of the security trading (or that traded) under a ticker. */
  dividendsOf(ticker: string): SimDividend[];
  /** Financials of the company behind a ticker. */
  financialsOf(ticker: string): SimFinancials[];
  /** Short interest of one ticker at every settlement date. */
  shortInterestOf(ticker: string): SimShortInterest[];
  /** Short interest of every ticker at one settlement date (empty if it is not one). */
  shortInterestOn(settlementDate: IsoDate): SimShortInterest[];
}

/** The market createMarket returns: the shared contract plus the cheaper per-ticker accessors. */
export type FullSimulatedMarket = SimulatedMarket & SimulatedMarketExtras;

const engines = new WeakMap<SimulatedMarket, MarketEngine>();

/** The engine behind a market made by createMarket (the flat-file fast path), or undefined. */
export function marketEngineOf(market: SimulatedMarket): MarketEngine | undefined {
  return engines.get(market);
}

/** Unit divisors of a block: price ticks per dollar and volume units per share. */
function scales(assetClass: AssetClass, s: DaySession): { price: number; volume: number } {
  return { price: PRICE_SCALE[assetClass], volume: assetClass === 'stocks' && s.decimalVolume ? 1_000_000 : 1 };
}

function dayBarOf(b: BarBlock, s: DaySession, assetClass: AssetClass, windowStartNs: bigint): Bar {
  const a = aggregateBlock(b);
  const { price, volume } = scales(assetClass, s);
  return {
    ticker: blockTicker(b),
    volume: a.volume / volume,
    open: a.open / price,
    close: a.close / price,
    high: a.high / price,
    low: a.low / price,
    windowStartNs,
    transactions: a.transactions,
  };
}

/** Minute bars of a block as Bar objects. */
function minuteBarsOf(b: BarBlock, s: DaySession, assetClass: AssetClass, starts: bigint[]): Bar[] {
  const { price, volume } = scales(assetClass, s);
  const ticker = blockTicker(b);
  const out: Bar[] = [];
  for (let i = 0; i < b.n; i++) {
    out.push({
      ticker,
      volume: (b.volume[i] as number) / volume,
      open: (b.open[i] as number) / price,
      close: (b.close[i] as number) / price,
      high: (b.high[i] as number) / price,
      low: (b.low[i] as number) / price,
      windowStartNs: starts[b.minute[i] as number] as bigint,
      transactions: b.transactions[i] as number,
    });
  }
  return out;
}

/** window_start of every minute of a day as BigInt nanoseconds. */
function minuteStarts(s: DaySession): bigint[] {
  const out: bigint[] = [];
  for (let m = 0; m < 960; m++) out.push(BigInt(s.startMs + m * 60_000) * 1_000_000n);
  return out;
}

/**
 * Creates a deterministic synthetic market. Construction only validates options and indexes the
 * trading days; the universe, corporate actions and every day's bars are computed when first
 * asked for, and any day can be computed without the days before it.
 */
export function createMarket(options: MarketOptions): FullSimulatedMarket {
  const engine = createMarketEngine(normalizeOptions(options, defaultOptionUnderlyings));
  const memo = new Map<string, unknown>();
  const once = <T>(key: string, make: () => T): T => {
    if (!memo.has(key)) memo.set(key, make());
    return memo.get(key) as T;
  };
  const dayBarCache = new Map<string, Bar[]>();

  const dayBars = (assetClass: AssetClass, date: IsoDate): Bar[] => {
    const key = `${assetClass}:${date}`;
    const cached = dayBarCache.get(key);
    if (cached) return cached;
    const s = engine.session(date);
    const out: Bar[] = [];
    if (s) {
      const ws = BigInt(s.midnightMs) * 1_000_000n;
      for (const b of engine.blocks(assetClass, s)) out.push(dayBarOf(b, s, assetClass, ws));
    }
    dayBarCache.set(key, out);
    if (dayBarCache.size > 4) dayBarCache.delete(dayBarCache.keys().next().value as string);
    return out;
  };

  /** The security behind a ticker at any time in the range. */
  const entityOf = (ticker: string): Entity | undefined => engine.universe().bySymbol.get(ticker);

  /** One ticker's minute block on a day, or null when it did not trade under that ticker. */
  const tickerBlock = (ticker: string, s: DaySession, out: BarBlock): AssetClass | null => {
    if (ticker.startsWith('O:')) return engine.optionDay(ticker, s, out) ? 'options' : null;
    const e = entityOf(ticker);
    if (!e || s.k < e.firstIndex || s.k > e.lastIndex || symbolAt(e, s.k) !== ticker) return null;
    if (!engine.stockDay(e, s, out)) return null;
    out.ticker = ticker;
    return 'stocks';
  };

  const market: FullSimulatedMarket = {
    options: engine.options,
    tradingDays: () => [...engine.index.dates],
    tickers: () => once('tickers', () => tickerRecords(engine)),
    splits: () => once('splits', () => splitRecords(engine)),
    dividends: () => once('dividends', () => dividendRecords(engine)),
    ipos: () => once('ipos', () => ipoRecords(engine)),
    tickerChanges: () => once('tickerChanges', () => tickerChangeRecords(engine)),
    financials: () => once('financials', () => financialRecords(engine)),
    news: () => once('news', () => newsRecords(engine)),
    shortInterest: () => once('shortInterest', () => shortInterestRecords(engine)),
    shortVolume: (date) => shortVolumeFromBars(engine.seedBase, date, dayBars('stocks', date)),
    optionContracts(date) {
      const s = engine.session(date);
      if (!s) return [];
      const out: string[] = [];
      for (const c of engine.contracts(s)) out.push(String.fromCharCode(...c.bytes.subarray(0, c.length)));
      return out;
    },
    dayBars,
    *minuteBars(assetClass, date) {
      const s = engine.session(date);
      if (!s) return;
      const starts = minuteStarts(s);
      for (const b of engine.blocks(assetClass, s)) yield* minuteBarsOf(b, s, assetClass, starts);
    },

    tickerDayBars(ticker, from, to) {
      if (!isIsoDate(from) || !isIsoDate(to)) return [];
      const { index } = engine;
      const out: Bar[] = [];
      const block = createBarBlock();
      const first = Math.max(0, index.floorIndex(parseIsoDate(from) - 1) + 1);
      const last = index.floorIndex(parseIsoDate(to));
      let lo = first;
      let hi = last;
      if (ticker.startsWith('O:')) {
        // A contract trades at most the few months before its expiry.
        const parsed = parseOccTicker(ticker);
        if (!parsed || !isIsoDate(parsed.expiry)) return [];
        const expiryDay = parseIsoDate(parsed.expiry);
        lo = Math.max(lo, index.floorIndex(expiryDay - OPTION_LISTING_DAYS) + 1);
        hi = Math.min(hi, index.floorIndex(expiryDay));
      } else {
        const e = entityOf(ticker);
        if (!e) return [];
        lo = Math.max(lo, e.firstIndex);
        hi = Math.min(hi, e.lastIndex);
      }
      for (let k = lo; k <= hi; k++) {
        const s = engine.session(index.dates[k] as string) as DaySession;
        const assetClass = tickerBlock(ticker, s, block);
        if (assetClass) out.push(dayBarOf(block, s, assetClass, BigInt(s.midnightMs) * 1_000_000n));
      }
      return out;
    },
    tickerMinuteBars(ticker, date) {
      const s = engine.session(date);
      if (!s) return [];
      const block = createBarBlock();
      const assetClass = tickerBlock(ticker, s, block);
      return assetClass ? minuteBarsOf(block, s, assetClass, minuteStarts(s)) : [];
    },
    splitsOf(ticker) {
      const e = entityOf(ticker);
      return e ? splitsOf(engine, e) : [];
    },
    dividendsOf(ticker) {
      const e = entityOf(ticker);
      return e ? dividendsOf(engine, e) : [];
    },
    financialsOf(ticker) {
      const e = entityOf(ticker);
      return e ? financialsOf(engine, e) : [];
    },
    shortInterestOf(ticker) {
      const e = entityOf(ticker);
      return e ? shortInterestOf(engine, e).filter((r) => r.ticker === ticker) : [];
    },
    shortInterestOn(settlementDate) {
      if (!isIsoDate(settlementDate)) return [];
      const k = engine.index.indexOf(parseIsoDate(settlementDate));
      const settlements = once('settlements', () => new Set(settlementIndices(engine)));
      return settlements.has(k) ? shortInterestAt(engine, k) : [];
    },
  };
  engines.set(market, engine);
  return market;
}
