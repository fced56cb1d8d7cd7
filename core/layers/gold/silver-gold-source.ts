/**
 * Gold's view of silver: the adjusted daily bars (`silver/stocks_daily_adjusted`, columns of issue 13
 * item 2) and the point-in-time universe (`silver/universe`), turned into Qlib instruments: a code
 * per instrument, its spans and its fields normalised by Qlib's Yahoo convention.
 *
 * Rules (written down here because gold's bytes follow from them):
 * - The calendar is the NYSE trading days from the first day silver has bars for to the build's end.
 * - A bar is valid when its adjusted close is a number and its volume is above 0 (Yahoo's collector
 *   blanks rows with volume <= 0: a suspended day); an invalid bar is a day without values.
 * - `c0` is the adjusted close of the instrument's first valid bar. Fields, in float64, then cast to
 *   float32 by the writer: open/high/low/close = adj_x / c0; volume = (volume / factor) * c0;
 *   factor = factor / c0 (so `$close / $factor` is the raw close and the first close is 1);
 *   vwap = (vwap * factor) / c0; change = silver's change. The silver factor is anchored at the
 *   instrument's first day, so a new corporate action never moves c0 and history stays append-only.
 * - An instrument's span runs from its first bar to its last (a delisted name keeps its real last
 *   day), as dump_all spans a symbol from its first row to its last: a day without a bar inside it
 *   (a halt, a day with no trades) is NaN, not a gap. It is cut in two only where the reference data
 *   says the instrument was delisted between two bars: a universe row with `delisted_date` δ splits
 *   between the last bar on or before δ and the first bar after it (a relisting starts a new span).
 *   Silver's universe lists the instruments that traded each day, so it gives gold the delistings
 *   and the security type (for liquidity markets), not extra days. Bins cover first span start to
 *   last span end, NaN on days without a valid bar and across the gap between two spans.
 * - The code is the lowercased ticker of the instrument's last bar (a renamed company is one series
 *   under its current symbol). When two instruments end up with one code (a symbol reused by another
 *   company), the one whose last day is latest keeps it and each other gets `<code>_<id>`.
 * - Instruments without a single valid bar have nothing to normalise by and are left out.
 */
import { tradingDays } from '../../calendar/index.ts';
import type { DuckDBVector } from '@duckdb/node-api';
import { openDuckDb, sqlString, type DuckDbHandle } from '../../duckdb/duckdb-instance.ts';
import type { GoldSpan } from './gold-types.ts';

/** The silver dataset of adjusted daily bars gold is built from. */
export const ADJUSTED_BARS_DATASET = 'stocks_daily_adjusted';
/** The silver point-in-time universe that gives gold its spans. */
export const UNIVERSE_DATASET = 'universe';

/** Columns of stocks_daily_adjusted that gold reads (issue 13 item 2). */
export const ADJUSTED_BAR_COLUMNS = ['instrument_id', 'ticker', 'date', 'volume', 'factor', 'adj_open', 'adj_high', 'adj_low', 'adj_close', 'vwap', 'change'] as const;

/** The fields gold writes for day data, in Qlib's names. */
export const GOLD_DAY_FIELDS = ['open', 'high', 'low', 'close', 'volume', 'vwap', 'change', 'factor'] as const;

/** An instrument as silver says it should be in gold. */
export interface SilverGoldInstrument {
  id: string;
  code: string;
  spans: GoldSpan[];
  /** Values per field over [spans[0].start, spans.at(-1).end]. */
  fields: Map<string, Float32Array>;
  /** Calendar indices with a valid bar. */
  traded: number[];
  /** Raw close x raw volume per traded index (for liquidity universes), and the type that day. */
  dollarVolume: Float64Array;
  type: string;
  /** The normalisation anchor: the adjusted close of the first valid bar. */
  c0: number;
  /** The ticker of its last bar (the code before a reused symbol is resolved). */
  ticker: string;
  /** Delisting dates the universe reported, sorted; and its latest type as reported ('' when none). */
  delistings: string[];
  rawType: string;
}

