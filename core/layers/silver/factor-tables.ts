import type { DuckDBConnection } from '@duckdb/node-api';
import { factorTablesSql, type FactorInputFiles } from './adjustment-factors-sql.ts';

/**
 * Runs the factor queries for the days [from, upTo] (default: upTo alone) on a connection, leaving the
 * tables of factorTablesSql and refusing a lake
 * where two symbols resolve to one instrument on the same day: that is a reference-data error a
 * factor must not paper over.
 */
export async function buildFactorTables(connection: DuckDBConnection, files: FactorInputFiles, upTo: string, from?: string): Promise<void> {
  for (const sql of factorTablesSql(files, upTo, from)) await connection.run(sql);
  const dup = (await connection.runAndReadAll('SELECT instrument_id, CAST(date AS VARCHAR), tickers FROM duplicate_bars ORDER BY 2, 1 LIMIT 3')).getRows();
  if (dup.length > 0) {
    const list = dup.map(([id, date, tickers]) => `${String(id)} on ${String(date)} (${String(tickers)})`).join('; ');
    throw new Error(`adjustment_factors: two symbols resolve to one instrument on the same day: ${list}`);
  }
}
