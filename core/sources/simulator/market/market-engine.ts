import { etToUtcMs } from '../../../calendar/eastern-time.ts';
import { isIsoDate, parseIsoDate } from '../../../calendar/iso-date.ts';
import type { MarketOptions } from '../simulator-types.ts';
import { createBarBlock, setBlockTicker, type BarBlock } from './bar-block.ts';
import { createDaySession, type DaySession } from './day-session.ts';
import { seedHash } from './hash-rng.ts';
import { createOptionChains, parseOccTicker, writeOccTicker, type OptionChains } from './option-chain.ts';
import { generateOptionContractDay, optionUnderlyingDay } from './option-minutes.ts';
import { createPriceModel, type PriceModel } from './price-model.ts';
import { generateStockDay } from './stock-minutes.ts';
import { STREAM } from './streams.ts';
import { createTradingDayIndex, type TradingDayIndex } from './trading-day-index.ts';
import { buildUniverse, symbolAt, type Entity, type Universe } from './universe.ts';

/** Price ticks per dollar in the bar blocks: four decimals for stocks, two for options. */
export const PRICE_SCALE = { stocks: 10_000, options: 100 } as const;
/** The two asset classes the flat files cover. */
export type AssetClass = keyof typeof PRICE_SCALE;

/** A security trading on a day, under the ticker it had that day. */
export interface Listing {
  entity: Entity;
  ticker: string;
  bytes: Uint8Array;
}

/** The market's generators behind the public interface; flat-file writers use it to skip Bar objects. */
export interface MarketEngine {
  readonly options: Required<MarketOptions>;
  readonly seedBase: number;
  readonly index: TradingDayIndex;
  universe(): Universe;
  prices(): PriceModel;
  chains(): OptionChains;
  /** Session of a date that is a trading day inside the range, else null. */
  session(date: string): DaySession | null;
  /** Securities trading on trading index k, sorted by that day's ticker. */
  listings(k: number): Listing[];
  /** Bar blocks of a day in flat-file order (ticker, then time). The yielded block is reused. */
  blocks(assetClass: AssetClass, s: DaySession): Generator<BarBlock>;
  /** Option contracts listed on a day, in ticker order, without generating bars. */
  contracts(s: DaySession): Generator<{ bytes: Uint8Array; length: number }>;
  /** One stock's minute bars on a day into `out`; false when it did not trade. */
  stockDay(e: Entity, s: DaySession, out: BarBlock, spot?: Float64Array): boolean;
  /** One option contract's minute bars on a day into `out`; false when not listed or not traded. */
  optionDay(ticker: string, s: DaySession, out: BarBlock): boolean;
}

/** Longest range the fixed 16,384-day price paths can cover. */
const MAX_RANGE_YEARS = 60;
const MAX_TICKERS = 20_000;

/** Validates options and fills in the defaults. */
export function normalizeOptions(options: MarketOptions, defaultUnderlyings: (tickers: number) => number): Required<MarketOptions> {
  const { seed, tickers, from, to } = options;
  if (!Number.isSafeInteger(seed)) throw new RangeError(`market seed must be a whole number, got ${seed}`);
  if (!Number.isInteger(tickers) || tickers < 1 || tickers > MAX_TICKERS) {
    throw new RangeError(`market tickers must be a whole number from 1 to ${MAX_TICKERS}, got ${tickers}`);
  }
  if (!isIsoDate(from) || !isIsoDate(to)) throw new RangeError(`market range needs YYYY-MM-DD dates, got ${from}..${to}`);
  if (from > to) throw new RangeError(`market range starts after it ends: ${from}..${to}`);
  if (from < '1990-01-01') throw new RangeError(`market range must start in 1990 or later, got ${from}`);
  if (parseIsoDate(to) - parseIsoDate(from) > MAX_RANGE_YEARS * 365.25) {
    throw new RangeError(`market range is longer than ${MAX_RANGE_YEARS} years: ${from}..${to}`);
  }
  const optionUnderlyings = options.optionUnderlyings ?? defaultUnderlyings(tickers);
  if (!Number.isInteger(optionUnderlyings) || optionUnderlyings < 0 || optionUnderlyings > tickers) {
    throw new RangeError(`optionUnderlyings must be a whole number from 0 to tickers (${tickers}), got ${optionUnderlyings}`);
  }
  return { seed, tickers, from, to, optionUnderlyings };
}

/** Memoises a computation on first use. */
function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}

/** Keeps the most recently used few values of a keyed computation. */
function smallCache<K, V>(size: number, make: (key: K) => V): (key: K) => V {
  const map = new Map<K, V>();
  return (key) => {
    let v = map.get(key);
    if (v !== undefined) {
      map.delete(key);
      map.set(key, v);
      return v;
    }
    v = make(key);
    map.set(key, v);
    if (map.size > size) map.delete(map.keys().next().value as K);
    return v;
  };
}

const encoder = new TextEncoder();

