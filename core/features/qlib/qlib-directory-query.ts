/**
 * Evaluating a feature set over a Qlib data directory with Qlib's row rules (facts from
 * qlib/data/data.py, see shared reference sections 1.8 and 3):
 * - `--instruments all` lists instruments/all.txt, clips each span to the query dates and drops rows
 *   outside the spans after computing; an explicit list keeps every row of the bin files;
 * - each expression is computed over the rows Qlib loads for it: [start - lft, end + rght] (its
 *   extended window) within the bin range, so outputs are evaluated in groups that share a load range;
 * - rows are the union of the expressions' rows within [start, end]; an instrument without rows is dropped;
 * - instruments come out sorted by name.
 */
import { readQlibCalendar, readQlibFeature, readQlibInstruments } from '../../qlib/qlib-dir-reader.ts';
import type { CompiledFeatureSet } from '../engine/feature-set-compiler.ts';
import { evaluatorFor, planForOutputs } from '../engine/feature-set-compiler.ts';
import { EvaluationError, type FieldColumn } from '../engine/plan-evaluator.ts';

export interface QlibQuery {
  qlibDir: string;
  /**
   * `all` or `{ market }` (the spans of instruments/<market>.txt), or explicit instrument names
   * (their whole bin ranges, no span filter).
   */
  instruments: 'all' | { market: string } | readonly string[];
  /** First and last date (YYYY-MM-DD, inclusive); default the whole calendar. */
  start?: string;
  end?: string;
}

/** One instrument to evaluate: its name and, for `all`, the spans its rows must fall in. */
export interface QlibInstrumentJob {
  instrument: string;
  spans: Array<[string, string]> | null;
}

export interface QlibQueryPlan {
  qlibDir: string;
  calendar: string[];
  /** Calendar indices of the first and last query day (startIndex > endIndex: nothing to compute). */
  startIndex: number;
  endIndex: number;
  jobs: QlibInstrumentJob[];
}

/** One instrument's result: calendar indices of its rows and the values, column-major (output k's rows at k*rows). */
export interface QlibInstrumentRows {
  instrument: string;
  rows: Int32Array;
  values: Float32Array;
}

/** Resolves the calendar range and the instruments of a query. */
export function planQlibQuery(query: QlibQuery): QlibQueryPlan {
  const calendar = readQlibCalendar(query.qlibDir);
  if (calendar.length === 0) throw new Error(`${query.qlibDir}: the calendar is empty`);
  const first = query.start ?? calendar[0]!;
  const last = query.end ?? calendar[calendar.length - 1]!;
  const startIndex = lowerBound(calendar, first);
  if (startIndex >= calendar.length) throw new Error(`--start ${first} is after the last calendar day ${calendar[calendar.length - 1]}`);
  const endIndex = upperBound(calendar, last) - 1;
  let jobs: QlibInstrumentJob[];
  if (query.instruments === 'all' || 'market' in query.instruments) {
    const market = query.instruments === 'all' ? 'all' : query.instruments.market;
    const spans = new Map<string, Array<[string, string]>>();
    for (const s of readQlibInstruments(query.qlibDir, market)) {
      const a = s.start > first ? s.start : first;
      const b = s.end < last ? s.end : last;
      const list = spans.get(s.instrument) ?? [];
      if (a <= b) list.push([a, b]);
      spans.set(s.instrument, list);
    }
    jobs = [...spans].filter(([, l]) => l.length > 0).map(([instrument, l]) => ({ instrument, spans: l }));
  } else {
    jobs = [...new Set(query.instruments as readonly string[])].map((instrument) => ({ instrument, spans: null }));
  }
  jobs.sort((a, b) => (a.instrument < b.instrument ? -1 : a.instrument > b.instrument ? 1 : 0));
  return { qlibDir: query.qlibDir, calendar, startIndex, endIndex, jobs };
}

