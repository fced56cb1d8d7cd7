import { etDayNumberOf, etToUtcMs } from './eastern-time.ts';
import { formatDayNumber, parseIsoDate } from './iso-date.ts';
import { dayKindOf, isEarlyCloseDay, nextTradingDayNumber, previousTradingDayNumber } from './trading-days.ts';
import type { IsoDate } from './types.ts';

/** Flat files for a trading day appear upstream at about this ET hour on the next trading day. */
const PUBLICATION_HOUR_ET = 11;

/** Regular-session open and close of a date as UTC instants, or null if the NYSE is closed. */
export function sessionTimes(date: IsoDate): { openUtc: Date; closeUtc: Date; earlyClose: boolean } | null {
  const day = parseIsoDate(date);
  if (dayKindOf(day) !== 'trading') return null;
  const earlyClose = isEarlyCloseDay(day);
  return {
    openUtc: new Date(etToUtcMs(day, 9, 30)),
    closeUtc: new Date(etToUtcMs(day, earlyClose ? 13 : 16, 0)),
    earlyClose,
  };
}

/** Pre-market start (04:00 ET) to post-market end (20:00 ET, 17:00 on early closes), or null if closed. */
export function extendedHours(date: IsoDate): { startUtc: Date; endUtc: Date } | null {
  const day = parseIsoDate(date);
  if (dayKindOf(day) !== 'trading') return null;
  return {
    startUtc: new Date(etToUtcMs(day, 4, 0)),
    endUtc: new Date(etToUtcMs(day, isEarlyCloseDay(day) ? 17 : 20, 0)),
  };
}

/** When `date`'s flat files are published: 11:00 ET on the next trading day after it. */
export function publicationInstant(date: IsoDate): Date {
  return new Date(etToUtcMs(nextTradingDayNumber(parseIsoDate(date)), PUBLICATION_HOUR_ET, 0));
}

/** The latest trading day whose flat files are published at or before `now`. */
export function latestPublishedTradingDay(now: Date): IsoDate {
  const ms = now.getTime();
  if (!Number.isFinite(ms)) throw new RangeError('latestPublishedTradingDay needs a valid Date');
  const today = etDayNumberOf(ms);
  // The most recent trading day whose 11:00 ET has passed publishes the trading day before it.
  const publishing =
    dayKindOf(today) === 'trading' && ms >= etToUtcMs(today, PUBLICATION_HOUR_ET, 0)
      ? today
      : previousTradingDayNumber(today);
  return formatDayNumber(previousTradingDayNumber(publishing));
}
