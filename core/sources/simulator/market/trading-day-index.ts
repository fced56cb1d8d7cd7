import { tradingDays } from '../../../calendar/index.ts';
import { parseIsoDate } from '../../../calendar/iso-date.ts';

/** The range's trading days as day numbers (days since 1970-01-01), with fast lookups both ways. */
export interface TradingDayIndex {
  /** Ascending day numbers of the range's trading sessions. */
  readonly days: Int32Array;
  /** The same days as ISO dates. */
  readonly dates: readonly string[];
  readonly firstDay: number;
  readonly lastDay: number;
  /** Index of a trading day of the range, or -1. */
  indexOf(day: number): number;
  /** Index of the last trading day <= day (-1 when day is before the first). */
  floorIndex(day: number): number;
}

/** Builds the index for [from, to]. */
export function createTradingDayIndex(from: string, to: string): TradingDayIndex {
  const dates = tradingDays(from, to);
  const days = Int32Array.from(dates, (d) => parseIsoDate(d));
  const floorIndex = (day: number): number => {
    let lo = 0;
    let hi = days.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((days[mid] as number) <= day) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  };
  return {
    days,
    dates,
    firstDay: parseIsoDate(from),
    lastDay: parseIsoDate(to),
    indexOf: (day) => {
      const i = floorIndex(day);
      return i >= 0 && days[i] === day ? i : -1;
    },
    floorIndex,
  };
}