/** An instrument silver has bars for but no valid one yet (not in gold): what a later valid bar extends. */
export interface SilverGoldPending {
  id: string;
  ticker: string;
  spans: GoldSpan[];
  delistings: string[];
  rawType: string;
}

/** Silver's files, by date. */
export interface SilverGoldFiles {
  bars: ReadonlyMap<string, string>;
  universe: ReadonlyMap<string, string> | null;
}

/** Everything gold is, derived from silver up to `end`. */
export interface SilverGoldState {
  calendar: string[];
  instruments: SilverGoldInstrument[];
  /** Instruments with bars but none valid. */
  pending: SilverGoldPending[];
  /** Universe facts of ids without a bar. */
  universeOnly: Array<{ id: string; rawType: string; delistings: string[] }>;
}



/** Bad silver input for gold; the message names dataset, instrument and date. */
export class SilverGoldInputError extends Error {
  override name = 'SilverGoldInputError';
}

/** Reads silver's bars (and universe) up to `end` and derives the gold instruments. */
export async function readSilverGold(
  files: SilverGoldFiles,
  end: string,
  duckdb: { threads: number; memoryLimit: string },
): Promise<SilverGoldState> {
  const barDates = [...files.bars.keys()].filter((d) => d <= end).sort();
  if (barDates.length === 0) return { calendar: [], instruments: [], pending: [], universeOnly: [] };
  const calendar = tradingDays(barDates[0]!, end);
  const db = await openDuckDb({ threads: duckdb.threads, memoryLimit: duckdb.memoryLimit });
  try {
    const bars = await readBars(db, barDates.map((d) => files.bars.get(d)!));
    const uniFiles = files.universe ? [...files.universe].filter(([d]) => d <= end && d >= barDates[0]!).sort(([a], [b]) => (a < b ? -1 : 1)) : [];
    const uni = uniFiles.length ? await readUniverse(db, uniFiles.map(([, f]) => f)) : null;
    const { instruments, pending } = deriveInstruments(calendar, bars, uni);
    const withBars = new Set([...instruments.map((x) => x.id), ...pending.map((x) => x.id)]);
    const universeOnly = [...(uni ?? [])]
      .filter(([id]) => !withBars.has(id))
      .map(([id, f]) => ({ id, rawType: f.type, delistings: [...f.delistings].sort() }));
    return { calendar, instruments, pending, universeOnly };
  } finally {
    db.close();
  }
}

/**
 * Silver's bar rows, column by column, ordered by instrument id then date: per instrument its id
 * and where its rows are, per row the day and the values (NaN where silver has none).
 */
export interface BarColumns {
  /** Instrument ids in row order ('' for rows without one); instrument k's rows are [start[k], start[k + 1]). */
  ids: string[];
  start: Int32Array;
  /** Ticker of each instrument's first and last row ('' when none). */
  firstTicker: string[];
  lastTicker: string[];
  /** Per row: the date as days since 1970-01-01 (NO_DAY when it has none). */
  day: Int32Array;
  volume: Float64Array;
  factor: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  vwap: Float64Array;
  change: Float64Array;
}

/** BarColumns.day of a row without a date. */
export const NO_DAY = -0x80000000;
const DAY_MS = 86_400_000;

/** The date (YYYY-MM-DD) of bar row r, '' when it has none. */
export function barDate(b: BarColumns, r: number): string {
  const d = b.day[r]!;
  return d === NO_DAY ? '' : new Date(d * DAY_MS).toISOString().slice(0, 10);
}

/** Maps BarColumns.day values to calendar indices (-1: not a day of the calendar). */
export function calendarIndexOfDay(calendar: readonly string[]): (day: number) => number {
  if (calendar.length === 0) return () => -1;
  const first = Date.parse(`${calendar[0]}T00:00:00Z`) / DAY_MS;
  const last = Date.parse(`${calendar.at(-1)}T00:00:00Z`) / DAY_MS;
  const table = new Int32Array(last - first + 1).fill(-1);
  calendar.forEach((d, i) => (table[Date.parse(`${d}T00:00:00Z`) / DAY_MS - first] = i));
  return (day) => (day >= first && day <= last ? table[day - first]! : -1);
}

