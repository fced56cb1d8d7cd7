/**
 * The daily case of the lake's gold: silver gained days after gold's last and changed nothing
 * before. Only the new days' partitions are read; what a derivation of all of silver would know of
 * each instrument's history comes from the state kept with the generation (lake-gold-state.ts):
 * the Yahoo anchor c0 (the first valid close, fixed once seen), the spans (extended, or cut where a
 * reported delisting falls between the last bar and the new one, exactly as spansOf cuts), the
 * ticker of the last bar (codes are resolved again over every instrument), the latest type, the
 * per-day digest sums and the market trackers. The writes are the ones a derivation would make:
 * a patch appending each traded instrument's new days, a put for a name whose first valid bar
 * arrived, the calendar's new days, the market files.
 *
 * Whatever this cannot reproduce exactly it refuses, returning the reason, and the caller derives
 * from all of silver: changed stored days, a new delisting inside an instrument's history, a type
 * change (market eligibility over all days), a code change (a rename or a reused symbol), earlier
 * silver, other market specs, or a state that does not describe the current generation.
 */
import { tradingDays } from '../../calendar/index.ts';
import { openDuckDb } from '../../duckdb/duckdb-instance.ts';
import type { GoldColumns, GoldSpan } from './gold-types.ts';
import { updateGold } from './gold-writer.ts';
import type { LakeGoldBuildOptions, LakeGoldBuildResult } from './lake-gold-build.ts';
import { addDayTerms, digestsOf, marketsKey, runMarkets, type MarketRow } from './lake-gold-derived.ts';
import { writeLakeGoldState, type LakeGoldInstrumentState, type LakeGoldState } from './lake-gold-state.ts';
import {
  ADJUSTED_BARS_DATASET, assignCodes, barDate, calendarIndexOfDay, GOLD_DAY_FIELDS, NO_DAY, putBarFields, readBars, readUniverse,
  SilverGoldInputError, validBar, type BarColumns, type UniverseFacts,
} from './silver-gold-source.ts';

/** Thrown inside the build when gold's manifest disagrees with the state (the build is then abandoned). */
class StateMismatch extends Error {}

interface Touched {
  s: LakeGoldInstrumentState;
  /** The last calendar index its bins covered before (-1: not in gold). */
  oldEnd: number;
  rows: [number, number];
}

const copyState = (s: LakeGoldInstrumentState): LakeGoldInstrumentState => ({
  ...s, spans: s.spans.map((x) => ({ ...x })), delistings: [...s.delistings],
});

/**
 * Appends silver's new days to the lake's gold when the kept state allows it exactly; returns the
 * build's result, or why it could not (the caller then derives from all of silver).
 */
