import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { JsonDuckDBValueConverter, type DuckDBConnection } from '@duckdb/node-api';
import { openDuckDb, sqlIdent, sqlString, type DuckDbHandle } from '../duckdb/duckdb-instance.ts';
import { assertReadOnlySql, lockDownEngine } from '../duckdb/lockdown.ts';
import { lakePaths } from './lake-paths.ts';
import { queryableViews, type QueryableView } from './queryable-files.ts';

export { ReadOnlyQueryError } from '../duckdb/lockdown.ts';

/** A query result ready to cross a process boundary (JSON-safe values). */
export interface LakeQueryResult {
  columns: Array<{ name: string; type: string }>;
  rows: unknown[][];
  /** Rows returned. */
  rowCount: number;
  elapsedMs: number;
  /** True when the query produced more rows than were kept (by the row limit or the size cap). */
  truncated: boolean;
  /** Why rows were left out, when they were. */
  truncatedBy?: 'rows' | 'bytes';
  /** Approximate size of the rows kept, in bytes. */
  resultBytes: number;
  /** A sentence for people when the result was cut: "truncated at 64 MiB". */
  notice?: string;
}

/** Limits of one query (each defaults to the session's). */
export interface LakeQueryRunOptions {
  maxRows?: number;
  maxResultBytes?: number;
  timeLimitMs?: number;
  signal?: AbortSignal;
}

/** How the session's engine is sized and limited. */
export interface LakeQueryOptions {
  threads: number;
  memoryLimit: string;
  /** Default time limit of a query (default 60 s). */
  timeLimitMs?: number;
  /** Default cap on a result's size (default 64 MiB). */
  maxResultBytes?: number;
}

/** A read-only SQL session over the lake's datasets. */
export interface LakeQuery {
  run(sql: string, options?: LakeQueryRunOptions): Promise<LakeQueryResult>;
  /** Interrupts every running query (each rejects with "Interrupted"). */
  interrupt(): void;
  close(): void;
  /** Views currently defined (one per dataset with files, plus `<dataset>_rejects`). */
  views(): string[];
}

/** Thrown when a query runs past its time limit. */
export class QueryTimeLimitError extends Error {
  override name = 'QueryTimeLimitError';
}

const MiB = 1024 * 1024;

/** One locked engine over a fixed set of files; replaced when the lake's files change. */
interface Engine {
  handle: DuckDbHandle;
  fingerprint: string;
  views: string[];
  active: number;
  retired: boolean;
}

function fingerprintOf(views: readonly QueryableView[]): string {
  const h = crypto.createHash('sha1');
  for (const v of views) h.update(`${v.name}\0${v.files.join('\0')}\n`);
  return h.digest('hex');
}

/** A spill folder inside the lake's own .tmp when the lake is writable; none otherwise (no spilling). */
function spillDirectory(lakeRoot: string): string | undefined {
  const dir = path.join(lakePaths(lakeRoot).tmpDir, `duckdb-sql.${process.pid}-${crypto.randomBytes(4).toString('hex')}.partial`);
  try {
    fs.mkdirSync(dir, { recursive: true });
    return dir;
  } catch {
    return undefined;
  }
}

async function openEngine(opts: LakeQueryOptions, views: QueryableView[], fingerprint: string, spill: string | undefined): Promise<Engine> {
  const handle = await openDuckDb({ threads: opts.threads, memoryLimit: opts.memoryLimit, timeZone: 'UTC', ...(spill ? { tempDirectory: spill } : {}) });
  try {
    for (const v of views) {
      const list = `[${v.files.map(sqlString).join(', ')}]`;
      const hive = v.hive ? ", hive_partitioning = true, hive_types = {'year': INTEGER, 'month': INTEGER}" : '';
      await handle.connection.run(`CREATE OR REPLACE VIEW ${sqlIdent(v.name)} AS SELECT * FROM read_parquet(${list}${hive})`);
    }
    await lockDownEngine(handle.connection, { allowedPaths: views.flatMap((v) => v.files) });
  } catch (err) {
    handle.close();
    throw err;
  }
  return { handle, fingerprint, views: views.map((v) => v.name).sort(), active: 0, retired: false };
}

/** A rough size of a JSON-safe value as it will travel: what the result cap counts. */
function approximateBytes(v: unknown): number {
  if (v === null || v === undefined) return 1;
  if (typeof v === 'string') return v.length + 4;
  if (typeof v === 'number' || typeof v === 'boolean') return 8;
  return JSON.stringify(v).length;
}

function formatMiB(bytes: number): string {
  return `${Math.round((bytes / MiB) * 10) / 10} MiB`;
}

/**
 * Opens a read-only SQL session over the lake: a view per dataset with data and per rejects
 * folder, an engine that can open only those files (core/duckdb/lockdown.ts), statements checked
 * before they run, a time limit and a size cap on every result. Each query gets its own
 * connection, so queries run side by side and one can be interrupted alone. When the lake's files
 * change (an ingest finished), the next query gets a new engine with the new file list; the old
 * one closes once its queries are done.
 */