const BAR_VALUE_COLUMNS = ['volume', 'factor', 'adj_open', 'adj_high', 'adj_low', 'adj_close', 'vwap', 'change'] as const;

/** A vector's values into out[at..at+n): the typed array DuckDB fills when the client exposes it, else item by item (null as NaN). */
function copyVector(v: DuckDBVector, out: Float64Array | Int32Array, at: number, n: number, none: number): void {
  // @duckdb/node-api keeps a fixed-width vector's data as `items`, a view of DuckDB's memory; the
  // query turns nulls into `none`, so the values are the whole story. Without it, the public getter.
  const items = (v as unknown as { items?: unknown }).items;
  if ((items instanceof Float64Array || items instanceof Int32Array) && items.constructor === out.constructor && items.length >= n) {
    out.set(items.subarray(0, n) as Float64Array & Int32Array, at);
    return;
  }
  for (let i = 0; i < n; i++) {
    const x = v.getItem(i);
    out[at + i] = x === null ? none : Number(x);
  }
}

/**
 * Reads the bar rows of the given files, ordered by instrument id and date. DuckDB reads every file
 * once for a small table of the distinct (id, ticker) pairs, numbered (strings cross into JavaScript
 * once per pair, never per row), then once more joined to it and sorted by (instrument, date): an
 * integer sort is cheap inside DuckDB, where sorting by the id string would cost several times the
 * scan. The result is materialized before it is fetched (a streamed one costs more than twice as
 * much: each chunk is produced on demand, one file at a time) and copied column by column into
 * typed arrays sized from the pair counts.
 */
