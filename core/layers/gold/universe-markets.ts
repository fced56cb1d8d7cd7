/**
 * Market files beside all.txt, such as `liquid500`: the N common stocks with the highest dollar
 * volume over the trailing window (20 trading days), reconstituted at the first trading day of each
 * month, point in time: month M's members are chosen from the days before M starts only. The result
 * is instruments/<market>.txt lines, so `D.instruments("liquid500")` works in Qlib; a name that
 * leaves and comes back gets one line per stay, and a member delisted during a month ends its line
 * on its last day.
 */
import { compareCodePoints, type InstrumentLine } from '../../qlib/qlib-text-files.ts';

/** One instrument on one trading day. */
export interface UniverseDayRow {
  date: string;
  /** Instrument name as all.txt spells it. */
  instrument: string;
  /** Close x volume (or the day's traded value); 0 when it did not trade. */
  dollarVolume: number;
  /** Security type as of that day (Polygon's codes: CS common stock, ETF, ADRC, ...). */
  type: string;
}

/** How to build a liquidity universe. */
export interface LiquidUniverseOptions {
  /** Trading days, ascending (rows must fall on them). */
  calendar: readonly string[];
  /** Members per month (500 for liquid500). */
  size: number;
  /** Trailing window in trading days (default 20); a day without a row counts as 0. */
  windowDays?: number;
  /** Types that qualify (default common stock only). */
  types?: readonly string[];
}

/** A liquidity universe's running state after the rows up to `day` (JSON-safe: it is kept between lake gold updates). */
export interface LiquidTrackerState {
  /** Last calendar index processed (-1: none). */
  day: number;
  /** Per instrument: the trailing window's dollar volumes by slot (index % window), its type, the index of its last row. */
  tracks: Array<{ name: string; ring: number[]; type: string; lastRow: number }>;
  /** Each month's first calendar index and members (a month ends where the next starts or at the calendar's end). */
  months: Array<{ start: number; members: string[] }>;
}

/** A resumable liquidity universe: rows fed in date order, lines for the calendar so far, its state to resume from. */
export interface LiquidTracker {
  feed(row: UniverseDayRow): void;
  /** feed() of a row given by calendar index (callers that hold indices skip the date lookup). */
  feedAt(index: number, instrument: string, dollarVolume: number, type: string): void;
  /** Membership lines over the whole calendar (advances through its last day first). */
  lines(): InstrumentLine[];
  save(): LiquidTrackerState;
}

/**
 * Membership lines of a liquidity universe from per-day rows given in date order (as date-partitioned
 * data gives them). A month is skipped when fewer than `windowDays` trading days precede it in the
 * calendar. Ties in dollar volume go to the lower instrument name, so the result is deterministic.
 */
export function liquidUniverse(rows: Iterable<UniverseDayRow>, opts: LiquidUniverseOptions): InstrumentLine[] {
  const t = liquidTracker(opts);
  for (const r of rows) t.feed(r);
  return t.lines();
}

/**
 * The tracker behind liquidUniverse. Resumed from a saved state with a longer calendar (the same
 * days first), feeding the later rows gives exactly what feeding every row from the start would.
 */
