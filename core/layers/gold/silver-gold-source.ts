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

const num = (v: unknown): number => (typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : v === null || v === undefined ? NaN : Number(v));

/** Reads silver's bars (and universe) up to `end` and derives the gold instruments. */
export async function readSilverGold(
  files: SilverGoldFiles,
  end: string,
  duckdb: { threads: number; memoryLimit: string },
): Promise<SilverGoldState> {
  const barDates = [...files.bars.keys()].filter((d) => d <= end).sort();
  if (barDates.length === 0) return { calendar: [], instruments: [], pending: [], universeOnly: [] };
  const calendar = tradingDays(barDates[0]!, end);
  const index = new Map(calendar.map((d, i) => [d, i]));
  const db = await openDuckDb({ threads: duckdb.threads, memoryLimit: duckdb.memoryLimit });
  try {
    const bars = await readBars(db, barDates.map((d) => files.bars.get(d)!));
    const uniFiles = files.universe ? [...files.universe].filter(([d]) => d <= end && d >= barDates[0]!).sort(([a], [b]) => (a < b ? -1 : 1)) : [];
    const uni = uniFiles.length ? await readUniverse(db, uniFiles.map(([, f]) => f)) : null;
    const { instruments, pending } = deriveInstruments(index, bars, uni);
    const withBars = new Set([...instruments.map((x) => x.id), ...pending.map((x) => x.id)]);
    const universeOnly = [...(uni ?? [])]
      .filter(([id]) => !withBars.has(id))
      .map(([id, f]) => ({ id, rawType: f.type, delistings: [...f.delistings].sort() }));
    return { calendar, instruments, pending, universeOnly };
  } finally {
    db.close();
  }
}

/** Silver's bar rows, column by column, ordered by instrument id then date. */
export interface BarColumns {
  id: string[];
  ticker: string[];
  date: string[];
  volume: number[];
  factor: number[];
  open: number[];
  high: number[];
  low: number[];
  close: number[];
  vwap: number[];
  change: number[];
}

/** Reads the bar rows of the given files, ordered by instrument id and date. */
export async function readBars(db: DuckDbHandle, files: string[]): Promise<BarColumns> {
  const list = `[${files.map(sqlString).join(', ')}]`;
  const sql = `SELECT CAST(instrument_id AS VARCHAR), CAST(ticker AS VARCHAR), CAST(date AS VARCHAR), CAST(volume AS DOUBLE),
    CAST(factor AS DOUBLE), CAST(adj_open AS DOUBLE), CAST(adj_high AS DOUBLE), CAST(adj_low AS DOUBLE), CAST(adj_close AS DOUBLE),
    CAST(vwap AS DOUBLE), CAST(change AS DOUBLE)
    FROM read_parquet(${list}) ORDER BY 1, 3`;
  let cols: unknown[][];
  try {
    cols = (await db.connection.runAndReadAll(sql)).getColumns();
  } catch (err) {
    throw new SilverGoldInputError(`silver ${ADJUSTED_BARS_DATASET}: cannot read the columns gold needs (${ADJUSTED_BAR_COLUMNS.join(', ')}): ${(err as Error).message}`);
  }
  const s = (c: unknown[]) => c.map((v) => (v === null ? '' : String(v)));
  const n = (c: unknown[]) => c.map(num);
  return {
    id: s(cols[0]!), ticker: s(cols[1]!), date: s(cols[2]!), volume: n(cols[3]!), factor: n(cols[4]!), open: n(cols[5]!),
    high: n(cols[6]!), low: n(cols[7]!), close: n(cols[8]!), vwap: n(cols[9]!), change: n(cols[10]!),
  };
}

/** What the universe says of one instrument: its latest known security type and the delisting dates reported. */
export interface UniverseFacts {
  type: string;
  delistings: Set<string>;
}

