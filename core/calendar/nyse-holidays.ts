import { dayNumberOf, parseIsoDate, weekdayOf } from './iso-date.ts';
import { easterSunday, lastWeekdayOfMonth, nthWeekdayOfMonth } from './month-rules.ts';
import { SPECIAL_CLOSURES } from './special-closures.ts';

const MONDAY = 1;
const THURSDAY = 4;
const SATURDAY = 6;
const SUNDAY = 0;

/** A full-day closure as a day number, before it is formatted for callers. */
export interface ClosureDay {
  day: number;
  name: string;
}

/** Moves a fixed-date holiday that falls on a weekend to the weekday the NYSE observes it on. */
function observed(day: number): number {
  const wd = weekdayOf(day);
  if (wd === SUNDAY) return day + 1;
  if (wd === SATURDAY) return day - 1;
  return day;
}

/**
 * The NYSE's rule-based holidays of a year, as observed on weekdays, ascending.
 * Modern rules only: years before 1971 (Monday holiday act) are not modelled faithfully.
 */
export function ruleHolidays(year: number): ClosureDay[] {
  const out: ClosureDay[] = [];
  const newYear = dayNumberOf(year, 1, 1);
  // NYSE Rule 7.2: a Saturday New Year's Day is not observed, so the prior Friday (another year) stays open.
  if (weekdayOf(newYear) !== SATURDAY) out.push({ day: observed(newYear), name: "New Year's Day" });
  if (year >= 1998) out.push({ day: nthWeekdayOfMonth(year, 1, MONDAY, 3), name: 'Martin Luther King Jr. Day' });
  out.push({ day: nthWeekdayOfMonth(year, 2, MONDAY, 3), name: "Washington's Birthday" });
  out.push({ day: easterSunday(year) - 2, name: 'Good Friday' });
  out.push({ day: lastWeekdayOfMonth(year, 5, MONDAY), name: 'Memorial Day' });
  if (year >= 2022) out.push({ day: observed(dayNumberOf(year, 6, 19)), name: 'Juneteenth National Independence Day' });
  out.push({ day: observed(dayNumberOf(year, 7, 4)), name: 'Independence Day' });
  out.push({ day: nthWeekdayOfMonth(year, 9, MONDAY, 1), name: 'Labor Day' });
  out.push({ day: nthWeekdayOfMonth(year, 11, THURSDAY, 4), name: 'Thanksgiving Day' });
  out.push({ day: observed(dayNumberOf(year, 12, 25)), name: 'Christmas Day' });
  return out.sort((a, b) => a.day - b.day);
}

const specialsByYear = new Map<number, ClosureDay[]>();
for (const s of SPECIAL_CLOSURES) {
  const year = Number(s.date.slice(0, 4));
  const list = specialsByYear.get(year) ?? [];
  list.push({ day: parseIsoDate(s.date), name: s.name });
  specialsByYear.set(year, list);
}

/** Every weekday full-day closure of a year (rule holidays plus special closures), ascending. */
export function closuresOfYear(year: number): ClosureDay[] {
  const byDay = new Map<number, string>();
  for (const c of ruleHolidays(year)) byDay.set(c.day, c.name);
  for (const c of specialsByYear.get(year) ?? []) {
    // A special closure on a day that is already a holiday keeps the holiday's name.
    if (!byDay.has(c.day)) byDay.set(c.day, c.name);
  }
  return [...byDay]
    .map(([day, name]) => ({ day, name }))
    .filter((c) => {
      const wd = weekdayOf(c.day);
      return wd !== SATURDAY && wd !== SUNDAY;
    })
    .sort((a, b) => a.day - b.day);
}
