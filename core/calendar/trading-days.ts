import { civilOf, formatDayNumber, parseIsoDate, weekdayOf } from './iso-date.ts';
import { yearCalendar } from './year-calendar.ts';
import type { DayKind, EarlyClose, Holiday, IsoDate } from './types.ts';

/** Kind of a day number; the hot path behind dayKind and the session helpers. */
export function dayKindOf(day: number): DayKind {
  const wd = weekdayOf(day);
  if (wd === 0 || wd === 6) return 'weekend';
  return yearCalendar(civilOf(day).y).holidayNames.has(day) ? 'holiday' : 'trading';
}

/** Whether a date is a weekend, an NYSE full-day closure, or a trading day. */
export function dayKind(date: IsoDate): DayKind {
  return dayKindOf(parseIsoDate(date));
}

/** Whether the NYSE holds a session (full or early close) on a date. */
export function isTradingDay(date: IsoDate): boolean {
  return dayKindOf(parseIsoDate(date)) === 'trading';
}

/** First index in an ascending array whose value is >= target. */
function lowerBound(values: Int32Array, target: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((values[mid] as number) < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Trading days from `from` to `to`, both inclusive, ascending; empty when from > to. */
export function tradingDays(from: IsoDate, to: IsoDate): IsoDate[] {
  const a = parseIsoDate(from);
  const b = parseIsoDate(to);
  const out: IsoDate[] = [];
  if (a > b) return out;
  const lastYear = civilOf(b).y;
  for (let year = civilOf(a).y; year <= lastYear; year++) {
    const cal = yearCalendar(year);
    const start = a > cal.firstDay ? lowerBound(cal.tradingDayNumbers, a) : 0;
    const end = b < cal.lastDay ? lowerBound(cal.tradingDayNumbers, b + 1) : cal.tradingDayNumbers.length;
    for (let i = start; i < end; i++) out.push(cal.tradingDates[i] as IsoDate);
  }
  return out;
}

/** Collects per-year entries whose date lies in [from, to]; ISO strings compare like dates. */
function inRange<T extends { date: IsoDate }>(from: IsoDate, to: IsoDate, pick: (year: number) => readonly T[]): T[] {
  const a = parseIsoDate(from);
  const b = parseIsoDate(to);
  const out: T[] = [];
  if (a > b) return out;
  const lastYear = civilOf(b).y;
  for (let year = civilOf(a).y; year <= lastYear; year++) {
    for (const entry of pick(year)) if (entry.date >= from && entry.date <= to) out.push(entry);
  }
  return out;
}

/** Weekday full-day closures (observed holidays and special closures) in [from, to], ascending. */
export function holidays(from: IsoDate, to: IsoDate): Holiday[] {
  return inRange(from, to, (year) => yearCalendar(year).holidays);
}

/** 13:00 ET early closes in [from, to], ascending. */
export function earlyCloses(from: IsoDate, to: IsoDate): EarlyClose[] {
  return inRange(from, to, (year) => yearCalendar(year).earlyCloses);
}

/** Whether the day number is an early-close session. */
export function isEarlyCloseDay(day: number): boolean {
  return yearCalendar(civilOf(day).y).earlyCloseSet.has(day);
}

/** Whether a date is a trading session that closes at 13:00 ET. */
export function isEarlyClose(date: IsoDate): boolean {
  return isEarlyCloseDay(parseIsoDate(date));
}

/** The trading day strictly before a day number. */
export function previousTradingDayNumber(day: number): number {
  let d = day - 1;
  while (dayKindOf(d) !== 'trading') d--;
  return d;
}

/** The trading day strictly after a day number. */
export function nextTradingDayNumber(day: number): number {
  let d = day + 1;
  while (dayKindOf(d) !== 'trading') d++;
  return d;
}

/** The last trading day strictly before `date` (which need not be a trading day). */
export function previousTradingDay(date: IsoDate): IsoDate {
  return formatDayNumber(previousTradingDayNumber(parseIsoDate(date)));
}

/** The first trading day strictly after `date` (which need not be a trading day). */
export function nextTradingDay(date: IsoDate): IsoDate {
  return formatDayNumber(nextTradingDayNumber(parseIsoDate(date)));
}
