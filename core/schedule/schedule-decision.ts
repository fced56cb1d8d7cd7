/**
 * Whether a scheduled firing should update now. The timer fires every hour at the schedule's
 * minute (launchd has no time zones, and an hourly firing also retries after a failed or refused
 * run, or a machine that slept through the hour); this decides, in New York time, whether this
 * firing is the one that runs.
 */
import { dayKind, etDateOf, etToUtc, type IsoDate } from '../calendar/index.ts';
import type { ScheduledRunRecord } from './scheduled-runs.ts';

/** How many runs a trading day gets before the schedule gives up on it (a failing day is not retried all day). */
export const MAX_ATTEMPTS_PER_DAY = 3;

/** The outcome of the gate: run now, or why not. */
export type ScheduleDecision =
  | { due: true; date: IsoDate; attempt: number }
  | { due: false; date: IsoDate; reason: 'non_trading' | 'too_early' | 'done' | 'gave_up'; message: string };

/** Parses "HH:MM" (24-hour) into hour and minute; throws a RangeError naming the value otherwise. */
export function parseScheduleTime(at: string): { hour: number; minute: number } {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(at);
  if (!m) throw new RangeError(`"${at}" is not a time as HH:MM (24-hour, e.g. 06:00)`);
  return { hour: Number(m[1]), minute: Number(m[2]) };
}

/** Decides whether the firing at `now` runs the update, given the schedule time and the runs so far. */
export function scheduleDecision(now: Date, at: string, history: readonly ScheduledRunRecord[]): ScheduleDecision {
  const { hour, minute } = parseScheduleTime(at);
  const date = etDateOf(now);
  const kind = dayKind(date);
  if (kind !== 'trading') {
    return { due: false, date, reason: 'non_trading', message: `${date} is not an NYSE trading day (${kind}); nothing to do` };
  }
  if (now.getTime() < etToUtc(date, hour, minute).getTime()) {
    return { due: false, date, reason: 'too_early', message: `the schedule runs at ${at} New York time; not yet on ${date}` };
  }
  const today = history.filter((r) => r.date === date && r.outcome !== 'skipped');
  if (today.some((r) => r.outcome === 'complete')) {
    return { due: false, date, reason: 'done', message: `today's scheduled update (${date}) already succeeded` };
  }
  if (today.length >= MAX_ATTEMPTS_PER_DAY) {
    return { due: false, date, reason: 'gave_up', message: `today's scheduled update (${date}) failed ${today.length} times; it runs again next trading day` };
  }
  return { due: true, date, attempt: today.length + 1 };
}
