/**
 * Reads one per-symbol CSV the way Qlib's dump_bin.py does (pd.read_csv, then pd.to_datetime on the
 * date column, then `astype("<f")` per field) and returns float32 values per row. Where pandas would
 * silently guess (dates in other spellings) or numpy would raise (a non-numeric column), this
 * throws a QlibCsvError naming the file, line and column.
 */
import { CellKind, cellResult, classifyCell, integerToFloat32, pythonFloat, scanNumber, scanPlainNumber } from './qlib-csv-numbers.ts';
import { forEachSimpleLine, isSimpleCsv, QlibCsvError, tokenizeCsv } from './qlib-csv-tokenizer.ts';
import { calendarFormat, hasTimeOfDay, parseTimestampKey } from './qlib-datetime.ts';

export { QlibCsvError } from './qlib-csv-tokenizer.ts';

/** Which columns dump_all turns into bins, and how it reads the date column. */
export interface QlibCsvOptions {
  /** Name of the date column (dump_bin.py's --date_field_name). */
  dateField: string;
  /** Frequency: `day` data must not carry a time of day (its calendar lines would repeat). */
  freq: string;
  /** When non-empty, only these columns (exact names) are dumped. */
  includeFields?: readonly string[];
  /** Columns not dumped (ignored when includeFields is non-empty). */
  excludeFields?: readonly string[];
}

/** The dates of a file's rows, in file order. */
export interface QlibCsvDates {
  /** Timestamp key of each data row (see qlib-datetime.ts). */
  keys: Float64Array;
  /** Physical line of each data row (1-based). */
  lines: Int32Array;
}

