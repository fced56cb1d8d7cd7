/**
 * Turns DuckDB result columns into Arrow IPC stream bytes for the renderer. @duckdb/node-api has no
 * Arrow export (toolchain notes §2), so columns are built here: numbers and times go straight into
 * typed arrays (no per-value boxing in Arrow's builders, full precision for BIGINT and ns
 * timestamps), strings through Arrow's Utf8 builder, anything exotic (lists, structs, intervals)
 * as readable text.
 */
import {
  Bool,
  DateDay,
  Float32,
  Float64,
  Int16,
  Int32,
  Int64,
  Int8,
  makeData,
  makeVector,
  Table,
  tableToIPC,
  Timestamp,
  TimeUnit,
  Uint16,
  Uint32,
  Uint64,
  Uint8,
  Utf8,
  vectorFromArray,
  type DataType,
  type Vector,
} from 'apache-arrow';

/** A result column: its name and DuckDB type name (as DuckDB prints it, e.g. "BIGINT", "TIMESTAMP_NS"). */
export interface ResultColumn {
  name: string;
  type: string;
}

type TypedCtor =
  | Int8ArrayConstructor
  | Int16ArrayConstructor
  | Int32ArrayConstructor
  | Uint8ArrayConstructor
  | Uint16ArrayConstructor
  | Uint32ArrayConstructor
  | Float32ArrayConstructor
  | Float64ArrayConstructor;

const NUMBER_TYPES: Record<string, { arrow: () => DataType; array: TypedCtor }> = {
  TINYINT: { arrow: () => new Int8(), array: Int8Array },
  SMALLINT: { arrow: () => new Int16(), array: Int16Array },
  INTEGER: { arrow: () => new Int32(), array: Int32Array },
  UTINYINT: { arrow: () => new Uint8(), array: Uint8Array },
  USMALLINT: { arrow: () => new Uint16(), array: Uint16Array },
  UINTEGER: { arrow: () => new Uint32(), array: Uint32Array },
  FLOAT: { arrow: () => new Float32(), array: Float32Array },
  DOUBLE: { arrow: () => new Float64(), array: Float64Array },
};

const TIMESTAMP_UNITS: Record<string, { unit: TimeUnit; perMs: bigint; tz: string | null }> = {
  TIMESTAMP: { unit: TimeUnit.MICROSECOND, perMs: 1000n, tz: null },
  TIMESTAMP_NS: { unit: TimeUnit.NANOSECOND, perMs: 1_000_000n, tz: null },
  TIMESTAMP_MS: { unit: TimeUnit.MILLISECOND, perMs: 1n, tz: null },
  TIMESTAMP_S: { unit: TimeUnit.SECOND, perMs: 0n, tz: null },
  'TIMESTAMP WITH TIME ZONE': { unit: TimeUnit.MICROSECOND, perMs: 1000n, tz: 'UTC' },
};

/** Validity bitmap (1 = value present) and the null count, or no bitmap when nothing is null. */
function validity(values: readonly unknown[]): { nullBitmap: Uint8Array | undefined; nullCount: number } {
  let nullCount = 0;
  for (const v of values) if (v === null || v === undefined) nullCount++;
  if (nullCount === 0) return { nullBitmap: undefined, nullCount: 0 };
  const bitmap = new Uint8Array(Math.ceil(values.length / 8));
  values.forEach((v, i) => {
    if (v !== null && v !== undefined) bitmap[i >> 3]! |= 1 << (i & 7);
  });
  return { nullBitmap: bitmap, nullCount };
}

function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'object' && v !== null && 'toDouble' in v && typeof (v as { toDouble: unknown }).toDouble === 'function') {
    return (v as { toDouble(): number }).toDouble();
  }
  return Number(v);
}

function toBigInt(v: unknown): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return BigInt(Math.trunc(v));
  return BigInt(String(v));
}

/** Raw units of a timestamp value: DuckDB value objects carry exact integers; Dates and strings are ms. */
function timestampUnits(v: unknown, kind: (typeof TIMESTAMP_UNITS)[string]): bigint {
  if (typeof v === 'object' && v !== null) {
    const o = v as Record<string, unknown>;
    for (const key of ['micros', 'nanos', 'millis', 'seconds'] as const) if (typeof o[key] === 'bigint') return o[key];
    if (v instanceof Date) {
      const ms = BigInt(v.getTime());
      return kind.perMs === 0n ? ms / 1000n : ms * kind.perMs;
    }
  }
  if (typeof v === 'bigint') return v;
  if (typeof v === 'string') {
    const exact = parseTimestampText(v, kind);
    if (exact !== null) return exact;
  }
  const ms = BigInt(typeof v === 'number' ? Math.trunc(v) : Date.parse(String(v)));
  return kind.perMs === 0n ? ms / 1000n : ms * kind.perMs;
}