/** Creates the engine; nothing is generated until a method needs it. */
export function createMarketEngine(options: Required<MarketOptions>): MarketEngine {
  const seedBase = seedHash(options.seed);
  const dayIndex = lazy(() => createTradingDayIndex(options.from, options.to));
  const universe = lazy(() => buildUniverse(options.tickers, options.optionUnderlyings, seedBase, dayIndex()));
  const prices = lazy(() => createPriceModel(seedBase, dayIndex(), universe().idCount));
  const chains = lazy(() => createOptionChains(prices(), dayIndex()));
  const sessionAt = smallCache(16, (k: number) => createDaySession(dayIndex().days[k] as number, k));
  const symbolBytes = new Map<string, Uint8Array>();
  const bytesOf = (ticker: string): Uint8Array => {
    let b = symbolBytes.get(ticker);
    if (!b) {
      b = encoder.encode(ticker);
      symbolBytes.set(ticker, b);
    }
    return b;
  };

  const listings = smallCache(4, (k: number): Listing[] => {
    const out: Listing[] = [];
    for (const entity of universe().entities) {
      if (k < entity.firstIndex || k > entity.lastIndex) continue;
      const ticker = symbolAt(entity, k);
      out.push({ entity, ticker, bytes: bytesOf(ticker) });
    }
    // Byte order (what `sort` on ASCII strings gives) is the order Polygon's files use.
    return out.sort((a, b) => (a.ticker < b.ticker ? -1 : a.ticker > b.ticker ? 1 : 0));
  });

  const stockDay = (e: Entity, s: DaySession, out: BarBlock, spot?: Float64Array): boolean =>
    generateStockDay(seedBase, prices(), e, s, out, spot);

  const rootBytes = new Map<number, Uint8Array>();

  function* stockBlocks(s: DaySession): Generator<BarBlock> {
    const block = createBarBlock();
    for (const l of listings(s.k)) {
      if (!stockDay(l.entity, s, block)) continue;
      setBlockTicker(block, l.ticker, l.bytes);
      yield block;
    }
  }

  function* optionBlocks(s: DaySession): Generator<BarBlock> {
    const block = createBarBlock();
    const underlyingBlock = createBarBlock();
    const spot = new Float64Array(960);
    const tickerBuf = new Uint8Array(32);
    for (const u of universe().optionUnderlyings) {
      if (s.k < u.firstIndex || s.k > u.lastIndex || !stockDay(u, s, underlyingBlock, spot)) continue;
      const ud = optionUnderlyingDay(seedBase, STREAM.option, u, s, spot);
      let root = rootBytes.get(u.id);
      if (!root) {
        root = encoder.encode(u.symbol);
        rootBytes.set(u.id, root);
      }
      for (const ex of chains().expiriesOn(u, s.day)) {
        const closeMs = etToUtcMs(ex.day, 16, 0);
        for (const call of [true, false]) {
          for (const strike1000 of ex.strikes1000) {
            if (!generateOptionContractDay(ud, ex, closeMs, call, strike1000, block)) continue;
            const length = writeOccTicker(tickerBuf, root, ex.yymmdd, call, strike1000);
            block.ticker = '';
            block.tickerBytes = tickerBuf.subarray(0, length);
            yield block;
          }
        }
      }
    }
  }

  function* contracts(s: DaySession): Generator<{ bytes: Uint8Array; length: number }> {
    const buf = new Uint8Array(32);
    for (const u of universe().optionUnderlyings) {
      if (s.k < u.firstIndex || s.k > u.lastIndex) continue;
      const root = encoder.encode(u.symbol);
      for (const ex of chains().expiriesOn(u, s.day)) {
        for (const call of [true, false]) {
          for (const strike1000 of ex.strikes1000) yield { bytes: buf, length: writeOccTicker(buf, root, ex.yymmdd, call, strike1000) };
        }
      }
    }
  }

  const optionDay = (ticker: string, s: DaySession, out: BarBlock): boolean => {
    const parsed = parseOccTicker(ticker);
    if (!parsed) return false;
    const u = universe().bySymbol.get(parsed.root);
    if (!u || u.optionTier === 0 || u.symbol !== parsed.root) return false;
    const expiryDay = parseIsoDate(parsed.expiry);
    const strike1000 = Math.round(parsed.strike * 1000);
    const ex = chains().expiriesOn(u, s.day).find((x) => x.day === expiryDay);
    if (!ex || !ex.strikes1000.includes(strike1000)) return false;
    const underlyingSpot = new Float64Array(960);
    if (!stockDay(u, s, createBarBlock(), underlyingSpot)) return false;
    const ud = optionUnderlyingDay(seedBase, STREAM.option, u, s, underlyingSpot);
    if (!generateOptionContractDay(ud, ex, etToUtcMs(ex.day, 16, 0), parsed.call, strike1000, out)) return false;
    setBlockTicker(out, ticker);
    return true;
  };

  return {
    options,
    seedBase,
    get index() {
      return dayIndex();
    },
    universe,
    prices,
    chains,
    session(date) {
      if (!isIsoDate(date)) return null;
      const k = dayIndex().indexOf(parseIsoDate(date));
      return k < 0 ? null : sessionAt(k);
    },
    listings,
    blocks: (assetClass, s) => (assetClass === 'stocks' ? stockBlocks(s) : optionBlocks(s)),
    contracts,
    stockDay,
    optionDay,
  };
}