export async function openLakeQuery(lakeRoot: string, opts: LakeQueryOptions): Promise<LakeQuery> {
  const spill = spillDirectory(lakeRoot);
  const initialViews = queryableViews(lakeRoot);
  let engine = await openEngine(opts, initialViews, fingerprintOf(initialViews), spill);
  let closed = false;
  const running = new Set<DuckDBConnection>();
  const retire = (e: Engine) => {
    e.retired = true;
    if (e.active === 0) e.handle.close();
  };

  const current = async (): Promise<Engine> => {
    const views = queryableViews(lakeRoot);
    const fp = fingerprintOf(views);
    if (fp !== engine.fingerprint) {
      const next = await openEngine(opts, views, fp, spill);
      const old = engine;
      engine = next;
      retire(old);
    }
    return engine;
  };

  const runOne = async (sql: string, o: LakeQueryRunOptions): Promise<LakeQueryResult> => {
    const started = performance.now();
    const maxRows = Math.max(1, o.maxRows ?? 10_000);
    const maxBytes = Math.max(1024, o.maxResultBytes ?? opts.maxResultBytes ?? 64 * MiB);
    const timeLimitMs = o.timeLimitMs ?? opts.timeLimitMs ?? 60_000;
    const e = await current();
    e.active += 1;
    const conn = await e.handle.instance.connect();
    running.add(conn);
    let timedOut = false;
    const timer = timeLimitMs > 0 ? setTimeout(() => {
      timedOut = true;
      conn.interrupt();
    }, timeLimitMs) : null;
    const onAbort = () => conn.interrupt();
    o.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const count = await assertReadOnlySql(conn, sql);
      // Every statement is a SELECT, so only the last one's result can matter; the others
      // would be computed and thrown away.
      const extracted = await conn.extractStatements(sql);
      const prepared = await extracted.prepare(count - 1);
      const result = await prepared.stream();
      const types = result.columnTypes().map((t) => t.toString());
      const columns = result.columnNames().map((name, i) => ({ name, type: types[i] ?? 'UNKNOWN' }));
      const rows: unknown[][] = [];
      let bytes = 0;
      let truncatedBy: 'rows' | 'bytes' | undefined;
      for (;;) {
        const chunk = await result.fetchChunk();
        if (!chunk || chunk.rowCount === 0) break;
        for (const row of chunk.convertRows(JsonDuckDBValueConverter)) {
          if (rows.length >= maxRows) {
            truncatedBy = 'rows';
            break;
          }
          let size = 0;
          for (const v of row) size += approximateBytes(v);
          if (bytes + size > maxBytes) {
            truncatedBy = 'bytes';
            break;
          }
          bytes += size;
          rows.push(row.map((v, i) => (typeof v === 'string' && INTEGER_TYPES.test(types[i] ?? '') && Number.isSafeInteger(Number(v)) ? Number(v) : v)));
        }
        if (truncatedBy) break;
      }
      // Rows we will not read are not computed: stop the query rather than let it run to the end.
      if (truncatedBy) conn.interrupt();
      prepared.destroySync();
      return {
        columns,
        rows,
        rowCount: rows.length,
        elapsedMs: Math.round(performance.now() - started),
        truncated: truncatedBy !== undefined,
        ...(truncatedBy ? { truncatedBy } : {}),
        resultBytes: bytes,
        ...(truncatedBy === 'bytes' ? { notice: `truncated at ${formatMiB(maxBytes)} (${rows.length} rows kept)` } : {}),
        ...(truncatedBy === 'rows' ? { notice: `truncated at ${maxRows} rows` } : {}),
      };
    } catch (err) {
      if (timedOut) {
        throw new QueryTimeLimitError(`query stopped after ${Math.round(timeLimitMs / 100) / 10} s, its time limit (setting sql.timeLimitSeconds)`, { cause: err });
      }
      throw err;
    } finally {
      if (timer) clearTimeout(timer);
      o.signal?.removeEventListener('abort', onAbort);
      running.delete(conn);
      conn.closeSync();
      e.active -= 1;
      if (e.retired && e.active === 0) e.handle.close();
    }
  };

  return {
    run(sql, options = {}) {
      if (closed) return Promise.reject(new Error('the SQL session is closed'));
      return runOne(sql, options);
    },
    interrupt() {
      for (const c of running) c.interrupt();
    },
    close() {
      if (closed) return;
      closed = true;
      for (const c of running) c.interrupt();
      retire(engine);
      if (spill) fs.rmSync(spill, { recursive: true, force: true });
    },
    views() {
      return [...engine.views];
    },
  };
}

const INTEGER_TYPES = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT)$/;
