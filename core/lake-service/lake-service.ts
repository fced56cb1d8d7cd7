/**
 * What the long-lived "lake" process does, as plain functions over one lake root: coverage, the
 * lake tree, Parquet footers and previews, and read-only SQL.
 *
 * Why DuckDB in a long-lived process, answering the renderer with Arrow IPC (our choice):
 * - One engine, DuckDB, reads the lake for preview, footer statistics and SQL (and writes it in
 *   the ingest jobs), so every answer comes from the same Parquet reader with explicit memory
 *   limits, and parquet_metadata/parquet_schema give row groups and min/max without a second
 *   Parquet implementation. Coverage reads metadata records, not data, so it needs no engine.
 * - The renderer never gets file access: it names a path relative to the lake, this process
 *   resolves it (realpath, refusing anything outside the root, symlinks included) and answers
 *   with rows, not files. The engines are locked to the lake too (allowed_directories, external
 *   access off, configuration locked), so a path that slipped through would still be refused.
 * - Column selection and paging are pushed down (`SELECT cols ... LIMIT n OFFSET m` on
 *   read_parquet), so a 1.8M-row minute file costs only the row groups a page touches, and the
 *   answer crosses as compact Arrow IPC bytes the renderer reads without parsing JSON.
 * - Jobs run in their own processes and this one runs none, so browsing and SQL never wait behind
 *   an update, and a crash here (a pathological query) costs a restart, not the app.
 * Two DuckDB instances live here: the SQL session (lake-query.ts: read-only statements, bronze
 * only, user-sized memory) and a small browsing instance for previews and footers, so opening a
 * file in the Lake page never queues behind a long SQL query.
 */
import fs from 'node:fs';
import path from 'node:path';
import { nearestExisting } from '../storage/volume-probe.ts';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { SqlResultView } from '../contract/contract-views.ts';
import { RequestError } from '../contract/request-error.ts';
import { createLakeRegistry, DEFAULT_TICKERS_DAILY_FROM } from '../datasets/index.ts';
import { openDuckDb, type DuckDbHandle } from '../duckdb/duckdb-instance.ts';
import { lockDownEngine } from '../duckdb/lockdown.ts';
import { coverageCell, coverageView } from './coverage-view.ts';
import { resolveLakePath } from './lake-path-guard.ts';
import { listLakeFolder } from './lake-listing.ts';
import type { LakeMethod, LakeMethods, LakeServiceConfig } from './lake-service-protocol.ts';
import { openLakeSql, type LakeSql } from './lake-sql.ts';
import { parquetInfo, parquetRowCounts, previewParquet } from './parquet-inspect.ts';
import { exportSqlResult } from './sql-export.ts';
import { diffFeatureVersions } from '../layers/features/feature-version-diff.ts';
import { lakeGoldDir } from '../layers/gold/gold-store.ts';
import { checkLakeGold } from '../layers/gold/lake-gold-check.ts';

/** The lake service: answers one method call at a time per engine, closes its engine on close(). */
export interface LakeService {
  call<M extends LakeMethod>(method: M, params: LakeMethods[M]['params']): Promise<LakeMethods[M]['result']>;
  close(): Promise<void>;
}

/** Serialises use of one DuckDB connection (one statement at a time per connection). */
function createMutex() {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>): Promise<T> => {
    const run = tail.then(fn, fn);
    tail = run.catch(() => undefined);
    return run;
  };
}

/**
 * The browsing engine: previews and footers are LIMIT queries and metadata reads, so a small
 * memory cap and at most two threads leave the machine to the jobs. Locked to the lake root.
 */
async function openBrowseEngine(config: LakeServiceConfig): Promise<DuckDbHandle> {
  const handle = await openDuckDb({ threads: Math.min(2, Math.max(1, config.threads)), memoryLimit: '512MB' });
  try {
    // Never create the lake here: with its drive unplugged that would put an empty lake on the boot
    // disk in its place. The real path of the nearest existing folder, plus the rest, is what it will be.
    const near = nearestExisting(config.lakeRoot);
    const root = path.join(fs.realpathSync(near), path.relative(near, path.resolve(config.lakeRoot)));
    // This engine runs only SQL we write (previews, footers), over paths the path guard resolved.
    await lockDownEngine(handle.connection, { allowedDirectories: [root + path.sep] });
  } catch (err) {
    handle.close();
    throw err;
  }
  return handle;
}

