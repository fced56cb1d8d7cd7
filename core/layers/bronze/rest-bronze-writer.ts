import fs from 'node:fs';
import path from 'node:path';
import { dateValue, LIST, listValue, timestampTZValue, VARCHAR, type DuckDBAppender } from '@duckdb/node-api';
import { parseIsoDate } from '../../calendar/iso-date.ts';
import type { IsoDate } from '../../calendar/index.ts';
import { openDuckDb, sqlIdent, sqlString, type DuckDbHandle } from '../../duckdb/duckdb-instance.ts';
import { fsyncFile, tempPathFor } from '../../files/atomic-write.ts';
import { lakePaths } from '../../lake/lake-paths.ts';
import type { RestBronzeColumn, RestDatasetDeclaration } from '../../datasets/rest-dataset-types.ts';
import type { RestReject } from './rest-rows.ts';
import type { RestRow, RestValue } from './rest-row-typing.ts';

/**
 * How rows get into DuckDB before COPY to Parquet. Measured by bench/rest-bench.ts (whole writes, open
 * to rename, DuckDB 1 thread, medians of 5, on the shared 2-core machine), two runs: a 12,606-row
 * universe snapshot (mostly text) 324/813 ms by appender vs 343/736 ms by NDJSON, a tie within the
 * machine's noise; an 11,623-row short-volume day (mostly numbers) 178/328 vs 290/404 ms, the appender
 * ahead. The appender is kept: no temp file, and the NDJSON route's JSON.stringify and parse buy nothing.
 */
export type BronzeLoadMethod = 'appender' | 'ndjson';
export const DEFAULT_LOAD_METHOD: BronzeLoadMethod = 'appender';

/** ZSTD Parquet, the same options as the flat-file bronze. */
const PARQUET_OPTIONS = 'FORMAT parquet, COMPRESSION zstd';

const REJECT_COLUMNS = 'date DATE, reason VARCHAR, page INTEGER, record_index INTEGER, record VARCHAR';

/** One written partition. */
export interface WrittenPartition {
  date: IsoDate;
  rows: number;
  rejects: number;
  /** Size of the bronze file. */
  bytes: number;
  file: string;
  /** The rejects file, when the partition had rejects (otherwise any old one is removed). */
  rejectsFile: string | null;
}

/** What to write: every partition of one unit, each with its rows and rejects. */
export interface RestBronzeWrite {
  lakeRoot: string;
  decl: RestDatasetDeclaration;
  partitions: ReadonlyArray<{ date: IsoDate; rows: readonly RestRow[]; rejects: readonly RestReject[] }>;
  method?: BronzeLoadMethod;
  duckdb?: { threads?: number; memoryLimit?: string };
  signal?: AbortSignal;
}

/** The rename half of commitTempFile (atomic-write.ts), for files already flushed. */
async function renameInto(tmp: string, target: string): Promise<void> {
  await fs.promises.mkdir(path.dirname(target), { recursive: true });
  await fs.promises.rename(tmp, target);
}

/** `CREATE TABLE` column list of a declaration. */
function columnsSql(columns: readonly RestBronzeColumn[]): string {
  return columns.map((c) => `${sqlIdent(c.name)} ${c.duckdbType}`).join(', ');
}

/** Appends one typed value by its column's type. */
function appendValue(appender: DuckDBAppender, column: RestBronzeColumn, v: RestValue): void {
  if (v === null) return appender.appendNull();
  switch (column.duckdbType) {
    case 'VARCHAR': return appender.appendVarchar(v as string);
    case 'DOUBLE': return appender.appendDouble(v as number);
    case 'BIGINT': return appender.appendBigInt(BigInt(v as number));
    case 'INTEGER': return appender.appendInteger(v as number);
    case 'BOOLEAN': return appender.appendBoolean(v as boolean);
    case 'DATE': return appender.appendDate(dateValue(parseIsoDate(v as string)));
    case 'TIMESTAMP WITH TIME ZONE': return appender.appendTimestampTZ(timestampTZValue(BigInt(Date.parse(v as string)) * 1000n));
    case 'VARCHAR[]': return appender.appendList(listValue(v as string[]), LIST(VARCHAR));
  }
}

