/**
 * Built feature-set versions are immutable: the first build of NAME@VERSION stores its manifest and
 * content hash (version.json), and any later build of that version must come from a manifest with
 * the same content hash, or it is refused. Each version keeps its validation stats, and every build
 * is logged in silver/features/experiments.json with its inputs, stats and a note the user can add.
 */
import fs from 'node:fs';
import { openDuckDb, sqlIdent, sqlString } from '../../duckdb/duckdb-instance.ts';
import { writeFileAtomic } from '../../files/atomic-write.ts';
import { featureSetPaths, versionPartitions } from '../../lake/feature-set-paths.ts';
import { ManifestError, type FeatureSetManifest } from '../../features/sets/feature-set-manifest.ts';
import { updateDayStats, type DayStats, type VersionStats } from './feature-day-stats.ts';

export type { FeatureStats, VersionStats } from './feature-day-stats.ts';

/** What version.json holds. */
export interface VersionRecord {
  name: string;
  version: string;
  contentHash: string;
  parentVersion: string | null;
  description: string;
  createdAt: string;
  updatedAt: string;
  stats: VersionStats | null;
}

/** One build in the experiments log. */
export interface ExperimentEntry {
  id: string;
  name: string;
  version: string;
  contentHash: string;
  builtAt: string;
  dates: { from: string; to: string; count: number };
  inputs: Array<{ dataset: string; layer: string; from: string; to: string; count: number; digest: string }>;
  stats: VersionStats | null;
  note: string | null;
}