/** Opens the service's engine for a lake and returns its method table. */
export async function createLakeService(config: LakeServiceConfig): Promise<LakeService> {
  const startedAt = Date.now();
  let browse: DuckDbHandle | null = null;
  let sql: LakeSql | null = null;
  const browseLock = createMutex();
  const registry = createLakeRegistry({ tickersDailyFrom: config.tickersDailyFrom ?? DEFAULT_TICKERS_DAILY_FROM });
  const pendingSql = new Set<string>();
  const cancelledSql = new Set<string>();

  // Opened on first use: coverage (the first thing the UI asks) needs neither engine. The opening
  // promise is kept, so requests arriving while an engine starts share it instead of each opening one.
  let browseOpening: Promise<DuckDbHandle> | null = null;
  let sqlOpening: Promise<LakeSql> | null = null;
  const browseConn = async (): Promise<DuckDBConnection> => {
    browseOpening ??= openBrowseEngine(config).then(
      (h) => (browse = h),
      (err: unknown) => {
        browseOpening = null;
        throw err;
      },
    );
    return (await browseOpening).connection;
  };
  const sqlEngine = async (): Promise<LakeSql> => {
    sqlOpening ??= openLakeSql(config).then(
      (e) => (sql = e),
      (err: unknown) => {
        sqlOpening = null;
        throw err;
      },
    );
    return sqlOpening;
  };

  const methods: { [M in LakeMethod]: (p: LakeMethods[M]['params']) => Promise<LakeMethods[M]['result']> } = {
    coverage: (p) => coverageView({ lakeRoot: config.lakeRoot, historyStart: config.historyStart, registry, ...p }),
    cell: (p) => coverageCell({ lakeRoot: config.lakeRoot, historyStart: config.historyStart, registry, ...p }),
    async list(p) {
      const folder = await resolveLakePath(config.lakeRoot, p.path || '.');
      // The folder-size walk needs no engine; only the footer row counts take the browse lock, so a
      // preview clicked while a big folder is being listed is not queued behind the walk.
      return listLakeFolder(folder, (files) => browseLock(async () => parquetRowCounts(await browseConn(), files)));
    },
    async parquetInfo(p) {
      const file = await resolveLakePath(config.lakeRoot, p.path);
      return browseLock(async () => parquetInfo(await browseConn(), file));
    },
    async preview(p) {
      const file = await resolveLakePath(config.lakeRoot, p.path);
      return browseLock(async () => previewParquet(await browseConn(), file, p));
    },
    async sqlRun(p): Promise<SqlResultView> {
      // The engine opens on the first query; a cancel that arrives meanwhile must still count.
      pendingSql.add(p.queryId);
      try {
        const engine = await sqlEngine();
        if (cancelledSql.delete(p.queryId)) throw new RequestError('cancelled', 'query cancelled before it started');
        return await engine.run(p.queryId, p.sql, p.maxRows);
      } finally {
        pendingSql.delete(p.queryId);
        cancelledSql.delete(p.queryId);
      }
    },
    async sqlExport(p) {
      const engine = await sqlEngine();
      const run = (id: string, text: string, maxRows: number) => engine.run(id, text, maxRows);
      return exportSqlResult({ run, queryId: p.queryId, sql: p.sql, format: p.format, target: p.target });
    },
    async sqlCancel(p) {
      if (sql?.cancel(p.queryId)) return { cancelled: true };
      if (!pendingSql.has(p.queryId)) return { cancelled: false };
      cancelledSql.add(p.queryId);
      return { cancelled: true };
    },
    async featureDiff(p) {
      return browseLock(async () => diffFeatureVersions(await browseConn(), fs.realpathSync(config.lakeRoot), p.name, p.a, p.b));
    },
    async goldCheck() {
      const dir = lakeGoldDir(config.lakeRoot);
      if (!fs.existsSync(path.join(dir, 'calendars'))) {
        throw new RequestError('not_found', `no Qlib directory at ${dir} yet: run an update with gold enabled`);
      }
      return checkLakeGold(config.lakeRoot, registry, { duckdb: { threads: Math.min(2, config.threads), memoryLimit: '1GB' } });
    },
    async ping(p) {
      // Dies without answering, as a real crash would (tests of the client's restart).
      if (p.crash) process.exit(70);
      return { pid: process.pid, uptimeMs: Date.now() - startedAt };
    },
  };

  return {
    call(method, params) {
      const fn = methods[method] as ((p: unknown) => Promise<unknown>) | undefined;
      if (!fn) return Promise.reject(new RequestError('invalid_input', `the lake service has no method "${String(method)}"`));
      return fn(params) as never;
    },
    async close() {
      await Promise.allSettled([sqlOpening, browseOpening]);
      await sql?.close();
      browse?.close();
      sql = null;
      browse = null;
    },
  };
}
