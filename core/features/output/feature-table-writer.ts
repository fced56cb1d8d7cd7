/**
 * Writes evaluated feature rows in the layout of Qlib's Alpha158 CSV (`instrument,datetime,<names>`,
 * floats as %.9g, NaN as an empty field, `inf`/`-inf`) or as Parquet through DuckDB (instrument
 * VARCHAR, datetime DATE, one FLOAT column per feature, NaN as NULL). The file appears only when it is
 * complete: everything goes to a temporary file beside the target, renamed on finish.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBDataChunk, DuckDBFloatType, DuckDBVarCharType, DuckDBDateType, DuckDBDateValue } from '@duckdb/node-api';
import type { DuckDBFloatVector, DuckDBVarCharVector, DuckDBDateVector } from '@duckdb/node-api';
import { commitTempFile, tempPathFor } from '../../files/atomic-write.ts';
import { openDuckDb, sqlIdent, sqlString, type DuckDbHandle } from '../../duckdb/duckdb-instance.ts';
import { csvHeader, formatCsvRows } from './csv-rows.ts';

/** Rows of one instrument: calendar indices into `calendar` and values column-major (name k at k * rows.length). */
export interface FeatureRows {
  instrument: string;
  rows: Int32Array;
  values: Float32Array;
}

export interface FeatureTableWriter {
  /** Whether the writer takes preformatted CSV text (`writeText`) instead of values. */
  readonly takesCsvText: boolean;
  write(rows: FeatureRows): Promise<void>;
  /** Appends CSV lines formatted elsewhere (formatCsvRows), for writers with takesCsvText. */
  writeText(text: string): Promise<void>;
  /** Completes the file and moves it into place. */
  finish(): Promise<void>;
  /** Drops the partial output. */
  abort(): Promise<void>;
}

/** The output format a file name asks for, or null. */
export function tableFormatOf(target: string): 'csv' | 'parquet' | null {
  const ext = path.extname(target).toLowerCase();
  return ext === '.csv' ? 'csv' : ext === '.parquet' ? 'parquet' : null;
}

/** Opens a writer for `target` (.csv or .parquet, by extension); `calendar` maps row indices to dates. */
export async function openFeatureTableWriter(target: string, names: readonly string[], calendar: readonly string[]): Promise<FeatureTableWriter> {
  const format = tableFormatOf(target);
  if (format === 'csv') return openCsvWriter(target, names, calendar);
  if (format === 'parquet') return openParquetWriter(target, names, calendar);
  throw new Error(`${target}: expected a .csv or .parquet file name`);
}

async function openCsvWriter(target: string, names: readonly string[], calendar: readonly string[]): Promise<FeatureTableWriter> {
  await fs.promises.mkdir(path.dirname(path.resolve(target)), { recursive: true });
  const tmp = tempPathFor(path.resolve(target));
  const stream = fs.createWriteStream(tmp, { encoding: 'utf8' });
  const failed = new Promise<never>((_, reject) => stream.once('error', reject));
  failed.catch(() => undefined);
  const put = async (text: string) => {
    if (!stream.write(text)) await Promise.race([new Promise<void>((r) => stream.once('drain', () => r())), failed]);
  };
  await put(csvHeader(names));
  return {
    takesCsvText: true,
    async write(rows) {
      await put(formatCsvRows(rows.instrument, rows.rows, calendar, rows.values, names.length));
    },
    async writeText(text) {
      if (text) await put(text);
    },
    async finish() {
      await Promise.race([new Promise<void>((resolve) => stream.end(resolve)), failed]);
      await commitTempFile(tmp, path.resolve(target));
    },
    async abort() {
      stream.destroy();
      await fs.promises.rm(tmp, { force: true });
    },
  };
}

const CHUNK_ROWS = 2048;

async function openParquetWriter(target: string, names: readonly string[], calendar: readonly string[]): Promise<FeatureTableWriter> {
  const abs = path.resolve(target);
  await fs.promises.mkdir(path.dirname(abs), { recursive: true });
  const tmp = tempPathFor(abs);
  const spill = `${tmp}.spill`;
  const db: DuckDbHandle = await openDuckDb({ threads: 2, memoryLimit: '1GB', tempDirectory: spill });
  const cols = ['"instrument" VARCHAR', '"datetime" DATE', ...names.map((n) => `${sqlIdent(n)} FLOAT`)];
  await db.connection.run(`CREATE TABLE features (${cols.join(', ')})`);
  const appender = await db.connection.createAppender('features');
  const types = [DuckDBVarCharType.instance, DuckDBDateType.instance, ...names.map(() => DuckDBFloatType.instance)];
  const width = names.length;
  const cleanup = async () => {
    db.close();
    await fs.promises.rm(spill, { recursive: true, force: true });
  };
  return {
    takesCsvText: false,
    async writeText() {
      throw new Error('the Parquet writer takes values, not CSV text');
    },
    async write(rows) {
      for (let start = 0; start < rows.rows.length; start += CHUNK_ROWS) {
        const count = Math.min(CHUNK_ROWS, rows.rows.length - start);
        const chunk = DuckDBDataChunk.create(types, count);
        const inst = chunk.getColumnVector(0) as DuckDBVarCharVector;
        const date = chunk.getColumnVector(1) as DuckDBDateVector;
        for (let r = 0; r < count; r++) {
          inst.setItem(r, rows.instrument);
          date.setItem(r, dateValue(calendar[rows.rows[start + r]!]!));
        }
        inst.flush();
        date.flush();
        for (let k = 0; k < width; k++) {
          const vec = chunk.getColumnVector(k + 2) as DuckDBFloatVector;
          const col = k * rows.rows.length + start;
          for (let r = 0; r < count; r++) {
            const v = rows.values[col + r]!;
            vec.setItem(r, v !== v ? null : v);
          }
          vec.flush();
        }
        appender.appendDataChunk(chunk);
      }
    },
    async finish() {
      try {
        appender.closeSync();
        await db.connection.run(`COPY features TO ${sqlString(tmp)} (FORMAT parquet, COMPRESSION zstd)`);
      } catch (err) {
        await cleanup();
        await fs.promises.rm(tmp, { force: true });
        throw err;
      }
      await cleanup();
      await commitTempFile(tmp, abs);
    },
    async abort() {
      try {
        appender.closeSync();
      } catch {
        // closing a failed appender can throw again; the database is dropped below anyway
      }
      await cleanup();
      await fs.promises.rm(tmp, { force: true });
    },
  };
}

function dateValue(iso: string): DuckDBDateValue {
  const days = Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) / 86_400_000;
  return new DuckDBDateValue(days);
}
