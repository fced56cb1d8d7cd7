import { etDateOf, extendedHours, isTradingDay, previousTradingDay } from '../../../calendar/index.ts';
import type { SimulatedMarketExtras } from '../market/index.ts';
import type { Bar, IsoDate, SimShortVolume, SimSplit, SimTicker, SimulatedMarket } from '../simulator-types.ts';
import { createLruByteCache } from '../s3/lru-byte-cache.ts';

/** Lookups over the market that REST routes share, built once per server. */
export interface MarketViews {
  market: SimulatedMarket;
  /** Tickers by symbol. */
  ticker(symbol: string): SimTicker | undefined;
  tickers(): readonly SimTicker[];
  /** Splits of a symbol, ascending by execution date. */
  splitsOf(symbol: string): readonly SimSplit[];
  /** The latest trading day whose extended session has ended by `now`, capped to the market's range. */
  lastCompleteDay(now: Date): IsoDate | null;
  /** Day bars of a date (cached, so a multi-year aggregate request does not recompute the cross-section). */
  dayBars(assetClass: 'stocks' | 'options', date: IsoDate): readonly Bar[];
  /** One ticker's day bars from `from` to `to` (stock, or OCC option ticker), ascending. */
  tickerDayBars(ticker: string, from: IsoDate, to: IsoDate): Bar[];
  /** One ticker's minute bars of a date, ascending. */
  tickerMinuteBars(ticker: string, date: IsoDate): Bar[];
  shortVolume(date: IsoDate): readonly SimShortVolume[];
}

/** Binary search in bars sorted by ticker. */
function findBar(bars: readonly Bar[], ticker: string): Bar | undefined {
  let lo = 0;
  let hi = bars.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const t = (bars[mid] as Bar).ticker;
    if (t === ticker) return bars[mid];
    if (t < ticker) lo = mid + 1;
    else hi = mid - 1;
  }
  return undefined;
}

/** The per-ticker accessors of createMarket's markets, when this market has them. */
function extrasOf(market: SimulatedMarket): Partial<SimulatedMarketExtras> {
  return market as SimulatedMarket & Partial<SimulatedMarketExtras>;
}

/** Builds the shared views; `cacheBytes` bounds the cached day cross-sections. */
export function createMarketViews(market: SimulatedMarket, cacheBytes = 64 * 1024 * 1024): MarketViews {
  const extras = extrasOf(market);
  let bySymbol: Map<string, SimTicker> | null = null;
  let splits: Map<string, SimSplit[]> | null = null;
  const days = createLruByteCache<readonly Bar[]>(cacheBytes);
  const shorts = createLruByteCache<readonly SimShortVolume[]>(cacheBytes / 4);
  const symbols = () => (bySymbol ??= new Map(market.tickers().map((t) => [t.ticker, t])));
  const { from, to } = market.options;

  return {
    market,
    ticker: (symbol) => symbols().get(symbol),
    tickers: () => [...symbols().values()],
    splitsOf(symbol) {
      if (!splits) {
        splits = new Map();
        for (const s of [...market.splits()].sort((a, b) => (a.executionDate < b.executionDate ? -1 : 1))) {
          splits.set(s.ticker, [...(splits.get(s.ticker) ?? []), s]);
        }
      }
      return splits.get(symbol) ?? [];
    },
    lastCompleteDay(now) {
      const today = etDateOf(now);
      const hours = isTradingDay(today) ? extendedHours(today) : null;
      let day = hours && now >= hours.endUtc ? today : previousTradingDay(today);
      if (day > to) day = isTradingDay(to) ? to : previousTradingDay(to);
      return day < from ? null : day;
    },
    dayBars(assetClass, date) {
      const id = `${assetClass}|${date}`;
      let bars = days.get(id);
      if (!bars) {
        bars = market.dayBars(assetClass, date);
        days.set(id, bars, 64 + bars.length * 120);
      }
      return bars;
    },
    tickerDayBars(ticker, from, to) {
      // A day cross-section costs every ticker's minutes, so per-ticker access is far cheaper when the market has it.
      if (extras.tickerDayBars) return extras.tickerDayBars.call(market, ticker, from, to);
      const assetClass = ticker.startsWith('O:') ? 'options' : 'stocks';
      const out: Bar[] = [];
      for (const d of market.tradingDays()) {
        if (d < from || d > to) continue;
        const bar = findBar(this.dayBars(assetClass, d), ticker);
        if (bar) out.push(bar);
      }
      return out;
    },
    tickerMinuteBars(ticker, date) {
      if (extras.tickerMinuteBars) return extras.tickerMinuteBars.call(market, ticker, date);
      const out: Bar[] = [];
      for (const bar of market.minuteBars(ticker.startsWith('O:') ? 'options' : 'stocks', date)) {
        if (bar.ticker === ticker) out.push(bar);
        else if (bar.ticker > ticker) break; // sorted by ticker: nothing of ours follows
      }
      return out;
    },
    shortVolume(date) {
      let rows = shorts.get(date);
      if (!rows) {
        rows = market.shortVolume(date);
        shorts.set(date, rows, 64 + rows.length * 150);
      }
      return rows;
    },
  };
}
