/**
 * The lake's 1-minute gold (`qlib_us_1min`, gold/qlib/us_1min): bronze's stocks minute bars laid on
 * the minute calendar derived from the NYSE day calendar, with the day gold's codes, spans and
 * Yahoo normalisation, so a minute bar and its day in the day gold agree on what an instrument is
 * called, when it is listed and how its prices are scaled.
 *
 * Rules (gold's bytes follow from them):
 * - Codes, spans and the anchor c0 are the day gold's (readSilverGold over the same silver): a day
 *   span [a, b] becomes the minutes from the first of day a's session to the last of day b's. A day
 *   inside a span without minute bars (a halt, no trades, no bronze file that day) is NaN.
 * - A minute bar belongs to the instrument whose silver stocks_daily_adjusted row that day has its
 *   ticker, and takes that row's factor F (the day's total-return factor). A bar is valid when its
 *   close is a number and its volume is above 0 (Yahoo's rule, as for days). In float64, stored as
 *   float32: open/high/low/close = x * F / c0; volume = (volume / F) * c0; factor = F / c0 (so
 *   `$close / $factor` is the raw close, and `$factor` equals the day gold's factor that day);
 *   vwap = ((h + l + c) / 3 * F) / c0, the bar's typical price (bronze's minute aggregates carry no
 *   volume-weighted price; silver's day vwap is the volume-weighted mean of the same typical prices);
 *   change = adjusted close / the previous valid minute's adjusted close - 1 (across days; NaN on the
 *   instrument's first valid minute).
 * - Bars outside the calendar's session minutes (pre- and post-market with the regular session) are
 *   left out and counted.
 *
 * A build derives codes and spans from silver; when only days after the stored ones changed and
 * the stored instruments keep their codes and spans, it appends those days (reading only their
 * minute files) with the per-instrument last close kept in `.<name>.gold/minute-state.json`;
 * otherwise it rewrites the directory from every minute file (writeMinuteGold, within its memory
 * budget). Either way the bytes are what a full build writes.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { etToUtcMs } from '../../calendar/eastern-time.ts';
import { parseIsoDate } from '../../calendar/iso-date.ts';
import { openDuckDb, sqlString, type DuckDbHandle } from '../../duckdb/duckdb-instance.ts';
import { writeFileAtomic } from '../../files/atomic-write.ts';
import { readQlibCalendar } from '../../qlib/qlib-dir-reader.ts';
import { updateGold } from './gold-writer.ts';
import { activeGeneration, goldLayout } from './gold-store.ts';
import type { GoldCommitStats, GoldSpan } from './gold-types.ts';
import { minuteLabelsOfDay, sessionMinutes, type MinuteSession } from './minute-calendar.ts';
import { writeMinuteGold, type MinuteBarInput, type MinuteDayInput } from './minute-gold-writer.ts';
import { GOLD_DAY_FIELDS, readSilverGold, type SilverGoldFiles } from './silver-gold-source.ts';

/** The bronze dataset of minute bars the minute gold is built from. */
export const MINUTE_BARS_DATASET = 'stocks_minute';
/** The minute gold's fields (the day gold's, in the same order). */
export const GOLD_MINUTE_FIELDS = GOLD_DAY_FIELDS;

const NF = GOLD_MINUTE_FIELDS.length;
const [F_OPEN, F_HIGH, F_LOW, F_CLOSE, F_VOLUME, F_VWAP, F_CHANGE, F_FACTOR] = [0, 1, 2, 3, 4, 5, 6, 7];
if (GOLD_MINUTE_FIELDS.join(',') !== 'open,high,low,close,volume,vwap,change,factor') throw new Error('minute gold: field order changed');

/** What buildLakeMinuteGold reads and writes. */
export interface LakeMinuteGoldInput {
  /** The Qlib directory (lakeGoldDir(root, 'us', '1min')). */
  target: string;
  /** Silver's day files (codes, spans, factors) and bronze's minute files, by date. */
  files: SilverGoldFiles & { minutes: ReadonlyMap<string, string> };
  /** Last day of the calendar. */
  end: string;
  /** Days whose inputs changed since gold was built (or that gold does not hold yet). */
  changedDates: ReadonlySet<string>;
  session?: MinuteSession;
  duckdb: { threads: number; memoryLimit: string };
  /** Values writeMinuteGold holds before writing (default its own). */
  maxBufferedValues?: number;
}

