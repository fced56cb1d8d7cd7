import { dayNumberOf, formatDayNumber, weekdayOf } from './iso-date.ts';
import { closuresOfYear } from './nyse-holidays.ts';
import { earlyCloseDays } from './early-closes.ts';
import type { EarlyClose, Holiday } from './types.ts';

/** Everything the calendar needs about one year, computed once and then shared read-only. */
export interface YearCalendar {
  year: number;
  firstDay: number;
  lastDay: number;
  holidays: readonly Holiday[];
  holidayNames: ReadonlyMap<number, string>;
  earlyCloses: readonly EarlyClose[];
  earlyCloseSet: ReadonlySet<number>;
  /** Ascending day numbers of the year's trading sessions. */
  tradingDayNumbers: Int32Array;
  /** The same sessions formatted, so range queries only slice arrays. */
  tradingDates: readonly string[];
}

const cache = new Map<number, YearCalendar>();

/** Builds a year's calendar from the rules. */
function build(year: number): YearCalendar {
  const firstDay = dayNumberOf(year, 1, 1);
  const lastDay = dayNumberOf(year + 1, 1, 1) - 1;
  const closures = closuresOfYear(year);
  const holidayNames = new Map<number, string>(closures.map((c) => [c.day, c.name]));
  const holidays = Object.freeze(closures.map((c) => Object.freeze({ date: formatDayNumber(c.day), name: c.name })));
  const isOpen = (day: number): boolean => !holidayNames.has(day);
  const early = earlyCloseDays(year, isOpen);
  const earlyCloses = Object.freeze(early.map((day) => Object.freeze({ date: formatDayNumber(day), closeEt: '13:00' as const })));
  const numbers: number[] = [];
  for (let day = firstDay; day <= lastDay; day++) {
    const wd = weekdayOf(day);
    if (wd !== 0 && wd !== 6 && !holidayNames.has(day)) numbers.push(day);
  }
  return {
    year,
    firstDay,
    lastDay,
    holidays,
    holidayNames,
    earlyCloses,
    earlyCloseSet: new Set(early),
    tradingDayNumbers: Int32Array.from(numbers),
    tradingDates: Object.freeze(numbers.map(formatDayNumber)),
  };
}

/** The cached calendar of a year. */
export function yearCalendar(year: number): YearCalendar {
  let y = cache.get(year);
  if (y === undefined) {
    y = build(year);
    cache.set(year, y);
  }
  return y;
}