/** Evaluates one instrument as Qlib's D.features would; null when it has no rows. */
export function evaluateQlibInstrument(compiled: CompiledFeatureSet, plan: QlibQueryPlan, job: QlibInstrumentJob): QlibInstrumentRows | null {
  const { calendar, startIndex, endIndex } = plan;
  if (startIndex > endIndex) return null;
  const bins = new Map<string, { start: number; values: Float32Array }>();
  let binLo = Infinity;
  let binHi = -Infinity; // inclusive
  for (const field of compiled.fields) {
    const s = readQlibFeature(plan.qlibDir, job.instrument, field);
    if (!s || s.values.length === 0) continue;
    const end = s.start + s.values.length - 1;
    if (end >= calendar.length) {
      throw new Error(`${job.instrument}: $${field} runs to calendar index ${end} but the calendar has ${calendar.length} days`);
    }
    bins.set(field, s);
    binLo = Math.min(binLo, s.start);
    binHi = Math.max(binHi, end);
  }
  if (bins.size === 0) return null;

  // Group the outputs by the rows Qlib loads for them, clipped to this instrument's data.
  const groups = new Map<string, { lo: number; hi: number; outputs: number[] }>();
  compiled.windows.forEach((w, k) => {
    const lo = Math.max(binLo, Math.max(0, startIndex - w.qlibLeft));
    const hi = Math.min(binHi, endIndex + w.qlibRight);
    const key = `${lo}:${hi}`;
    const g = groups.get(key) ?? { lo, hi, outputs: [] };
    g.outputs.push(k);
    groups.set(key, g);
  });

  const nOut = compiled.names.length;
  // Rows can only be in [base, top]; each output's buffer is copied straight into its column.
  const base = Math.max(startIndex, binLo);
  const top = Math.min(endIndex, binHi);
  if (top < base) return null;
  const span = top - base + 1;
  const values = new Float32Array(span * nOut);
  const filled = new Uint8Array(nOut);
  let rowLo = Infinity;
  let rowHi = -Infinity; // inclusive, calendar indices
  for (const g of groups.values()) {
    if (g.hi < g.lo) continue;
    const length = g.hi - g.lo + 1;
    const fields: Record<string, FieldColumn> = {};
    for (const [field, s] of bins) {
      const a = Math.max(s.start, g.lo);
      const b = Math.min(s.start + s.values.length - 1, g.hi);
      if (a > b) continue;
      fields[field] = { offset: a - g.lo, values: s.values.subarray(a - s.start, b - s.start + 1) };
    }
    const shift = g.lo - base; // group row i is result row i + shift
    const evaluator = evaluatorFor(planForOutputs(compiled, g.outputs));
    const rows = withInstrument(job.instrument, () => evaluator.evaluateInto({ length, fields }, (j, v, l, h) => {
      const k = g.outputs[j]!;
      copyColumn(v, l, h, values, k * span, span, shift);
      filled[k] = 1;
    }));
    if (rows.hi > rows.lo) {
      // Qlib keeps each expression's rows within [start, end]; the frame's rows are their union
      rowLo = Math.min(rowLo, Math.max(startIndex, g.lo + rows.lo));
      rowHi = Math.max(rowHi, Math.min(endIndex, g.lo + rows.hi - 1));
    }
  }
  for (let k = 0; k < nOut; k++) if (!filled[k]) values.fill(NaN, k * span, (k + 1) * span);
  if (!(rowLo <= rowHi)) return null;

  const spans = job.spans?.map(([a, b]) => [lowerBound(calendar, a), upperBound(calendar, b) - 1] as const) ?? null;
  const keep: number[] = [];
  for (let r = rowLo; r <= rowHi; r++) if (!spans || spans.some(([a, b]) => r >= a && r <= b)) keep.push(r);
  if (keep.length === 0) return null;
  if (keep.length === span) return { instrument: job.instrument, rows: Int32Array.from(keep), values };
  const out = new Float32Array(keep.length * nOut);
  for (let k = 0; k < nOut; k++) {
    const col = values.subarray(k * span, (k + 1) * span);
    const dst = k * keep.length;
    keep.forEach((r, i) => (out[dst + i] = col[r - base]!));
  }
  return { instrument: job.instrument, rows: Int32Array.from(keep), values: out };
}

/**
 * Writes rows [l, h) of a float64 result into a float32 column of `span` rows starting at `base`
 * (result row r goes to column row r + shift; the rest of the column is NaN). This is Qlib's
 * final float32 cast.
 */
function copyColumn(v: Float64Array, l: number, h: number, values: Float32Array, base: number, span: number, shift: number): void {
  const from = Math.max(l + shift, 0);
  const to = Math.max(from, Math.min(h + shift, span));
  values.fill(NaN, base, base + from);
  for (let r = from; r < to; r++) values[base + r] = v[r - shift]!;
  values.fill(NaN, base + to, base + span);
}

/** Runs `fn`, naming the instrument in an evaluation error. */
function withInstrument<T>(instrument: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof EvaluationError) throw new EvaluationError(`${instrument}: ${err.message}`);
    throw err;
  }
}

function lowerBound(a: string[], v: string): number {
  let lo = 0, hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function upperBound(a: string[], v: string): number {
  let lo = 0, hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