/** A parsed file: dates and the float32 value of every dumped field on every row. */
export interface QlibCsvTable extends QlibCsvDates {
  file: string;
  /** Dumped column names as the header spells them (bins are named by their lowercase). */
  fields: string[];
  /** values[f][row]: the float32 Qlib would store for that row. */
  values: Float32Array[];
  /**
   * For integer columns whose values are too large for a double to hold exactly: the float32 values
   * once reindexing has put NaN gaps in the column (numpy then casts int64 -> float64 -> float32).
   */
  gappedValues: (Float32Array | null)[];
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Column names as pandas gives them: empty names become `Unnamed: i`, repeats get `.1`, `.2`, ... */
function headerNames(src: Uint8Array, starts: Int32Array, ends: Int32Array, count: number, file: string): string[] {
  const raw: string[] = [];
  for (let i = 0; i < count; i++) {
    let name: string;
    try {
      name = utf8.decode(src.subarray(starts[i]!, ends[i]!));
    } catch {
      throw new QlibCsvError(file, 1, null, `header cell ${i + 1} is not UTF-8`);
    }
    raw.push(name === '' ? `Unnamed: ${i}` : name);
  }
  const counts = new Map<string, number>();
  return raw.map((col) => {
    let name = col;
    let n = counts.get(name) ?? 0;
    while (n > 0) {
      counts.set(name, n + 1);
      name = `${name}.${n}`;
      n = counts.get(name) ?? 0;
    }
    counts.set(name, n + 1);
    return name;
  });
}

/** The columns dump_all writes: include list if given, else every column but the date minus the excluded. */
export function dumpedFields(header: readonly string[], opts: QlibCsvOptions): string[] {
  const columns = header.filter((c) => c !== opts.dateField);
  const include = (opts.includeFields ?? []).map((f) => f.trim()).filter(Boolean);
  if (include.length) return [...new Set(include)].filter((f) => columns.includes(f));
  const exclude = new Set((opts.excludeFields ?? []).map((f) => f.trim()).filter(Boolean));
  return columns.filter((c) => !exclude.has(c));
}

interface Header {
  names: string[];
  line: number;
  dateCol: number;
}

function readHeader(buf: Buffer, file: string, dateField: string): Header {
  let header: Header | null = null;
  try {
    tokenizeCsv(buf, file, (src, starts, ends, count, line) => {
      header = { names: headerNames(src, starts, ends, count, file), line, dateCol: -1 };
      throw STOP;
    });
  } catch (err) {
    if (err !== STOP) throw err;
  }
  if (header === null) throw new QlibCsvError(file, null, null, 'the file is empty (no header line)');
  const h = header as Header;
  h.dateCol = h.names.indexOf(dateField);
  if (h.dateCol < 0) {
    throw new QlibCsvError(file, h.line, dateField, `no date column "${dateField}" in the header (${h.names.join(', ')})`);
  }
  return h;
}
const STOP = Symbol('stop');

function cellText(src: Uint8Array, s: number, e: number): string {
  return Buffer.from(src.buffer, src.byteOffset + s, e - s).toString('utf8');
}

/** Parses the date cell of a row into a key, or throws naming the line. */
function rowKey(src: Uint8Array, s: number, e: number, file: string, line: number, opts: QlibCsvOptions): number {
  const key = parseTimestampKey(src, s, e);
  if (Number.isNaN(key)) {
    const text = cellText(src, s, e);
    throw new QlibCsvError(file, line, opts.dateField, `${JSON.stringify(text.slice(0, 40))} is not a date (YYYY-MM-DD[ HH:MM[:SS]])`);
  }
  if (calendarFormat(opts.freq) === 'date' && hasTimeOfDay(key)) {
    const text = cellText(src, s, e);
    throw new QlibCsvError(
      file,
      line,
      opts.dateField,
      `${JSON.stringify(text)} has a time of day, but --freq day calendars hold dates only`,
    );
  }
  return key;
}

class Growable {
  keys = new Float64Array(256);
  lines = new Int32Array(256);
  n = 0;
  push(key: number, line: number): void {
    if (this.n === this.keys.length) {
      const k = new Float64Array(this.n * 2);
      k.set(this.keys);
      this.keys = k;
      const l = new Int32Array(this.n * 2);
      l.set(this.lines);
      this.lines = l;
    }
    this.keys[this.n] = key;
    this.lines[this.n] = line;
    this.n++;
  }
}

/** Pass one of dump_all: the date of every row (the header must name the date column). */
export function readQlibCsvDates(buf: Buffer, file: string, opts: QlibCsvOptions): QlibCsvDates {
  const header = readHeader(buf, file, opts.dateField);
  const rows = scratchRows();
  const col = header.dateCol;
  if (isSimpleCsv(buf)) {
    let first = true;
    forEachSimpleLine(buf, (ls, le, line) => {
      if (first) {
        first = false;
        return;
      }
      // Walk to the date cell; a short row lacks it (pandas gives NaT, which is not a date either).
      let s = ls;
      for (let c = 0; c < col; c++) {
        while (s < le && buf[s] !== COMMA) s++;
        if (s === le) throw new QlibCsvError(file, line, opts.dateField, 'the row has no date cell');
        s++;
      }
      let e = s;
      while (e < le && buf[e] !== COMMA) e++;
      rows.push(rowKey(buf, s, e, file, line, opts), line);
    });
  } else {
    let first = true;
    tokenizeCsv(
      buf,
      file,
      (src, starts, ends, count, line) => {
        if (first) {
          first = false;
          return;
        }
        if (count <= col) throw new QlibCsvError(file, line, opts.dateField, 'the row has no date cell');
        rows.push(rowKey(src, starts[col]!, ends[col]!, file, line, opts), line);
      },
      col + 1,
    );
  }
  return { keys: rows.keys.slice(0, rows.n), lines: rows.lines.slice(0, rows.n) };
}

const COMMA = 44;

// Work arrays reused from file to file (the functions here are synchronous, so never shared): one
// dump reads thousands of small files, where allocating them afresh costs more than the parse.
const rowsPool = new Growable();
const scansPool: ColumnScan[] = [];

function scratchRows(): Growable {
  rowsPool.n = 0;
  return rowsPool;
}

function scratchScans(count: number): ColumnScan[] {
  while (scansPool.length < count) scansPool.push({ doubles: new Float64Array(256), kinds: new Uint8Array(256), seen: 0, bigInts: null });
  const out = scansPool.slice(0, count);
  for (const sc of out) {
    sc.seen = 0;
    sc.bigInts = null;
  }
  return out;
}

/** Per-column tallies while reading, from which the column's pandas dtype follows. */
interface ColumnScan {
  doubles: Float64Array;
  kinds: Uint8Array;
  seen: number;
  bigInts: Map<number, bigint> | null;
}
const seenBit = (k: CellKind) => 1 << k;

function countCells(buf: Uint8Array, s: number, e: number): number {
  let n = 1;
  for (let i = s; i < e; i++) if (buf[i] === COMMA) n++;
  return n;
}

/** Pass two: dates and float32 values of every dumped field, typed per column as pandas would. */
export function readQlibCsv(buf: Buffer, file: string, opts: QlibCsvOptions): QlibCsvTable {
  const header = readHeader(buf, file, opts.dateField);
  const fields = dumpedFields(header.names, opts);
  const cols = fields.map((f) => header.names.indexOf(f));
  const lower = new Map<string, string>();
  for (const f of fields) {
    const other = lower.get(f.toLowerCase());
    if (other !== undefined) throw new QlibCsvError(
      file,
      header.line,
      f,
      `columns "${other}" and "${f}" would both be written to ${f.toLowerCase()}.<freq>.bin`,
    );
    lower.set(f.toLowerCase(), f);
  }
  const rows = scratchRows();
  const scans = scratchScans(fields.length);
  let capacity = Math.min(...scans.map((sc) => sc.doubles.length));
  const width = header.names.length;
  const ensureCapacity = () => {
    if (rows.n < capacity) return;
    capacity *= 2;
    for (const sc of scans) {
      if (sc.doubles.length >= capacity) continue;
      const d = new Float64Array(capacity);
      d.set(sc.doubles);
      sc.doubles = d;
      const k = new Uint8Array(capacity);
      k.set(sc.kinds);
      sc.kinds = k;
    }
  };
  /** Records one field cell [s, e) of `row` whose kind is known. */
  const record = (scan: ColumnScan, row: number, kind: CellKind, src: Uint8Array, s: number, e: number) => {
    scan.kinds[row] = kind;
    scan.seen |= seenBit(kind);
    if (kind === CellKind.Int || kind === CellKind.Float) {
      scan.doubles[row] = cellResult.value;
      // More than 15 digits: the integer may not be exact in a double; keep it exactly.
      if (kind === CellKind.Int && e - s > 15) (scan.bigInts ??= new Map()).set(row, BigInt(cellText(src, s, e).trim()));
    }
  };
  if (isSimpleCsv(buf)) {
    // One pass per line: numbers are scanned where they stand and must stop at a comma; anything else
    // takes the general classification of the cell.
    const role = new Int32Array(width).fill(-2);
    role[header.dateCol] = -1;
    cols.forEach((c, f) => (role[c] = f));
    let first = true;
    forEachSimpleLine(buf, (ls, le, line) => {
      if (first) {
        first = false;
        return;
      }
      ensureCapacity();
      const row = rows.n;
      let key = Number.NaN;
      let count = 0;
      let p = ls;
      for (;;) {
        if (count === width) throw new QlibCsvError(
          file,
          line,
          null,
          `expected ${width} fields (as in the header), saw ${countCells(buf, ls, le)}`,
        );
        const r = role[count]!;
        let e: number;
        if (r >= 0) {
          let v = scanPlainNumber(buf, p, le);
          if (cellResult.end < 0) v = scanNumber(buf, p, le);
          const end = cellResult.end;
          if (end >= 0 && (end === le || buf[end] === COMMA) && !Number.isNaN(v)) {
            e = end;
            cellResult.value = v;
            record(scans[r]!, row, cellResult.isInt ? CellKind.Int : CellKind.Float, buf, p, e);
          } else {
            e = p;
            while (e < le && buf[e] !== COMMA) e++;
            record(scans[r]!, row, classifyCell(buf, p, e), buf, p, e);
          }
        } else {
          e = p;
          while (e < le && buf[e] !== COMMA) e++;
          if (r === -1) key = rowKey(buf, p, e, file, line, opts);
        }
        count++;
        if (e >= le) break;
        p = e + 1;
      }
      if (count <= header.dateCol) throw new QlibCsvError(file, line, opts.dateField, 'the row has no date cell');
      // A short row: pandas fills the missing cells with NaN.
      for (let c = count; c < width; c++) if (role[c]! >= 0) record(scans[role[c]!]!, row, CellKind.Na, buf, 0, 0);
      rows.push(key, line);
    });
  } else {
    let first = true;
    tokenizeCsv(buf, file, (src, starts, ends, count, line) => {
      if (first) {
        first = false;
        return;
      }
      if (count > width) throw new QlibCsvError(file, line, null, `expected ${width} fields (as in the header), saw ${count}`);
      if (count <= header.dateCol) throw new QlibCsvError(file, line, opts.dateField, 'the row has no date cell');
      ensureCapacity();
      const row = rows.n;
      rows.push(rowKey(src, starts[header.dateCol]!, ends[header.dateCol]!, file, line, opts), line);
      for (let f = 0; f < cols.length; f++) {
        const c = cols[f]!;
        if (c >= count) record(scans[f]!, row, CellKind.Na, src, 0, 0);
        else record(scans[f]!, row, classifyCell(src, starts[c]!, ends[c]!), src, starts[c]!, ends[c]!);
      }
    });
  }
  const n = rows.n;
  const values: Float32Array[] = [];
  const gappedValues: (Float32Array | null)[] = [];
  fields.forEach((field, f) => {
    const [v, g] = columnValues(buf, file, field, cols[f]!, scans[f]!, n);
    values.push(v);
    gappedValues.push(g);
  });
  return { file, fields, keys: rows.keys.slice(0, n), lines: rows.lines.slice(0, n), values, gappedValues };
}

const NUMERIC = seenBit(CellKind.Int) | seenBit(CellKind.Float) | seenBit(CellKind.Na);
const BOOLISH = seenBit(CellKind.True) | seenBit(CellKind.False) | seenBit(CellKind.Na);

/** The float32 column for one field from its cell tallies, following pandas' dtype choice. */
function columnValues(
  buf: Buffer,
  file: string,
  field: string,
  col: number,
  scan: ColumnScan,
  n: number,
): [Float32Array, Float32Array | null] {
  const out = new Float32Array(n);
  const seen = scan.seen;
  if (n === 0 || seen === seenBit(CellKind.Int)) {
    // int64: numpy casts each integer straight to float32 (or via float64 once NaN gaps appear).
    let gapped: Float32Array | null = null;
    for (let r = 0; r < n; r++) out[r] = scan.doubles[r]!;
    if (scan.bigInts) {
      gapped = Float32Array.from(out);
      for (const [r, big] of scan.bigInts) {
        out[r] = integerToFloat32(big, false);
        gapped[r] = integerToFloat32(big, true);
      }
    }
    return [out, gapped];
  }
  if ((seen & ~NUMERIC) === 0) {
    for (let r = 0; r < n; r++) out[r] = scan.kinds[r] === CellKind.Na ? Number.NaN : scan.doubles[r]!;
    return [out, null];
  }
  if ((seen & ~BOOLISH) === 0) {
    for (let r = 0; r < n; r++) {
      const k = scan.kinds[r];
      out[r] = k === CellKind.True ? 1 : k === CellKind.False ? 0 : Number.NaN;
    }
    return [out, null];
  }
  // A string column: numpy converts each string with Python's float(), which raises on the first bad one.
  let row = -1;
  let failure: QlibCsvError | null = null;
  let first = true;
  tokenizeCsv(buf, file, (src, starts, ends, count, line) => {
    if (first) {
      first = false;
      return;
    }
    row++;
    if (failure) return;
    const kind = scan.kinds[row];
    if (kind === CellKind.Na || col >= count) {
      out[row] = Number.NaN;
      return;
    }
    const text = cellText(src, starts[col]!, ends[col]!);
    const v = kind === CellKind.True || kind === CellKind.False ? null : pythonFloat(text);
    if (v === null) {
      failure = new QlibCsvError(
        file,
        line,
        field,
        `${JSON.stringify(text.slice(0, 40))} is not a number (Qlib's astype("<f") would fail on this column)`,
      );
      return;
    }
    out[row] = v;
  });
  if (failure) throw failure;
  return [out, null];
}
