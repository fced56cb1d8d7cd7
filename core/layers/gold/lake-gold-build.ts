/**
 * The lake's day gold (`gold/qlib/us`) brought to what silver says, writing only what changed. The
 * target state is derived from silver in full every time (silver-gold-source.ts), so an update can
 * only ever produce what a full rebuild would; the writes are what the difference needs:
 * - an instrument whose stored bins are a prefix of its target gets the new days appended (patch);
 * - one whose history differs (a corrected corporate action, a relisting inside the range, a
 *   rename to a code of its own) is rewritten whole (put), and only it;
 * - a change of spans alone (a delisting inside the range) changes its lines; codes silver no longer
 *   has are removed; the calendar is appended to.
 * Stored history is compared value for value only for instruments a changed day touches; the others'
 * history is known equal because silver's partitions before them did not change (lineage says so).
 * When the stored calendar is not a prefix of the target (earlier history arrived), gold is rebuilt.
 *
 * That derivation reads all of silver. The common daily case (only days after gold's last arrived)
 * is served without it when the state kept with the generation describes it (lake-gold-append.ts);
 * whenever it does not, the result says why (`fallback`) and the derivation above runs.
 */

import { activeGeneration, goldLayout } from './gold-store.ts';
import { updateGold, writeGold } from './gold-writer.ts';
import type { GoldBuild } from './gold-build.ts';
import type { GoldCommitStats, GoldSpan } from './gold-types.ts';
import { appendLakeGold } from './lake-gold-append.ts';
import {
  addDayTerms, digestsOf, emptySums, marketsKey, runMarkets, type DaySums, type GoldDayDigest, type GoldMarketSpec, type MarketRow,
} from './lake-gold-derived.ts';
import { readLakeGoldState, writeLakeGoldState, type LakeGoldState } from './lake-gold-state.ts';
import { readSilverGold, type SilverGoldFiles, type SilverGoldInstrument, type SilverGoldState } from './silver-gold-source.ts';
import { instrumentName } from '../../qlib/qlib-symbols.ts';
import { readQlibCalendar } from '../../qlib/qlib-dir-reader.ts';

export type { GoldDayDigest, GoldMarketSpec } from './lake-gold-derived.ts';

/** What a lake gold build is told. */
export interface LakeGoldBuildOptions {
  /** The Qlib directory (lakeGoldDir). */
  target: string;
  files: SilverGoldFiles;
  /** Last calendar day of the build. */
  end: string;
  /** Days inside the stored calendar whose silver changed since gold was built from it. */
  changedDates: ReadonlySet<string>;
  markets?: readonly GoldMarketSpec[];
  duckdb: { threads: number; memoryLimit: string };
  durable?: boolean;
  /**
   * Feature columns (gold.withFeatures, lowercase) every instrument also carries: NaN on the days
   * this build writes, kept where stored, filled by the feature-columns job (lake-gold-features.ts).
   */
  extraFields?: readonly string[];
}

/** What a lake gold build did. */
export interface LakeGoldBuildResult {
  /**
   * `append`: only silver's new days were read (the state kept with gold described the rest);
   * `update`: all of silver was derived, the difference written; `full`: gold rewritten whole.
   */
  mode: 'full' | 'update' | 'append' | 'empty';
  /** Why all of silver was read rather than only its new days (null for an append or an empty build). */
  fallback: string | null;
  calendar: string[];
  commit: GoldCommitStats | null;
  instruments: number;
  writes: { put: number; appended: number; respanned: number; removed: number; unchanged: number };
  /** Digests of the days whose values may have changed (every day after a derivation of all of silver). */
  days: Map<string, GoldDayDigest>;
}

