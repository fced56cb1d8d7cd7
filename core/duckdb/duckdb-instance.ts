import fs from 'node:fs';
import os from 'node:os';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

/** Explicit settings for an embedded DuckDB; nothing is left to DuckDB's machine-wide defaults. */
export interface DuckDbSettings {
  /** Worker threads (default: the number of cores). */
  threads?: number;
  /** Memory cap such as "1GB" (default 1GB: jobs run side by side on small machines). */
  memoryLimit?: string;
  /** Folder for spill files; created if missing. Omitted = no spilling to disk. */
  tempDirectory?: string;
  /** Cap on spill files, e.g. "20GB". */
  maxTempDirectorySize?: string;
  /** Keep input order through parallel operators (costs speed; only needed when order matters). */
  preserveInsertionOrder?: boolean;
  /** Session time zone (default UTC, so nothing depends on the machine's zone). */
  timeZone?: string;
}

/** An open DuckDB instance with one connection. */
export interface DuckDbHandle {
  instance: DuckDBInstance;
  connection: DuckDBConnection;
  /** Closes the connection and the instance (idempotent). */
  close(): void;
}

/**
 * Opens an in-memory DuckDB with explicit threads, memory limit and spill folder, with extension
 * auto-install/auto-load off (no surprise network access) and the time zone pinned.
 */
export async function openDuckDb(settings: DuckDbSettings = {}): Promise<DuckDbHandle> {
  const options: Record<string, string> = {
    threads: String(settings.threads ?? Math.max(1, os.availableParallelism())),
    memory_limit: settings.memoryLimit ?? '1GB',
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
    preserve_insertion_order: String(settings.preserveInsertionOrder ?? true),
  };
  if (settings.tempDirectory) {
    fs.mkdirSync(settings.tempDirectory, { recursive: true });
    options.temp_directory = settings.tempDirectory;
  }
  if (settings.maxTempDirectorySize) options.max_temp_directory_size = settings.maxTempDirectorySize;
  const instance = await DuckDBInstance.create(':memory:', options);
  let connection: DuckDBConnection;
  try {
    connection = await instance.connect();
    // TimeZone belongs to the ICU extension, which is only configurable once a connection exists.
    await connection.run(`SET TimeZone = '${(settings.timeZone ?? 'UTC').replace(/'/g, "''")}'`);
  } catch (err) {
    instance.closeSync();
    throw err;
  }
  let closed = false;
  return {
    instance,
    connection,
    close() {
      if (closed) return;
      closed = true;
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/** Quotes a string as a SQL literal. */
export function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** Quotes an identifier. */
export function sqlIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