/** Reads a version's record, or null when the version was never built. */
export function readVersionRecord(lakeRoot: string, name: string, version: string): VersionRecord | null {
  try {
    return JSON.parse(fs.readFileSync(featureSetPaths(lakeRoot, name, version).versionRecord, 'utf8')) as VersionRecord;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/**
 * Registers a manifest as NAME@VERSION before a build: the first time, its text and hash are stored;
 * afterwards the hash must match, otherwise the build is refused (a built version never changes).
 */
export async function registerVersion(lakeRoot: string, manifest: FeatureSetManifest, manifestText: string): Promise<VersionRecord> {
  const existing = readVersionRecord(lakeRoot, manifest.name, manifest.version);
  if (existing) {
    if (existing.contentHash !== manifest.contentHash) {
      throw new ManifestError(
        `${manifest.origin}: ${manifest.name}@${manifest.version} is already built from a different manifest ` +
          `(stored ${existing.contentHash}, this one ${manifest.contentHash}); a built version is immutable: give the edited manifest a new version`,
      );
    }
    return existing;
  }
  const p = featureSetPaths(lakeRoot, manifest.name, manifest.version);
  const now = new Date().toISOString();
  const record: VersionRecord = {
    name: manifest.name, version: manifest.version, contentHash: manifest.contentHash, parentVersion: manifest.parentVersion,
    description: manifest.description, createdAt: now, updatedAt: now, stats: null,
  };
  await writeFileAtomic(p.manifest, manifestText, { lakeRoot });
  await writeFileAtomic(p.versionRecord, `${JSON.stringify(record, null, 2)}\n`, { lakeRoot });
  return record;
}

/**
 * Brings a version's stats up to date after a build and stores them in version.json: the days just
 * `built` (with the stats their writer took) replace their share, other partitions keep theirs
 * (day-stats.json), and only partitions without a current share are read (feature-day-stats.ts).
 */
export async function refreshVersionStats(
  lakeRoot: string, name: string, version: string, features: readonly string[],
  built: ReadonlyArray<{ date: string; stats: DayStats }> = [],
): Promise<VersionStats> {
  const p = featureSetPaths(lakeRoot, name, version);
  const stats = await updateDayStats({ lakeRoot, versionDir: p.versionDir, features, parts: versionPartitions(lakeRoot, name, version), built });
  const rec = readVersionRecord(lakeRoot, name, version);
  if (rec) {
    await writeFileAtomic(p.versionRecord, `${JSON.stringify({ ...rec, updatedAt: new Date().toISOString(), stats }, null, 2)}\n`, { lakeRoot });
  }
  return stats;
}

/** A version's stats from a scan of every partition (what refreshVersionStats folds incrementally); writes nothing. */
export async function scanVersionStats(lakeRoot: string, name: string, version: string, features: readonly string[]): Promise<VersionStats> {
  const parts = versionPartitions(lakeRoot, name, version);
  const empty: VersionStats = { rows: 0, instruments: 0, partitions: 0, from: null, to: null, features: features.map((f) => ({ name: f, nullRate: 0, min: null, max: null })) };
  if (parts.length === 0) return empty;
  const db = await openDuckDb({ threads: 1, memoryLimit: '512MB' });
  try {
    const cols = features.flatMap((f) => [`count(${sqlIdent(f)})`, `min(${sqlIdent(f)})`, `max(${sqlIdent(f)})`]);
    const sql = `SELECT count(*), count(DISTINCT instrument), CAST(min(date) AS VARCHAR), CAST(max(date) AS VARCHAR), ${cols.join(', ')}
      FROM read_parquet([${parts.map((x) => sqlString(x.file)).join(', ')}])`;
    const row = (await db.connection.runAndReadAll(sql)).getRows()[0]!;
    const n = Number(row[0]);
    const num = (v: unknown) => (v === null || v === undefined ? null : Number(v) + 0);
    return {
      rows: n, instruments: Number(row[1]), partitions: parts.length, from: (row[2] as string | null) ?? null, to: (row[3] as string | null) ?? null,
      features: features.map((f, k) => ({ name: f, nullRate: n ? 1 - Number(row[4 + 3 * k]) / n : 0, min: num(row[5 + 3 * k]), max: num(row[6 + 3 * k]) })),
    };
  } finally {
    db.close();
  }
}

/** The experiments log (empty when nothing was built). */
export function readExperiments(lakeRoot: string): ExperimentEntry[] {
  try {
    return JSON.parse(fs.readFileSync(featureSetPaths(lakeRoot, 'x').experiments, 'utf8')) as ExperimentEntry[];
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** Appends a build to the experiments log. */
export async function logExperiment(lakeRoot: string, entry: Omit<ExperimentEntry, 'id' | 'note'>): Promise<ExperimentEntry> {
  const all = readExperiments(lakeRoot);
  const full: ExperimentEntry = { id: `${entry.name}@${entry.version}#${all.filter((e) => e.name === entry.name && e.version === entry.version).length + 1}`, ...entry, note: null };
  all.push(full);
  await writeFileAtomic(featureSetPaths(lakeRoot, 'x').experiments, `${JSON.stringify(all, null, 2)}\n`, { lakeRoot });
  return full;
}

/** Sets the note of the latest build of NAME@VERSION; throws when it was never built. */
export async function noteExperiment(lakeRoot: string, name: string, version: string, note: string): Promise<ExperimentEntry> {
  const all = readExperiments(lakeRoot);
  const last = all.filter((e) => e.name === name && e.version === version).at(-1);
  if (!last) throw new Error(`${name}@${version} has no build in the experiments log`);
  last.note = note;
  await writeFileAtomic(featureSetPaths(lakeRoot, 'x').experiments, `${JSON.stringify(all, null, 2)}\n`, { lakeRoot });
  return last;
}

/**
 * Sets the note of one build (by its id, `name@version#n`); an empty or blank note clears it.
 * Throws when the log has no such build.
 */
export async function setExperimentNote(lakeRoot: string, id: string, note: string): Promise<ExperimentEntry> {
  const all = readExperiments(lakeRoot);
  const entry = all.find((e) => e.id === id);
  if (!entry) throw new Error(`the experiments log has no build ${id}`);
  entry.note = note.trim() ? note : null;
  await writeFileAtomic(featureSetPaths(lakeRoot, 'x').experiments, `${JSON.stringify(all, null, 2)}\n`, { lakeRoot });
  return entry;
}
