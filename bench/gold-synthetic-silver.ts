/**
 * A synthetic lake's silver for the lake gold benchmark: N instruments over the first D NYSE trading
 * days of 2019 on, as `silver/stocks_daily_adjusted` and `silver/universe` partitions (one Parquet
 * per day, the columns the registry declares) with their partition records, like the silver job
 * writes them. Late listings, early delistings, a missing day in about 200 and a 2-for-1 split for
 * every fifth instrument. Deterministic, written once per shape under the OS temp folder and reused.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { tradingDays } from '../core/calendar/index.ts';
import { STOCKS_DAILY_ADJUSTED_COLUMNS, UNIVERSE_COLUMNS } from '../core/datasets/index.ts';
import { openDuckDb, sqlString } from '../core/duckdb/duckdb-instance.ts';
import { sha256OfFile } from '../core/files/file-checksum.ts';
import { lakePaths } from '../core/lake/lake-paths.ts';
import { writePartitionRecord } from '../core/lake/partition-records.ts';
import type { SyntheticShape } from './gold-synthetic-csv.ts';

/** The lake root holding a shape's silver (generated on first use) and its trading days. */
export function syntheticSilverLake(shape: SyntheticShape): { root: string; days: string[] } {
  const days = tradingDays('2019-01-02', '2026-12-31').slice(0, shape.days);
  const root = path.join(os.tmpdir(), 'quantmini-bench-cache', `gold-silver-${shape.symbols}x${shape.days}-${shape.seed}`);
  return { root, days };
}

/** Writes the shape's silver unless it is there already. */
export async function ensureSyntheticSilver(shape: SyntheticShape): Promise<{ root: string; days: string[] }> {
  const { root, days } = syntheticSilverLake(shape);
  if (fs.existsSync(path.join(root, '.complete'))) return { root, days };
  fs.rmSync(root, { recursive: true, force: true });
  fs.mkdirSync(root, { recursive: true });
  const db = await openDuckDb({ threads: 2, memoryLimit: '2GB' });
  try {
    const n = days.length;
    // Per instrument: first and last day index (70% span everything), a split day for every fifth.
    await db.connection.run(`CREATE TABLE cal AS SELECT k, CAST(d AS DATE) AS date FROM (SELECT unnest(range(${n})) AS k, unnest([${days.map(sqlString).join(', ')}]) AS d)`);
    await db.connection.run(`CREATE TABLE inst AS SELECT i,
        CASE WHEN hash(i, ${shape.seed}, 1) % 10 < 7 THEN 0 ELSE CAST(hash(i, ${shape.seed}, 2) % ${Math.floor(n * 0.6)} AS INTEGER) END AS first_k,
        CASE WHEN hash(i, ${shape.seed}, 3) % 10 < 8 THEN ${n - 1} ELSE ${n - 1} - CAST(hash(i, ${shape.seed}, 4) % ${Math.floor(n * 0.4)} AS INTEGER) END AS last_k,
        CASE WHEN i % 5 = 0 THEN ${Math.floor(n / 2)} ELSE ${n + 1} END AS split_k
      FROM range(${shape.symbols}) t(i)`);
    await db.connection.run(`CREATE TABLE bars AS
      SELECT 'FIGI' || lpad(CAST(i AS VARCHAR), 8, '0') AS instrument_id, 'S' || lpad(CAST(i AS VARCHAR), 4, '0') AS ticker, c.date, c.k,
        (10 + i % 190 + 5 * sin(c.k / 17.0 + i)) * CASE WHEN c.k >= split_k THEN 0.5 ELSE 1 END AS close,
        CASE WHEN c.k >= split_k THEN 2.0 ELSE 1.0 END AS factor,
        CAST(100000 + hash(i, c.k) % 1000000 AS DOUBLE) AS volume
      FROM inst JOIN cal c ON c.k BETWEEN first_k AND last_k
      WHERE c.k IN (first_k, last_k) OR hash(i, c.k, ${shape.seed}) % 200 <> 0`);
    const barCols: Record<string, string> = {
      instrument_id: 'instrument_id', ticker: 'ticker', date: 'date', open: 'close * 0.995', high: 'close * 1.01', low: 'close * 0.99',
      close: 'close', volume: 'volume', transactions: 'CAST(volume / 100 AS BIGINT)', split_factor: 'factor', factor: 'factor',
      adj_open: 'close * 0.995 * factor', adj_high: 'close * 1.01 * factor', adj_low: 'close * 0.99 * factor', adj_close: 'close * factor',
      adj_volume: 'volume / factor', vwap: 'close * 1.001', vwap_source: "'minute_bars'",
      change: 'close * factor / lag(close * factor) OVER (PARTITION BY instrument_id ORDER BY date) - 1',
    };
    const uniCols: Record<string, string> = {
      instrument_id: 'instrument_id', ticker: 'ticker', date: 'date', name: "ticker || ' Inc.'", type: "'CS'", market: "'stocks'", locale: "'us'",
      primary_exchange: "'XNYS'", cik: 'NULL', composite_figi: 'instrument_id', share_class_figi: 'NULL',
      first_date: 'min(date) OVER (PARTITION BY instrument_id)', reference_date: 'date', delisted_date: 'NULL',
    };
    const typed = (cols: typeof STOCKS_DAILY_ADJUSTED_COLUMNS, exprs: Record<string, string>) =>
      cols.map((c) => `CAST(${exprs[c.name] ?? 'NULL'} AS ${c.duckdbType}) AS ${c.name}`).join(', ');
    await db.connection.run(`CREATE TABLE silver_bars AS SELECT ${typed(STOCKS_DAILY_ADJUSTED_COLUMNS, barCols)} FROM bars`);
    await db.connection.run(`CREATE TABLE silver_universe AS SELECT ${typed(UNIVERSE_COLUMNS, uniCols)} FROM bars`);
    const now = new Date().toISOString();
    for (const date of days) {
      for (const [dataset, table] of [['stocks_daily_adjusted', 'silver_bars'], ['universe', 'silver_universe']] as const) {
        const file = lakePaths(root).parquetFile('silver', dataset, date);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        await db.connection.run(`COPY (SELECT * FROM ${table} WHERE date = DATE ${sqlString(date)} ORDER BY ticker) TO ${sqlString(file)} (FORMAT parquet)`);
        await writePartitionRecord(root, {
          dataset, layer: 'silver', date, status: 'complete', rows: null, bytes: null, sourceChecksum: null, etag: null, schemaVersion: 1, rejects: 0,
          attempts: 1, lastError: null, startedAt: now, finishedAt: now, durationMs: 0, checksum: await sha256OfFile(file), builderVersion: 1, inputs: [],
        });
      }
    }
  } finally {
    db.close();
  }
  fs.writeFileSync(path.join(root, '.complete'), '');
  return { root, days };
}
