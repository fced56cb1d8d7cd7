import fs from 'node:fs';
import path from 'node:path';
import { BRONZE_SCHEMA_VERSION, flatFileDataset, flatFileHeader, type FlatFileDataset, type FlatFileDatasetId } from '../../datasets/index.ts';
import { openDuckDb, sqlString, type DuckDbHandle } from '../../duckdb/duckdb-instance.ts';
import { commitTempFile, tempPathFor } from '../../lake/atomic-write.ts';
import { lakePaths } from '../../lake/lake-paths.ts';
import { readPartitionRecord, writePartitionRecord } from '../../lake/partition-records.ts';
import type { Logger } from '../../log/logger.ts';
import type { ProgressSink } from '../../runtime/job-progress.ts';
import { bronzeProjectionSql, parseErrorRejectsSql, readCsvSql, rejectProjectionSql, rejectReasonSql, REJECT_REASONS } from './bronze-sql.ts';
import { gunzipCheckedCsv, UnreadableFileError } from './gunzip-to-csv.ts';

/** One day of one flat-file dataset to turn from landing into bronze. */
export interface IngestDayRequest {
  lakeRoot: string;
  dataset: FlatFileDatasetId;
  date: string;
  duckdb: { threads: number; memoryLimit: string };
  signal?: AbortSignal;
  onProgress?: ProgressSink;
  logger?: Logger;
}

/** What happened to one day; `missing` means there was no landing file to ingest. */
export interface IngestDayResult {
  dataset: FlatFileDatasetId;
  date: string;
  state: 'complete' | 'degraded' | 'failed' | 'missing';
  rows: number;
  rejects: number;
  bytes: number;
  error?: string;
  file: string;
}

const PARQUET_OPTIONS = 'FORMAT parquet, COMPRESSION zstd';

function countOf(value: unknown): number {
  return typeof value === 'bigint' ? Number(value) : Number(value ?? 0);
}

/** Runs SQL and returns the first value of the first row as a number. */
async function scalar(db: DuckDbHandle, sql: string, signal?: AbortSignal): Promise<number> {
  signal?.throwIfAborted();
  const reader = await db.connection.runAndReadAll(sql);
  return countOf(reader.getRows()[0]?.[0]);
}

/**
 * Validates the staged rows and writes the good ones (sorted by ticker then time) and the rejects
 * to temporary Parquet files. Returns the row counts.
 */
