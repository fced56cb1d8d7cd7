import type { FlatFileDataset, PlausibleBounds } from '../../datasets/index.ts';
import { sqlString, type DuckDbHandle } from '../../duckdb/duckdb-instance.ts';
import type { ProgressSink } from '../../progress/job-progress.ts';
import {
  bronzeProjectionSql, disorderSql, NOT_SINGLE_PASS, parseErrorRejectsSql, readCsvSql, rejectProjectionSql, rejectReasonSql,
  REJECT_REASONS, singlePassCopySql,
} from './bronze-sql.ts';

/**
 * The DuckDB half of the bronze ingest: from a checked, gunzipped CSV to temporary Parquet files.
 * A clean, sorted file (the normal case) takes one pass; anything else takes the staged path.
 */

/**
 * ZSTD at its default level (3). Measured on the bench's 1.49 M-row minute day, single pass,
 * 2 threads, medians of 5 on a shared machine:
 * - DICTIONARY_SIZE_LIMIT 10000 bytes: 792 ms wall / 1353 ms CPU, 19.95 MB. DuckDB's default limit
 *   builds dictionaries for the price columns and then abandons them (they end up PLAIN): 910 ms /
 *   1613 ms, 19.69 MB. The window_start, ticker and date dictionaries still fit under 10000.
 *   A limit of 1 (no dictionaries): no faster, 20.60 MB.
 * - COMPRESSION_LEVEL 1 or 2: about 130-180 ms CPU less for 23.76 MB / 21.03 MB (+19% / +5%).
 * - ROW_GROUP_SIZE 245760: slower (fewer groups to share between 2 threads); 61440: +2% bytes for
 *   no clear gain. Bloom filters stay on (they serve ticker look-ups).
 */
export const PARQUET_OPTIONS = 'FORMAT parquet, COMPRESSION zstd, DICTIONARY_SIZE_LIMIT 10000';

/** Progress message of the single pass (the normal case). */
export const SINGLE_PASS_MESSAGE = 'one pass: parse, validate and write';
/** Progress message of the staged path (rejects, unparseable lines, duplicates or disorder). */
export const STAGED_MESSAGE = 'staged: the file has rejects, unparseable lines, duplicates or is out of order';

/** Where the outputs of one day go, and what to call while they are written. */
export interface OutputTargets {
  csv: string;
  goodTmp: string;
  rejectsTmp: string;
  /** Plausibility bounds of this dataset (registry defaults or the user's settings). */
  bounds: PlausibleBounds;
  progress: ProgressSink;
  signal?: AbortSignal;
}

/** Row counts of the written outputs (`rejects` > 0 means the rejects file was written too). */
export interface OutputCounts {
  rows: number;
  rejects: number;
}

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
 * The single pass: good rows straight from the CSV to Parquet in file order, then a read-back of
 * the written keys proving them strictly increasing. Returns null, having written nothing that
 * counts, when the file needs the staged path (a row that is not good, a line DuckDB could not
 * parse, or rows out of order or duplicated). Measured on the bench's minute day (2 threads):
 * staging (table 530-600 ms, order check 45-55 ms, write 450-560 ms) took 1.06-1.20 s where this
 * pass and its read-back take 0.86-1.08 s, with about 100 MB less peak RSS.
 */
export async function writeSinglePass(db: DuckDbHandle, ds: FlatFileDataset, date: string, out: OutputTargets): Promise<OutputCounts | null> {
  out.signal?.throwIfAborted();
  out.progress({ phase: 'reading', message: SINGLE_PASS_MESSAGE });
  let rows: number;
  try {
    rows = countOf((await db.connection.runAndReadAll(singlePassCopySql(ds, date, out.csv, out.goodTmp, PARQUET_OPTIONS, out.bounds))).getRows()[0]?.[0]);
  } catch (err) {
    if ((err as Error).message.includes(NOT_SINGLE_PASS)) return null;
    throw err;
  }
  if ((await scalar(db, 'SELECT count(*) FROM reject_errors', out.signal)) > 0) return null;
  out.progress({ phase: 'validating' });
  if ((await scalar(db, disorderSql(`read_parquet(${sqlString(out.goodTmp)})`), out.signal)) > 0) return null;
  out.progress({ phase: 'writing', rowsDone: rows, rowsTotal: rows });
  return { rows, rejects: 0 };
}

/**
 * The staged path: every row typed and given its reject reason in one table, duplicates marked
 * (first kept), good rows written sorted by ticker then time and the rest to the rejects file.
 */
export async function writeStaged(db: DuckDbHandle, ds: FlatFileDataset, date: string, out: OutputTargets): Promise<OutputCounts> {
  const { signal, progress } = out;
  // interrupt() only stops a statement already running; a cancel between statements is seen here.
  const run = (sql: string) => {
    signal?.throwIfAborted();
    return db.connection.run(sql);
  };
  progress({ phase: 'reading', message: STAGED_MESSAGE });
  // Staged once (parallel CSV parse); validation and both outputs read the staged table.
  await run(`CREATE TEMP TABLE staged AS SELECT *, ${rejectReasonSql(ds, date, out.bounds)} AS reject_reason FROM ${readCsvSql(ds, out.csv)}`);
  progress({ phase: 'validating' });
  // Files arrive sorted by ticker then time; with insertion order preserved one lag pass proves
  // the good rows strictly increasing (hence sorted and duplicate-free), which spares a full sort.
  const disorder = await scalar(db, disorderSql('staged WHERE reject_reason IS NULL'), signal);
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
    (await db.connection.runAndReadAll(`COPY (SELECT ${bronzeProjectionSql(ds, date)} FROM ${goodSource}${order}) TO ${sqlString(out.goodTmp)} (${PARQUET_OPTIONS})`)).getRows()[0]?.[0],
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
                 UNION ALL ${parseErrorRejectsSql(ds, date)}) TO ${sqlString(out.rejectsTmp)} (${PARQUET_OPTIONS})`,
        )
      ).getRows()[0]?.[0],
    );
  }
  progress({ phase: 'writing', rowsDone: rows, rowsTotal: rows, ...(rejects ? { warning: `${rejects} rows rejected` } : {}) });
  return { rows, rejects };
}
