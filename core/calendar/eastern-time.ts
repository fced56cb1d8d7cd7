import { civilOf, formatDayNumber, parseIsoDate } from './iso-date.ts';
import { lastWeekdayOfMonth, nthWeekdayOfMonth } from './month-rules.ts';
import type { IsoDate } from './types.ts';

// The US DST rule is computed directly instead of asking luxon/Intl: the simulator converts per
// day, and Intl-backed zone lookups cost microseconds each. A test cross-checks it against luxon.

const MS_PER_DAY = 86_400_000;
const MS_PER_HOUR = 3_600_000;
const SUNDAY = 0;

/** First and last day numbers of US daylight saving time in a year (the switch days themselves). */
interface DstDays {
  start: number;
  end: number;
}

const dstCache = new Map<number, DstDays>();

/** The days US Eastern time switches to and from daylight time (rules of 2007 on, and 1987-2006). */
function dstDays(year: number): DstDays {
  let d = dstCache.get(year);
  if (d === undefined) {
    d =
      year >= 2007
        ? { start: nthWeekdayOfMonth(year, 3, SUNDAY, 2), end: nthWeekdayOfMonth(year, 11, SUNDAY, 1) }
        : { start: nthWeekdayOfMonth(year, 4, SUNDAY, 1), end: lastWeekdayOfMonth(year, 10, SUNDAY) };
    dstCache.set(year, d);
  }
  return d;
}

/** Offset of Eastern wall-clock time from UTC, in hours, for a wall-clock moment of a day. */
function offsetForWall(day: number, wallMs: number): number {
  const { start, end } = dstDays(civilOf(day).y);
  const localMs = day * MS_PER_DAY + wallMs;
  // Skipped 02:xx on the spring day resolves with the standard offset (reads as 03:xx EDT) and the
  // repeated 01:xx in autumn as its first, daylight occurrence, which is what luxon and Date do.
  const inDst = localMs >= start * MS_PER_DAY + 3 * MS_PER_HOUR && localMs < end * MS_PER_DAY + 2 * MS_PER_HOUR;
  return inDst ? -4 : -5;
}

/** UTC instant of a wall-clock time on a day number in America/New_York. */
export function etToUtcMs(day: number, hour: number, minute: number): number {
  const wallMs = hour * MS_PER_HOUR + minute * 60_000;
  return day * MS_PER_DAY + wallMs - offsetForWall(day, wallMs) * MS_PER_HOUR;
}

/** Converts a wall-clock time in America/New_York on `date` to its UTC instant, DST-correct. */
export function etToUtc(date: IsoDate, hour: number, minute: number): Date {
  return new Date(etToUtcMs(parseIsoDate(date), hour, minute));
}

/** Midnight at the start of `date` in America/New_York, as a UTC instant. */
export function etMidnightUtc(date: IsoDate): Date {
  return new Date(etToUtcMs(parseIsoDate(date), 0, 0));
}

/** Day number of the America/New_York calendar date of a UTC epoch-millisecond instant. */
export function etDayNumberOf(utcMs: number): number {
  const utcDay = Math.floor(utcMs / MS_PER_DAY);
  // The UTC year is right except for a few hours around New Year, when no DST switch is near.
  const { start, end } = dstDays(civilOf(utcDay).y);
  const inDst = utcMs >= start * MS_PER_DAY + 7 * MS_PER_HOUR && utcMs < end * MS_PER_DAY + 6 * MS_PER_HOUR;
  return Math.floor((utcMs + (inDst ? -4 : -5) * MS_PER_HOUR) / MS_PER_DAY);
}

/** The America/New_York calendar date of an instant. */
export function etDateOf(instant: Date): IsoDate {
  const ms = instant.getTime();
  if (!Number.isFinite(ms)) throw new RangeError('etDateOf needs a valid Date');
  return formatDayNumber(etDayNumberOf(ms));
}