/** What one day contributed: instruments with a valid bar, and a digest of their values. */
export interface MinuteGoldDay {
  rows: number;
  checksum: string;
}

/** What a build did. */
export interface LakeMinuteGoldResult {
  mode: 'full' | 'append' | 'none';
  /** Why an append was not possible (the full build ran instead). */
  fallback?: string;
  /** The days read (every day with silver and minute files in a full build, the new days in an append). */
  days: Map<string, MinuteGoldDay>;
  bars: number;
  barsOutsideSession: number;
  /** Minute bars whose ticker silver had no bar for that day (left out). */
  barsUnmatched: number;
  commit: GoldCommitStats | null;
}

/** One instrument of the target state. */
interface Target {
  id: string;
  code: string;
  c0: number;
  /** Day spans as dates. */
  spans: Array<{ first: string; last: string }>;
}

/** What the minute gold keeps beside its generations for appends. */
interface MinuteGoldState {
  version: 1;
  generation: number;
  session: MinuteSession;
  first: string;
  last: string;
  /** Per instrument id: its code, day spans and the adjusted close (float64) of its last valid minute. */
  instruments: Record<string, { code: string; spans: Array<[string, string]>; lastClose: number | null }>;
}

/** Where the append state of a minute gold directory lives. */
export function minuteGoldStatePath(target: string): string {
  return path.join(goldLayout(target).store, 'minute-state.json');
}

function readState(target: string): MinuteGoldState | null {
  try {
    const s = JSON.parse(fs.readFileSync(minuteGoldStatePath(target), 'utf8')) as MinuteGoldState;
    return s && s.version === 1 && typeof s.generation === 'number' && s.instruments ? s : null;
  } catch {
    return null;
  }
}

/** Brings the lake's minute gold to the state of silver and bronze's minute bars up to `end`. */
export async function buildLakeMinuteGold(input: LakeMinuteGoldInput): Promise<LakeMinuteGoldResult> {
  const session = input.session ?? 'regular';
  const silver = await readSilverGold(input.files, input.end, input.duckdb);
  const result: LakeMinuteGoldResult = { mode: 'none', days: new Map(), bars: 0, barsOutsideSession: 0, barsUnmatched: 0, commit: null };
  if (silver.calendar.length === 0) return result;
  const calendar = silver.calendar;
  const targets = new Map<string, Target>();
  for (const x of silver.instruments) {
    targets.set(x.id, { id: x.id, code: x.code, c0: x.c0, spans: x.spans.map((s) => ({ first: calendar[s.start]!, last: calendar[s.end]! })) });
  }
  const db = await openDuckDb({ threads: input.duckdb.threads, memoryLimit: input.duckdb.memoryLimit });
  try {
    const reason = appendRefusal(input, session, calendar, targets);
    if (reason === null) await appendDays(input, session, calendar, targets, db, result);
    else {
      if (reason) result.fallback = reason;
      await fullBuild(input, session, calendar, targets, db, result);
    }
  } finally {
    db.close();
  }
  return result;
}

/** Why the new days cannot be appended ('' when there is nothing stored to append to), or null when they can. */
function appendRefusal(input: LakeMinuteGoldInput, session: MinuteSession, calendar: readonly string[], targets: ReadonlyMap<string, Target>): string | null {
  const layout = goldLayout(input.target);
  const active = activeGeneration(layout);
  if (!active) return '';
  const state = readState(input.target);
  if (!state || state.generation !== active.generation) return 'no append state for the current generation';
  if (state.session !== session) return `the stored session is ${state.session}, not ${session}`;
  if (state.first !== calendar[0]) return `the calendar now starts on ${calendar[0]}, not ${state.first}`;
  if (state.last >= input.end) return `nothing after ${state.last} to append`;
  for (const d of input.changedDates) if (d <= state.last) return `a stored day changed (${d})`;
  const clip = (spans: ReadonlyArray<{ first: string; last: string }>) =>
    spans.filter((s) => s.first <= state.last).map((s) => `${s.first}..${s.last < state.last ? s.last : state.last}`).join(',');
  for (const [id, t] of targets) {
    const held = state.instruments[id];
    if (!held) {
      if (t.spans[0]!.first <= state.last) return `instrument ${id} (${t.code}) gained stored days`;
      continue;
    }
    if (held.code !== t.code) return `instrument ${id} changed code ${held.code} -> ${t.code}`;
    if (clip(t.spans) !== held.spans.map(([a, b]) => `${a}..${b}`).join(',')) return `instrument ${id} (${t.code}) changed spans in stored days`;
  }
  for (const id of Object.keys(state.instruments)) if (!targets.has(id)) return `instrument ${id} (${state.instruments[id]!.code}) left silver`;
  return null;
}