export async function appendLakeGold(
  opts: LakeGoldBuildOptions,
  state: LakeGoldState | null,
  generation: number,
  stored: readonly string[],
): Promise<LakeGoldBuildResult | string> {
  if (!state) return 'no append state is kept with the gold generation';
  if (state.generation !== generation) return `the append state describes generation ${state.generation}, not the current ${generation}`;
  const specs = opts.markets ?? [];
  if (state.marketsKey !== marketsKey(specs)) return 'the market files asked for differ from those gold was built with';
  if (state.calendar.length !== stored.length || state.calendar.last !== stored.at(-1)) {
    return 'the append state does not match the calendar';
  }
  const barDates = [...opts.files.bars.keys()].filter((d) => d <= opts.end).sort();
  if (barDates[0] !== state.calendar.first) {
    return `silver's first day is ${barDates[0] ?? 'none'}, gold's calendar starts on ${state.calendar.first}`;
  }
  const calendar = tradingDays(barDates[0], opts.end);
  if (calendar.length < stored.length || stored.some((d, i) => calendar[i] !== d)) {
    return 'the stored calendar is not a prefix of the target one';
  }
  const changed = stored.filter((d) => opts.changedDates.has(d));
  if (changed.length) return `silver changed on ${changed.length} stored day(s) (${changed[0]}..${changed.at(-1)})`;

  const n0 = stored.length;
  const newDays = calendar.slice(n0);
  const barFiles = newDays.flatMap((d) => (opts.files.bars.has(d) ? [opts.files.bars.get(d)!] : []));
  const uniFiles = newDays.flatMap((d) => (opts.files.universe?.has(d) ? [opts.files.universe.get(d)!] : []));
  let bars: BarColumns | null = null;
  let facts = new Map<string, UniverseFacts>();
  if (barFiles.length || uniFiles.length) {
    const db = await openDuckDb({ threads: opts.duckdb.threads, memoryLimit: opts.duckdb.memoryLimit });
    try {
      if (barFiles.length) bars = await readBars(db, barFiles);
      if (uniFiles.length) facts = await readUniverse(db, uniFiles);
    } finally {
      db.close();
    }
  }

  const byId = new Map(state.instruments.map((s) => [s.id, copyState(s)]));
  const instrument = (id: string) => {
    let s = byId.get(id);
    if (!s) byId.set(id, (s = { id, code: null, ticker: '', c0: null, spans: [], delistings: [], type: '' }));
    return s;
  };
  // The universe's new facts: a delisting inside stored history, or a type change, changes history.
  for (const [id, f] of facts) {
    const s = instrument(id);
    const first = s.spans.length ? calendar[s.spans[0]!.start]! : null;
    const last = s.spans.length ? calendar[s.spans.at(-1)!.end]! : null;
    for (const d of f.delistings) {
      if (s.delistings.includes(d)) continue;
      if (first !== null && d >= first && d < last!) {
        return `a delisting of ${id} on ${d} reported on a new day falls inside its stored history`;
      }
      s.delistings.push(d);
    }
    s.delistings.sort();
    if (f.type) {
      if (specs.length && s.code !== null && f.type !== (s.type || 'CS')) {
        return `the type of ${s.code} changed from ${s.type || 'CS'} to ${f.type} (market eligibility over all its days)`;
      }
      s.type = f.type;
    }
  }

  // The new bars: spans extended or cut, the anchor taken from a first valid bar, the last ticker.
  const touched: Touched[] = [];
  const indexOf = calendarIndexOfDay(calendar);
  for (let g = 0; g < (bars?.ids.length ?? 0); g++) {
    const b = bars!;
    const id = b.ids[g]!;
    const r = b.start[g]!;
    const e = b.start[g + 1]!;
    if (!id) {
      throw new SilverGoldInputError(`silver ${ADJUSTED_BARS_DATASET} ${barDate(b, r)}: a row without instrument_id (ticker ${b.firstTicker[g]})`);
    }
    const s = instrument(id);
    const oldEnd = s.code === null ? -1 : s.spans.at(-1)!.end;
    let prevDay = NO_DAY;
    for (let k = r; k < e; k++) {
      const i = indexOf(b.day[k]!);
      if (i < 0) {
        const what = `instrument ${id} has a bar on a day that is not an NYSE trading day`;
        throw new SilverGoldInputError(`silver ${ADJUSTED_BARS_DATASET} ${barDate(b, k)}: ${what}`);
      }
      const d = calendar[i]!;
      if (b.day[k] === prevDay) throw new SilverGoldInputError(`silver ${ADJUSTED_BARS_DATASET} ${d}: instrument ${id} has two bars`);
      prevDay = b.day[k]!;
      const span = s.spans.at(-1);
      const before = span ? calendar[span.end]! : '';
      if (span && !s.delistings.some((x) => x >= before && x < d)) span.end = i;
      else s.spans.push({ start: i, end: i });
      if (s.c0 === null && validBar(b, k)) {
        const c0 = b.close[k]!;
        if (!(c0 > 0)) {
          throw new SilverGoldInputError(`silver ${ADJUSTED_BARS_DATASET} ${d}: instrument ${id} has a first adjusted close of ${c0}`);
        }
        s.c0 = c0;
      }
    }
    s.ticker = b.lastTicker[g]!;
    if (!s.ticker) throw new SilverGoldInputError(`silver ${ADJUSTED_BARS_DATASET} ${barDate(b, e - 1)}: instrument ${id} has no ticker`);
    touched.push({ s, oldEnd, rows: [r, e] });
  }

  // Codes over every instrument in gold: any change is a rename of stored files.
  const coded = [...byId.values()].filter((s) => s.c0 !== null);
  const codes = assignCodes(coded.map((s) => ({ id: s.id, ticker: s.ticker, last: s.spans.at(-1)!.end })));
  for (const s of coded) {
    const code = codes.get(s.id)!;
    if (s.code !== null && s.code !== code) {
      return `instrument ${s.id} changes code from ${s.code} to ${code} (a rename or a reused symbol)`;
    }
    s.code = code;
  }

  // Values of the new days (from the old end on, NaN where there is no valid bar), market rows, day sums.
  const sums = { h1: [...state.sums.h1], h2: [...state.sums.h2], rows: [...state.sums.rows] };
  for (let i = n0; i < calendar.length; i++) {
    sums.h1.push(0);
    sums.h2.push(0);
    sums.rows.push(0);
  }
  const reported = new Set<number>(newDays.map((_, k) => n0 + k));
  const marketRows: MarketRow[] = [];
  const writes: Array<{ code: string; from: number; spans: GoldSpan[]; fields: Map<string, Float32Array>; put: boolean }> = [];
  const extra = opts.extraFields ?? [];
  for (const t of touched) {
    const { s } = t;
    if (s.code === null || s.c0 === null) continue;
    const put = t.oldEnd < 0;
    const from = put ? s.spans[0]!.start : t.oldEnd + 1;
    const end = s.spans.at(-1)!.end;
    const fields = new Map(GOLD_DAY_FIELDS.map((f) => [f as string, new Float32Array(end - from + 1).fill(NaN)]));
    const b = bars!;
    for (let k = t.rows[0]; k < t.rows[1]; k++) {
      if (!validBar(b, k)) continue;
      const i = indexOf(b.day[k]!);
      marketRows.push({ index: i, code: s.code, dollarVolume: putBarFields(fields, i - from, b, k, s.c0), type: s.type || 'CS' });
    }
    addDayTerms(sums, s.code, s.spans, from, fields, from, end);
    // Feature columns are NaN on new days until the feature-columns job writes that day's values.
    for (const f of extra) fields.set(f, new Float32Array(end - from + 1).fill(NaN));
    for (let i = from; i <= end; i++) reported.add(i);
    writes.push({ code: s.code, from, spans: s.spans, fields, put });
  }
  marketRows.sort((a, b) => a.index - b.index);
  const markets = runMarkets(calendar, specs, marketRows, state.markets);

  const dayFields = [...GOLD_DAY_FIELDS, ...extra].sort().join();
  let commit;
  try {
    commit = await updateGold(opts.target, 'day', (b) => {
      b.appendCalendar(newDays);
      for (const w of writes) {
        if (w.put) {
          b.put({ code: w.code, spans: w.spans, fields: w.fields as GoldColumns });
          continue;
        }
        const st = b.state(w.code);
        const fieldsMatch = st?.fields.join() === dayFields;
        if (!st || !fieldsMatch || st.binStart !== w.spans[0]!.start || st.binStart + st.length !== w.from) {
          throw new StateMismatch(`gold's manifest does not hold ${w.code} as the append state says`);
        }
        b.patch(w.code, w.from, w.fields, w.spans);
      }
      for (const [name, lines] of markets.lines) b.setMarket(name, lines);
    }, { durable: opts.durable });
  } catch (err) {
    if (err instanceof StateMismatch) return err.message;
    throw err;
  }
  const instruments = [...byId.values()];
  await writeLakeGoldState(opts.target, {
    version: 1,
    generation: commit.generation,
    calendar: { first: calendar[0]!, length: calendar.length, last: calendar.at(-1)! },
    marketsKey: state.marketsKey,
    instruments,
    sums,
    markets: markets.saved,
  });
  const put = writes.filter((w) => w.put).length;
  const inGold = instruments.filter((s) => s.code !== null).length;
  return {
    mode: 'append',
    fallback: null,
    calendar,
    commit,
    instruments: inGold,
    writes: { put, appended: writes.length - put, respanned: 0, removed: 0, unchanged: inGold - writes.length },
    days: digestsOf(calendar, sums, [...reported].sort((a, b) => a - b)),
  };
}
