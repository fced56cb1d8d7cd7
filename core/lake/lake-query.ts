import fs from 'node:fs';
import path from 'node:path';
import { StatementType } from '@duckdb/node-api';
import { FLAT_FILE_DATASETS } from '../datasets/index.ts';
import { openDuckDb, sqlIdent, sqlString, type DuckDbHandle } from '../duckdb/duckdb-instance.ts';
import { lakePaths } from './lake-paths.ts';

/** A query result ready to cross a process boundary (JSON-safe values). */
export interface LakeQueryResult {
  columns: Array<{ name: string; type: string }>;
  rows: unknown[][];
  /** Rows returned (at most maxRows). */
  rowCount: number;
  elapsedMs: number;
  /** True when the query produced more than maxRows rows. */
  truncated: boolean;
}

/** A read-only SQL session over the lake's bronze files. */
export interface LakeQuery {
  run(sql: string, options?: { maxRows?: number }): Promise<LakeQueryResult>;
  /** Cancels the running query (it rejects with "Interrupted"). */
  interrupt(): void;
  close(): void;
  /** Views currently defined (one per dataset with files, plus `<dataset>_rejects`). */
  views(): string[];
}

/** Thrown for SQL the read-only engine refuses before running it. */
export class ReadOnlyQueryError extends Error {
  override name = 'ReadOnlyQueryError';
}

// SELECT covers WITH, VALUES, FROM-first, DESCRIBE, SHOW, SUMMARIZE and read-only PRAGMAs, which
// DuckDB rewrites into selects; EXPLAIN plans without running writes.
const ALLOWED = new Set<StatementType>([StatementType.SELECT, StatementType.EXPLAIN]);

const INTEGER_TYPES = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT)$/;

function hasParquet(dir: string): boolean {
  // Cheap probe: a dataset folder exists with at least one year=/month= folder holding a file.
  try {
    for (const y of fs.readdirSync(dir)) {
      for (const m of fs.readdirSync(path.join(dir, y))) {
        if (fs.readdirSync(path.join(dir, y, m)).some((f) => f.endsWith('.parquet'))) return true;
      }
    }
  } catch {
    return false;
  }
  return false;
}

/**
 * Opens DuckDB over the lake: views `stocks_daily`, ... over `bronze/<dataset>/*\/*\/*.parquet`
 * (hive year/month as INTEGER) and `<dataset>_rejects`, then locks it down: only files under
 * bronze are reachable (`allowed_directories` + `enable_external_access=false`), the
 * configuration is locked, and statements other than SELECT-like and EXPLAIN are refused, so
 * COPY, ATTACH, INSTALL/LOAD, CREATE and SET all fail.
 */
export async function openLakeQuery(lakeRoot: string, opts: { threads: number; memoryLimit: string }): Promise<LakeQuery> {
  const paths = lakePaths(lakeRoot);
  const bronzeRoot = path.resolve(path.dirname(paths.bronzeDir('x')));
  const db: DuckDbHandle = await openDuckDb({ threads: opts.threads, memoryLimit: opts.memoryLimit, timeZone: 'UTC' });
  const views = new Set<string>();

  const defineViews = async () => {
    for (const ds of FLAT_FILE_DATASETS) {
      if (!views.has(ds.id) && hasParquet(paths.bronzeDir(ds.id))) {
        const glob = path.join(paths.bronzeDir(ds.id), '*', '*', '*.parquet');
        await db.connection.run(
          `CREATE OR REPLACE VIEW ${sqlIdent(ds.id)} AS SELECT * FROM read_parquet(${sqlString(glob)}, hive_partitioning = true, hive_types = {'year': INTEGER, 'month': INTEGER})`,
        );
        views.add(ds.id);
      }
      const rejectsDir = path.dirname(paths.rejectsFile(ds.id, '2000-01-01'));
      const rejectsView = `${ds.id}_rejects`;
      if (!views.has(rejectsView) && fs.existsSync(rejectsDir) && fs.readdirSync(rejectsDir).some((f) => f.endsWith('.parquet'))) {
        await db.connection.run(
          `CREATE OR REPLACE VIEW ${sqlIdent(rejectsView)} AS SELECT * FROM read_parquet(${sqlString(path.join(rejectsDir, '*.parquet'))})`,
        );
        views.add(rejectsView);
      }
    }
  };

  try {
    await defineViews();
    await db.connection.run(`SET allowed_directories = [${sqlString(bronzeRoot + path.sep)}]`);
    await db.connection.run('SET enable_external_access = false');
    await db.connection.run('SET lock_configuration = true');
  } catch (err) {
    db.close();
    throw err;
  }

  let queue: Promise<unknown> = Promise.resolve();
  const runOne = async (sql: string, maxRows: number): Promise<LakeQueryResult> => {
    const started = performance.now();
    // Datasets ingested since the session opened get their views now (files stay within bronze).
    await defineViews().catch(() => undefined);
    const extracted = await db.connection.extractStatements(sql);
    if (extracted.count === 0) throw new ReadOnlyQueryError('no SQL statement to run');
    const prepared = [];
    for (let i = 0; i < extracted.count; i++) {
      const p = await extracted.prepare(i);
      if (!ALLOWED.has(p.statementType)) {
        throw new ReadOnlyQueryError(
          `statement ${i + 1} is not allowed: the lake is read-only here (use SELECT, WITH, FROM, DESCRIBE, SHOW, SUMMARIZE or EXPLAIN)`,
        );
      }
      prepared.push(p);
    }
    let last = null;
    for (const p of prepared) last = await p.streamAndReadUntil(maxRows + 1);
    const reader = last!;
    const types = reader.columnTypes().map((t) => t.toString());
    const columns = reader.columnNames().map((name, i) => ({ name, type: types[i] ?? 'UNKNOWN' }));
    const all = reader.getRowsJson();
    const truncated = all.length > maxRows;
    const rows = (truncated ? all.slice(0, maxRows) : all).map((row) =>
      row.map((v, i) => (typeof v === 'string' && INTEGER_TYPES.test(types[i] ?? '') && Number.isSafeInteger(Number(v)) ? Number(v) : v)),
    );
    return { columns, rows, rowCount: rows.length, elapsedMs: Math.round(performance.now() - started), truncated };
  };

  return {
    run(sql, options = {}) {
      const maxRows = Math.max(1, options.maxRows ?? 10_000);
      const next = queue.then(() => runOne(sql, maxRows));
      queue = next.catch(() => undefined);
      return next;
    },
    interrupt() {
      db.connection.interrupt();
    },
    close() {
      db.close();
    },
    views() {
      return [...views].sort();
    },
  };
}