const TIMESTAMP_TEXT = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * Parses DuckDB's text form of a timestamp ("2024-01-02 14:30:00.123456789", optionally with an
 * offset) exactly, as UTC unless an offset is given. Date.parse would read it in the machine's
 * local zone and drop everything below a millisecond.
 */
function parseTimestampText(text: string, kind: (typeof TIMESTAMP_UNITS)[string]): bigint | null {
  const m = TIMESTAMP_TEXT.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac = '', zone] = m;
  let seconds = BigInt(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) / 1000);
  if (zone && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1n : 1n;
    const digits = zone.slice(1).replace(':', '');
    const offsetMinutes = BigInt(Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0'));
    seconds -= sign * offsetMinutes * 60n;
  }
  const nanos = BigInt(frac.padEnd(9, '0'));
  const perSecond = kind.perMs === 0n ? 1n : kind.perMs * 1000n;
  return seconds * perSecond + (nanos * perSecond) / 1_000_000_000n;
}

function dateDays(v: unknown): number {
  if (typeof v === 'object' && v !== null && typeof (v as { days?: unknown }).days === 'number') return (v as { days: number }).days;
  const ms = v instanceof Date ? v.getTime() : Date.parse(`${String(v).slice(0, 10)}T00:00:00Z`);
  return Math.floor(ms / 86_400_000);
}

/** Text for values Arrow gets as strings: DuckDB value objects print themselves; plain objects as JSON. */
function asText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object' && v !== null && !Array.isArray(v) && v.constructor !== Object) return String(v);
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x)) ?? String(v);
}

/** One Arrow vector from one DuckDB column. */
export function arrowVector(type: string, values: readonly unknown[]): Vector {
  const t = type.toUpperCase();
  const length = values.length;
  const number = NUMBER_TYPES[t];
  if (number) {
    const data = new number.array(length);
    values.forEach((v, i) => {
      if (v !== null && v !== undefined) data[i] = toNumber(v);
    });
    return makeVector(makeData({ type: number.arrow(), length, data, ...validity(values) } as never));
  }
  if (t === 'BIGINT' || t === 'UBIGINT') {
    const data = t === 'BIGINT' ? new BigInt64Array(length) : new BigUint64Array(length);
    values.forEach((v, i) => {
      if (v !== null && v !== undefined) data[i] = toBigInt(v);
    });
    return makeVector(makeData({ type: t === 'BIGINT' ? new Int64() : new Uint64(), length, data, ...validity(values) } as never));
  }
  // HUGEINT (e.g. sum of BIGINT) and DECIMAL read as doubles: exact up to 2^53, which covers row counts and prices.
  if (t === 'HUGEINT' || t === 'UHUGEINT' || t.startsWith('DECIMAL')) {
    const data = new Float64Array(length);
    values.forEach((v, i) => {
      if (v !== null && v !== undefined) data[i] = toNumber(v);
    });
    return makeVector(makeData({ type: new Float64(), length, data, ...validity(values) }));
  }
  const ts = TIMESTAMP_UNITS[t];
  if (ts) {
    const data = new BigInt64Array(length);
    values.forEach((v, i) => {
      if (v !== null && v !== undefined) data[i] = timestampUnits(v, ts);
    });
    return makeVector(makeData({ type: new Timestamp(ts.unit, ts.tz), length, data, ...validity(values) } as never));
  }
  if (t === 'DATE') {
    const data = new Int32Array(length);
    values.forEach((v, i) => {
      if (v !== null && v !== undefined) data[i] = dateDays(v);
    });
    return makeVector(makeData({ type: new DateDay(), length, data, ...validity(values) }));
  }
  if (t === 'BOOLEAN') return vectorFromArray(values.map((v) => (v === null || v === undefined ? null : Boolean(v))), new Bool());
  return vectorFromArray(values.map((v) => (v === null || v === undefined ? null : asText(v))), new Utf8());
}

/** Encodes result columns (values given column by column) as Arrow IPC stream bytes. */
export function columnsToArrowIpc(columns: readonly ResultColumn[], values: ReadonlyArray<readonly unknown[]>): Uint8Array {
  const vectors: Record<string, Vector> = {};
  const used = new Set<string>();
  columns.forEach((c, i) => {
    // Arrow tables key columns by name; SQL allows duplicates ("SELECT 1 AS a, 2 AS a").
    let name = c.name;
    for (let n = 2; used.has(name); n++) name = `${c.name}_${n}`;
    used.add(name);
    vectors[name] = arrowVector(c.type, values[i] ?? []);
  });
  return tableToIPC(new Table(vectors), 'stream');
}

/** Encodes row-major results (one array per row) as Arrow IPC stream bytes. */
export function rowsToArrowIpc(columns: readonly ResultColumn[], rows: ReadonlyArray<readonly unknown[]>): Uint8Array {
  return columnsToArrowIpc(
    columns,
    columns.map((_, i) => rows.map((r) => r[i])),
  );
}
