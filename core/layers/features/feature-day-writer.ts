/**
 * Writes the days a feature build gathered, one Parquet partition per day, with few DuckDB
 * statements: the days of a pass go into one table and out through one `COPY ... PARTITION_BY`, whose
 * per-day files are then moved into place one by one (fsync, rename), so no partial partition is ever
 * visible. DuckDB's writer encodes each partition exactly as a COPY of that day alone would (same row
 * group, same column chunks), so the bytes do not depend on how many days a build wrote together.
 *
 * The write of a pass is started, not finished, by `startWrite`: the COPY runs on DuckDB's own thread
 * while the caller evaluates the next pass, and `done` settles once its files are in place.
 *
 * While filling the table the writer also takes each day's validation stats (rows, instruments, and
 * per feature the non-null count, min and max), so the version's stats fold in the new days without
 * reading any partition back (feature-day-stats.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBDataChunk, DuckDBDateType, DuckDBDateValue, DuckDBFloatType, DuckDBIntegerType, DuckDBVarCharType } from '@duckdb/node-api';
import type { DuckDBDateVector, DuckDBFloatVector, DuckDBIntegerVector, DuckDBVarCharVector } from '@duckdb/node-api';
import { sqlIdent, sqlString, type DuckDbHandle } from '../../duckdb/duckdb-instance.ts';
import { commitTempFile, tempPathFor } from '../../files/atomic-write.ts';
import { sha256OfFile } from '../../files/file-checksum.ts';
import type { DayStats } from './feature-day-stats.ts';

/** One built partition. */
export interface FeatureDay {
  date: string;
  file: string;
  rows: number;
  checksum: string;
  /** The day's validation stats, as a scan of its file would give them. */
  stats: DayStats;
}

/**
 * The rows gathered for one calendar day: instruments in the order they came, and their values
 * column-major (feature f of row r at `values[f * capacity + r]`), so a column goes to DuckDB in one run.
 */
export interface DayRows {
  instruments: string[];
  values: Float32Array;
  capacity: number;
}

/** An empty day with room for `capacity` instruments of `width` features. */
export function newDayRows(width: number, capacity: number): DayRows {
  return { instruments: [], values: new Float32Array(width * capacity), capacity };
}

/** Spreads one instrument's result (values feature-major over its rows) into the days being built. */
export function addToDays(days: Map<number, DayRows>, r: { instrument: string; rows: ArrayLike<number>; values: ArrayLike<number> }, width: number): void {
  const n = r.rows.length;
  for (let i = 0; i < n; i++) {
    const day = days.get(r.rows[i]!);
    if (!day) continue;
    const k = day.instruments.length;
    if (k === day.capacity) throw new Error(`more instruments on one day than the ${day.capacity} the build planned for`);
    day.instruments.push(r.instrument);
    for (let f = 0; f < width; f++) day.values[f * day.capacity + k] = r.values[f * n + i]!;
  }
}

/** Most rows one COPY partitions: well under DuckDB's partitioned_write_flush_threshold (524,288), so no partition's row group is flushed early. */
const ROWS_PER_COPY = 262_144;

/** Rows per DuckDB data chunk (DuckDB's vector size). */
const CHUNK = 2048;

/** Where the days go and what they are called. */
export interface DayWriteTarget {
  lakeRoot: string;
  fileOf: (date: string) => string;
  calendar: readonly string[];
  names: readonly string[];
}

/** A write in flight: `done` gives the written days, in calendar order, once their files are in place. */
export interface PendingWrite {
  done: Promise<FeatureDay[]>;
}

/**
 * Loads the gathered days into DuckDB and issues the COPY of the first group of them; returns once
 * the COPY is running. The rest (further groups, renames, checksums) happens in `done`, which never
 * rejects unobserved: it is also caught here, and the caller awaits it.
 */
export async function startWrite(db: DuckDbHandle, target: DayWriteTarget, days: Map<number, DayRows>): Promise<PendingWrite> {
  const order = [...days.keys()].sort((a, b) => a - b);
  const filled = order.filter((i) => days.get(i)!.instruments.length > 0);
  const groups: number[][] = [];
  let rows = 0;
  for (const i of filled) {
    const n = days.get(i)!.instruments.length;
    if (groups.length === 0 || rows + n > ROWS_PER_COPY) {
      groups.push([]);
      rows = 0;
    }
    groups.at(-1)!.push(i);
    rows += n;
  }
  const stats = new Map(order.map((i) => [i, dayStats(days.get(i)!, target.names.length)]));
  const tables: string[] = [];
  for (const [g, group] of groups.entries()) tables.push(await loadTable(db, `feature_days_${g}`, target, group.map((i) => [i, days.get(i)!])));
  const dirs = groups.map((group) => tempPathFor(target.fileOf(target.calendar[group[0]!]!), target.lakeRoot));
  const temps = [...dirs];
  if (dirs.length) fs.mkdirSync(path.dirname(dirs[0]!), { recursive: true });
  const copy = (g: number) => db.connection.run(
    `COPY (SELECT * FROM ${tables[g]!}) TO ${sqlString(dirs[g]!)} (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (_day))`,
  );
  const first = groups.length ? copy(0) : null;
  const done = (async () => {
    try {
      const files = new Map<number, string>();
      for (let g = 0; g < groups.length; g++) {
        await (g === 0 ? first : copy(g));
        await db.connection.run(`DROP TABLE ${tables[g]!}`);
        for (const i of groups[g]!) files.set(i, partitionFile(dirs[g]!, i));
      }
      for (const i of order) {
        if (files.has(i)) continue;
        const tmp = tempPathFor(target.fileOf(target.calendar[i]!), target.lakeRoot);
        temps.push(tmp); // removed below if the build fails before it is renamed into place
        files.set(i, tmp);
        await writeEmptyDay(db, target, tmp);
      }
      const written: FeatureDay[] = [];
      for (const i of order) {
        const date = target.calendar[i]!;
        const file = target.fileOf(date);
        await commitTempFile(files.get(i)!, file, { readOnly: true });
        written.push({ date, file, rows: days.get(i)!.instruments.length, checksum: await sha256OfFile(file), stats: stats.get(i)! });
      }
      return written;
    } finally {
      for (const t of temps) fs.rmSync(t, { recursive: true, force: true });
    }
  })();
  done.catch(() => {}); // observed by the caller's await; this only keeps it from counting as unhandled meanwhile
  return { done };
}