/** The rows of one day: bars joined to silver's row of their ticker, ordered by instrument id and minute. */
export interface DayRows {
  id: string[];
  minute: Int32Array;
  cols: Float64Array[]; // open, high, low, close, volume, factor
  unmatched: number;
}

const num = (v: unknown): number => (typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : v === null || v === undefined ? NaN : Number(v));

/** One day's minute bars joined to silver's instrument and factor by ticker (minutes after New York midnight). */
export async function readDay(db: DuckDbHandle, date: string, minuteFile: string, silverFile: string): Promise<DayRows> {
  const midnightMinute = etToUtcMs(parseIsoDate(date), 0, 0) / 60_000;
  const s = `(SELECT CAST(ticker AS VARCHAR) AS ticker, CAST(instrument_id AS VARCHAR) AS id, CAST(factor AS DOUBLE) AS factor FROM read_parquet(${sqlString(silverFile)}))`;
  const m = `read_parquet(${sqlString(minuteFile)})`;
  const dup = (await db.connection.runAndReadAll(`SELECT ticker FROM ${s} GROUP BY 1 HAVING count(*) > 1 LIMIT 3`)).getRows();
  if (dup.length) throw new Error(`silver stocks_daily_adjusted ${date}: ticker ${dup.map((r) => String(r[0])).join(', ')} has two rows`);
  let cols: unknown[][];
  try {
    // Bronze keeps window_start as TIMESTAMPTZ; the flat files' epoch nanoseconds (BIGINT) are read too.
    const type = String((await db.connection.runAndReadAll(`SELECT typeof(window_start) FROM ${m} LIMIT 1`)).getRows()[0]?.[0] ?? 'BIGINT');
    const epochMinute = type.startsWith('TIMESTAMP') ? 'epoch_ms(m.window_start) // 60000' : 'm.window_start // 60000000000';
    cols = (await db.connection.runAndReadAll(
      `SELECT s.id, CAST(${epochMinute} - ${midnightMinute} AS INTEGER), CAST(m.open AS DOUBLE), CAST(m.high AS DOUBLE),
        CAST(m.low AS DOUBLE), CAST(m.close AS DOUBLE), CAST(m.volume AS DOUBLE), s.factor
       FROM ${m} m JOIN ${s} s ON s.ticker = m.ticker ORDER BY 1, 2`,
    )).getColumns();
  } catch (err) {
    throw new Error(`bronze ${MINUTE_BARS_DATASET} ${date} (${minuteFile}): cannot read ticker, window_start, open, high, low, close, volume: ${(err as Error).message}`, { cause: err });
  }
  const unmatched = num((await db.connection.runAndReadAll(`SELECT count(*) FROM ${m} WHERE ticker NOT IN (SELECT ticker FROM ${s})`)).getRows()[0]![0]);
  return {
    id: cols[0]!.map(String),
    minute: Int32Array.from(cols[1]!, num),
    cols: cols.slice(2).map((c) => Float64Array.from(c, num)),
    unmatched,
  };
}

/** A minute bar gold holds values for (Yahoo's rule, as for days): a close, volume above 0, the day's factor. */
export function validMinuteBar(close: number, volume: number, factor: number): boolean {
  return Number.isFinite(close) && volume > 0 && Number.isFinite(factor);
}

/**
 * Turns one day's rows into gold bars (valid ones, in session), one instrument at a time in id order
 * (so a day of the whole market is never held as bar objects), updating each instrument's last
 * adjusted close; `done` gets the day's digest once every instrument has been consumed.
 */
