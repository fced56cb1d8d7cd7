import fs from 'node:fs';
import { writeFileAtomic } from '../files/atomic-write.ts';
import { lakePaths, type Layer } from './lake-paths.ts';

/** Outcome of the last attempt at one partition, as recorded in its metadata record. */
export type PartitionStatus = 'complete' | 'degraded' | 'failed' | 'not_entitled' | 'pending' | 'missing';

export const PARTITION_STATUSES: readonly PartitionStatus[] = ['complete', 'degraded', 'failed', 'not_entitled', 'pending', 'missing'];

/**
 * The metadata record of one (layer, dataset, date) partition. Written atomically, and only after
 * the data file it describes is in place, so a record saying "complete" never precedes its file.
 */
export interface PartitionRecord {
  dataset: string;
  layer: Layer;
  date: string;
  status: PartitionStatus;
  rows: number | null;
  bytes: number | null;
  /** sha256 (hex) of the source bytes: the S3 object for landing, the landing file for bronze. */
  sourceChecksum: string | null;
  /** S3 ETag of the source object (quotes stripped). */
  etag: string | null;
  schemaVersion: number;
  rejects: number;
  attempts: number;
  lastError: string | null;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  /** Where a landing file came from: `found` when it was placed by hand and only recorded at ingest. */
  origin?: 'downloaded' | 'found';
  /**
   * Content checksum of this partition's data (sha256 of its file): what partitions built from it
   * record as their input, so a rewrite that changes the data makes them `stale`.
   */
  checksum?: string | null;
  /** Version of the builder that wrote it (registry builderVersion); older than the code's means `stale`. */
  builderVersion?: number;
  /** What it was built from: per input, the range of partitions read and a digest of their checksums. */
  inputs?: InputDigest[];
  /** Builder-specific tallies worth keeping with the partition (e.g. options without an underlying bar). */
  counts?: Record<string, number>;
}

/**
 * One input of a partition: the (dataset, layer) it read, the partitions of it in [from, to] (or the
 * explicit dates), how many there were and a digest of their (date, checksum) pairs. The digest is a
 * sum of per-partition hashes, so the same digest for any range is computed from prefix sums in
 * O(1) when checking staleness (core/lake/lineage.ts).
 */
export interface InputDigest {
  dataset: string;
  layer: Layer;
  from: string;
  to: string;
  /** Only these dates of the range were read (a window of named dates, e.g. two universe snapshots). */
  dates?: string[];
  count: number;
  digest: string;
}

/** Writes a partition's record atomically (temp file under <lake>/.tmp, fsync, rename). */
export async function writePartitionRecord(lakeRoot: string, record: PartitionRecord): Promise<void> {
  const file = lakePaths(lakeRoot).metadataFile(record.layer, record.dataset, record.date);
  await writeFileAtomic(file, `${JSON.stringify(record, null, 2)}\n`, { lakeRoot });
}

/** Reads a partition's record, or null when there is none (or it is unreadable, which counts as none). */
export async function readPartitionRecord(lakeRoot: string, layer: Layer, dataset: string, date: string): Promise<PartitionRecord | null> {
  const file = lakePaths(lakeRoot).metadataFile(layer, dataset, date);
  let text: string;
  try {
    text = await fs.promises.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  return parsePartitionRecord(text);
}

/** Reads a partition's record synchronously (planning looks at a handful), or null. */
export function readPartitionRecordSync(lakeRoot: string, ref: { dataset: string; layer: Layer; date: string }): PartitionRecord | null {
  try {
    return parsePartitionRecord(fs.readFileSync(lakePaths(lakeRoot).metadataFile(ref.layer, ref.dataset, ref.date), 'utf8'));
  } catch {
    return null;
  }
}

/** Parses a record's JSON text; null when it is not a well-formed record. */
export function parsePartitionRecord(text: string): PartitionRecord | null {
  try {
    const value = JSON.parse(text) as Partial<PartitionRecord>;
    if (typeof value !== 'object' || value === null) return null;
    if (typeof value.date !== 'string' || typeof value.dataset !== 'string' || typeof value.layer !== 'string') return null;
    if (!PARTITION_STATUSES.includes(value.status as PartitionStatus)) return null;
    return value as PartitionRecord;
  } catch {
    return null;
  }
}