export function liquidTracker(opts: LiquidUniverseOptions, resume?: LiquidTrackerState): LiquidTracker {
  const window = opts.windowDays ?? 20;
  const types = new Set(opts.types ?? ['CS']);
  if (!Number.isInteger(opts.size) || opts.size <= 0) throw new RangeError(`universe size ${opts.size} must be a positive whole number`);
  if (!Number.isInteger(window) || window <= 0) throw new RangeError(`window ${window} must be a positive whole number`);
  const cal = opts.calendar;
  const dayIndex = new Map(cal.map((d, i) => [d, i]));
  // Per instrument: the last `window` days' dollar volumes (ring buffer), its type, its last row.
  interface Track {
    ring: Float64Array;
    type: string;
    lastRow: number;
  }
  const tracks = new Map<string, Track>();
  const months: Array<{ start: number; members: string[] }> = [];
  let day = -1;
  if (resume) {
    if (resume.day >= cal.length) {
      throw new RangeError(`a liquidity universe saved at day ${resume.day} cannot resume on ${cal.length} days`);
    }
    day = resume.day;
    for (const t of resume.tracks) {
      if (t.ring.length !== window) {
        throw new RangeError(`a liquidity universe saved with a window of ${t.ring.length} cannot resume with ${window}`);
      }
      tracks.set(t.name, { ring: Float64Array.from(t.ring), type: t.type, lastRow: t.lastRow });
    }
    for (const m of resume.months) months.push({ start: m.start, members: [...m.members] });
  }

  /** Moves the rolling windows forward to calendar index `to`, choosing members at each month start on the way. */
  const advance = (to: number) => {
    while (day < to) {
      day++;
      // Choose before the window moves: the sums still cover the `window` days before this one.
      const monthStart = day === 0 || cal[day]!.slice(0, 7) !== cal[day - 1]!.slice(0, 7);
      if (monthStart) months.push({ start: day, members: day >= window ? choose(day) : [] });
      const slot = day % window;
      for (const t of tracks.values()) t.ring[slot] = 0;
    }
  };
  /** Members for the month starting at `day`, from the window that ended the day before. */
  const choose = (start: number): string[] => {
    const eligible: Array<[string, number]> = [];
    for (const [name, t] of tracks) {
      // Listed on the last day before the month (a row that day), as known at the time.
      if (!types.has(t.type) || t.lastRow !== start - 1) continue;
      // Summed afresh in slot order, so equal histories give equal sums whatever came before.
      let sum = 0;
      for (let k = 0; k < window; k++) sum += t.ring[k]!;
      if (sum > 0) eligible.push([name, sum]);
    }
    eligible.sort((a, b) => b[1] - a[1] || compareCodePoints(a[0], b[0]));
    return eligible.slice(0, opts.size).map(([n]) => n);
  };

  const feedAt = (i: number, instrument: string, dollarVolume: number, type: string) => {
    if (!Number.isInteger(i) || i < 0 || i >= cal.length) throw new RangeError(`universe row ${instrument}: day index ${i} is outside the calendar`);
    if (i < day) throw new RangeError(`universe rows must come in date order (${cal[i]} after ${cal[day]})`);
    if (!Number.isFinite(dollarVolume) || dollarVolume < 0) throw new RangeError(
      `universe row ${instrument} ${cal[i]}: dollar volume ${dollarVolume}`,
    );
    advance(i);
    let t = tracks.get(instrument);
    // A track's last row is the day it was last fed: the same day again is a second row.
    if (t && t.lastRow === i) throw new RangeError(`universe rows: ${instrument} appears twice on ${cal[i]}`);
    if (!t) {
      t = { ring: new Float64Array(window), type, lastRow: i };
      tracks.set(instrument, t);
    }
    t.ring[i % window] = dollarVolume;
    t.type = type;
    t.lastRow = i;
  };
  const feed = (r: UniverseDayRow) => {
    const i = dayIndex.get(r.date);
    if (i === undefined) throw new RangeError(`universe row ${r.instrument} ${r.date}: not a day of the calendar`);
    feedAt(i, r.instrument, r.dollarVolume, r.type);
  };

  const lines = (): InstrumentLine[] => {
    advance(cal.length - 1);
    // Lines: each member's months, cut at its last row (a delisting), consecutive months merged.
    const stays = new Map<string, Array<{ start: number; end: number }>>();
    months.forEach((m, k) => {
      const monthEnd = (months[k + 1]?.start ?? cal.length) - 1;
      for (const name of m.members) {
        const end = Math.min(monthEnd, tracks.get(name)!.lastRow);
        if (end < m.start) continue;
        const list = stays.get(name) ?? [];
        const prev = list.at(-1);
        if (prev && prev.end === m.start - 1) prev.end = end;
        else list.push({ start: m.start, end });
        stays.set(name, list);
      }
    });
    return [...stays.keys()]
      .sort(compareCodePoints)
      .flatMap((name) => stays.get(name)!.map((s) => ({ instrument: name, start: cal[s.start]!, end: cal[s.end]! })));
  };

  const save = (): LiquidTrackerState => ({
    day,
    tracks: [...tracks].map(([name, t]) => ({ name, ring: [...t.ring], type: t.type, lastRow: t.lastRow })),
    months: months.map((m) => ({ start: m.start, members: [...m.members] })),
  });

  return { feed, feedAt, lines, save };
}
