/**
 * Incremental evaluation over a Qlib directory (the lake's gold): days first..last of one instrument,
 * each with the value Qlib's engine gives over the instrument's whole history up to that day
 * (`instruments all`, spans applied, one load range from the first bin row), reading only the rows
 * the plan needs when the previous build left the running states of the day before `first`
 * (see engine/plan-carry.ts). Without such a state, or when the rows it was saved over have
 * changed, the instrument is evaluated from its first row, and its states are saved either way.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { CompiledFeatureSet } from '../engine/feature-set-compiler.ts';
import { evaluatorFor } from '../engine/feature-set-compiler.ts';
import { planCarryShape } from '../engine/plan-carry.ts';
import { CarryMismatch, EvaluationError, type CarryRun, type FieldColumn, type NodeState } from '../engine/plan-evaluator.ts';
import { qlibFeaturePath } from '../../qlib/qlib-dir-reader.ts';

/** An instrument's carried states after calendar row `lastIndex`, and a hash of the field rows a resume re-reads. */
export interface InstrumentCarry {
  lastIndex: number;
  states: (NodeState | null)[];
  windowHash: string;
}

/** One instrument to evaluate for calendar rows [first, last]. */
export interface CarriedJob {
  instrument: string;
  /** Calendar-index spans its rows must fall in (instruments/all.txt). */
  spans: Array<[number, number]>;
  first: number;
  last: number;
  /** The previous build's carry; used only when its lastIndex is first - 1. */
  prior: InstrumentCarry | null;
}

/** One instrument's result: its rows in [first, last] (calendar indices), values column-major, and its carry. */
export interface CarriedResult {
  instrument: string;
  rows: Int32Array;
  values: Float32Array;
  carry: InstrumentCarry | null;
  /** Whether the carried states were used (false: read from the first row). */
  resumed: boolean;
  /** Rows read per field (from the bin files). */
  rowsRead: number;
}

interface Bin {
  start: number;
  length: number;
  file: string;
  fd: number;
}

/** Qlib's bins are little-endian float32; read straight into a Float32Array except on a big-endian host. */
const BIG_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 0;

/** Evaluates one instrument for days job.first..job.last (see the module comment). */
export function evaluateCarriedInstrument(compiled: CompiledFeatureSet, qlibDir: string, job: CarriedJob): CarriedResult {
  const shape = planCarryShape(compiled.plan);
  if (!shape.resumable) throw new Error(`this feature set cannot be built incrementally: ${shape.reason}`);
  // each bin is opened once: its header read, then only the rows needed (a resume: the last ~depth rows)
  const bins = new Map<string, Bin>();
  try {
    return evaluateFromBins(compiled, qlibDir, job, shape.maxDepth, bins);
  } finally {
    for (const b of bins.values()) fs.closeSync(b.fd);
  }
}