/** Loads rows into `table` through the appender. */
async function loadByAppender(
  db: DuckDbHandle,
  table: string,
  columns: readonly RestBronzeColumn[],
  rows: readonly RestRow[],
): Promise<void> {
  const appender = await db.connection.createAppender(table);
  try {
    for (const row of rows) {
      for (const c of columns) appendValue(appender, c, row[c.name] ?? null);
      appender.endRow();
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

/** Loads rows into `table` through a temporary NDJSON file read back with the declared types. */
async function loadByNdjson(
  db: DuckDbHandle,
  lakeRoot: string,
  table: string,
  columns: readonly RestBronzeColumn[],
  rows: readonly RestRow[],
): Promise<void> {
  if (rows.length === 0) return;
  const file = tempPathFor(path.join(lakeRoot, '.tmp', `${table}.ndjson`), lakeRoot);
  await fs.promises.mkdir(path.dirname(file), { recursive: true });
  try {
    await fs.promises.writeFile(file, `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
    const types = columns.map((c) => `${sqlString(c.name)}: ${sqlString(c.duckdbType)}`).join(', ');
    const names = columns.map((c) => sqlIdent(c.name)).join(', ');
    await db.connection.run(
      `INSERT INTO ${table} SELECT ${names} FROM read_json(${sqlString(file)}, format = 'newline_delimited', columns = {${types}})`,
    );
  } finally {
    await fs.promises.rm(file, { force: true });
  }
}

/**
 * Writes a unit's partitions to bronze: every partition file (0 rows is a valid partition) and the
 * rejects of those that had any, each first to `.tmp` and all renamed into place only once every
 * file is written, so a failure or kill leaves the previous files; rejects of a partition that now
 * has none are removed.
 */
export async function writeRestBronze(req: RestBronzeWrite): Promise<WrittenPartition[]> {
  const { lakeRoot, decl } = req;
  const paths = lakePaths(lakeRoot);
  const method = req.method ?? DEFAULT_LOAD_METHOD;
  const spill = tempPathFor(path.join(paths.tmpDir, `duckdb-rest-${decl.id}`), lakeRoot);
  const temps: string[] = [];
  const db = await openDuckDb({ threads: req.duckdb?.threads ?? 1, memoryLimit: req.duckdb?.memoryLimit ?? '512MB', tempDirectory: spill });
  const onAbort = () => db.connection.interrupt();
  req.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const run = (sql: string) => {
      req.signal?.throwIfAborted();
      return db.connection.run(sql);
    };
    await run(`CREATE TABLE good (${columnsSql(decl.columns)})`);
    await run(`CREATE TABLE bad (${REJECT_COLUMNS})`);
    const allRows = req.partitions.flatMap((p) => p.rows);
    if (method === 'appender') await loadByAppender(db, 'good', decl.columns, allRows);
    else await loadByNdjson(db, lakeRoot, 'good', decl.columns, allRows);
    const rejectColumns: RestBronzeColumn[] = [
      { name: 'date', duckdbType: 'DATE', description: '' }, { name: 'reason', duckdbType: 'VARCHAR', description: '' },
      { name: 'page', duckdbType: 'INTEGER', description: '' }, { name: 'record_index', duckdbType: 'INTEGER', description: '' },
      { name: 'record', duckdbType: 'VARCHAR', description: '' },
    ];
    const allRejects = req.partitions.flatMap((p) => p.rejects) as unknown as RestRow[];
    await loadByAppender(db, 'bad', rejectColumns, allRejects);

    const order = decl.sortBy.map((c) => `${sqlIdent(c)} NULLS LAST`).join(', ');
    const staged: Array<{ out: WrittenPartition; goodTmp: string; badTmp: string | null }> = [];
    for (const p of req.partitions) {
      const file = paths.bronzeFile(decl.id, p.date);
      const goodTmp = tempPathFor(file, lakeRoot);
      temps.push(goodTmp);
      await fs.promises.mkdir(path.dirname(goodTmp), { recursive: true });
      const day = `DATE ${sqlString(p.date)}`;
      await run(`COPY (SELECT * FROM good WHERE date = ${day} ORDER BY ${order}) TO ${sqlString(goodTmp)} (${PARQUET_OPTIONS})`);
      let badTmp: string | null = null;
      const rejectsFile = paths.rejectsFile(decl.id, p.date);
      if (p.rejects.length > 0) {
        badTmp = tempPathFor(rejectsFile, lakeRoot);
        temps.push(badTmp);
        await run(`COPY (SELECT * FROM bad WHERE date = ${day} ORDER BY page, record_index) TO ${sqlString(badTmp)} (${PARQUET_OPTIONS})`);
      }
      const counts = { rows: p.rows.length, rejects: p.rejects.length };
      const out = { date: p.date, ...counts, bytes: 0, file, rejectsFile: badTmp ? rejectsFile : null };
      staged.push({ out, goodTmp, badTmp });
    }
    req.signal?.throwIfAborted();
    // Flushed together, then renamed into place one by one: a month unit is 20-odd files, and 22 small
    // files took 15-85 ms to fsync one at a time on this machine's ext4 against 2-5 ms all at once.
    await Promise.all(staged.flatMap((s) => [s.goodTmp, ...(s.badTmp ? [s.badTmp] : [])]).map((f) => fsyncFile(f)));
    for (const s of staged) {
      await renameInto(s.goodTmp, s.out.file);
      if (s.badTmp) await renameInto(s.badTmp, s.out.rejectsFile as string);
      else await fs.promises.rm(paths.rejectsFile(decl.id, s.out.date), { force: true });
      s.out.bytes = (await fs.promises.stat(s.out.file)).size;
    }
    return staged.map((s) => s.out);
  } finally {
    req.signal?.removeEventListener('abort', onAbort);
    db.close();
    await Promise.all([spill, ...temps].map((p) => fs.promises.rm(p, { recursive: true, force: true }).catch(() => undefined)));
  }
}