function* dayBars(
  date: string,
  session: MinuteSession,
  rows: DayRows,
  targets: ReadonlyMap<string, Target>,
  lastClose: Map<string, number>,
  result: LakeMinuteGoldResult,
  done: (day: MinuteGoldDay) => void,
): Generator<[Target, MinuteBarInput[]]> {
  const { first, count } = sessionMinutes(date, session);
  const [o, h, l, c, v, f] = rows.cols as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
  const hash = createHash('sha256');
  let instruments = 0;
  result.barsUnmatched += rows.unmatched;
  const n = rows.id.length;
  let r = 0;
  while (r < n) {
    const id = rows.id[r]!;
    let e = r;
    while (e < n && rows.id[e] === id) e++;
    const t = targets.get(id);
    if (!t) {
      // Silver has the ticker's bar but no valid day bar of the instrument yet: it is not in gold.
      result.barsUnmatched += e - r;
      r = e;
      continue;
    }
    const bars: MinuteBarInput[] = [];
    let prev = lastClose.get(id);
    for (let k = r; k < e; k++) {
      const minute = rows.minute[k]!;
      if (minute - first < 0 || minute - first >= count) {
        result.barsOutsideSession++;
        continue;
      }
      const close = c[k]!;
      const volume = v[k]!;
      const F = f[k]!;
      if (!validMinuteBar(close, volume, F)) continue;
      if (k > r && rows.minute[k - 1] === minute) throw new Error(`bronze ${MINUTE_BARS_DATASET} ${date}: ${t.code} has two bars at minute ${minute}`);
      const adjClose = close * F;
      const values = new Float64Array(NF);
      values[F_OPEN] = (o[k]! * F) / t.c0;
      values[F_HIGH] = (h[k]! * F) / t.c0;
      values[F_LOW] = (l[k]! * F) / t.c0;
      values[F_CLOSE] = adjClose / t.c0;
      values[F_VOLUME] = (volume / F) * t.c0;
      values[F_VWAP] = (((h[k]! + l[k]! + close) / 3) * F) / t.c0;
      values[F_CHANGE] = prev === undefined ? NaN : adjClose / prev - 1;
      values[F_FACTOR] = F / t.c0;
      prev = adjClose;
      bars.push({ code: t.code, minute, values });
    }
    if (prev !== undefined) lastClose.set(id, prev);
    if (bars.length) {
      instruments++;
      result.bars += bars.length;
      hash.update(`${t.code}\n`);
      const buf = new Float32Array(1 + NF);
      for (const b of bars) {
        buf[0] = b.minute;
        buf.set(b.values as Float64Array, 1);
        hash.update(new Uint8Array(buf.buffer));
      }
      yield [t, bars];
    }
    r = e;
  }
  done({ rows: instruments, checksum: hash.digest('hex') });
}

async function fullBuild(
  input: LakeMinuteGoldInput,
  session: MinuteSession,
  calendar: readonly string[],
  targets: ReadonlyMap<string, Target>,
  db: DuckDbHandle,
  result: LakeMinuteGoldResult,
): Promise<void> {
  result.mode = 'full';
  const lastClose = new Map<string, number>();
  const days = async function* (): AsyncGenerator<MinuteDayInput> {
    for (const date of calendar) {
      const minuteFile = input.files.minutes.get(date);
      const silverFile = input.files.bars.get(date);
      if (!minuteFile || !silverFile) continue;
      const rows = await readDay(db, date, minuteFile, silverFile);
      const each = dayBars(date, session, rows, targets, lastClose, result, (d) => result.days.set(date, d));
      yield { date, bars: (function* () { for (const [, bars] of each) yield* bars; })() };
    }
  };
  const listings = new Map([...targets.values()].map((t) => [t.code, t.spans] as const));
  const stats = await writeMinuteGold(input.target, {
    from: calendar[0]!, to: input.end, session, fields: GOLD_MINUTE_FIELDS, days: days(), listings, maxBufferedValues: input.maxBufferedValues,
  });
  result.commit = stats;
  await saveState(input.target, stats.generation, session, calendar, targets, lastClose);
}