/** Brings the gold directory to silver's state up to `end`. */
export async function buildLakeGold(opts: LakeGoldBuildOptions): Promise<LakeGoldBuildResult> {
  const active = activeGeneration(goldLayout(opts.target));
  const stored = active ? readQlibCalendar(opts.target) : [];
  let fallback = 'gold has no generation yet';
  if (active) {
    const appended = await appendLakeGold(opts, readLakeGoldState(opts.target), active.generation, stored);
    if (typeof appended !== 'string') return appended;
    fallback = appended;
  }
  const state = await readSilverGold(opts.files, opts.end, opts.duckdb);
  const writes = { put: 0, appended: 0, respanned: 0, removed: 0, unchanged: 0 };
  if (state.calendar.length === 0) {
    return { mode: 'empty', fallback: null, calendar: [], commit: null, instruments: 0, writes, days: new Map() };
  }
  const { calendar, instruments } = state;
  const specs = opts.markets ?? [];
  const markets = runMarkets(calendar, specs, marketRows(calendar, instruments));
  const prefix = stored.length > 0 && stored.length <= calendar.length && stored.every((d, i) => calendar[i] === d);
  let commit: GoldCommitStats;
  let mode: 'full' | 'update';
  if (!prefix) {
    mode = 'full';
    writes.put = instruments.length;
    const extra = opts.extraFields ?? [];
    const input = { freq: 'day', calendar, instruments: instruments.map((x) => withExtraFields(toGold(x), extra)), markets: markets.lines };
    commit = await writeGold(opts.target, input, { durable: opts.durable });
  } else {
    mode = 'update';
    const changed = new Set<number>();
    stored.forEach((d, i) => {
      if (opts.changedDates.has(d)) changed.add(i);
    });
    commit = await updateGold(opts.target, 'day', (b) => {
      b.appendCalendar(calendar.slice(stored.length));
      applyDiff(b, instruments, changed, writes, opts.extraFields ?? []);
      for (const [name, lines] of markets.lines) b.setMarket(name, lines);
    }, { durable: opts.durable });
  }
  const sums = emptySums(calendar.length);
  for (const x of instruments) addDayTerms(sums, x.code, x.spans, x.spans[0]!.start, x.fields, x.spans[0]!.start, x.spans.at(-1)!.end);
  await writeLakeGoldState(opts.target, stateOf(commit.generation, calendar, state, specs, markets.saved, sums));
  return { mode, fallback, calendar, commit, instruments: instruments.length, writes, days: digestsOf(calendar, sums) };
}

/** The state an append resumes from, as a derivation of all of silver gives it. */
function stateOf(
  generation: number,
  calendar: readonly string[],
  st: SilverGoldState,
  specs: readonly GoldMarketSpec[],
  markets: LakeGoldState['markets'],
  sums: DaySums,
): LakeGoldState {
  const facts = (x: { id: string; ticker: string; spans: GoldSpan[]; delistings: string[]; rawType: string }) => ({
    id: x.id, ticker: x.ticker, spans: x.spans, delistings: x.delistings, type: x.rawType,
  });
  return {
    version: 1,
    generation,
    calendar: { first: calendar[0]!, length: calendar.length, last: calendar.at(-1)! },
    marketsKey: marketsKey(specs),
    instruments: [
      ...st.instruments.map((x) => ({ ...facts(x), code: x.code, c0: x.c0 })),
      ...st.pending.map((x) => ({ ...facts(x), code: null, c0: null })),
      ...st.universeOnly.map((x) => ({ id: x.id, code: null, ticker: '', c0: null, spans: [], delistings: x.delistings, type: x.rawType })),
    ],
    sums,
    markets,
  };
}

const toGold = (x: SilverGoldInstrument) => ({ code: x.code, spans: x.spans, fields: x.fields });

/**
 * An instrument with the feature columns added over its bin range: NaN, or the stored values
 * (`stored(field)`, bins from `storedStart`) where the ranges overlap.
 */
function withExtraFields(
  x: { code: string; spans: readonly GoldSpan[]; fields: ReadonlyMap<string, ArrayLike<number>> },
  extra: readonly string[],
  stored?: (field: string) => Float32Array | null,
  storedStart?: number,
): { code: string; spans: readonly GoldSpan[]; fields: Map<string, ArrayLike<number>> } {
  const fields = new Map(x.fields);
  if (!extra.length) return { ...x, fields };
  const lo = x.spans[0]!.start;
  const len = x.spans.at(-1)!.end - lo + 1;
  for (const f of extra) {
    const col = new Float32Array(len).fill(NaN);
    const have = storedStart === undefined ? null : stored?.(f) ?? null;
    if (have) {
      for (let i = Math.max(lo, storedStart!); i < Math.min(lo + len, storedStart! + have.length); i++) col[i - lo] = have[i - storedStart!]!;
    }
    fields.set(f, col);
  }
  return { ...x, fields };
}

