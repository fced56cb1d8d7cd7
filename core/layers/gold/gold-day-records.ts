/**
 * The per-day records of a gold dataset (one Qlib directory, no per-day files), shared by the day and
 * the minute gold jobs: which stored days must be rebuilt, and the records written after a commit.
 */
import type { DatasetRegistry } from '../../datasets/index.ts';
import { currentLineage, staleReason, type createLineageReader } from '../../lake/lineage.ts';
import { writePartitionRecord } from '../../lake/partition-records.ts';

type Reader = ReturnType<typeof createLineageReader>;

/** Days asked for that gold does not hold, and held days never recorded complete or stale by lineage. */
export function changedGoldDays(registry: DatasetRegistry, reader: Reader, dataset: string, asked: readonly string[], held: readonly string[]): Set<string> {
  const changed = new Set<string>();
  const heldSet = new Set(held);
  for (const date of asked) if (!heldSet.has(date)) changed.add(date);
  for (const date of held) {
    const ref = { dataset, layer: 'gold' as const, date };
    const rec = reader.record(ref);
    // A stored day asked for again whose record is fresh is not a change: counting it would rebuild everything daily.
    if (!rec || (rec.status !== 'complete' && rec.status !== 'degraded') || staleReason(registry, reader, ref, rec)) changed.add(date);
  }
  return changed;
}

/**
 * Writes the record of every day built that was asked for or whose checksum or lineage changed (so
 * partitions built on gold go stale exactly then), and a failed record per missing day; returns the
 * rows of the days asked for.
 */
export async function writeGoldDayRecords(opts: {
  lakeRoot: string;
  registry: DatasetRegistry;
  reader: Reader;
  dataset: string;
  asked: readonly string[];
  days: Iterable<[string, { rows: number; checksum: string }]>;
  missing: ReadonlyArray<{ date: string; error: string }>;
  startedAt: string;
  t0: number;
}): Promise<number> {
  const { lakeRoot, registry, reader, dataset, asked } = opts;
  const base = {
    dataset, layer: 'gold' as const, bytes: null, sourceChecksum: null, etag: null, schemaVersion: 1, rejects: 0, attempts: 1,
    startedAt: opts.startedAt, finishedAt: new Date().toISOString(), durationMs: Date.now() - opts.t0,
  };
  let rows = 0;
  const askedSet = new Set(asked);
  const records: Array<Parameters<typeof writePartitionRecord>[1]> = [];
  for (const [date, day] of opts.days) {
    const ref = { dataset, layer: 'gold' as const, date };
    const rec = reader.record(ref);
    const fresh = rec?.status === 'complete' && rec.checksum === day.checksum && !staleReason(registry, reader, ref, rec);
    if (fresh && !askedSet.has(date)) continue;
    const lineage = currentLineage(registry, reader, ref);
    records.push({
      ...base, date, status: 'complete', rows: day.rows, lastError: null, checksum: day.checksum, builderVersion: lineage.builderVersion, inputs: lineage.inputs,
    });
    if (askedSet.has(date)) rows += day.rows;
  }
  // Each record is its own atomic file with an fsync: a full build writes one per day, so they go
  // out a few at a time (the fsyncs then share the journal's commits) rather than one by one.
  let next = 0;
  const writer = async () => {
    while (next < records.length) await writePartitionRecord(lakeRoot, records[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(16, records.length) }, writer));
  for (const m of opts.missing) await writePartitionRecord(lakeRoot, { ...base, date: m.date, status: 'failed', rows: null, lastError: m.error });
  return rows;
}