async function appendDays(
  input: LakeMinuteGoldInput,
  session: MinuteSession,
  calendar: readonly string[],
  targets: ReadonlyMap<string, Target>,
  db: DuckDbHandle,
  result: LakeMinuteGoldResult,
): Promise<void> {
  result.mode = 'append';
  const state = readState(input.target)!;
  const lastClose = new Map<string, number>();
  for (const [id, s] of Object.entries(state.instruments)) if (s.lastClose !== null) lastClose.set(id, s.lastClose);
  const newDays = calendar.filter((d) => d > state.last);
  const starts = dayStarts(calendar, session);
  const stats = await updateGold(input.target, '1min', async (b) => {
    for (const date of newDays) {
      const dayStart = b.calendar.length;
      if (dayStart !== starts.get(date)) throw new Error(`minute gold: the stored calendar does not end where ${date} starts`);
      b.appendCalendar(minuteLabelsOfDay(date, session));
      const { first, count } = sessionMinutes(date, session);
      // Instruments whose spans cover this day, each patched (or put) with the day's minutes.
      const written = new Set<string>();
      const write = (t: Target, bars: readonly MinuteBarInput[]) => {
        written.add(t.id);
        const spans = minuteSpans(t.spans, starts, date, session);
        const cols = GOLD_MINUTE_FIELDS.map(() => new Float32Array(count).fill(Number.NaN));
        for (const bar of bars) for (let k = 0; k < NF; k++) cols[k]![bar.minute - first] = bar.values[k]!;
        const fields = new Map(GOLD_MINUTE_FIELDS.map((name, k) => [name, cols[k]!] as const));
        if (b.state(t.code)) b.patch(t.code, dayStart, fields, spans);
        else {
          if (spans[0]!.start !== dayStart) throw new Error(`minute gold ${date}: ${t.code} is new but its span starts before the day`);
          b.put({ code: t.code, spans, fields });
        }
      };
      const minuteFile = input.files.minutes.get(date);
      const silverFile = input.files.bars.get(date);
      if (minuteFile && silverFile) {
        const rows = await readDay(db, date, minuteFile, silverFile);
        for (const [t, bars] of dayBars(date, session, rows, targets, lastClose, result, (d) => result.days.set(date, d))) write(t, bars);
      }
      for (const t of targets.values()) {
        if (!written.has(t.id) && t.spans.some((s) => s.first <= date && date <= s.last)) write(t, []);
      }
    }
  });
  result.commit = stats;
  await saveState(input.target, stats.generation, session, calendar, targets, lastClose);
}

/** First calendar index of each day of the minute calendar. */
function dayStarts(calendar: readonly string[], session: MinuteSession): Map<string, number> {
  const out = new Map<string, number>();
  let i = 0;
  for (const d of calendar) {
    out.set(d, i);
    i += sessionMinutes(d, session).count;
  }
  return out;
}

/** An instrument's minute spans up to the end of `date` (its bins then end there). */
function minuteSpans(spans: ReadonlyArray<{ first: string; last: string }>, starts: ReadonlyMap<string, number>, date: string, session: MinuteSession): GoldSpan[] {
  const out: GoldSpan[] = [];
  for (const s of spans) {
    if (s.first > date) break;
    const last = s.last < date ? s.last : date;
    const a = starts.get(s.first);
    const z = starts.get(last);
    if (a === undefined || z === undefined) throw new Error(`minute gold: span ${s.first}..${s.last} is not on the minute calendar`);
    out.push({ start: a, end: z + sessionMinutes(last, session).count - 1 });
  }
  return out;
}

async function saveState(
  target: string,
  generation: number,
  session: MinuteSession,
  calendar: readonly string[],
  targets: ReadonlyMap<string, Target>,
  lastClose: ReadonlyMap<string, number>,
): Promise<void> {
  const instruments: MinuteGoldState['instruments'] = {};
  for (const [id, t] of targets) instruments[id] = { code: t.code, spans: t.spans.map((s) => [s.first, s.last]), lastClose: lastClose.get(id) ?? null };
  const state: MinuteGoldState = { version: 1, generation, session, first: calendar[0]!, last: calendar.at(-1)!, instruments };
  await writeFileAtomic(minuteGoldStatePath(target), JSON.stringify(state));
}

/** The trading days the minute gold at `target` holds (from its calendar), or [] when none is built. */
export function minuteGoldDays(target: string): string[] {
  if (!activeGeneration(goldLayout(target))) return [];
  const out: string[] = [];
  for (const label of readQlibCalendar(target, '1min')) {
    const d = label.slice(0, 10);
    if (out.at(-1) !== d) out.push(d);
  }
  return out;
}
