import crypto from 'node:crypto';
import fs from 'node:fs';
import type { IsoDate } from '../../calendar/index.ts';
import { openDuckDb, sqlString } from '../../duckdb/duckdb-instance.ts';
import { lakePaths } from '../../lake/lake-paths.ts';
import type { UniverseRow } from '../../sources/polygon/rest/ticker-changes.ts';

/** A universe snapshot read from bronze, with the checksum of the file it came from (for lineage). */
export interface UniverseSnapshot {
  date: IsoDate;
  rows: UniverseRow[];
  file: string;
  sha256: string;
}

/** Reads bronze/tickers of one snapshot date, or null when that partition has not been built. */
export async function readUniverseSnapshot(lakeRoot: string, date: IsoDate): Promise<UniverseSnapshot | null> {
  const file = lakePaths(lakeRoot).bronzeFile('tickers', date);
  let bytes: Buffer;
  try {
    bytes = await fs.promises.readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const db = await openDuckDb({ threads: 1, memoryLimit: '256MB' });
  try {
    const reader = await db.connection.runAndReadAll(`SELECT ticker, composite_figi, active FROM read_parquet(${sqlString(file)})`);
    const rows = reader.getRowObjectsJS().map((r) => ({
      ticker: String(r.ticker),
      composite_figi: r.composite_figi === null || r.composite_figi === undefined ? null : String(r.composite_figi),
      active: r.active === true,
    }));
    return { date, rows, file, sha256: crypto.createHash('sha256').update(bytes).digest('hex') };
  } finally {
    db.close();
  }
}
