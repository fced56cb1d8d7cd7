import fs from 'node:fs';
import path from 'node:path';
import { defaultRegistry, SILVER_DATASETS, type DatasetRegistry } from '../datasets/index.ts';
import { featureSetVersionViews, featureSetViews } from './feature-set-paths.ts';
import { listDataFileDates } from './data-file-listing.ts';
import { lakePaths } from './lake-paths.ts';

/** A view of the read-only SQL engine and the exact files it reads. */
export interface QueryableView {
  name: string;
  files: string[];
  /** Hive-partitioned (year=/month= folders): year and month become columns. */
  hive: boolean;
}

/**
 * Every view the read-only SQL engine offers, with its files: one per bronze dataset of the
 * registry that has data (flat files and REST datasets alike: `stocks_daily`, `splits`,
 * `tickers`, ...), one per silver dataset and feature set, and `<dataset>_rejects` where rows were rejected. The engine is allowed exactly
 * these files, so the list is also the boundary of what SQL can read.
 */
export function queryableViews(lakeRoot: string, registry: DatasetRegistry = defaultRegistry()): QueryableView[] {
  const paths = lakePaths(lakeRoot);
  const views: QueryableView[] = [];
  for (const ds of registry.inLayer('bronze')) {
    if (registry.layer(ds.id, 'bronze').storage !== 'parquet') continue;
    const dates = [...(listDataFileDates(lakeRoot, 'bronze', ds.id, '0000-01-01', '9999-12-31') ?? [])].sort();
    if (dates.length > 0) views.push({ name: ds.id, files: dates.map((d) => paths.bronzeFile(ds.id, d)), hive: true });
    const rejectsDir = path.dirname(paths.rejectsFile(ds.id, '2000-01-01'));
    const rejects = listParquet(rejectsDir);
    if (rejects.length > 0) views.push({ name: `${ds.id}_rejects`, files: rejects.map((f) => path.join(rejectsDir, f)), hive: false });
  }
  for (const ds of SILVER_DATASETS) {
    const dates = [...(listDataFileDates(lakeRoot, 'silver', ds.id, '0000-01-01', '9999-12-31', 'parquet') ?? [])].sort();
    if (dates.length > 0) views.push({ name: ds.id, files: dates.map((d) => paths.parquetFile('silver', ds.id, d)), hive: true });
    const rejectsDir = path.join(lakeRoot, 'silver', '_rejects', ds.id);
    const rejects = listParquet(rejectsDir);
    if (rejects.length > 0) views.push({ name: `${ds.id}_rejects`, files: rejects.map((f) => path.join(rejectsDir, f)), hive: false });
  }
  views.push(...featureSetViews(lakeRoot), ...featureSetVersionViews(lakeRoot));
  return views;
}

function listParquet(dir: string): string[] {
  try {
    return fs.readdirSync(dir).filter((f) => /^\d{4}-\d{2}-\d{2}\.parquet$/.test(f)).sort();
  } catch {
    return [];
  }
}
