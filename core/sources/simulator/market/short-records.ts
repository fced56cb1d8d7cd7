import { civilOf, daysInMonth, dayNumberOf } from '../../../calendar/iso-date.ts';
import { previousTradingDayNumber } from '../../../calendar/trading-days.ts';
import type { Bar, SimShortInterest, SimShortVolume } from '../simulator-types.ts';
import { mix, unitOf } from './hash-rng.ts';
import type { MarketEngine } from './market-engine.ts';
import { STREAM } from './streams.ts';
import { symbolAt, type Entity } from './universe.ts';

/** FINRA settlement dates of the range: the 15th and the last day of each month, on a trading day. */
export function settlementIndices(engine: MarketEngine): number[] {
  const { index } = engine;
  const out: number[] = [];
  const first = civilOf(index.firstDay);
  const last = civilOf(index.lastDay);
  for (let month = first.y * 12 + first.m - 1; month <= last.y * 12 + last.m - 1; month++) {
    const y = Math.floor(month / 12);
    const m = (month % 12) + 1;
    for (const dom of [15, daysInMonth(y, m)]) {
      const day = previousTradingDayNumber(dayNumberOf(y, m, dom) + 1);
      const k = index.indexOf(day);
      if (k >= 0) out.push(k);
    }
  }
  return out;
}

function shortInterestRecord(engine: MarketEngine, e: Entity, k: number): SimShortInterest {
  const prices = engine.prices();
  const base = unitOf(mix(mix(engine.seedBase, STREAM.shortInterest), e.id));
  const wobble = unitOf(mix(mix(mix(engine.seedBase, STREAM.shortInterest), e.id), k));
  // Average daily volume is the model's expected share volume at that price, as the bars realise it.
  const avgDailyVolume = Math.max(1, Math.round(e.dollarVolume / prices.rawClose(e, k)));
  const daysToCover = Math.round((0.8 + 6 * base * base + 1.5 * wobble) * 100) / 100;
  return {
    ticker: symbolAt(e, k),
    settlementDate: engine.index.dates[k] as string,
    shortInterest: Math.round(avgDailyVolume * daysToCover),
    avgDailyVolume,
    daysToCover,
  };
}

/** Whether FINRA reports short interest for the security type. */
function reportsShortInterest(e: Entity): boolean {
  return e.type === 'CS' || e.type === 'ETF' || e.type === 'ADRC';
}

/** Short interest of one security at every settlement date it was listed on. */
export function shortInterestOf(engine: MarketEngine, e: Entity): SimShortInterest[] {
  if (!reportsShortInterest(e)) return [];
  return settlementIndices(engine)
    .filter((k) => k >= e.firstIndex && k <= e.lastIndex)
    .map((k) => shortInterestRecord(engine, e, k));
}

/** Short interest of every listed security at one settlement index. */
export function shortInterestAt(engine: MarketEngine, k: number): SimShortInterest[] {
  return engine
    .listings(k)
    .filter((l) => reportsShortInterest(l.entity))
    .map((l) => shortInterestRecord(engine, l.entity, k));
}

/** Short interest of the whole range, by settlement date then ticker. */
export function shortInterestRecords(engine: MarketEngine): SimShortInterest[] {
  const out: SimShortInterest[] = [];
  for (const k of settlementIndices(engine)) for (const r of shortInterestAt(engine, k)) out.push(r);
  return out;
}

/** Hash of a ticker's characters, for per-ticker draws when only the bar is at hand. */
function tickerHash(h: number, ticker: string): number {
  for (let i = 0; i < ticker.length; i++) h = mix(h, ticker.charCodeAt(i));
  return h;
}

/**
 * Off-exchange short volume of a day, derived from that day's stock bars: the reported total is a
 * share of the bar's volume and the short part a share of that, so the two datasets agree.
 */
export function shortVolumeFromBars(seedBase: number, date: string, bars: readonly Bar[]): SimShortVolume[] {
  const dayKey = mix(mix(seedBase, STREAM.shortVolume), Number(date.replace(/-/g, '')));
  return bars.map((bar) => {
    const h = tickerHash(dayKey, bar.ticker);
    const totalVolume = Math.round(bar.volume * (0.35 + 0.25 * unitOf(h)));
    const shortVolume = Math.round(totalVolume * (0.3 + 0.35 * unitOf(mix(h, 1))));
    const exemptVolume = Math.round(shortVolume * 0.02 * unitOf(mix(h, 2)));
    return { ticker: bar.ticker, date, shortVolume, totalVolume, exemptVolume, nonExemptVolume: shortVolume - exemptVolume };
  });
}