export async function readBars(db: DuckDbHandle, files: string[]): Promise<BarColumns> {
  // hive_partitioning off: silver's year=/month= folders are layout, not columns gold reads.
  const list = `[${files.map(sqlString).join(', ')}], hive_partitioning = false`;
  const values = BAR_VALUE_COLUMNS.map((c) => `COALESCE(CAST(${c} AS DOUBLE), 'NaN'::DOUBLE)`).join(', ');
  // A missing id or ticker counts as '' (and is refused by the derivation, naming the row).
  const id = (t: string) => `COALESCE(CAST(${t}instrument_id AS VARCHAR), '')`;
  const ticker = (t: string) => `COALESCE(CAST(${t}ticker AS VARCHAR), '')`;
  const keys = `gold_bar_keys_${process.pid}`;
  let pairId: string[];
  let pairTicker: string[];
  let pairInst: Int32Array;
  let pairRows: Int32Array;
  let rows = 0;
  let key: Int32Array;
  let inst: Int32Array;
  let day: Int32Array;
  let cols: Float64Array[];
  try {
    await db.connection.run(`CREATE OR REPLACE TEMP TABLE ${keys} AS
      SELECT CAST(row_number() OVER (ORDER BY id, ticker) - 1 AS INTEGER) AS k, CAST(dense_rank() OVER (ORDER BY id) - 1 AS INTEGER) AS inst, id, ticker, CAST(n AS INTEGER) AS n
      FROM (SELECT ${id('')} AS id, ${ticker('')} AS ticker, count(*) AS n FROM read_parquet(${list}) GROUP BY ALL)`);
    const pairs = (await db.connection.runAndReadAll(`SELECT inst, id, ticker, n FROM ${keys} ORDER BY k`)).getColumns();
    pairInst = Int32Array.from(pairs[0]!, Number);
    pairId = pairs[1]!.map(String);
    pairTicker = pairs[2]!.map(String);
    pairRows = Int32Array.from(pairs[3]!, Number);
    const total = pairRows.reduce((a, n) => a + n, 0);
    key = new Int32Array(total);
    inst = new Int32Array(total);
    day = new Int32Array(total);
    cols = BAR_VALUE_COLUMNS.map(() => new Float64Array(total));
    const result = await db.connection.run(`SELECT ${keys}.k, ${keys}.inst, COALESCE(CAST(date - DATE '1970-01-01' AS INTEGER), ${NO_DAY}) AS day, ${values}
      FROM read_parquet(${list}) b JOIN ${keys} ON ${keys}.id = ${id('b.')} AND ${keys}.ticker = ${ticker('b.')}
      ORDER BY ${keys}.inst, day`);
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      const n = chunk.rowCount;
      if (rows + n > total) throw new SilverGoldInputError(`silver ${ADJUSTED_BARS_DATASET}: more rows than the first scan counted (${total}); a partition changed while gold read it, run again`);
      copyVector(chunk.getColumnVector(0), key, rows, n, -1);
      copyVector(chunk.getColumnVector(1), inst, rows, n, -1);
      copyVector(chunk.getColumnVector(2), day, rows, n, NO_DAY);
      for (let k = 0; k < cols.length; k++) copyVector(chunk.getColumnVector(3 + k), cols[k]!, rows, n, Number.NaN);
      rows += n;
    }
    await db.connection.run(`DROP TABLE IF EXISTS ${keys}`);
  } catch (err) {
    if (err instanceof SilverGoldInputError) throw err;
    throw new SilverGoldInputError(`silver ${ADJUSTED_BARS_DATASET}: cannot read the columns gold needs (${ADJUSTED_BAR_COLUMNS.join(', ')}): ${(err as Error).message}`);
  }

  // The two scans must have seen the same rows (a partition replaced between them would not).
  const seen = new Int32Array(pairRows.length);
  for (let j = 0; j < rows; j++) {
    const k = key[j]!;
    if (k < 0 || k >= pairRows.length) throw new SilverGoldInputError(`silver ${ADJUSTED_BARS_DATASET}: DuckDB returned a row of no known (instrument, ticker)`);
    seen[k]!++;
  }
  const moved = seen.findIndex((c, k) => c !== pairRows[k]);
  if (moved >= 0) {
    throw new SilverGoldInputError(`silver ${ADJUSTED_BARS_DATASET}: instrument ${pairId[moved]} changed while gold read it (${pairRows[moved]} rows, then ${seen[moved]}); run again`);
  }
  const instruments = pairInst.length ? pairInst[pairInst.length - 1]! + 1 : 0;
  const start = new Int32Array(instruments + 1);
  const ids = new Array<string>(instruments);
  for (let k = 0; k < pairInst.length; k++) ids[pairInst[k]!] = pairId[k]!;
  for (let j = 0; j < rows; j++) start[inst[j]! + 1]!++;
  for (let g = 0; g < instruments; g++) start[g + 1]! += start[g]!;
  const firstTicker = Array.from({ length: instruments }, (_, g) => pairTicker[key[start[g]!]!]!);
  const lastTicker = Array.from({ length: instruments }, (_, g) => pairTicker[key[start[g + 1]! - 1]!]!);
  const [volume, factor, open, high, low, close, vwap, change] = cols as [
    Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array,
  ];
  return { ids, start, firstTicker, lastTicker, day, volume, factor, open, high, low, close, vwap, change };
}

/** What the universe says of one instrument: its latest known security type and the delisting dates reported. */
export interface UniverseFacts {
  type: string;
  delistings: Set<string>;
}

/**
 * The universe's facts per instrument id: its type on the latest day that names one, and every
 * delisting date reported (grouped by DuckDB, so only one row per instrument reaches JavaScript).
 */
export async function readUniverse(db: DuckDbHandle, files: string[]): Promise<Map<string, UniverseFacts>> {
  const list = `[${files.map(sqlString).join(', ')}]`;
  let cols: unknown[][];
  try {
    cols = (await db.connection.runAndReadAll(
      `SELECT CAST(instrument_id AS VARCHAR),
         arg_max(CAST(type AS VARCHAR), date) FILTER (WHERE type IS NOT NULL AND CAST(type AS VARCHAR) <> ''),
         list(DISTINCT CAST(delisted_date AS VARCHAR)) FILTER (WHERE delisted_date IS NOT NULL)
       FROM read_parquet(${list}) WHERE instrument_id IS NOT NULL GROUP BY 1 ORDER BY min(date), 1`,
    )).getColumns();
  } catch (err) {
    throw new SilverGoldInputError(`silver ${UNIVERSE_DATASET}: cannot read instrument_id, type, delisted_date: ${(err as Error).message}`);
  }
  const out = new Map<string, UniverseFacts>();
  const idCol = cols[0]!;
  for (let i = 0; i < idCol.length; i++) {
    const type = cols[1]![i];
    const delisted = cols[2]![i] as { items: readonly unknown[] } | null;
    out.set(String(idCol[i]), {
      type: type === null || type === undefined ? '' : String(type),
      delistings: new Set((delisted?.items ?? []).map(String)),
    });
  }
  return out;
}