async function writeOutputs(
  db: DuckDbHandle,
  ds: FlatFileDataset,
  date: string,
  csv: string,
  goodTmp: string,
  rejectsTmp: string,
  progress: ProgressSink,
  signal?: AbortSignal,
): Promise<{ rows: number; rejects: number }> {
  // interrupt() only stops a statement already running; a cancel between statements is seen here.
  const run = (sql: string) => {
    signal?.throwIfAborted();
    return db.connection.run(sql);
  };
  progress({ phase: 'reading' });
  // Staged once (parallel CSV parse); validation and both outputs read the staged table.
  await run(`CREATE TEMP TABLE staged AS SELECT *, ${rejectReasonSql(ds, date)} AS reject_reason FROM ${readCsvSql(ds, csv)}`);
  progress({ phase: 'validating' });
  // Files arrive sorted by ticker then time; with insertion order preserved one lag pass proves
  // the good rows strictly increasing (hence sorted and duplicate-free), which spares a full sort.
  const disorder = await scalar(
    db,
    `SELECT count(*) FILTER (WHERE ticker < prev_ticker OR (ticker = prev_ticker AND window_start <= prev_ws))
       FROM (SELECT ticker, window_start, lag(ticker) OVER () AS prev_ticker, lag(window_start) OVER () AS prev_ws
               FROM staged WHERE reject_reason IS NULL)`,
    signal,
  );
  const goodSource = 'staged WHERE reject_reason IS NULL';
  let order = '';
  if (disorder > 0) {
    // Slow path: number rows in file order, keep the first of each (ticker, window_start).
    await run(`CREATE TEMP TABLE numbered AS SELECT *, row_number() OVER () AS file_row FROM staged`);
    await run(
      `UPDATE numbered SET reject_reason = '${REJECT_REASONS.duplicate}' WHERE file_row IN (
         SELECT file_row FROM (SELECT file_row, row_number() OVER (PARTITION BY ticker, window_start ORDER BY file_row) AS k
                                 FROM numbered WHERE reject_reason IS NULL) WHERE k > 1)`,
    );
    await run('DROP TABLE staged');
    await run('ALTER TABLE numbered RENAME TO staged');
    order = ' ORDER BY ticker, window_start';
  }
  progress({ phase: 'writing' });
  signal?.throwIfAborted();
  const rows = countOf(
    (await db.connection.runAndReadAll(`COPY (SELECT ${bronzeProjectionSql(ds, date)} FROM ${goodSource}${order}) TO ${sqlString(goodTmp)} (${PARQUET_OPTIONS})`)).getRows()[0]?.[0],
  );
  const parseErrors = await scalar(db, 'SELECT count(DISTINCT line) FROM reject_errors');
  const invalid = await scalar(db, 'SELECT count(*) FROM staged WHERE reject_reason IS NOT NULL');
  let rejects = 0;
  if (parseErrors + invalid > 0) {
    signal?.throwIfAborted();
    rejects = countOf(
      (
        await db.connection.runAndReadAll(
          `COPY (SELECT ${rejectProjectionSql(ds, date)} FROM staged WHERE reject_reason IS NOT NULL
                 UNION ALL ${parseErrorRejectsSql(ds, date)}) TO ${sqlString(rejectsTmp)} (${PARQUET_OPTIONS})`,
        )
      ).getRows()[0]?.[0],
    );
  }
  progress({ phase: 'writing', rowsDone: rows, rowsTotal: rows, ...(rejects ? { warning: `${rejects} rows rejected` } : {}) });
  return { rows, rejects };
}

/**
 * Ingests one day from landing into bronze (`bronze/<dataset>/year=YYYY/month=MM/<date>.parquet`):
 * gunzip with integrity and header checks, typed parse with DuckDB, validation (rejected rows go
 * to `bronze/_rejects/<dataset>/<date>.parquet` with their reason), ZSTD Parquet sorted by ticker
 * then time, written under `.tmp` and renamed into place, then the bronze record.
 * A file that cannot be read at all fails the day with nothing written to bronze.
 * Safe to run concurrently with other (dataset, date) pairs, in this process or others.
 */
