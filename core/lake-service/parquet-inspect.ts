/**
 * Parquet footers and first rows, read by DuckDB: parquet_file_metadata / parquet_metadata /
 * parquet_schema give row groups, compression and min/max statistics without reading data pages,
 * and a preview is one `SELECT cols FROM read_parquet(..) LIMIT n OFFSET m`, so column selection
 * and paging are pushed down to the reader instead of shipping the file to the renderer.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ParquetColumnStatsView, ParquetInfoView, PreviewView } from '../contract/contract-views.ts';
import { RequestError } from '../contract/request-error.ts';
import { sqlIdent, sqlString } from '../duckdb/duckdb-instance.ts';
import { columnsToArrowIpc } from './arrow-encode.ts';
import type { LakePath } from './lake-path-guard.ts';

type Row = Record<string, unknown>;

async function rows(conn: DuckDBConnection, sql: string): Promise<Row[]> {
  const reader = await conn.runAndReadAll(sql);
  return reader.getRowObjectsJS() as Row[];
}

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const text = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

function requireParquet(file: LakePath): void {
  if (!file.stat.isFile() || !file.relative.toLowerCase().endsWith('.parquet')) {
    throw new RequestError('invalid_input', `${file.relative || '(lake root)'} is not a Parquet file`);
  }
}

/** Wraps DuckDB's "not a parquet file" and IO errors into a clear message naming the file. */
async function onFile<T>(file: LakePath, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof RequestError) throw err;
    throw new RequestError('invalid_input', `cannot read ${file.relative} as Parquet: ${(err as Error).message.split('\n')[0]}`);
  }
}

/** Column names and DuckDB types of a Parquet file, in file order (hive folder names are not columns of the file). */
export async function parquetSchema(conn: DuckDBConnection, file: LakePath): Promise<Array<{ name: string; type: string }>> {
  const described = await rows(conn, `DESCRIBE SELECT * FROM read_parquet(${sqlString(file.absolute)}, hive_partitioning = false)`);
  return described.map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
}

/** Schema, row groups (rows, sizes, compression, min/max per column) and totals of one file. */
export async function parquetInfo(conn: DuckDBConnection, file: LakePath): Promise<ParquetInfoView> {
  requireParquet(file);
  return onFile(file, async () => {
    const lit = sqlString(file.absolute);
    const [meta] = await rows(conn, `SELECT created_by, num_rows FROM parquet_file_metadata(${lit})`);
    const schema = await parquetSchema(conn, file);
    const chunks = await rows(
      conn,
      `SELECT row_group_id, row_group_num_rows, path_in_schema, type, compression, total_compressed_size,
              total_uncompressed_size, stats_min_value, stats_max_value, stats_min, stats_max, stats_null_count
         FROM parquet_metadata(${lit}) ORDER BY row_group_id, column_id`,
    );
    const typeOf = new Map(schema.map((c) => [c.name, c.type]));
    const groups = new Map<number, ParquetInfoView['rowGroups'][number]>();
    for (const c of chunks) {
      const index = num(c.row_group_id);
      let g = groups.get(index);
      if (!g) {
        g = { index, rows: num(c.row_group_num_rows), compressedBytes: 0, uncompressedBytes: 0, columns: [] };
        groups.set(index, g);
      }
      const column: ParquetColumnStatsView = {
        name: String(c.path_in_schema),
        type: typeOf.get(String(c.path_in_schema)) ?? String(c.type),
        compression: String(c.compression),
        compressedBytes: num(c.total_compressed_size),
        uncompressedBytes: num(c.total_uncompressed_size),
        min: text(c.stats_min_value ?? c.stats_min),
        max: text(c.stats_max_value ?? c.stats_max),
        nulls: c.stats_null_count === null || c.stats_null_count === undefined ? null : num(c.stats_null_count),
      };
      g.columns.push(column);
      g.compressedBytes += column.compressedBytes;
      g.uncompressedBytes += column.uncompressedBytes;
    }
    return {
      path: file.relative,
      rows: num(meta?.num_rows),
      sizeBytes: file.stat.size,
      createdBy: text(meta?.created_by),
      schema,
      rowGroups: [...groups.values()],
    };
  });
}

/** Row counts from the footers of many Parquet files in one query (for folder listings). */
export async function parquetRowCounts(conn: DuckDBConnection, absolutePaths: readonly string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (absolutePaths.length === 0) return out;
  try {
    const list = `[${absolutePaths.map(sqlString).join(', ')}]`;
    for (const r of await rows(conn, `SELECT file_name, num_rows FROM parquet_file_metadata(${list})`)) out.set(String(r.file_name), num(r.num_rows));
  } catch {
    // One unreadable file must not hide the folder: fall back to file by file.
    for (const p of absolutePaths) {
      try {
        const [r] = await rows(conn, `SELECT num_rows FROM parquet_file_metadata(${sqlString(p)})`);
        out.set(p, num(r?.num_rows));
      } catch {
        // Left out: the listing shows rows as unknown.
      }
    }
  }
  return out;
}

/** Options of a preview page. */
export interface PreviewOptions {
  columns?: readonly string[] | undefined;
  offset: number;
  limit: number;
}

/** One page of rows of a Parquet file, selected columns only, as Arrow IPC. */
export async function previewParquet(conn: DuckDBConnection, file: LakePath, options: PreviewOptions): Promise<PreviewView> {
  requireParquet(file);
  const started = performance.now();
  return onFile(file, async () => {
    const lit = sqlString(file.absolute);
    const schema = await parquetSchema(conn, file);
    const known = new Map(schema.map((c) => [c.name, c]));
    const wanted = options.columns && options.columns.length > 0 ? options.columns : schema.map((c) => c.name);
    const unknown = wanted.filter((c) => !known.has(c));
    if (unknown.length > 0) throw new RequestError('invalid_input', `no column ${unknown.map((c) => `"${c}"`).join(', ')} in ${file.relative}`);
    const selected = wanted.map((c) => known.get(c)!);
    const [meta] = await rows(conn, `SELECT num_rows FROM parquet_file_metadata(${lit})`);
    const reader = await conn.runAndReadAll(
      `SELECT ${selected.map((c) => sqlIdent(c.name)).join(', ')} FROM read_parquet(${lit}, hive_partitioning = false) LIMIT ${options.limit} OFFSET ${options.offset}`,
    );
    const arrow = columnsToArrowIpc(selected, reader.getColumns());
    return {
      path: file.relative,
      columns: selected.map((c) => c.name),
      offset: options.offset,
      totalRows: num(meta?.num_rows),
      arrow,
      elapsedMs: Math.round((performance.now() - started) * 10) / 10,
    };
  });
}