/**
 * Spans over an instrument's bar days (calendar indices, ascending, with their dates): one from the
 * first bar to the last, cut between two bars wherever a reported delisting date falls on or after
 * the earlier bar and before the later one.
 */
export function spansOf(barDays: readonly number[], dateOf: readonly string[], delistings: ReadonlySet<string>): GoldSpan[] {
  const spans: GoldSpan[] = [];
  const cuts = [...delistings].sort();
  let c = 0;
  for (let k = 0; k < barDays.length; k++) {
    const i = barDays[k]!;
    const last = spans.at(-1);
    // Skip delistings before the previous bar: they were followed by bars already.
    const prev = k > 0 ? dateOf[barDays[k - 1]!]! : '';
    while (c < cuts.length && cuts[c]! < prev) c++;
    const cut = last !== undefined && c < cuts.length && cuts[c]! < dateOf[i]!;
    if (last && !cut) last.end = i;
    else spans.push({ start: i, end: i });
  }
  return spans;
}

function sanitize(id: string): string {
  return id.toLowerCase().replace(/[^a-z0-9]+/g, '');
}

/**
 * Codes for instruments (id, ticker of the last bar, last span end): the lowercased ticker; a code
 * two instruments share goes to the one whose last day is latest (then the lower id) and each
 * other gets `<code>_<id>`. Returns id -> code.
 */
export function assignCodes(list: ReadonlyArray<{ id: string; ticker: string; last: number }>): Map<string, string> {
  const byCode = new Map<string, Array<{ id: string; last: number }>>();
  for (const x of list) {
    const code = x.ticker.toLowerCase();
    const group = byCode.get(code);
    if (group) group.push(x);
    else byCode.set(code, [x]);
  }
  const out = new Map<string, string>();
  for (const [code, group] of byCode) {
    group.sort((p, q) => q.last - p.last || (p.id < q.id ? -1 : 1));
    group.forEach((x, k) => out.set(x.id, k === 0 ? code : `${code}_${sanitize(x.id)}`));
  }
  return out;
}

/** The gold day fields' arrays in putBarRow's order (open, high, low, close, volume, factor, vwap, change). */
export type BarFieldArrays = readonly [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];

/** The arrays of `cols` in putBarRow's order. */
export function barFieldArrays(cols: ReadonlyMap<string, Float32Array>): BarFieldArrays {
  return (['open', 'high', 'low', 'close', 'volume', 'factor', 'vwap', 'change'] as const).map((f) => cols.get(f)!) as unknown as BarFieldArrays;
}

/**
 * Writes the gold fields of bar row r (valid: finite adjusted close, volume above 0) at position k,
 * normalised by c0 (in float64, stored as float32), and returns the day's raw dollar volume.
 */
export function putBarRow(out: BarFieldArrays, k: number, b: BarColumns, r: number, c0: number): number {
  const c = b.close[r]!;
  const v = b.volume[r]!;
  const f = b.factor[r]!;
  out[0][k] = b.open[r]! / c0;
  out[1][k] = b.high[r]! / c0;
  out[2][k] = b.low[r]! / c0;
  out[3][k] = c / c0;
  out[4][k] = (v / f) * c0;
  out[5][k] = f / c0;
  out[6][k] = (b.vwap[r]! * f) / c0;
  out[7][k] = b.change[r]!;
  return (c / f) * v;
}

/** putBarRow into fields by name. */
export function putBarFields(cols: ReadonlyMap<string, Float32Array>, k: number, b: BarColumns, r: number, c0: number): number {
  return putBarRow(barFieldArrays(cols), k, b, r, c0);
}

/** Whether bar row r is valid (Yahoo's collector blanks volume <= 0 and a missing close). */
export const validBar = (b: BarColumns, r: number) => Number.isFinite(b.close[r]!) && b.volume[r]! > 0;

