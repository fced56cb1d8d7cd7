/**
 * Where feature sets live in the lake: silver/features/<name>/v<version>/ holds the manifest it was
 * built from (manifest.yaml), its version record (version.json: content hash, stats) and its
 * partitions (year=YYYY/month=MM/YYYY-MM-DD.parquet); silver/features/experiments.json logs builds.
 */
import fs from 'node:fs';
import path from 'node:path';

const SEMVER_DIR = /^v(\d+)\.(\d+)\.(\d+)$/;

/** Paths of one feature set (and version) in a lake. */
export function featureSetPaths(lakeRoot: string, name: string, version?: string) {
  const setDir = path.join(lakeRoot, 'silver', 'features', name);
  const versionDir = path.join(setDir, `v${version ?? '0.0.0'}`);
  return {
    setDir,
    versionDir,
    manifest: path.join(versionDir, 'manifest.yaml'),
    versionRecord: path.join(versionDir, 'version.json'),
    partition: (date: string) => path.join(versionDir, `year=${date.slice(0, 4)}`, `month=${date.slice(5, 7)}`, `${date}.parquet`),
    experiments: path.join(lakeRoot, 'silver', 'features', 'experiments.json'),
  };
}

function compareSemver(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i]! - pb[i]!;
  return 0;
}

/** Versions of a set that have a version record, oldest first. */
export function builtVersions(lakeRoot: string, name: string): string[] {
  const { setDir } = featureSetPaths(lakeRoot, name);
  let names: string[];
  try {
    names = fs.readdirSync(setDir);
  } catch {
    return [];
  }
  return names
    .filter((n) => SEMVER_DIR.test(n) && fs.existsSync(path.join(setDir, n, 'version.json')))
    .map((n) => n.slice(1))
    .sort(compareSemver);
}

/** Feature sets with at least one built version. */
export function builtFeatureSets(lakeRoot: string): string[] {
  try {
    return fs.readdirSync(path.join(lakeRoot, 'silver', 'features')).filter((n) => builtVersions(lakeRoot, n).length > 0).sort();
  } catch {
    return [];
  }
}

/** The partition files of a built version, by date, ascending. */
export function versionPartitions(lakeRoot: string, name: string, version: string): Array<{ date: string; file: string }> {
  const { versionDir } = featureSetPaths(lakeRoot, name, version);
  const out: Array<{ date: string; file: string }> = [];
  const list = (d: string) => {
    try {
      return fs.readdirSync(d).sort();
    } catch {
      return [];
    }
  };
  for (const y of list(versionDir).filter((n) => /^year=\d{4}$/.test(n))) {
    for (const m of list(path.join(versionDir, y)).filter((n) => /^month=\d{2}$/.test(n))) {
      for (const f of list(path.join(versionDir, y, m)).filter((n) => /^\d{4}-\d{2}-\d{2}\.parquet$/.test(n))) {
        out.push({ date: f.slice(0, 10), file: path.join(versionDir, y, m, f) });
      }
    }
  }
  return out;
}

/** The SQL views of feature sets: `features_<name>` over its latest built version's partitions. */
export function featureSetViews(lakeRoot: string): Array<{ name: string; files: string[]; hive: boolean }> {
  const out: Array<{ name: string; files: string[]; hive: boolean }> = [];
  for (const name of builtFeatureSets(lakeRoot)) {
    const latest = builtVersions(lakeRoot, name).at(-1)!;
    const files = versionPartitions(lakeRoot, name, latest).map((p) => p.file);
    if (files.length) out.push({ name: `features_${name}`, files, hive: true });
  }
  return out;
}

/** The SQL view of one built version of a set: `features_<name>@<version>` (set names hold no '@', so no clash). */
export function featureSetVersionViewName(name: string, version: string): string {
  return `features_${name}@${version}`;
}

/** One SQL view per built version of every set, so a page can read a version other than the latest. */
export function featureSetVersionViews(lakeRoot: string): Array<{ name: string; files: string[]; hive: boolean }> {
  const out: Array<{ name: string; files: string[]; hive: boolean }> = [];
  for (const name of builtFeatureSets(lakeRoot)) {
    for (const version of builtVersions(lakeRoot, name)) {
      const files = versionPartitions(lakeRoot, name, version).map((p) => p.file);
      if (files.length) out.push({ name: featureSetVersionViewName(name, version), files, hive: true });
    }
  }
  return out;
}
