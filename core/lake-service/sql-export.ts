/**
 * Export of a SQL result as CSV or Parquet, written by DuckDB.
 *
 * The query runs where every SQL query runs: the lake service's locked, read-only engine
 * (lake-sql.ts), which cannot write anywhere and is not loosened for this. Its rows (Arrow IPC,
 * as the SQL page gets them) are appended to a table in a second, throwaway DuckDB instance whose
 * only reachable path is the export's temporary file (`allowed_paths` + external access off +
 * configuration locked), and that instance COPYs the table out. The temporary file sits beside
 * the target, so the final rename is atomic: the target is either absent (or its old content) or
 * the complete export, never a partial file.
 *
 * Values keep their stored precision: integers, floats, dates and timestamps (to the nanosecond)
 * are appended from Arrow's raw buffers with their own DuckDB types. HUGEINT and DECIMAL reach
 * the renderer as doubles; they are written with their own type when the double is provably
 * exact, and refused with the column named when it is not. Lists, structs, maps, intervals and
 * other types the Arrow encoding carries as text are written as text, and reported as such.
 */
import fs from 'node:fs';
import {
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBTimestampMillisecondsValue,
  DuckDBTimestampNanosecondsValue,
  DuckDBTimestampSecondsValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  type DuckDBAppender,
} from '@duckdb/node-api';
import { tableFromIPC, type Vector } from 'apache-arrow';
import type { SqlResultView } from '../contract/contract-views.ts';
import { RequestError } from '../contract/request-error.ts';
import { openDuckDb, sqlIdent, sqlString } from '../duckdb/duckdb-instance.ts';
import { commitTempFile, tempPathFor } from '../files/atomic-write.ts';

export type ExportFormat = 'csv' | 'parquet';

/** The most rows one export holds: the rows cross the process boundary in memory, once. */
export const EXPORT_MAX_ROWS = 1_000_000;

/** What an export wrote. */
export interface SqlExportResult {
  /** The finished file (the target). */
  file: string;
  rowCount: number;
  bytes: number;
  /** Columns written as their text form (types the result carries only as text). */
  textColumns: string[];
  elapsedMs: number;
}

/** Options for exportSqlResult. */
export interface SqlExportOptions {
  /** Runs the query in the read-only SQL engine (the lake service's `sqlRun`). */
  run: (queryId: string, sql: string, maxRows: number) => Promise<SqlResultView>;
  queryId: string;
  sql: string;
  format: ExportFormat;
  /** Absolute path of the file to produce; its folder must exist. */
  target: string;
  /** Row cap (default EXPORT_MAX_ROWS); a larger result is refused, never cut short. */
  maxRows?: number;
}

type Append = (app: DuckDBAppender, vector: Vector, row: number) => void;

interface ColumnPlan {
  name: string;
  /** DuckDB type of the export table's column. */
  type: string;
  asText: boolean;
  append: Append;
}

/** Raw stored value (typed-array element) of `row`, across Arrow chunks. */
function raw(vector: Vector, row: number): number | bigint | undefined {
  let at = row;
  for (const chunk of vector.data) {
    if (at < chunk.length) return (chunk.values as unknown as ArrayLike<number | bigint>)[chunk.offset + at];
    at -= chunk.length;
  }
  return undefined;
}

const bigintOf = (v: number | bigint | undefined) => (typeof v === 'bigint' ? v : BigInt(v ?? 0));
const numberOf = (v: number | bigint | undefined) => Number(v ?? 0);

const SIMPLE: Record<string, Append> = {
  TINYINT: (a, v, r) => a.appendTinyInt(numberOf(raw(v, r))),
  SMALLINT: (a, v, r) => a.appendSmallInt(numberOf(raw(v, r))),
  INTEGER: (a, v, r) => a.appendInteger(numberOf(raw(v, r))),
  UTINYINT: (a, v, r) => a.appendUTinyInt(numberOf(raw(v, r))),
  USMALLINT: (a, v, r) => a.appendUSmallInt(numberOf(raw(v, r))),
  UINTEGER: (a, v, r) => a.appendUInteger(numberOf(raw(v, r))),
  BIGINT: (a, v, r) => a.appendBigInt(bigintOf(raw(v, r))),
  UBIGINT: (a, v, r) => a.appendUBigInt(bigintOf(raw(v, r))),
  FLOAT: (a, v, r) => a.appendFloat(numberOf(raw(v, r))),
  DOUBLE: (a, v, r) => a.appendDouble(numberOf(raw(v, r))),
  BOOLEAN: (a, v, r) => a.appendBoolean(Boolean(v.get(r))),
  VARCHAR: (a, v, r) => a.appendVarchar(String(v.get(r))),
  DATE: (a, v, r) => a.appendDate(new DuckDBDateValue(numberOf(raw(v, r)))),
  TIMESTAMP: (a, v, r) => a.appendTimestamp(new DuckDBTimestampValue(bigintOf(raw(v, r)))),
  TIMESTAMP_NS: (a, v, r) => a.appendTimestampNanoseconds(new DuckDBTimestampNanosecondsValue(bigintOf(raw(v, r)))),
  TIMESTAMP_MS: (a, v, r) => a.appendTimestampMilliseconds(new DuckDBTimestampMillisecondsValue(bigintOf(raw(v, r)))),
  TIMESTAMP_S: (a, v, r) => a.appendTimestampSeconds(new DuckDBTimestampSecondsValue(bigintOf(raw(v, r)))),
  'TIMESTAMP WITH TIME ZONE': (a, v, r) => a.appendTimestampTZ(new DuckDBTimestampTZValue(bigintOf(raw(v, r)))),
};

