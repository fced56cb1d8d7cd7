import { addDays, etDateOf, etMidnightUtc } from '../../../calendar/index.ts';
import type { Bar, IsoDate } from '../simulator-types.ts';

/** Timespans of /v2/aggs; second bars are not simulated. */
export const TIMESPANS = ['second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year'] as const;
export type Timespan = (typeof TIMESPANS)[number];

/** One REST aggregate as /v2/aggs returns it (t in epoch milliseconds). */
export interface RestAgg {
  v: number;
  vw: number;
  o: number;
  c: number;
  h: number;
  l: number;
  t: number;
  n: number;
}

/** A window of the aggregation grid: where it starts and where the next one starts (ms). */
export interface Window {
  start: number;
  end: number;
}

const MINUTE = 60_000;
const DAY_MS = 86_400_000;

/** Day number of an ISO date (days since 1970-01-01). */
function dayNumber(date: IsoDate): number {
  return Math.round(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
}

/** The first date of the calendar period (week from Sunday, month, quarter, year) holding a date. */
function periodStart(date: IsoDate, span: 'week' | 'month' | 'quarter' | 'year'): IsoDate {
  if (span === 'week') return addDays(date, -new Date(`${date}T00:00:00Z`).getUTCDay());
  if (span === 'month') return `${date.slice(0, 7)}-01`;
  if (span === 'year') return `${date.slice(0, 4)}-01-01`;
  const q = Math.floor((Number(date.slice(5, 7)) - 1) / 3) * 3 + 1;
  return `${date.slice(0, 4)}-${String(q).padStart(2, '0')}-01`;
}

/** The start of the period `n` periods after `start` (a period start itself). */
function periodsAfter(start: IsoDate, span: 'week' | 'month' | 'quarter' | 'year', n: number): IsoDate {
  if (span === 'week') return addDays(start, 7 * n);
  const months = span === 'month' ? n : span === 'quarter' ? 3 * n : 12 * n;
  const total = Number(start.slice(0, 4)) * 12 + Number(start.slice(5, 7)) - 1 + months;
  return `${String(Math.floor(total / 12)).padStart(4, '0')}-${String((total % 12) + 1).padStart(2, '0')}-01`;
}

/**
 * The aggregation grid: minute and hour windows are multiples of the span since the epoch (whole
 * hours, so they line up with Eastern time too); day windows count `multiplier` calendar days from
 * the request's first date; weeks (from Sunday), months, quarters and years are calendar periods
 * in America/New_York, `multiplier` of them from the period holding the first date.
 */
export function windowOf(t: number, span: Exclude<Timespan, 'second'>, multiplier: number, anchor: IsoDate): Window {
  if (span === 'minute' || span === 'hour') {
    const size = (span === 'minute' ? MINUTE : 60 * MINUTE) * multiplier;
    const start = Math.floor(t / size) * size;
    return { start, end: start + size };
  }
  const date = etDateOf(new Date(t));
  if (span === 'day') {
    const k = Math.floor((dayNumber(date) - dayNumber(anchor)) / multiplier);
    const first = addDays(anchor, k * multiplier);
    return { start: etMidnightUtc(first).getTime(), end: etMidnightUtc(addDays(first, multiplier)).getTime() };
  }
  const base = periodStart(anchor, span);
  let k = 0;
  // Period counts are small (years of months at most), so stepping is clearer than arithmetic on uneven months.
  while (periodsAfter(base, span, (k + 1) * multiplier) <= date) k++;
  while (periodsAfter(base, span, k * multiplier) > date) k--;
  const first = periodsAfter(base, span, k * multiplier);
  return { start: etMidnightUtc(first).getTime(), end: etMidnightUtc(periodsAfter(first, span, multiplier)).getTime() };
}

/** A base bar (day or minute) as REST reports it, split adjustment applied by `factor`. */
export function restAggOf(bar: Bar, factor: number): RestAgg {
  // Bars carry no VWAP; the typical price is a stable stand-in that always lies within [low, high].
  const vw = Math.round(((bar.high + bar.low + bar.close) / 3) * 10000) / 10000;
  const t = Number(bar.windowStartNs / 1_000_000n);
  if (factor === 1) return { v: bar.volume, vw, o: bar.open, c: bar.close, h: bar.high, l: bar.low, t, n: bar.transactions };
  return { v: bar.volume * factor, vw: vw / factor, o: bar.open / factor, c: bar.close / factor, h: bar.high / factor, l: bar.low / factor, t, n: bar.transactions };
}

/** Folds base aggregates (any order) into one window's aggregate stamped `t`. */
export function combine(aggs: readonly RestAgg[], t: number): RestAgg {
  let first = aggs[0] as RestAgg;
  let last = first;
  let v = 0;
  let pv = 0;
  let n = 0;
  let h = -Infinity;
  let l = Infinity;
  for (const a of aggs) {
    if (a.t < first.t) first = a;
    if (a.t > last.t) last = a;
    v += a.v;
    pv += a.vw * a.v;
    n += a.n;
    h = Math.max(h, a.h);
    l = Math.min(l, a.l);
  }
  const vw = v > 0 ? Math.round((pv / v) * 10000) / 10000 : first.vw;
  return { v, vw, o: first.o, c: last.c, h, l, t, n };
}
