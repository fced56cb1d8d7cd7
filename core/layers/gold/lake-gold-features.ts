/**
 * Feature columns in the lake's day gold (settings `gold.withFeatures: alpha158@1`): each output of
 * one built feature-set version becomes a field, `features/<symbol>/<name lowercased>.day.bin`
 * (`$kmid` in Qlib), with the instrument's start index and length like every other bin.
 *
 * A feature value on day D is computed from gold up to D, so the columns cannot be written by the
 * gold job that appends D: the day gold job gives every instrument the columns as NaN over the days
 * it writes (keeping stored values when it rewrites an instrument), the feature-build job computes
 * D from that gold, and then this job (the gold layer of `features_<name>`) writes D's values, read
 * from `silver/features/<name>/v<version>/.../D.parquet`, into the columns. It rewrites only those
 * values (base fields' bytes are written back unchanged), so the base fields and the day digests
 * that feature sets depend on never change. A day gold holds whose partition is missing is an
 * error naming dataset, version and dates: the columns are never left NaN silently.
 *
 * After every day's chain the directory is what a full build with features writes: the base full
 * build (columns NaN), the set built over the range, then its values written for every day.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { featureDatasetId, goldFeatureSetName } from '../../datasets/index.ts';
import { openDuckDb, sqlString, type DuckDbHandle } from '../../duckdb/duckdb-instance.ts';
import { loadBuiltinManifest, type FeatureSetManifest } from '../../features/sets/feature-set-manifest.ts';
import { featureSetPaths } from '../../lake/feature-set-paths.ts';
import { instrumentName } from '../../qlib/qlib-symbols.ts';
import type { GoldCommitStats } from './gold-types.ts';
import { updateGold } from './gold-writer.ts';
import { readLakeGoldState, writeLakeGoldState, type LakeGoldState } from './lake-gold-state.ts';
import { GOLD_DAY_FIELDS } from './silver-gold-source.ts';

/** The feature set a gold.withFeatures reference names: its installed manifest, feature names and gold field names. */
export interface GoldFeatureSet {
  manifest: FeatureSetManifest;
  /** Feature names as the partitions' columns hold them (KMID, ...). */
  names: string[];
  /** The gold fields, lowercased names in the same order (kmid, ...). */
  fields: string[];
}

/**
 * Resolves NAME[@VERSION] (VERSION a prefix of the installed semantic version: "1" is any 1.x.y) to
 * the installed built-in manifest; refused when the version differs or when two features, or a
 * feature and a base field, share a lowercased name (Qlib's field names are case-blind).
 */
export function goldFeatureSet(ref: string): GoldFeatureSet {
  const name = goldFeatureSetName(ref);
  const version = ref.includes('@') ? ref.slice(ref.indexOf('@') + 1) : null;
  const manifest = loadBuiltinManifest(name);
  if (version && manifest.version !== version && !manifest.version.startsWith(`${version}.`)) {
    throw new Error(`gold.withFeatures ${ref}: the installed ${name} is version ${manifest.version}`);
  }
  const names = manifest.expressions.map((e) => e.name);
  const fields = names.map((n) => n.toLowerCase());
  const base = new Set<string>(GOLD_DAY_FIELDS);
  const clash = fields.find((f, i) => base.has(f) || fields.indexOf(f) !== i);
  if (clash) throw new Error(`gold.withFeatures ${ref}: feature ${clash} would share a field name (lowercased) with another field of gold`);
  return { manifest, names, fields };
}

/** What writing a set's days into gold did. */
export interface GoldFeatureColumnsResult {
  commit: GoldCommitStats | null;
  /** Per day written: instruments with a row in the partition, and a digest of the values written. */
  days: Map<string, { rows: number; checksum: string }>;
  /** Instruments whose columns were written. */
  instruments: number;
}

/**
 * Writes the values of `dates` (days gold holds) of the set's installed version into the feature
 * columns of the day gold at `target`. Throws, naming the dataset, version and dates, when a
 * partition is missing, and when gold's bins do not carry the columns (gold built without them).
 */