const TWO_53 = 2 ** 53;

/** How one result column is written: its own type, exact-or-refused for doubles, or text. */
function planColumn(name: string, duckType: string): ColumnPlan {
  const t = duckType.toUpperCase();
  const simple = SIMPLE[t];
  if (simple) return { name, type: t, asText: false, append: simple };
  if (t === 'HUGEINT' || t === 'UHUGEINT') {
    return {
      name,
      type: t,
      asText: false,
      append: (a, v, r) => {
        const x = numberOf(raw(v, r));
        if (!Number.isSafeInteger(x)) {
          const why = `column "${name}" holds ${x}, beyond 2^53: it cannot be exported exactly (cast it to VARCHAR or DOUBLE in the query)`;
          throw new RequestError('invalid_input', why);
        }
        a.appendHugeInt(BigInt(x));
      },
    };
  }
  const decimal = /^DECIMAL\((\d+),\s*(\d+)\)$/.exec(t);
  if (decimal) {
    const width = Number(decimal[1]);
    const scale = Number(decimal[2]);
    const factor = 10 ** scale;
    return {
      name,
      type: `DECIMAL(${width},${scale})`,
      asText: false,
      append: (a, v, r) => {
        const x = numberOf(raw(v, r));
        const scaled = Math.round(x * factor);
        // Up to 15 significant digits survive a double; beyond that only values below 2^53 units do.
        if (width > 15 && !(Math.abs(scaled) < TWO_53)) {
          const why = `column "${name}" (${t}) holds ${x}, too wide to export exactly (cast it to VARCHAR in the query)`;
          throw new RequestError('invalid_input', why);
        }
        a.appendDecimal(new DuckDBDecimalValue(BigInt(scaled), width, scale));
      },
    };
  }
  return { name, type: 'VARCHAR', asText: true, append: (a, v, r) => a.appendVarchar(String(v.get(r))) };
}

/** Runs the query read-only and writes its whole result to `target` as CSV or Parquet. */
export async function exportSqlResult(options: SqlExportOptions): Promise<SqlExportResult> {
  const started = performance.now();
  const maxRows = options.maxRows ?? EXPORT_MAX_ROWS;
  const result = await options.run(options.queryId, options.sql, maxRows);
  if (result.truncated) {
    const cap = maxRows.toLocaleString('en-US');
    const why = `the result has more than ${cap} rows, the most one export holds: narrow the query (WHERE, LIMIT)`;
    throw new RequestError('invalid_input', why);
  }
  const table = tableFromIPC(result.arrow);
  // Arrow's field names are the result's names with duplicates numbered ("a", "a_2"), as the grid shows them.
  const plans = table.schema.fields.map((f, i) => planColumn(f.name, result.columns[i]?.type ?? 'VARCHAR'));
  const vectors = table.schema.fields.map((_f, i) => table.getChildAt(i) as Vector);

  const tmp = tempPathFor(options.target);
  const db = await openDuckDb({ threads: 1, memoryLimit: '512MB' });
  try {
    // The writer can reach exactly one path: the temporary file. Nothing it runs can read the lake.
    await db.connection.run(`SET allowed_paths = [${sqlString(tmp)}]`);
    await db.connection.run('SET enable_external_access = false');
    await db.connection.run('SET lock_configuration = true');
    const columns = plans.length > 0 ? plans.map((p) => `${sqlIdent(p.name)} ${p.type}`).join(', ') : '"(no columns)" VARCHAR';
    await db.connection.run(`CREATE TABLE export_rows (${columns})`);
    const appender = await db.connection.createAppender('export_rows');
    try {
      for (let r = 0; r < table.numRows; r++) {
        for (let c = 0; c < plans.length; c++) {
          const vector = vectors[c]!;
          if (!vector.isValid(r)) appender.appendNull();
          else plans[c]!.append(appender, vector, r);
        }
        appender.endRow();
      }
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
    const format = options.format === 'csv' ? 'FORMAT csv, HEADER true' : 'FORMAT parquet, COMPRESSION zstd';
    await db.connection.run(`COPY export_rows TO ${sqlString(tmp)} (${format}, USE_TMP_FILE false)`);
    db.close();
    await commitTempFile(tmp, options.target);
  } catch (err) {
    db.close();
    await fs.promises.rm(tmp, { force: true });
    throw err;
  }
  return {
    file: options.target,
    rowCount: table.numRows,
    bytes: (await fs.promises.stat(options.target)).size,
    textColumns: plans.filter((p) => p.asText).map((p) => p.name),
    elapsedMs: Math.round(performance.now() - started),
  };
}
