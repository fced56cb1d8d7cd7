import fs from 'node:fs';
import type { DatasetRegistry } from '../../datasets/index.ts';
import { lakePaths } from '../../lake/lake-paths.ts';
import type { LineageReader } from '../../lake/lineage.ts';
import type { Layer } from '../../vocabulary/layers.ts';

/**
 * The Parquet files of (dataset, layer) in [from, to] that lineage counts: a record saying
 * complete or degraded and the file in place. Reading exactly these keeps what a partition was
 * built from and what its record says it was built from the same set.
 */
export function presentFiles(lakeRoot: string, registry: DatasetRegistry, reader: LineageReader, dataset: string, layer: Layer, from: string, to: string): string[] {
  const paths = lakePaths(lakeRoot);
  const out: string[] = [];
  for (const date of registry.partitionDates(dataset, from, to)) {
    const rec = reader.record({ dataset, layer, date });
    if (!rec || (rec.status !== 'complete' && rec.status !== 'degraded')) continue;
    const file = paths.parquetFile(layer, dataset, date);
    if (fs.existsSync(file)) out.push(file);
  }
  return out;
}
