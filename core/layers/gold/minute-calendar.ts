/**
 * The 1-minute Qlib calendar, derived from the NYSE day calendar the way Qlib's CN collector derives
 * its own (generate_minutes_calendar_from_daily): every minute of every session, labelled by the
 * bar's start in New York wall-clock time without a zone (`%Y-%m-%d %H:%M:%S`). Days with no trades
 * still have their minutes. Regular session 09:30:00..15:59:00 (390 labels; 210 on a 13:00 early
 * close); extended hours 04:00:00..19:59:00 (960; 780 when the session closes at 13:00 and the
 * evening session at 17:00), matching core/calendar's sessionTimes and extendedHours.
 */
import { isEarlyClose, tradingDays } from '../../calendar/index.ts';

/** Which minutes of a session the calendar holds. */
export type MinuteSession = 'regular' | 'extended';

/** First minute (minutes after midnight, New York) and the number of minutes of a trading day's session. */
export function sessionMinutes(date: string, session: MinuteSession): { first: number; count: number } {
  const early = isEarlyClose(date);
  if (session === 'regular') return { first: 9 * 60 + 30, count: early ? 210 : 390 };
  return { first: 4 * 60, count: early ? 13 * 60 : 16 * 60 };
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

/** Label of the bar starting `minute` minutes after New York midnight on `date`. */
export function minuteLabel(date: string, minute: number): string {
  return `${date} ${pad2(Math.floor(minute / 60))}:${pad2(minute % 60)}:00`;
}

/** The labels of one trading day's session, in order. */
export function minuteLabelsOfDay(date: string, session: MinuteSession): string[] {
  const { first, count } = sessionMinutes(date, session);
  const out: string[] = new Array(count);
  for (let i = 0; i < count; i++) out[i] = minuteLabel(date, first + i);
  return out;
}

/** Every minute label of every NYSE trading day from `from` to `to`, streamed day by day. */
export function* minuteCalendarLabels(from: string, to: string, session: MinuteSession): Generator<string> {
  for (const d of tradingDays(from, to)) yield* minuteLabelsOfDay(d, session);
}

/** The minute calendar from `from` to `to` as one array (about 98,000 labels a year for the regular session). */
export function minuteCalendar(from: string, to: string, session: MinuteSession = 'regular'): string[] {
  return [...minuteCalendarLabels(from, to, session)];
}
