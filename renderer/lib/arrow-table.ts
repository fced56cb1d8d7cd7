/**
 * Decodes Arrow IPC bytes (previews and SQL results) into a column list and a cell formatter the
 * virtualised table reads row by row, so no per-row objects are built for large results.
 */
import { DataType, tableFromIPC } from 'apache-arrow';
import type { Table } from 'apache-arrow';

export type ValueKind = 'number' | 'bigint' | 'timestamp' | 'date' | 'string' | 'boolean' | 'other';

export interface ArrowColumn {
  name: string;
  type: string;
  kind: ValueKind;
}

export interface DecodedTable {
  columns: ArrowColumn[];
  rowCount: number;
  /** The display text of one cell; null for SQL NULL. */
  cell(row: number, column: number): string | null;
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

/**
 * Display text of a value. Timestamps are shown as stored (UTC, ISO 8601 with `Z`) because a data
 * preview must not shift what is in the file; dates as YYYY-MM-DD.
 */
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

/** Decodes an Arrow IPC stream (or file) into a DecodedTable. */
export function decodeArrow(bytes: Uint8Array): DecodedTable {
  const table: Table = tableFromIPC(bytes);
  const columns: ArrowColumn[] = table.schema.fields.map((f) => ({ name: f.name, type: String(f.type), kind: kindOf(f.type) }));
  const vectors = table.schema.fields.map((_f, i) => table.getChildAt(i));
  return {
    columns,
    rowCount: table.numRows,
    cell(row, column) {
      const vector = vectors[column];
      const meta = columns[column];
      if (!vector || !meta) return null;
      return formatArrowValue(vector.get(row), meta.kind);
    },
  };
}