function sameSpans(a: readonly { start: number; end: number }[], b: readonly { start: number; end: number }[]): boolean {
  return a.length === b.length && a.every((s, i) => s.start === b[i]!.start && s.end === b[i]!.end);
}

function sameBits(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

function applyDiff(
  b: GoldBuild, instruments: readonly SilverGoldInstrument[], changed: ReadonlySet<number>, w: LakeGoldBuildResult['writes'], extra: readonly string[],
): void {
  const keep = new Set<string>();
  // A rewritten instrument keeps its stored feature values (they follow by lineage where its values changed).
  const put = (x: SilverGoldInstrument) => b.put(withExtraFields(toGold(x), extra, (f) => b.values(x.code, f), b.state(x.code)?.binStart));
  for (const x of instruments) {
    keep.add(x.code);
    const st = b.state(x.code);
    const lo = x.spans[0]!.start;
    const len = x.spans.at(-1)!.end - lo + 1;
    const fields = [...x.fields.keys()];
    const all = [...fields, ...extra].sort();
    if (!st || st.binStart !== lo || st.length > len || st.fields.join() !== all.join() || st.key !== instrumentName(x.code)) {
      put(x);
      w.put++;
      continue;
    }
    const storedEnd = st.binStart + st.length - 1;
    const touched = [...changed].some((i) => i >= lo && i <= Math.max(storedEnd, x.spans.at(-1)!.end)) ||
      st.spans.some((s) => [...changed].some((i) => i >= s.start && i <= s.end));
    if (touched) {
      // History may differ: compare what is stored with the target over the stored range.
      const equal = fields.every((f) => {
        const have = b.values(x.code, f);
        return have !== null && sameBits(have, x.fields.get(f)!.subarray(0, st.length));
      });
      if (!equal) {
        put(x);
        w.put++;
        continue;
      }
    }
    if (len > st.length) {
      const from = st.binStart + st.length;
      const cols = new Map<string, Float32Array>(fields.map((f) => [f, x.fields.get(f)!.subarray(from - lo)]));
      for (const f of extra) cols.set(f, new Float32Array(len - st.length).fill(NaN));
      b.patch(x.code, from, cols, x.spans);
      w.appended++;
    } else if (!sameSpans(st.spans, x.spans)) {
      b.setSpans(x.code, x.spans);
      w.respanned++;
    } else w.unchanged++;
  }
  for (const code of b.codes()) {
    if (!keep.has(code)) {
      b.remove(code);
      w.removed++;
    }
  }
}

/**
 * Every traded day of every instrument, in calendar order (instruments in their order within a
 * day), for the market files. Counting-sorted into typed arrays; the row yielded is one object
 * reused for every row (runMarkets reads it at once).
 */
function* marketRows(calendar: readonly string[], instruments: readonly SilverGoldInstrument[]): Generator<MarketRow> {
  const at = new Int32Array(calendar.length + 1);
  for (const x of instruments) for (const i of x.traded) at[i + 1]!++;
  for (let i = 0; i < calendar.length; i++) at[i + 1]! += at[i]!;
  const who = new Int32Array(at[calendar.length]!);
  const dv = new Float64Array(who.length);
  const next = at.slice(0, calendar.length);
  instruments.forEach((x, n) => {
    x.traded.forEach((i, k) => {
      const j = next[i]!++;
      who[j] = n;
      dv[j] = x.dollarVolume[k]!;
    });
  });
  const row: MarketRow = { index: 0, code: '', dollarVolume: 0, type: '' };
  for (let i = 0; i < calendar.length; i++) {
    for (let j = at[i]!; j < at[i + 1]!; j++) {
      const x = instruments[who[j]!]!;
      row.index = i;
      row.code = x.code;
      row.dollarVolume = dv[j]!;
      row.type = x.type;
      yield row;
    }
  }
}