/** The universe's facts per instrument id (rows in date order, so the type is the latest day's). */
export async function readUniverse(db: DuckDbHandle, files: string[]): Promise<Map<string, UniverseFacts>> {
  const list = `[${files.map(sqlString).join(', ')}]`;
  let cols: unknown[][];
  try {
    cols = (await db.connection.runAndReadAll(
      `SELECT CAST(instrument_id AS VARCHAR), CAST(type AS VARCHAR), CAST(delisted_date AS VARCHAR)
       FROM read_parquet(${list}) WHERE instrument_id IS NOT NULL ORDER BY date`,
    )).getColumns();
  } catch (err) {
    throw new SilverGoldInputError(`silver ${UNIVERSE_DATASET}: cannot read instrument_id, type, delisted_date: ${(err as Error).message}`);
  }
  const out = new Map<string, UniverseFacts>();
  const idCol = cols[0]!;
  for (let i = 0; i < idCol.length; i++) {
    const id = String(idCol[i]);
    let f = out.get(id);
    if (!f) out.set(id, (f = { type: '', delistings: new Set() }));
    const type = cols[1]![i];
    if (type !== null && type !== undefined && String(type) !== '') f.type = String(type);
    const delisted = cols[2]![i];
    if (delisted !== null && delisted !== undefined) f.delistings.add(String(delisted));
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

/**
 * Writes the gold fields of bar row r (valid: finite adjusted close, volume above 0) at position k,
 * normalised by c0 (in float64, stored as float32), and returns the day's raw dollar volume.
 */
export function putBarFields(cols: ReadonlyMap<string, Float32Array>, k: number, b: BarColumns, r: number, c0: number): number {
  const c = b.close[r]!;
  const v = b.volume[r]!;
  const f = b.factor[r]!;
  cols.get('open')![k] = b.open[r]! / c0;
  cols.get('high')![k] = b.high[r]! / c0;
  cols.get('low')![k] = b.low[r]! / c0;
  cols.get('close')![k] = c / c0;
  cols.get('volume')![k] = (v / f) * c0;
  cols.get('factor')![k] = f / c0;
  cols.get('vwap')![k] = (b.vwap[r]! * f) / c0;
  cols.get('change')![k] = b.change[r]!;
  return (c / f) * v;
}

/** Whether bar row r is valid (Yahoo's collector blanks volume <= 0 and a missing close). */
export const validBar = (b: BarColumns, r: number) => Number.isFinite(b.close[r]!) && b.volume[r]! > 0;

function deriveInstruments(
  index: ReadonlyMap<string, number>,
  b: BarColumns,
  universe: Map<string, UniverseFacts> | null,
): { instruments: SilverGoldInstrument[]; pending: SilverGoldPending[] } {
  const dateOf = [...index.keys()];
  const out: SilverGoldInstrument[] = [];
  const pending: SilverGoldPending[] = [];
  const n = b.id.length;
  let r = 0;
  while (r < n) {
    const id = b.id[r]!;
    let e = r;
    while (e < n && b.id[e] === id) e++;
    if (!id) throw new SilverGoldInputError(`silver ${ADJUSTED_BARS_DATASET} ${b.date[r]}: a row without instrument_id (ticker ${b.ticker[r]})`);
    const inst = deriveOne(index, dateOf, b, r, e, universe?.get(id) ?? null);
    if ('fields' in inst) out.push(inst);
    else pending.push(inst);
    r = e;
  }
  // Codes: a reused symbol goes to the instrument that holds it last.
  const codes = assignCodes(out.map((x) => ({ id: x.id, ticker: x.ticker, last: x.spans.at(-1)!.end })));
  for (const x of out) x.code = codes.get(x.id)!;
  return { instruments: out, pending };
}

function deriveOne(
  index: ReadonlyMap<string, number>,
  dateOf: readonly string[],
  b: BarColumns,
  r0: number,
  r1: number,
  facts: UniverseFacts | null,
): SilverGoldInstrument | SilverGoldPending {
  const id = b.id[r0]!;
  let c0 = NaN;
  for (let r = r0; r < r1; r++) {
    if (validBar(b, r)) {
      c0 = b.close[r]!;
      break;
    }
  }
  if (Number.isFinite(c0) && !(c0 > 0)) {
    throw new SilverGoldInputError(`silver ${ADJUSTED_BARS_DATASET} ${b.date[r0]}: instrument ${id} has a first adjusted close of ${c0}`);
  }
  const barDays: number[] = [];
  let prevDate = '';
  for (let r = r0; r < r1; r++) {
    const d = b.date[r]!;
    const i = index.get(d);
    if (i === undefined) throw new SilverGoldInputError(`silver ${ADJUSTED_BARS_DATASET} ${d}: instrument ${id} has a bar on a day that is not an NYSE trading day`);
    if (d === prevDate) throw new SilverGoldInputError(`silver ${ADJUSTED_BARS_DATASET} ${d}: instrument ${id} has two bars`);
    prevDate = d;
    barDays.push(i);
  }
  const lastRow = r1 - 1;
  const ticker = b.ticker[lastRow]!;
  if (!ticker) throw new SilverGoldInputError(`silver ${ADJUSTED_BARS_DATASET} ${b.date[lastRow]}: instrument ${id} has no ticker`);
  const delistings = [...(facts?.delistings ?? [])].sort();
  const rawType = facts?.type ?? '';
  const spans = spansOf(barDays, dateOf, new Set(delistings));
  if (!Number.isFinite(c0)) return { id, ticker, spans, delistings, rawType };
  // Without a universe (or a snapshot naming the type) an instrument counts as a common stock.
  const type = rawType || 'CS';
  const lo = spans[0]!.start;
  const len = spans.at(-1)!.end - lo + 1;
  const cols = new Map<string, Float32Array>(GOLD_DAY_FIELDS.map((f) => [f, new Float32Array(len).fill(NaN)]));
  const traded: number[] = [];
  const dollar: number[] = [];
  // Rows are in date order, so bar k is row r0 + k.
  barDays.forEach((i, k) => {
    const r = r0 + k;
    if (!validBar(b, r)) return;
    traded.push(i);
    dollar.push(putBarFields(cols, i - lo, b, r, c0));
  });
  return {
    id, ticker, code: ticker.toLowerCase(), spans, fields: cols, traded, dollarVolume: Float64Array.from(dollar), type, c0,
    delistings, rawType,
  };
}