function deriveInstruments(
  calendar: readonly string[],
  b: BarColumns,
  universe: Map<string, UniverseFacts> | null,
): { instruments: SilverGoldInstrument[]; pending: SilverGoldPending[] } {
  const indexOf = calendarIndexOfDay(calendar);
  const out: SilverGoldInstrument[] = [];
  const pending: SilverGoldPending[] = [];
  for (let k = 0; k < b.ids.length; k++) {
    const id = b.ids[k]!;
    const r = b.start[k]!;
    if (!id) throw new SilverGoldInputError(`silver ${ADJUSTED_BARS_DATASET} ${barDate(b, r)}: a row without instrument_id (ticker ${b.firstTicker[k]})`);
    const inst = deriveOne(indexOf, calendar, b, k, universe?.get(id) ?? null);
    if ('fields' in inst) out.push(inst);
    else pending.push(inst);
  }
  // Codes: a reused symbol goes to the instrument that holds it last.
  const codes = assignCodes(out.map((x) => ({ id: x.id, ticker: x.ticker, last: x.spans.at(-1)!.end })));
  for (const x of out) x.code = codes.get(x.id)!;
  return { instruments: out, pending };
}

function deriveOne(
  indexOf: (day: number) => number,
  dateOf: readonly string[],
  b: BarColumns,
  k: number,
  facts: UniverseFacts | null,
): SilverGoldInstrument | SilverGoldPending {
  const id = b.ids[k]!;
  const r0 = b.start[k]!;
  const r1 = b.start[k + 1]!;
  let c0 = NaN;
  for (let r = r0; r < r1; r++) {
    if (validBar(b, r)) {
      c0 = b.close[r]!;
      break;
    }
  }
  if (Number.isFinite(c0) && !(c0 > 0)) {
    throw new SilverGoldInputError(`silver ${ADJUSTED_BARS_DATASET} ${barDate(b, r0)}: instrument ${id} has a first adjusted close of ${c0}`);
  }
  const barDays: number[] = [];
  let prevDay = NO_DAY;
  for (let r = r0; r < r1; r++) {
    const d = b.day[r]!;
    const i = indexOf(d);
    if (i < 0) throw new SilverGoldInputError(`silver ${ADJUSTED_BARS_DATASET} ${barDate(b, r)}: instrument ${id} has a bar on a day that is not an NYSE trading day`);
    if (d === prevDay) throw new SilverGoldInputError(`silver ${ADJUSTED_BARS_DATASET} ${barDate(b, r)}: instrument ${id} has two bars`);
    prevDay = d;
    barDays.push(i);
  }
  const lastRow = r1 - 1;
  const ticker = b.lastTicker[k]!;
  if (!ticker) throw new SilverGoldInputError(`silver ${ADJUSTED_BARS_DATASET} ${barDate(b, lastRow)}: instrument ${id} has no ticker`);
  const delistings = [...(facts?.delistings ?? [])].sort();
  const rawType = facts?.type ?? '';
  const spans = spansOf(barDays, dateOf, new Set(delistings));
  if (!Number.isFinite(c0)) return { id, ticker, spans, delistings, rawType };
  // Without a universe (or a snapshot naming the type) an instrument counts as a common stock.
  const type = rawType || 'CS';
  const lo = spans[0]!.start;
  const len = spans.at(-1)!.end - lo + 1;
  const cols = new Map<string, Float32Array>(GOLD_DAY_FIELDS.map((f) => [f, new Float32Array(len).fill(NaN)]));
  const out = barFieldArrays(cols);
  const traded: number[] = [];
  const dollar: number[] = [];
  // Rows are in date order, so bar j is row r0 + j.
  for (let j = 0; j < barDays.length; j++) {
    const r = r0 + j;
    if (!validBar(b, r)) continue;
    const i = barDays[j]!;
    traded.push(i);
    dollar.push(putBarRow(out, i - lo, b, r, c0));
  }
  return {
    id, ticker, code: ticker.toLowerCase(), spans, fields: cols, traded, dollarVolume: Float64Array.from(dollar), type, c0,
    delistings, rawType,
  };
}