export async function writeGoldFeatureColumns(opts: {
  lakeRoot: string;
  target: string;
  set: GoldFeatureSet;
  dates: readonly string[];
  duckdb: { threads: number; memoryLimit: string };
  durable?: boolean;
  /** Feature values read at a time (instruments batched to stay within it; default 8 million). */
  maxBatchValues?: number;
}): Promise<GoldFeatureColumnsResult> {
  const { manifest, names, fields } = opts.set;
  const dates = [...new Set(opts.dates)].sort();
  const result: GoldFeatureColumnsResult = { commit: null, days: new Map(), instruments: 0 };
  if (!dates.length) return result;
  const paths = featureSetPaths(opts.lakeRoot, manifest.name, manifest.version);
  const missing = dates.filter((d) => !fs.existsSync(paths.partition(d)));
  if (missing.length) {
    const list = missing.length > 5 ? `${missing.slice(0, 5).join(', ')}, ... (${missing.length} days)` : missing.join(', ');
    throw new Error(`${featureDatasetId(manifest.name)} v${manifest.version} has no partition for ${list}: build the set for those days before its gold columns`);
  }
  const files = dates.map((d) => paths.partition(d));
  const db = await openDuckDb({ threads: opts.duckdb.threads, memoryLimit: opts.duckdb.memoryLimit });
  // The day gold's append state as it stands under the writer lock, to hand on to the new generation.
  let parentState: LakeGoldState | null = null;
  try {
    result.commit = await updateGold(opts.target, 'day', async (b) => {
      parentState = readLakeGoldState(opts.target);
      const index = new Map(dates.map((d) => [d, b.indexOf(d)] as const));
      for (const [d, i] of index) if (i < 0) throw new Error(`gold has no day ${d} to write ${featureDatasetId(manifest.name)} into`);
      const byName = new Map(b.codes().map((c) => [instrumentName(c), c] as const));
      const listed = (await db.connection.runAndReadAll(`SELECT DISTINCT CAST(instrument AS VARCHAR) FROM read_parquet([${files.map(sqlString).join(', ')}])`)).getRows();
      const unknown = listed.map((r) => String(r[0])).find((inst) => !byName.has(inst));
      if (unknown) throw new Error(`${featureDatasetId(manifest.name)} v${manifest.version}: instrument ${unknown} has feature rows but no bins in gold`);
      const hashes = new Map(dates.map((d) => [d, createHash('sha256')] as const));
      const counts = new Map<string, number>(dates.map((d) => [d, 0]));
      // Instruments in batches whose rows stay within a budget of values (a first fill reads every day).
      const codes = [...b.codes()].sort();
      const batch = Math.max(1, Math.floor((opts.maxBatchValues ?? MAX_BATCH_VALUES) / (dates.length * names.length)));
      let rows = new Map<string, Map<string, Float32Array>>();
      for (let n = 0; n < codes.length; n++) {
        const code = codes[n]!;
        if (n % batch === 0) rows = await readRows(db, files, names, codes.slice(n, n + batch).map(instrumentName));
        const st = b.state(code)!;
        const lacking = fields.find((f) => !st.fields.includes(f));
        if (lacking) {
          throw new Error(`gold's ${instrumentName(code)} has no ${lacking} bin: build the day gold with gold.withFeatures ${manifest.name}@${manifest.version} first`);
        }
        const end = st.binStart + st.length - 1;
        const at = dates.map((d) => index.get(d)!).filter((i) => i >= st.binStart && i <= end);
        if (!at.length) continue;
        const from = Math.min(...at);
        const cols = new Map<string, Float32Array>();
        for (const f of st.fields) cols.set(f, b.values(code, f, from)!);
        const mine = rows.get(instrumentName(code));
        for (const d of dates) {
          const i = index.get(d)!;
          if (i < st.binStart || i > end) continue;
          const values = mine?.get(d);
          const hash = hashes.get(d)!;
          hash.update(`${code}\n`);
          fields.forEach((f, k) => {
            const v = values ? values[k]! : NaN;
            cols.get(f)![i - from] = v;
          });
          if (values) {
            counts.set(d, counts.get(d)! + 1);
            hash.update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
          }
        }
        b.patch(code, from, cols, st.spans);
        result.instruments++;
      }
      for (const d of dates) result.days.set(d, { rows: counts.get(d)!, checksum: hashes.get(d)!.digest('hex') });
    }, { durable: opts.durable });
  } finally {
    db.close();
  }
  // Only feature values changed: the day gold's append state still describes the new generation.
  const held = parentState as LakeGoldState | null;
  if (held && result.commit && held.generation === result.commit.parent) await writeLakeGoldState(opts.target, { ...held, generation: result.commit.generation });
  return result;
}

/** Feature values read per batch of instruments: days x features x instruments at most about this. */
const MAX_BATCH_VALUES = 8_000_000;

/** Feature rows of these instruments in the partitions: instrument -> date -> values (float32, in `names` order; NULL as NaN). */
async function readRows(
  db: DuckDbHandle, files: readonly string[], names: readonly string[], instruments: readonly string[],
): Promise<Map<string, Map<string, Float32Array>>> {
  const cols = names.map((n) => `CAST("${n.replaceAll('"', '""')}" AS FLOAT)`).join(', ');
  const sql = `SELECT CAST(instrument AS VARCHAR), CAST(date AS VARCHAR), ${cols} FROM read_parquet([${files.map(sqlString).join(', ')}])
    WHERE CAST(instrument AS VARCHAR) IN (${instruments.map(sqlString).join(', ')})`;
  const got = (await db.connection.runAndReadAll(sql)).getColumns();
  const out = new Map<string, Map<string, Float32Array>>();
  const n = got[0]?.length ?? 0;
  for (let r = 0; r < n; r++) {
    const inst = String(got[0]![r]);
    const date = String(got[1]![r]);
    const values = new Float32Array(names.length);
    for (let k = 0; k < names.length; k++) {
      const v = got[k + 2]![r];
      values[k] = v === null || v === undefined ? NaN : Number(v);
    }
    let m = out.get(inst);
    if (!m) out.set(inst, (m = new Map()));
    if (m.has(date)) throw new Error(`feature partition ${date}: instrument ${inst} has two rows`);
    m.set(date, values);
  }
  return out;
}
