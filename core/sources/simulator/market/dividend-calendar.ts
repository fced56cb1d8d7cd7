import { civilOf, dayNumberOf } from '../../../calendar/iso-date.ts';
import { nextTradingDayNumber } from '../../../calendar/trading-days.ts';
import type { DividendPolicy } from './universe.ts';

// Regular dividends follow a calendar rhythm, so how many were paid by a day is arithmetic: the
// price model needs that count for every security on every day and must not walk a list for it.

/** Ex-dividend day number of an absolute period (period 0 = the first period of year 0). */
export function exDayOfPeriod(p: DividendPolicy, period: number): number {
  const year = Math.floor(period / p.frequency);
  const q = period - year * p.frequency;
  const month = 1 + p.monthOffset + q * (12 / p.frequency);
  return nextTradingDayNumber(dayNumberOf(year, month, p.dayOfMonth) - 1);
}

/** Number of absolute periods whose ex-date is on or before `day`. */
export function periodsThrough(p: DividendPolicy, day: number): number {
  const { y, m } = civilOf(day);
  let period = y * p.frequency + Math.floor((m - 1 - p.monthOffset) / (12 / p.frequency));
  if (exDayOfPeriod(p, period) > day) period -= 1;
  return period + 1;
}
