/**
 * 1-minute gold from day-major input (what date-partitioned minute bars give: one trading day of all
 * instruments at a time). Each day's bars are laid on the minute calendar and appended to each
 * instrument's bins; bins are written when the buffered days reach a memory budget, so memory holds
 * at most that budget of values, never a whole field of all instruments.
 */
import { tradingDays } from '../../calendar/index.ts';
import { openGoldBuild, type GoldBuild } from './gold-build.ts';
import { minuteCalendar, sessionMinutes, type MinuteSession } from './minute-calendar.ts';
import type { GoldCommitStats, GoldSpan } from './gold-types.ts';
import type { GoldWriteOptions } from './gold-writer.ts';

/** One minute bar of one instrument. */
export interface MinuteBarInput {
  /** Qlib code (lowercase). */
  code: string;
  /** Start of the bar in minutes after midnight, New York time. */
  minute: number;
  /** Values in the order of MinuteGoldInput.fields. */
  values: ArrayLike<number>;
}

/** The bars of one trading day (any order). */
export interface MinuteDayInput {
  date: string;
  bars: Iterable<MinuteBarInput>;
}

/** What writeMinuteGold needs. */
export interface MinuteGoldInput {
  /** First and last date of the calendar (its trading days are the minute calendar's days). */
  from: string;
  to: string;
  session?: MinuteSession;
  /** Field names (lowercase), the order of every bar's values. */
  fields: readonly string[];
  /** Days in ascending order; a trading day without bars may be left out. */
  days: Iterable<MinuteDayInput> | AsyncIterable<MinuteDayInput>;
  /**
   * Listing ranges (trading dates, both inclusive) per code, point in time; an instrument's spans then
   * run from the first minute of its first day to the last minute of its last. Without this, an
   * instrument spans its first to its last bar (dump_all's rule).
   */
  listings?: ReadonlyMap<string, ReadonlyArray<{ first: string; last: string }>>;
  /** Values held before they are written (default 16 M, 64 MB). */
  maxBufferedValues?: number;
}

/** What the minute writer reports besides the commit. */
export interface MinuteGoldStats extends GoldCommitStats {
  bars: number;
  /** Bars outside the calendar's session minutes (e.g. pre-market bars with the regular session). */
  barsOutsideSession: number;
}

interface Pending {
  /** Calendar index of the first buffered value and one past the last bar buffered. */
  from: number;
  end: number;
  chunks: Array<{ at: number; cols: Float32Array[] }>;
}

