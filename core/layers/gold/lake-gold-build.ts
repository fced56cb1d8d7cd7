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
 */
import { activeGeneration, goldLayout } from './gold-store.ts';
import { updateGold, writeGold } from './gold-writer.ts';
import type { GoldBuild } from './gold-build.ts';
import type { GoldCommitStats, GoldMarketLine } from './gold-types.ts';
import { readSilverGold, type SilverGoldFiles, type SilverGoldInstrument } from './silver-gold-source.ts';
import { liquidUniverse, type UniverseDayRow } from './universe-markets.ts';
import { instrumentName } from '../../qlib/qlib-symbols.ts';
import { readQlibCalendar } from '../../qlib/qlib-dir-reader.ts';

/** A liquidity market file to write beside all.txt (e.g. liquid500). */
export interface GoldMarketSpec {
  name: string;
  size: number;
  windowDays?: number;
  types?: string[];
}

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
}

/** Per calendar day: instruments with values and a digest of their values (the day's partition checksum). */
export interface GoldDayDigest {
  rows: number;
  checksum: string;
}

/** What a lake gold build did. */
export interface LakeGoldBuildResult {
  mode: 'full' | 'update' | 'empty';
  calendar: string[];
  commit: GoldCommitStats | null;
  instruments: number;
  writes: { put: number; appended: number; respanned: number; removed: number; unchanged: number };
  days: Map<string, GoldDayDigest>;
}

/** Brings the gold directory to silver's state up to `end`. */
export async function buildLakeGold(opts: LakeGoldBuildOptions): Promise<LakeGoldBuildResult> {
  const state = await readSilverGold(opts.files, opts.end, opts.duckdb);
  const writes = { put: 0, appended: 0, respanned: 0, removed: 0, unchanged: 0 };
  if (state.calendar.length === 0) return { mode: 'empty', calendar: [], commit: null, instruments: 0, writes, days: new Map() };
  const { calendar, instruments } = state;
  const markets = marketsOf(calendar, instruments, opts.markets ?? []);
  const active = activeGeneration(goldLayout(opts.target));
  const stored = active ? readQlibCalendar(opts.target) : [];
  const prefix = stored.length > 0 && stored.length <= calendar.length && stored.every((d, i) => calendar[i] === d);
  let commit: GoldCommitStats;
  let mode: 'full' | 'update';
  if (!prefix) {
    mode = 'full';
    writes.put = instruments.length;
    commit = await writeGold(opts.target, { freq: 'day', calendar, instruments: instruments.map(toGold), markets }, { durable: opts.durable });
  } else {
    mode = 'update';
    const changed = new Set<number>();
    stored.forEach((d, i) => {
      if (opts.changedDates.has(d)) changed.add(i);
    });
    commit = await updateGold(opts.target, 'day', (b) => {
      b.appendCalendar(calendar.slice(stored.length));
      applyDiff(b, instruments, changed, writes);
      for (const [name, lines] of markets) b.setMarket(name, lines);
    }, { durable: opts.durable });
  }
  return { mode, calendar, commit, instruments: instruments.length, writes, days: dayDigests(calendar, instruments) };
}

const toGold = (x: SilverGoldInstrument) => ({ code: x.code, spans: x.spans, fields: x.fields });

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

function applyDiff(b: GoldBuild, instruments: readonly SilverGoldInstrument[], changed: ReadonlySet<number>, w: LakeGoldBuildResult['writes']): void {
  const keep = new Set<string>();
  for (const x of instruments) {
    keep.add(x.code);
    const st = b.state(x.code);
    const lo = x.spans[0]!.start;
    const len = x.spans.at(-1)!.end - lo + 1;
    const fields = [...x.fields.keys()].sort();
    if (!st || st.binStart !== lo || st.length > len || st.fields.join() !== fields.join() || st.key !== instrumentName(x.code)) {
      b.put(toGold(x));
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
        b.put(toGold(x));
        w.put++;
        continue;
      }
    }
    if (len > st.length) {
      const from = st.binStart + st.length;
      b.patch(x.code, from, new Map(fields.map((f) => [f, x.fields.get(f)!.subarray(from - lo)])), x.spans);
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

function marketsOf(calendar: readonly string[], instruments: readonly SilverGoldInstrument[], specs: readonly GoldMarketSpec[]): Map<string, GoldMarketLine[]> {
  const out = new Map<string, GoldMarketLine[]>();
  if (specs.length === 0) return out;
  // Rows in date order, as liquidUniverse takes them.
  const byDay: UniverseDayRow[][] = calendar.map(() => []);
  for (const x of instruments) {
    const name = instrumentName(x.code);
    x.traded.forEach((i, k) => byDay[i]!.push({ date: calendar[i]!, instrument: name, dollarVolume: x.dollarVolume[k]!, type: x.type }));
  }
  for (const s of specs) {
    out.set(s.name, liquidUniverse(byDay.flat(), { calendar, size: s.size, ...(s.windowDays ? { windowDays: s.windowDays } : {}), ...(s.types ? { types: s.types } : {}) }));
  }
  return out;
}

/**
 * Per-day digests: each instrument with a value that day or a span over it adds a 64-bit mix of its
 * code and its fields' float32 bits (a sum, so instrument order does not matter). Partitions built
 * from gold record these, so a day whose values or rows change makes them stale (feature sets emit
 * a row for every instrument inside its span) and an untouched day does not. `rows` counts the
 * instruments with values.
 */
function dayDigests(calendar: readonly string[], instruments: readonly SilverGoldInstrument[]): Map<string, GoldDayDigest> {
  const n = calendar.length;
  const h1 = new Uint32Array(n);
  const h2 = new Uint32Array(n);
  const rows = new Uint32Array(n);
  for (const x of instruments) {
    let seed = 0x811c9dc5;
    for (let i = 0; i < x.code.length; i++) seed = Math.imul(seed ^ x.code.charCodeAt(i), 0x01000193);
    const lo = x.spans[0]!.start;
    const cols = [...x.fields.keys()].sort().map((f) => {
      const v = x.fields.get(f)!;
      return new Uint32Array(v.buffer, v.byteOffset, v.length);
    });
    const len = cols[0]?.length ?? 0;
    const inSpan = new Uint8Array(len);
    for (const sp of x.spans) inSpan.fill(1, sp.start - lo, sp.end - lo + 1);
    for (let k = 0; k < len; k++) {
      let a = seed ^ (lo + k);
      let c = Math.imul(seed, 0x9e3779b1) ^ (lo + k);
      let any = false;
      for (let f = 0; f < cols.length; f++) {
        const bits = cols[f]![k]!;
        if (bits !== 0x7fc00000) any = true;
        a = Math.imul(a ^ bits, 0x01000193) ^ (a >>> 13);
        c = Math.imul(c ^ bits, 0x85ebca6b) ^ (c >>> 16);
      }
      if (!any && !inSpan[k]) continue;
      const i = lo + k;
      h1[i] = (h1[i]! + a) >>> 0;
      h2[i] = (h2[i]! + c) >>> 0;
      if (any) rows[i]!++;
    }
  }
  const out = new Map<string, GoldDayDigest>();
  for (let i = 0; i < n; i++) {
    out.set(calendar[i]!, { rows: rows[i]!, checksum: `${h1[i]!.toString(16).padStart(8, '0')}${h2[i]!.toString(16).padStart(8, '0')}` });
  }
  return out;
}
