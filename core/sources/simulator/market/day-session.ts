import { etToUtcMs } from '../../../calendar/eastern-time.ts';
import { formatDayNumber } from '../../../calendar/iso-date.ts';
import { isEarlyCloseDay } from '../../../calendar/trading-days.ts';

/** First date whose flat files carry fractional (six-decimal) share volumes. */
export const DECIMAL_VOLUME_FROM = '2026-01-01';

/** Minute offsets (from 04:00 ET) of the sessions of one trading day. */
export const REGULAR_START = 330;
const REGULAR_END = 720;
const EARLY_REGULAR_END = 540;
const EXTENDED_END = 960;
const EARLY_EXTENDED_END = 780;
/** Price variance of an extended-hours minute relative to a regular one. */
const EXTENDED_VARIANCE = 0.15;

/** What every generator needs to know about one trading day, computed once per day. */
export interface DaySession {
  date: string;
  day: number;
  /** Index of the day among the range's trading days. */
  k: number;
  earlyClose: boolean;
  /** 00:00 and 04:00 ET as UTC epoch milliseconds. */
  midnightMs: number;
  startMs: number;
  /** Exclusive end of the regular session and of the post-market, in minutes from 04:00. */
  regularEnd: number;
  extendedEnd: number;
  decimalVolume: boolean;
  /** variancePrefix[m]: summed variance weight of minutes before m (regular minutes weigh 1). */
  variancePrefix: Float64Array;
  /** Per-minute trade-probability multipliers for the regular and the extended sessions. */
  regularShape: Float64Array;
  extendedShape: Float64Array;
  /** Relative volume of a trade in each minute (heavy at open and close, light outside hours). */
  volumeShape: Float64Array;
  /** Runs of minutes with the same trade-probability multipliers: [start, end) and the two shapes. */
  segments: { start: number; end: number; regular: number; extended: number }[];
}

/** Builds the session description of a trading day. */
export function createDaySession(day: number, k: number): DaySession {
  const date = formatDayNumber(day);
  const earlyClose = isEarlyCloseDay(day);
  const regularEnd = earlyClose ? EARLY_REGULAR_END : REGULAR_END;
  const extendedEnd = earlyClose ? EARLY_EXTENDED_END : EXTENDED_END;
  const variancePrefix = new Float64Array(extendedEnd + 1);
  const regularShape = new Float64Array(extendedEnd);
  const extendedShape = new Float64Array(extendedEnd);
  const volumeShape = new Float64Array(extendedEnd);
  for (let m = 0; m < extendedEnd; m++) {
    const regular = m >= REGULAR_START && m < regularEnd;
    variancePrefix[m + 1] = (variancePrefix[m] as number) + (regular ? 1 : EXTENDED_VARIANCE);
    if (regular) {
      const fromOpen = m - REGULAR_START;
      const toClose = regularEnd - 1 - m;
      regularShape[m] = fromOpen < 15 ? 1.6 : toClose < 30 ? 1.3 : 1;
      volumeShape[m] = fromOpen < 30 ? 2.2 - fromOpen * 0.03 : toClose < 30 ? 1.4 + (30 - toClose) * 0.04 : 0.8;
    } else if (m < REGULAR_START) {
      extendedShape[m] = m < 240 ? 0.25 : 1.2;
      volumeShape[m] = m < 240 ? 0.08 : 0.2;
    } else {
      const afterClose = m - regularEnd;
      extendedShape[m] = afterClose < 30 ? 2 : afterClose < 120 ? 0.6 : 0.25;
      volumeShape[m] = afterClose < 30 ? 0.35 : 0.1;
    }
  }
  const segments: DaySession['segments'] = [];
  for (let m = 0; m < extendedEnd; m++) {
    const last = segments[segments.length - 1];
    if (last && last.regular === regularShape[m] && last.extended === extendedShape[m]) last.end = m + 1;
    else segments.push({ start: m, end: m + 1, regular: regularShape[m] as number, extended: extendedShape[m] as number });
  }
  return {
    date,
    day,
    k,
    earlyClose,
    midnightMs: etToUtcMs(day, 0, 0),
    startMs: etToUtcMs(day, 4, 0),
    regularEnd,
    extendedEnd,
    decimalVolume: date >= DECIMAL_VOLUME_FROM,
    variancePrefix,
    regularShape,
    extendedShape,
    volumeShape,
    segments,
  };
}
