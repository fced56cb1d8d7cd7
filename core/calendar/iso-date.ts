import type { IsoDate } from './types.ts';

// Per-day logic works on integer day numbers (days since 1970-01-01) because coverage and the
// simulator call it millions of times; Date objects and luxon are far slower for that.

const DASH = 45;
const ZERO = 48;

/** Days in a month of the proleptic Gregorian calendar. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Reads `count` ASCII digits at `at`, or -1 if any is not a digit. */
function digits(s: string, at: number, count: number): number {
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const d = s.charCodeAt(i) - ZERO;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

/** Parses a strict 'YYYY-MM-DD' into its parts, or null if it is malformed or not a real date. */
function parts(s: string): { y: number; m: number; d: number } | null {
  if (typeof s !== 'string' || s.length !== 10 || s.charCodeAt(4) !== DASH || s.charCodeAt(7) !== DASH) return null;
  const y = digits(s, 0, 4);
  const m = digits(s, 5, 2);
  const d = digits(s, 8, 2);
  if (y < 0 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return null;
  return { y, m, d };
}

/** True for a strict 'YYYY-MM-DD' string that names a real calendar date. */
export function isIsoDate(s: string): boolean {
  return parts(s) !== null;
}

/** Day number (days since 1970-01-01) of a civil date; Hinnant's days_from_civil. */
export function dayNumberOf(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Civil year, month and day of a day number; Hinnant's civil_from_days. */
export function civilOf(dayNumber: number): { y: number; m: number; d: number } {
  const z = dayNumber + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return { y: yoe + era * 400 + (m <= 2 ? 1 : 0), m, d };
}

/** Day of the week of a day number, 0 = Sunday .. 6 = Saturday. */
export function weekdayOf(dayNumber: number): number {
  // 1970-01-01 was a Thursday.
  return (((dayNumber + 4) % 7) + 7) % 7;
}

/** Day number of an ISO date; throws RangeError on anything but a real 'YYYY-MM-DD'. */
export function parseIsoDate(date: IsoDate): number {
  const p = parts(date);
  // A typo'd date silently mapping to some other day would corrupt coverage, so fail loudly.
  if (p === null) throw new RangeError(`Not an ISO date (YYYY-MM-DD): ${JSON.stringify(date)}`);
  return dayNumberOf(p.y, p.m, p.d);
}

/** Formats a day number as 'YYYY-MM-DD'. */
export function formatDayNumber(dayNumber: number): IsoDate {
  const { y, m, d } = civilOf(dayNumber);
  if (y < 0 || y > 9999) throw new RangeError(`Date out of the four-digit year range: day ${dayNumber}`);
  const yy = y >= 1000 ? `${y}` : `${y}`.padStart(4, '0');
  return `${yy}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
}

/** Plain calendar arithmetic: the date `n` days after `date` (negative n goes back). */
export function addDays(date: IsoDate, n: number): IsoDate {
  if (!Number.isInteger(n)) throw new RangeError(`addDays needs an integer day count, got ${n}`);
  return formatDayNumber(parseIsoDate(date) + n);
}
