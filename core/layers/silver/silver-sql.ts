// Small SQL helpers shared by the silver builders.
import { sqlString } from '../../duckdb/duckdb-instance.ts';

/** Parquet options of every silver file (the same codec as bronze). */
export const SILVER_PARQUET_OPTIONS = 'FORMAT parquet, COMPRESSION zstd';

/**
 * A relation over Parquet files, or an empty relation of the given typed columns when there are
 * none (a lake without splits yet is not an error: it has no splits).
 */
export function parquetOrEmpty(files: readonly string[], columns: ReadonlyArray<readonly [string, string]>): string {
  if (files.length > 0) {
    const select = columns.map(([name, type]) => `CAST(${name} AS ${type}) AS ${name}`).join(', ');
    return `(SELECT ${select} FROM read_parquet([${files.map(sqlString).join(', ')}], hive_partitioning = false))`;
  }
  const select = columns.map(([name, type]) => `CAST(NULL AS ${type}) AS ${name}`).join(', ');
  return `(SELECT ${select} WHERE false)`;
}

/** A date literal. */
export function sqlDate(date: string): string {
  return `DATE ${sqlString(date)}`;
}

/** A comma-separated list of date literals. */
export function sqlDates(dates: readonly string[]): string {
  return dates.map(sqlDate).join(', ');
}