export async function ingestDay(req: IngestDayRequest): Promise<IngestDayResult> {
  const { lakeRoot, dataset, date } = req;
  const ds = flatFileDataset(dataset);
  const paths = lakePaths(lakeRoot);
  const landing = paths.landingFile(dataset, date);
  const target = paths.bronzeFile(dataset, date);
  const rejectsTarget = paths.rejectsFile(dataset, date);
  const progress = req.onProgress ?? (() => undefined);
  const startedAt = new Date();
  const label = `${dataset} ${date}`;
  const base = { dataset, date, file: target };

  const landingStat = await fs.promises.stat(landing).catch(() => null);
  if (!landingStat) {
    const error = `${label}: no landing file to ingest (${landing}); download it first`;
    req.logger?.warn({ dataset, date }, error);
    return { ...base, state: 'missing', rows: 0, rejects: 0, bytes: 0, error };
  }
  const landingRecord = await readPartitionRecord(lakeRoot, 'landing', dataset, date);
  const csvTmp = tempPathFor(landing.replace(/\.gz$/, ''), lakeRoot);
  const goodTmp = tempPathFor(target, lakeRoot);
  const rejectsTmp = tempPathFor(rejectsTarget, lakeRoot);
  const duckTmp = tempPathFor(path.join(paths.tmpDir, `duckdb-${dataset}-${date}`), lakeRoot);
  let db: DuckDbHandle | null = null;
  let sha256: string | null = null;
  const onAbort = () => db?.connection.interrupt();
  req.signal?.addEventListener('abort', onAbort, { once: true });

  const record = async (status: 'complete' | 'degraded' | 'failed', fields: { rows: number | null; bytes: number | null; rejects: number; lastError: string | null }) => {
    const finishedAt = new Date();
    await writePartitionRecord(lakeRoot, {
      dataset, layer: 'bronze', date, status,
      rows: fields.rows, bytes: fields.bytes,
      sourceChecksum: sha256, etag: landingRecord?.etag ?? null,
      schemaVersion: BRONZE_SCHEMA_VERSION,
      rejects: fields.rejects,
      attempts: 1,
      lastError: fields.lastError,
      startedAt: startedAt.toISOString(), finishedAt: finishedAt.toISOString(),
      durationMs: finishedAt.getTime() - startedAt.getTime(),
    });
  };

  try {
    progress({ phase: 'decompressing', bytesDone: 0, bytesTotal: landingStat.size });
    let lastReport = 0;
    const gz = await gunzipCheckedCsv(landing, csvTmp, flatFileHeader(ds), {
      signal: req.signal,
      onBytes: (n) => {
        if (n - lastReport >= 1 << 20 || n === landingStat.size) {
          lastReport = n;
          progress({ phase: 'decompressing', bytesDone: n, bytesTotal: landingStat.size });
        }
      },
    });
    sha256 = gz.sha256;
    db = await openDuckDb({
      threads: req.duckdb.threads,
      memoryLimit: req.duckdb.memoryLimit,
      tempDirectory: duckTmp,
      preserveInsertionOrder: true,
      timeZone: 'UTC',
    });
    const { rows, rejects } = await writeOutputs(db, ds, date, csvTmp, goodTmp, rejectsTmp, progress, req.signal);
    db.close();
    db = null;
    await fs.promises.rm(csvTmp, { force: true });
    progress({ phase: 'committing' });
    req.signal?.throwIfAborted();
    await commitTempFile(goodTmp, target);
    if (rejects > 0) await commitTempFile(rejectsTmp, rejectsTarget);
    else await fs.promises.rm(rejectsTarget, { force: true });
    const bytes = (await fs.promises.stat(target)).size;
    const state = rejects > 0 ? 'degraded' : 'complete';
    const warning = rejects > 0 ? `${label}: ${rejects} row${rejects === 1 ? '' : 's'} rejected (see ${rejectsTarget})` : null;
    await record(state, { rows, bytes, rejects, lastError: warning });
    req.logger?.info({ dataset, date, rows, rejects, bytes, ms: Date.now() - startedAt.getTime() }, `ingest ${label}: ${state}`);
    return { ...base, state, rows, rejects, bytes, ...(warning ? { error: warning } : {}) };
  } catch (err) {
    const aborted = req.signal?.aborted ?? false;
    const reason = err instanceof UnreadableFileError ? err.message : (err as Error).message;
    const error = aborted ? `${label}: ingest aborted` : `${label}: cannot ingest ${landing}: ${reason}`;
    // A cancelled run says nothing about the data: the previous state (and record) stays.
    if (!aborted) await record('failed', { rows: null, bytes: null, rejects: 0, lastError: error }).catch(() => undefined);
    req.logger?.error({ dataset, date, error }, `ingest ${label}: failed`);
    return { ...base, state: 'failed', rows: 0, rejects: 0, bytes: 0, error };
  } finally {
    req.signal?.removeEventListener('abort', onAbort);
    db?.close();
    await Promise.all([csvTmp, goodTmp, rejectsTmp, duckTmp].map((p) => fs.promises.rm(p, { recursive: true, force: true }).catch(() => undefined)));
  }
}
