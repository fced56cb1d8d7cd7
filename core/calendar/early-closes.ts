import { dayNumberOf, weekdayOf } from './iso-date.ts';
import { nthWeekdayOfMonth } from './month-rules.ts';

const THURSDAY = 4;

/** Whether a weekday day number is a full session, given that year's closures. */
type IsOpen = (day: number) => boolean;

/**
 * Day numbers of a year's 13:00 ET early closes, ascending: July 3, the day after Thanksgiving and
 * December 24, each only when it is a weekday trading session. The exchange's historical one-off
 * early closes are deliberately not modelled.
 */
export function earlyCloseDays(year: number, isOpen: IsOpen): number[] {
  const candidates = [
    // July 3 is only early when July 4 itself is the holiday; a Friday July 3 is the observed holiday.
    dayNumberOf(year, 7, 3),
    nthWeekdayOfMonth(year, 11, THURSDAY, 4) + 1,
    dayNumberOf(year, 12, 24),
  ];
  return candidates.filter((day) => {
    const wd = weekdayOf(day);
    return wd >= 1 && wd <= 5 && isOpen(day);
  });
}
