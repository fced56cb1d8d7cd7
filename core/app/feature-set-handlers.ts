/**
 * The Feature sets page: every set (installed with the app or only in the lake) with its built
 * versions, and one version's manifest, expressions and validation stats, all read from the files a
 * build leaves in silver/features/<name>/v<version>/ (core/layers/features/README.md).
 */
import fs from 'node:fs';
import path from 'node:path';
import { tradingDays } from '../calendar/trading-days.ts';
import type {
  FeatureExperimentView, FeatureSetCoverageView, FeatureSetSummaryView, FeatureSetVersionView,
} from '../contract/contract-views.ts';
import type { Handlers } from '../contract/dispatch.ts';
import { RequestError } from '../contract/request-error.ts';
import { checkManifestText, manifestOutline, type ManifestOutline } from '../features/sets/manifest-check.ts';
import { builtinFeatureSetDir, listBuiltinFeatureSets } from '../features/sets/feature-set-manifest.ts';
import { builtFeatureSets, builtVersions, featureSetPaths, versionPartitions } from '../lake/feature-set-paths.ts';
import { lakePaths } from '../lake/lake-paths.ts';
import type { LakeServiceClient } from '../lake-service/lake-service-client.ts';
import { readExperiments, readVersionRecord, setExperimentNote, type ExperimentEntry } from '../layers/features/feature-versions.ts';

/** Installed manifests change only with the app; their outlines are kept while the file's mtime and size stay. */
const outlines = new Map<string, { mtimeMs: number; size: number; outline: ManifestOutline }>();

/** The installed manifest's outline (YAML only: the list does not compile 500 expressions per request). */
function installed(name: string): ManifestOutline | null {
  if (!listBuiltinFeatureSets().includes(name)) return null;
  const file = path.join(builtinFeatureSetDir(), `${name}.yaml`);
  const { mtimeMs, size } = fs.statSync(file);
  const cached = outlines.get(file);
  if (cached && cached.mtimeMs === mtimeMs && cached.size === size) return cached.outline;
  const outline = manifestOutline(fs.readFileSync(file, 'utf8'));
  outlines.set(file, { mtimeMs, size, outline });
  return outline;
}

/** Every feature set and its versions, by name. */
export function listFeatureSets(lakeRoot: string): FeatureSetSummaryView[] {
  const names = [...new Set([...listBuiltinFeatureSets(), ...builtFeatureSets(lakeRoot)])].sort();
  return names.map((name) => {
    const manifest = installed(name);
    const versions = builtVersions(lakeRoot, name).map((version) => {
      const rec = readVersionRecord(lakeRoot, name, version);
      const s = rec?.stats ?? null;
      return {
        version, createdAt: rec?.createdAt ?? '', rows: s?.rows ?? null, partitions: s?.partitions ?? null,
        from: s?.from ?? null, to: s?.to ?? null,
      };
    });
    const latest = versions.length ? readVersionRecord(lakeRoot, name, versions[versions.length - 1]!.version) : null;
    return {
      name,
      description: manifest?.description ?? latest?.description ?? '',
      installedVersion: manifest?.version ?? null,
      features: manifest?.expressions.length ?? latest?.stats?.features.length ?? 0,
      versions,
    };
  });
}

/** One built version: the manifest it was built from, its expressions and its stats. */
export function readFeatureSetVersion(lakeRoot: string, name: string, version: string): FeatureSetVersionView {
  const rec = readVersionRecord(lakeRoot, name, version);
  if (!rec) throw new RequestError('not_found', `${name}@${version} was never built in this lake`);
  const file = featureSetPaths(lakeRoot, name, version).manifest;
  const manifestText = fs.readFileSync(file, 'utf8');
  // Built from this very text after a full validation, and immutable since: the outline is enough.
  const manifest = manifestOutline(manifestText);
  return {
    name,
    version,
    contentHash: rec.contentHash,
    parentVersion: rec.parentVersion,
    description: rec.description,
    createdAt: rec.createdAt,
    manifestText,
    expressions: manifest.expressions.map((e) => ({ name: e.name, expression: e.expression })),
    stats: rec.stats,
  };
}

/** Every trading day of a version's range, whether it is built, and its rows from the partition record. */
export async function featureSetCoverage(lakeRoot: string, name: string, version: string): Promise<FeatureSetCoverageView> {
  if (!readVersionRecord(lakeRoot, name, version)) throw new RequestError('not_found', `${name}@${version} was never built in this lake`);
  const parts = versionPartitions(lakeRoot, name, version);
  const from = parts[0]?.date ?? null;
  const to = parts.at(-1)?.date ?? null;
  if (!from || !to) return { name, version, from, to, days: [] };
  const built = new Set(parts.map((p) => p.date));
  const paths = lakePaths(lakeRoot);
  const rowsOf = async (date: string): Promise<number | null> => {
    try {
      const rec = JSON.parse(await fs.promises.readFile(paths.metadataFile('silver', `features_${name}`, date), 'utf8')) as {
        rows?: number | null; featureSet?: { version?: string };
      };
      // The record describes the dataset's latest build of the day, which may be another version's.
      return rec.featureSet?.version === version && typeof rec.rows === 'number' ? rec.rows : null;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  };
  // Built days outside the NYSE calendar (gold from another market's CSVs) are shown too, never dropped.
  const dates = [...new Set([...tradingDays(from, to), ...built])].sort();
  const days = await Promise.all(
    dates.map(async (date) => ({ date, built: built.has(date), rows: built.has(date) ? await rowsOf(date) : null })),
  );
  return { name, version, from, to, days };
}

function experimentView(e: ExperimentEntry): FeatureExperimentView {
  return {
    id: e.id, name: e.name, version: e.version, contentHash: e.contentHash, builtAt: e.builtAt, dates: e.dates,
    rows: e.stats?.rows ?? null, note: e.note,
  };
}

type FeatureSetRequest =
  | 'featureSets.list' | 'featureSets.get' | 'featureSets.coverage' | 'featureSets.experiments'
  | 'featureSets.setNote' | 'featureSets.diff' | 'featureSets.check';

/** Feature-set requests for the current lake; the diff reads values through the lake service. */
export function featureSetHandlers(
  lakeRoot: () => string,
  lake: Pick<LakeServiceClient, 'call'>,
): Pick<Handlers, FeatureSetRequest> {
  return {
    'featureSets.list': () => listFeatureSets(lakeRoot()),
    'featureSets.get': (input) => readFeatureSetVersion(lakeRoot(), input.name, input.version),
    'featureSets.coverage': (input) => featureSetCoverage(lakeRoot(), input.name, input.version),
    'featureSets.experiments': (input) =>
      readExperiments(lakeRoot()).filter((e) => !input.name || e.name === input.name).map(experimentView).reverse(),
    'featureSets.setNote': async (input) => {
      try {
        return experimentView(await setExperimentNote(lakeRoot(), input.id, input.note));
      } catch (err) {
        if (err instanceof Error && /has no build/.test(err.message)) throw new RequestError('not_found', err.message);
        throw err;
      }
    },
    'featureSets.diff': async (input) => {
      for (const v of [input.a, input.b]) {
        if (!readVersionRecord(lakeRoot(), input.name, v)) {
          throw new RequestError('not_found', `${input.name}@${v} was never built in this lake`);
        }
      }
      return lake.call('featureDiff', { name: input.name, a: input.a, b: input.b });
    },
    'featureSets.check': (input) => checkManifestText(input.text),
  };
}
