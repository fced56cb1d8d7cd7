import path from 'node:path';

import type { Layer } from '../vocabulary/layers.ts';

export type { Layer } from '../vocabulary/layers.ts';

/** Splits an ISO date into its zero-padded year and month parts. */
function ym(date: string): { y: string; m: string } {
  return { y: date.slice(0, 4), m: date.slice(5, 7) };
}

/** Every path in the lake is derived here, so the layout in the architecture page has one owner. */
export function lakePaths(root: string) {
  return {
    root,
    tmpDir: path.join(root, '.tmp'),
    lockFile: path.join(root, '.lock'),
    logsDir: path.join(root, 'logs'),
    runsDir: path.join(root, 'metadata', 'runs'),
    runJournal: (runId: string) => path.join(root, 'metadata', 'runs', `${runId}.jsonl`),
    landingDir: path.join(root, 'landing', 'polygon-s3'),
    /** landing/polygon-s3/<dataset>/YYYY/MM/YYYY-MM-DD.csv.gz */
    landingFile: (dataset: string, date: string) => {
      const { y, m } = ym(date);
      return path.join(root, 'landing', 'polygon-s3', dataset, y, m, `${date}.csv.gz`);
    },
    bronzeDir: (dataset: string) => path.join(root, 'bronze', dataset),
    /** <layer>/<dataset>: the folder of a layer's Parquet partitions. */
    layerDir: (layer: Layer, dataset: string) => path.join(root, layer, dataset),
    /** <layer>/<dataset>/year=YYYY/month=MM/YYYY-MM-DD.parquet: any layer's Parquet partition. */
    parquetFile: (layer: Layer, dataset: string, date: string) => {
      const { y, m } = ym(date);
      return path.join(root, layer, dataset, `year=${y}`, `month=${m}`, `${date}.parquet`);
    },
    /** bronze/<dataset>/year=YYYY/month=MM/YYYY-MM-DD.parquet */
    bronzeFile: (dataset: string, date: string) => {
      const { y, m } = ym(date);
      return path.join(root, 'bronze', dataset, `year=${y}`, `month=${m}`, `${date}.parquet`);
    },
    /** bronze/_rejects/<dataset>/YYYY-MM-DD.parquet */
    rejectsFile: (dataset: string, date: string) => path.join(root, 'bronze', '_rejects', dataset, `${date}.parquet`),
    metadataDir: (layer: Layer, dataset: string) => path.join(root, 'metadata', layer, dataset),
    /** metadata/<layer>/<dataset>/YYYY/MM/YYYY-MM-DD.json */
    metadataFile: (layer: Layer, dataset: string, date: string) => {
      const { y, m } = ym(date);
      return path.join(root, 'metadata', layer, dataset, y, m, `${date}.json`);
    },
  };
}

export type LakePaths = ReturnType<typeof lakePaths>;

/** True when `candidate` (after resolving symlink-free `..` segments) lies inside `root`. */
export function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(path.resolve(root), path.resolve(candidate));
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}