function evaluateFromBins(compiled: CompiledFeatureSet, qlibDir: string, job: CarriedJob, maxDepth: number, bins: Map<string, Bin>): CarriedResult {
  let binLo = Infinity;
  let binHi = -Infinity;
  for (const field of compiled.fields) {
    const b = openBin(qlibFeaturePath(qlibDir, job.instrument, field));
    if (!b) continue;
    bins.set(field, b);
    if (b.length === 0) continue;
    binLo = Math.min(binLo, b.start);
    binHi = Math.max(binHi, b.start + b.length - 1);
  }
  const empty: CarriedResult = { instrument: job.instrument, rows: new Int32Array(0), values: new Float32Array(0), carry: null, resumed: false, rowsRead: 0 };
  if (binLo === Infinity || binHi < job.first) return empty;
  const top = Math.min(binHi, job.last);
  const hashFrom = job.last + 1 - maxDepth;
  const prior = job.prior && job.prior.lastIndex === job.first - 1 ? job.prior : null;
  if (prior) {
    const base = Math.max(binLo, job.first - maxDepth);
    const fields = loadFields(bins, base, top);
    if (windowHash(compiled.fields, fields.columns, base, job.first - maxDepth, job.first - 1) === prior.windowHash) {
      try {
        return run(base, fields, prior);
      } catch (err) {
        if (!(err instanceof CarryMismatch)) throw err;
      }
    }
  }
  return run(binLo, loadFields(bins, binLo, top), null);

  function run(base: number, fields: { columns: Record<string, FieldColumn>; read: number }, from: InstrumentCarry | null): CarriedResult {
    const length = top - base + 1;
    const nOut = compiled.names.length;
    const first = Math.max(job.first, base);
    const span = Math.max(0, top - first + 1);
    const values = new Float32Array(span * nOut).fill(NaN);
    let rowLo = Infinity;
    let rowHi = -Infinity; // Qlib's frame: the union of the outputs' rows (a hole between them stays, as NaN)
    const carryRun: CarryRun = { base, resumeAt: from ? job.first : -1, states: from?.states ?? null, saveAfter: job.last, saved: [] };
    try {
      evaluatorFor(compiled.plan).evaluateInto({ length, fields: fields.columns }, (k, v, l, h) => {
        const a = Math.max(l + base, first);
        const b = Math.min(h + base - 1, top);
        for (let r = a; r <= b; r++) values[k * span + r - first] = v[r - base]!;
        if (a <= b) {
          rowLo = Math.min(rowLo, a);
          rowHi = Math.max(rowHi, b);
        }
      }, carryRun);
    } catch (err) {
      if (err instanceof EvaluationError) throw new EvaluationError(`${job.instrument}: ${err.message}`);
      throw err;
    }
    const keep: number[] = [];
    for (let r = rowLo; r <= rowHi; r++) if (job.spans.some(([a, b]) => r >= a && r <= b)) keep.push(r);
    let out = values;
    if (keep.length !== span) {
      out = new Float32Array(keep.length * nOut);
      for (let k = 0; k < nOut; k++) keep.forEach((r, i) => (out[k * keep.length + i] = values[k * span + r - first]!));
    }
    const carry: InstrumentCarry = {
      lastIndex: job.last,
      states: carryRun.saved,
      windowHash: windowHash(compiled.fields, fields.columns, base, hashFrom, job.last),
    };
    return { instrument: job.instrument, rows: Int32Array.from(keep), values: out, carry, resumed: from !== null, rowsRead: fields.read };
  }
}

/** A hash of the field values in calendar rows [from, to] (what a resumed build re-reads before its first day). */
function windowHash(names: readonly string[], columns: Record<string, FieldColumn>, base: number, from: number, to: number): string {
  const h = crypto.createHash('sha1');
  h.update(`${from}:${to}`);
  for (const name of names) {
    const c = columns[name];
    const a = c ? Math.max(from, base + c.offset) : 0;
    const b = c ? Math.min(to, base + c.offset + c.values.length - 1) : -1;
    h.update(`|${name}:${a}:${b}|`);
    if (c && a <= b) {
      const part = c.values.subarray(a - base - c.offset, b - base - c.offset + 1);
      h.update(new Uint8Array(part.buffer, part.byteOffset, part.byteLength));
    }
  }
  return h.digest('hex');
}

/** A bin file opened for reading: its start index and row count (header and size only); null when it does not exist. */
function openBin(file: string): Bin | null {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    const size = fs.fstatSync(fd).size;
    if (size < 4 || size % 4 !== 0) throw new Error(`${file}: ${size} bytes is not a Qlib feature file (a start index and float32 values)`);
    const head = Buffer.alloc(4);
    fs.readSync(fd, head, 0, 4, 0);
    const start = head.readFloatLE(0);
    if (!Number.isInteger(start) || start < 0) throw new Error(`${file}: start index ${start} is not a calendar index`);
    return { start, length: size / 4 - 1, file, fd };
  } catch (err) {
    fs.closeSync(fd);
    throw err;
  }
}

/** Reads the rows [from, to] of each field's bin (only those bytes) as columns of rows from `from`. */
function loadFields(bins: Map<string, Bin>, from: number, to: number): { columns: Record<string, FieldColumn>; read: number } {
  const columns: Record<string, FieldColumn> = {};
  let read = 0;
  for (const [field, b] of bins) {
    const a = Math.max(b.start, from);
    const e = Math.min(b.start + b.length - 1, to);
    if (a > e) continue;
    const n = e - a + 1;
    const values = new Float32Array(n);
    const bytes = new Uint8Array(values.buffer);
    let got = 0;
    while (got < bytes.length) {
      const k = fs.readSync(b.fd, bytes, got, bytes.length - got, 4 + (a - b.start) * 4 + got);
      if (k === 0) throw new Error(`${b.file}: ended before row ${a + got / 4} (file shrank while being read)`);
      got += k;
    }
    if (BIG_ENDIAN) {
      const view = new DataView(values.buffer);
      for (let i = 0; i < n; i++) values[i] = view.getFloat32(i * 4, true);
    }
    columns[field] = { offset: a - from, values };
    read = Math.max(read, n);
  }
  return { columns, read };
}
