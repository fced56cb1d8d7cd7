/**
 * Rows of a query run by the lake service's read-only engine, as plain objects. Backend handlers
 * that need a few hundred or thousand rows (the Symbol page) ask through the same path as the SQL
 * page, so they read exactly the lake's views and never open a DuckDB of their own.
 */
import { tableFromIPC } from 'apache-arrow';
import type { LakeCaller } from './sql-handlers.ts';

/** A cell as the handlers read it: queries cast dates to VARCHAR and figures to DOUBLE. */
export type LakeCell = string | number | boolean | null;

let nextQuery = 0;

/** Runs `sql` in the lake service and returns its rows; throws when the result was cut at `maxRows`. */
export async function lakeRows(lake: LakeCaller, sql: string, maxRows = 100_000): Promise<Array<Record<string, LakeCell>>> {
  const queryId = `app-${process.pid}-${++nextQuery}`;
  const result = await lake.call('sqlRun', { queryId, sql, maxRows });
  // A cut result would be a quietly wrong chart: say so instead.
  if (result.truncated) throw new Error(`the lake's answer was cut (${result.notice ?? `over ${maxRows} rows`})`);
  const table = tableFromIPC(result.arrow);
  const names = table.schema.fields.map((f) => f.name);
  const columns = names.map((n) => table.getChild(n));
  const rows: Array<Record<string, LakeCell>> = [];
  for (let i = 0; i < table.numRows; i++) {
    const row: Record<string, LakeCell> = {};
    names.forEach((n, k) => {
      const v: unknown = columns[k]?.get(i);
      row[n] = v === undefined || v === null ? null : typeof v === 'bigint' ? Number(v) : (v as LakeCell);
    });
    rows.push(row);
  }
  return rows;
}

/** The views the lake's SQL engine has right now (one per dataset with data). */
export async function lakeViewNames(lake: LakeCaller): Promise<Set<string>> {
  const rows = await lakeRows(lake, "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'main'");
  return new Set(rows.map((r) => String(r.name)));
}
