/**
 * Decodes Arrow IPC bytes (previews and SQL results) into a column list and a cell formatter the
 * virtualised table reads row by row, so no per-row objects are built for large results.
 */
import { DataType, TimeUnit, tableFromIPC } from 'apache-arrow';
import type { Table, Timestamp, Vector } from 'apache-arrow';
import { zonedParts } from './format.ts';
import type { GridTimeZone } from './preferences.ts';

export type ValueKind = 'number' | 'bigint' | 'timestamp' | 'date' | 'string' | 'boolean' | 'other';

export interface ArrowColumn {
  name: string;
  type: string;
  kind: ValueKind;
}

export interface DecodedTable {
  columns: ArrowColumn[];
  rowCount: number;
  /** The display text of one cell; null for SQL NULL. Timestamps are shown in `timeZone` (default UTC). */
  cell(row: number, column: number, timeZone?: GridTimeZone): string | null;
}

function kindOf(type: DataType): ValueKind {
  if (DataType.isTimestamp(type)) return 'timestamp';
  if (DataType.isDate(type)) return 'date';
  if (DataType.isInt(type)) return type.bitWidth === 64 ? 'bigint' : 'number';
  if (DataType.isFloat(type) || DataType.isDecimal(type)) return 'number';
  if (DataType.isUtf8(type) || DataType.isLargeUtf8(type)) return 'string';
  if (DataType.isBool(type)) return 'boolean';
  return 'other';
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Units per second and fraction digits of each Arrow time unit. */
const UNIT_SCALE: Record<number, { perSecond: bigint; digits: number }> = {
  [TimeUnit.SECOND]: { perSecond: 1n, digits: 0 },
  [TimeUnit.MILLISECOND]: { perSecond: 1000n, digits: 3 },
  [TimeUnit.MICROSECOND]: { perSecond: 1_000_000n, digits: 6 },
  [TimeUnit.NANOSECOND]: { perSecond: 1_000_000_000n, digits: 9 },
};

/**
 * A timestamp from its exact stored units: "2024-03-04 09:30:00-05:00" in New York or
 * "2024-03-04 14:30:00Z" in UTC, with as many fraction digits as are not zero (up to the unit's,
 * nanoseconds included: a float of milliseconds would round them). Timestamps without a zone are
 * UTC instants by the lake's convention, so both kinds convert the same way.
 */
export function formatTimestampUnits(units: bigint, unit: TimeUnit, timeZone: GridTimeZone): string {
  const scale = UNIT_SCALE[unit] ?? { perSecond: 1000n, digits: 3 };
  let seconds = units / scale.perSecond;
  let rest = units % scale.perSecond;
  if (rest < 0n) {
    rest += scale.perSecond;
    seconds -= 1n;
  }
  const fraction = scale.digits > 0 && rest > 0n ? `.${rest.toString().padStart(scale.digits, '0').replace(/0+$/, '')}` : '';
  const p = zonedParts(Number(seconds) * 1000, timeZone);
  const clock = `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}${fraction}`;
  if (timeZone === 'UTC') return `${clock}Z`;
  const off = Math.abs(p.offsetMinutes);
  return `${clock}${p.offsetMinutes < 0 ? '-' : '+'}${pad(Math.floor(off / 60))}:${pad(off % 60)}`;
}

/** Display text of a non-timestamp value; dates as YYYY-MM-DD, numbers without grouping (they are data). */
export function formatArrowValue(value: unknown, kind: ValueKind): string | null {
  if (value === null || value === undefined) return null;
  if (kind === 'timestamp' && typeof value === 'number') return new Date(value).toISOString().replace('.000Z', 'Z');
  if (kind === 'date' && typeof value === 'number') return new Date(value).toISOString().slice(0, 10);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(10)));
  if (typeof value === 'bigint' || typeof value === 'boolean' || typeof value === 'string') return String(value);
  if (value instanceof Uint8Array) return `<${value.length} bytes>`;
  const json = (value as { toJSON?: () => unknown }).toJSON?.() ?? value;
  return JSON.stringify(json, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

/** Reads the raw stored units of row `row` of a timestamp vector (null for NULL). */
function timestampUnits(vector: Vector, row: number): bigint | null {
  if (!vector.isValid(row)) return null;
  let at = row;
  for (const chunk of vector.data) {
    if (at < chunk.length) {
      const values = chunk.values as unknown as BigInt64Array | Int32Array;
      const v = values[chunk.offset + at];
      return v === undefined ? null : BigInt(v);
    }
    at -= chunk.length;
  }
  return null;
}

/** Decodes an Arrow IPC stream (or file) into a DecodedTable. */
export function decodeArrow(bytes: Uint8Array): DecodedTable {
  const table: Table = tableFromIPC(bytes);
  const columns: ArrowColumn[] = table.schema.fields.map((f) => ({ name: f.name, type: String(f.type), kind: kindOf(f.type) }));
  const vectors = table.schema.fields.map((_f, i) => table.getChildAt(i));
  return {
    columns,
    rowCount: table.numRows,
    cell(row, column, timeZone = 'UTC') {
      const vector = vectors[column];
      const meta = columns[column];
      if (!vector || !meta) return null;
      if (meta.kind === 'timestamp') {
        const units = timestampUnits(vector, row);
        return units === null ? null : formatTimestampUnits(units, (vector.type as Timestamp).unit, timeZone);
      }
      return formatArrowValue(vector.get(row), meta.kind);
    },
  };
}
