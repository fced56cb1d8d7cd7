/**
 * What the lake's gold derives across all instruments: the per-day digests its partition records
 * carry, and the liquidity market files. Both are kept as running state (sums per day, resumable
 * trackers) so a daily update adds the new days' terms instead of recomputing history.
 */
import { instrumentName } from '../../qlib/qlib-symbols.ts';
import type { GoldMarketLine, GoldSpan } from './gold-types.ts';
import { liquidTracker, type LiquidTracker, type LiquidTrackerState } from './universe-markets.ts';

/** A liquidity market file to write beside all.txt (e.g. liquid500). */
export interface GoldMarketSpec {
  name: string;
  size: number;
  windowDays?: number;
  types?: string[];
}

/** Per calendar day: instruments with values and a digest of their values (the day's partition checksum). */
export interface GoldDayDigest {
  rows: number;
  checksum: string;
}

/** Per-day sums behind the digests (unsigned 32-bit, wrapping; rows a count). */
export interface DaySums {
  h1: number[];
  h2: number[];
  rows: number[];
}

/** Sums of zero for n days. */
export const emptySums = (n: number): DaySums => ({
  h1: new Array<number>(n).fill(0), h2: new Array<number>(n).fill(0), rows: new Array<number>(n).fill(0),
});

/**
 * Adds (sign 1) or takes away (sign -1) one instrument's terms over calendar indices [from, to]:
 * each day with a value or a span over it adds a 64-bit mix of its code, the index and its fields'
 * float32 bits (fields in sorted name order; `fields` hold values from calendar index `lo` on). A
 * sum, so instrument order does not matter and a term taken away is gone exactly.
 */
export function addDayTerms(
  sums: DaySums,
  code: string,
  spans: readonly GoldSpan[],
  lo: number,
  fields: ReadonlyMap<string, Float32Array>,
  from: number,
  to: number,
  sign: 1 | -1 = 1,
): void {
  let seed = 0x811c9dc5;
  for (let i = 0; i < code.length; i++) seed = Math.imul(seed ^ code.charCodeAt(i), 0x01000193);
  const cols = [...fields.keys()].sort().map((f) => {
    const v = fields.get(f)!;
    return new Uint32Array(v.buffer, v.byteOffset, v.length);
  });
  for (let i = from; i <= to; i++) {
    const k = i - lo;
    let a = seed ^ i;
    let c = Math.imul(seed, 0x9e3779b1) ^ i;
    let any = false;
    for (let f = 0; f < cols.length; f++) {
      const bits = cols[f]![k]!;
      if (bits !== 0x7fc00000) any = true;
      a = Math.imul(a ^ bits, 0x01000193) ^ (a >>> 13);
      c = Math.imul(c ^ bits, 0x85ebca6b) ^ (c >>> 16);
    }
    if (!any && !spans.some((s) => i >= s.start && i <= s.end)) continue;
    sums.h1[i] = (sums.h1[i]! + sign * (a >>> 0)) >>> 0;
    sums.h2[i] = (sums.h2[i]! + sign * (c >>> 0)) >>> 0;
    if (any) sums.rows[i]! += sign;
  }
}

/** The digests of the given calendar indices (default: all). */
export function digestsOf(calendar: readonly string[], sums: DaySums, indices?: Iterable<number>): Map<string, GoldDayDigest> {
  const out = new Map<string, GoldDayDigest>();
  const hex = (x: number) => x.toString(16).padStart(8, '0');
  for (const i of indices ?? calendar.keys()) {
    out.set(calendar[i]!, { rows: sums.rows[i]!, checksum: `${hex(sums.h1[i]!)}${hex(sums.h2[i]!)}` });
  }
  return out;
}

/** One traded day of one instrument, as the market trackers take it. */
export interface MarketRow {
  index: number;
  code: string;
  dollarVolume: number;
  type: string;
}

/** The market specs as a key (a state built with other specs is not resumed). */
export const marketsKey = (specs: readonly GoldMarketSpec[]) => JSON.stringify(specs);

/**
 * Feeds rows (in calendar order) to one tracker per market, resumed from `resume` when given, and
 * returns each market's lines and the trackers' states to keep.
 */
export function runMarkets(
  calendar: readonly string[],
  specs: readonly GoldMarketSpec[],
  rows: Iterable<MarketRow>,
  resume?: Readonly<Record<string, LiquidTrackerState>>,
): { lines: Map<string, GoldMarketLine[]>; saved: Record<string, LiquidTrackerState> } {
  const trackers: Array<[string, LiquidTracker]> = specs.map((s) => [
    s.name,
    liquidTracker(
      { calendar, size: s.size, ...(s.windowDays ? { windowDays: s.windowDays } : {}), ...(s.types ? { types: s.types } : {}) },
      resume?.[s.name],
    ),
  ]);
  if (trackers.length) {
    // Names computed once per code; rows go in by calendar index (no date strings per row).
    const names = new Map<string, string>();
    for (const r of rows) {
      let name = names.get(r.code);
      if (name === undefined) names.set(r.code, (name = instrumentName(r.code)));
      for (const [, t] of trackers) t.feedAt(r.index, name, r.dollarVolume, r.type);
    }
  }
  const lines = new Map<string, GoldMarketLine[]>();
  const saved: Record<string, LiquidTrackerState> = {};
  for (const [name, t] of trackers) {
    lines.set(name, t.lines());
    saved[name] = t.save();
  }
  return { lines, saved };
}