/** Writes a complete 1-minute Qlib directory at `target` from day-major bars. */
export async function writeMinuteGold(target: string, input: MinuteGoldInput, options: GoldWriteOptions = {}): Promise<MinuteGoldStats> {
  const session = input.session ?? 'regular';
  const fields = [...input.fields];
  const nf = fields.length;
  const budget = input.maxBufferedValues ?? 16_000_000;
  const days = tradingDays(input.from, input.to);
  const dayStart = new Map<string, number>();
  let idx = 0;
  for (const d of days) {
    dayStart.set(d, idx);
    idx += sessionMinutes(d, session).count;
  }
  const open = openGoldBuild(target, { freq: '1min', fresh: true, durable: options.durable });
  let bars = 0;
  let outside = 0;
  try {
    const b = open.build;
    b.setCalendar(minuteCalendar(input.from, input.to, session));
    const pending = new Map<string, Pending>();
    let buffered = 0;
    let lastDate = '';
    const flush = () => {
      for (const [code, p] of pending) writePending(b, code, p, fields);
      pending.clear();
      buffered = 0;
    };
    for await (const day of input.days) {
      if (day.date <= lastDate) throw new RangeError(`minute days must ascend: ${day.date} after ${lastDate}`);
      lastDate = day.date;
      const start = dayStart.get(day.date);
      if (start === undefined) throw new RangeError(`${day.date} is not an NYSE trading day in ${input.from}..${input.to}`);
      const { first, count } = sessionMinutes(day.date, session);
      const today = new Map<string, { cols: Float32Array[]; seen: Uint8Array; last: number; firstBar: number }>();
      for (const bar of day.bars) {
        const m = bar.minute - first;
        if (!Number.isInteger(bar.minute) || m < 0 || m >= count) {
          outside++;
          continue;
        }
        if (bar.values.length !== nf) throw new RangeError(`${bar.code} ${day.date}: ${bar.values.length} values for ${nf} fields`);
        let t = today.get(bar.code);
        if (!t) {
          t = { cols: fields.map(() => new Float32Array(count).fill(Number.NaN)), seen: new Uint8Array(count), last: -1, firstBar: count };
          today.set(bar.code, t);
        }
        if (t.seen[m]) throw new RangeError(`${bar.code}: two bars at ${day.date} minute ${bar.minute}`);
        t.seen[m] = 1;
        for (let f = 0; f < nf; f++) t.cols[f]![m] = bar.values[f]!;
        if (m > t.last) t.last = m;
        if (m < t.firstBar) t.firstBar = m;
        bars++;
      }
      for (const [code, t] of today) {
        let p = pending.get(code);
        const state = b.state(code);
        const listed = !state && !p && input.listings?.has(code);
        // A new instrument starts at its first bar (or the first minute of its day when listings are given).
        const at = start + (state || p || listed ? 0 : t.firstBar);
        const cols = t.cols.map((c) => (at > start ? c.subarray(at - start) : c));
        const end = start + t.last + 1;
        if (!p) {
          p = { from: at, end, chunks: [] };
          pending.set(code, p);
        }
        p.chunks.push({ at, cols: cols.map((c) => c.subarray(0, end - at)) });
        p.end = end;
        buffered += (end - at) * nf;
      }
      if (buffered >= budget) flush();
    }
    flush();
    // Listed instruments: spans from the listings (bins padded or cut to them), never-traded ones included.
    for (const [code, ranges] of input.listings ?? []) {
      const spans = listingSpans(ranges, days, dayStart, session);
      if (!spans) {
        if (b.state(code)) throw new RangeError(`${code} has bars but no listing range inside ${input.from}..${input.to}`);
        continue;
      }
      if (b.state(code)) b.setSpans(code, spans);
      else {
        const len = spans.at(-1)!.end - spans[0]!.start + 1;
        b.put({ code, spans, fields: new Map(fields.map((f) => [f, new Float32Array(len).fill(Number.NaN)])) });
      }
    }
  } catch (err) {
    open.abort();
    throw err;
  }
  const stats = await open.commit();
  return { ...stats, bars, barsOutsideSession: outside };
}

/** Writes one instrument's buffered days: a put the first time, then a patch from its first new index. */
function writePending(b: GoldBuild, code: string, p: Pending, fields: readonly string[]): void {
  const len = p.end - p.from;
  const cols = fields.map(() => new Float32Array(len).fill(Number.NaN));
  for (const c of p.chunks) for (let f = 0; f < fields.length; f++) cols[f]!.set(c.cols[f]!, c.at - p.from);
  const map = new Map(fields.map((f, i) => [f, cols[i]!] as const));
  const state = b.state(code);
  if (!state) b.put({ code, spans: [{ start: p.from, end: p.end - 1 }], fields: map });
  else b.patch(code, p.from, map);
}

/** Minute-calendar spans of listing ranges, clipped to the calendar's days; null when none overlaps it. */
function listingSpans(
  ranges: ReadonlyArray<{ first: string; last: string }>,
  days: readonly string[],
  dayStart: ReadonlyMap<string, number>,
  session: MinuteSession,
): GoldSpan[] | null {
  const spans: GoldSpan[] = [];
  for (const r of ranges) {
    const a = days.findIndex((d) => d >= r.first);
    let z = -1;
    for (let i = days.length - 1; i >= 0; i--) {
      if (days[i]! <= r.last) {
        z = i;
        break;
      }
    }
    if (a < 0 || z < a) continue;
    spans.push({ start: dayStart.get(days[a]!)!, end: dayStart.get(days[z]!)! + sessionMinutes(days[z]!, session).count - 1 });
  }
  return spans.length ? spans : null;
}
