import fs from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlString } from '../../duckdb/duckdb-instance.ts';
import { commitTempFile, tempPathFor } from '../../files/atomic-write.ts';
import { sha256OfFile } from '../../files/file-checksum.ts';
import { lakePaths } from '../../lake/lake-paths.ts';
import type { Lineage } from '../../lake/lineage.ts';
import { writePartitionRecord } from '../../lake/partition-records.ts';
import { factorStateSql } from './adjustment-factors-sql.ts';
import { SILVER_PARQUET_OPTIONS } from './silver-sql.ts';

/** silver/_rejects/<dataset>/<date>.parquet: the inputs a silver partition refused, with the reason. */
export function silverRejectsFile(lakeRoot: string, dataset: string, date: string): string {
  return path.join(lakeRoot, 'silver', '_rejects', dataset, `${date}.parquet`);
}

/** silver/_state/adjustment_factors/<date>.parquet: each instrument's last bar up to the day with its factors. */
export function factorStateFile(lakeRoot: string, date: string): string {
  return path.join(lakeRoot, 'silver', '_state', 'adjustment_factors', `${date}.parquet`);
}

/** Writes the factor state after `date` from the `factors` table (temp, then rename). */
export async function writeFactorState(connection: DuckDBConnection, lakeRoot: string, date: string): Promise<void> {
  const target = factorStateFile(lakeRoot, date);
  const { tmp } = await copyToTemp(connection, factorStateSql(date), target, lakeRoot);
  await commitTempFile(tmp, target, { readOnly: true });
}

/** One partition to write: its rows and refused inputs as queries, and what it was built from. */
export interface SilverPartition {
  dataset: string;
  date: string;
  select: string;
  /** Refused inputs of this partition (a query with a `reject_reason` column), if the dataset has any. */
  rejects?: string;
  lineage: Lineage;
  startedAt: string;
  /** Tallies kept in the record. */
  counts?: Record<string, number>;
}

async function copyToTemp(connection: DuckDBConnection, select: string, target: string, lakeRoot: string): Promise<{ tmp: string; rows: number }> {
  const tmp = tempPathFor(target, lakeRoot);
  await fs.promises.mkdir(path.dirname(tmp), { recursive: true });
  const r = await connection.runAndReadAll(`COPY (${select}) TO ${sqlString(tmp)} (${SILVER_PARQUET_OPTIONS})`);
  return { tmp, rows: Number(r.getRows()[0]?.[0] ?? 0) };
}

/**
 * Writes a partition's file (temp, then rename), its rejects file (or removes an old one), then its
 * record with checksum and lineage: the record never precedes its data.
 */
export async function writeSilverPartition(connection: DuckDBConnection, lakeRoot: string, p: SilverPartition): Promise<{ rows: number; rejects: number }> {
  const target = lakePaths(lakeRoot).parquetFile('silver', p.dataset, p.date);
  const data = await copyToTemp(connection, p.select, target, lakeRoot);
  let rejects = 0;
  const rejectsTarget = silverRejectsFile(lakeRoot, p.dataset, p.date);
  if (p.rejects) {
    const count = Number((await connection.runAndReadAll(`SELECT count(*) FROM (${p.rejects})`)).getRows()[0]?.[0] ?? 0);
    if (count > 0) {
      const r = await copyToTemp(connection, p.rejects, rejectsTarget, lakeRoot);
      rejects = r.rows;
      await commitTempFile(r.tmp, rejectsTarget, { readOnly: true });
    }
  }
  if (rejects === 0) await fs.promises.rm(rejectsTarget, { force: true });
  await commitTempFile(data.tmp, target, { readOnly: true });
  const finishedAt = new Date().toISOString();
  const bytes = (await fs.promises.stat(target)).size;
  await writePartitionRecord(lakeRoot, {
    dataset: p.dataset, layer: 'silver', date: p.date, status: rejects > 0 ? 'degraded' : 'complete', rows: data.rows, bytes,
    sourceChecksum: null, etag: null, schemaVersion: p.lineage.builderVersion, rejects, attempts: 1,
    lastError: rejects > 0 ? `${rejects} input row(s) refused: see silver/_rejects/${p.dataset}/${p.date}.parquet` : null,
    startedAt: p.startedAt, finishedAt, durationMs: Date.parse(finishedAt) - Date.parse(p.startedAt),
    checksum: await sha256OfFile(target), builderVersion: p.lineage.builderVersion, inputs: p.lineage.inputs,
    ...(p.counts ? { counts: p.counts } : {}),
  });
  return { rows: data.rows, rejects };
}