/** The one file DuckDB wrote for day `i` of a partitioned COPY (it names them `_day=<i>/data_0.parquet`). */
function partitionFile(dir: string, i: number): string {
  const sub = path.join(dir, `_day=${i}`);
  const names = fs.readdirSync(sub);
  if (names.length !== 1) throw new Error(`DuckDB wrote ${names.length} files for one day (${sub}); expected one`);
  return path.join(sub, names[0]!);
}

/** Creates `table` and appends the given days' rows to it (instrument, date, the features, then `_day`, the partition key). */
async function loadTable(db: DuckDbHandle, table: string, target: DayWriteTarget, days: Array<[number, DayRows]>): Promise<string> {
  const c = db.connection;
  const { names } = target;
  await c.run(`CREATE OR REPLACE TABLE ${table} (instrument VARCHAR, date DATE, ${names.map((n) => `${sqlIdent(n)} FLOAT`).join(', ')}, _day INTEGER)`);
  const appender = await c.createAppender(table);
  const types = [DuckDBVarCharType.instance, DuckDBDateType.instance, ...names.map(() => DuckDBFloatType.instance), DuckDBIntegerType.instance];
  try {
    for (const [i, day] of days) {
      const date = target.calendar[i]!;
      const epochDay = new DuckDBDateValue(Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / 86_400_000);
      const n = day.instruments.length;
      for (let s = 0; s < n; s += CHUNK) {
        const count = Math.min(CHUNK, n - s);
        const chunk = DuckDBDataChunk.create(types, count);
        const inst = chunk.getColumnVector(0) as DuckDBVarCharVector;
        const dv = chunk.getColumnVector(1) as DuckDBDateVector;
        const key = chunk.getColumnVector(names.length + 2) as DuckDBIntegerVector;
        for (let r = 0; r < count; r++) {
          inst.setItem(r, day.instruments[s + r]!);
          dv.setItem(r, epochDay);
          key.setItem(r, i);
        }
        inst.flush();
        dv.flush();
        key.flush();
        for (let f = 0; f < names.length; f++) {
          const vec = chunk.getColumnVector(f + 2) as DuckDBFloatVector;
          const base = f * day.capacity + s;
          // values first, NULLs after: the vector keeps no validity mask until the first NULL, so setting
          // the valid values costs nothing beyond the store
          let nulls = 0;
          for (let r = 0; r < count; r++) {
            const v = day.values[base + r]!;
            if (v === v) vec.setItem(r, v);
            else nulls++;
          }
          if (nulls) for (let r = 0; r < count; r++) if (day.values[base + r]! !== day.values[base + r]!) vec.setItem(r, null);
          vec.flush();
        }
        appender.appendDataChunk(chunk);
      }
    }
  } finally {
    appender.closeSync();
  }
  return table;
}

/** A day no instrument has a row on: its (empty) file, written on its own to `tmp`, as PARTITION_BY writes none. */
async function writeEmptyDay(db: DuckDbHandle, target: DayWriteTarget, tmp: string): Promise<void> {
  const c = db.connection;
  await c.run(`CREATE OR REPLACE TABLE day (instrument VARCHAR, date DATE, ${target.names.map((n) => `${sqlIdent(n)} FLOAT`).join(', ')})`);
  fs.mkdirSync(path.dirname(tmp), { recursive: true });
  await c.run(`COPY (SELECT * FROM day) TO ${sqlString(tmp)} (FORMAT parquet, COMPRESSION zstd)`);
  await c.run('DROP TABLE day');
}

/** A day's stats from its gathered rows: what count(), min() and max() over its file give (NaN is stored as NULL). */
function dayStats(day: DayRows, width: number): DayStats {
  const n = day.instruments.length;
  const count = new Array<number>(width).fill(0);
  const min = new Array<number | null>(width).fill(null);
  const max = new Array<number | null>(width).fill(null);
  for (let f = 0; f < width; f++) {
    const base = f * day.capacity;
    let c = 0;
    let lo = Infinity;
    let hi = -Infinity;
    for (let r = 0; r < n; r++) {
      const v = day.values[base + r]!;
      if (v !== v) continue;
      c++;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    count[f] = c;
    // + 0 turns -0 into 0: DuckDB's min/max do not tell the zeros apart, and JSON writes both as 0
    if (c) {
      min[f] = lo + 0;
      max[f] = hi + 0;
    }
  }
  return { rows: n, instruments: day.instruments.slice(), count, min, max };
}
