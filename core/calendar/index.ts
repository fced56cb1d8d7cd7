// The NYSE trading calendar, computed by rule: weekends, holidays with their observed days, special
// closures, early closes, and the ET<->UTC conversions the lake and the simulator need.
export type { DayKind, EarlyClose, Holiday, IsoDate } from './types.ts';
export { addDays, isIsoDate } from './iso-date.ts';
export {
  dayKind,
  earlyCloses,
  holidays,
  isEarlyClose,
  isTradingDay,
  nextTradingDay,
  previousTradingDay,
  tradingDays,
} from './trading-days.ts';
export { etDateOf, etMidnightUtc, etToUtc } from './eastern-time.ts';
export { extendedHours, latestPublishedTradingDay, publicationInstant, sessionTimes } from './sessions.ts';
