/**
 * The Feature sets page: every set (installed with the app or only in the lake) with its built
 * versions, and one version's manifest, expressions and validation stats, all read from the files a
 * build leaves in silver/features/<name>/v<version>/ (core/layers/features/README.md).
 */
import fs from 'node:fs';
import type { FeatureSetSummaryView, FeatureSetVersionView } from '../contract/contract-views.ts';
import type { Handlers } from '../contract/dispatch.ts';
import { RequestError } from '../contract/request-error.ts';
import {
  listBuiltinFeatureSets, loadBuiltinManifest, parseManifest, type FeatureSetManifest,
} from '../features/sets/feature-set-manifest.ts';
import { builtFeatureSets, builtVersions, featureSetPaths } from '../lake/feature-set-paths.ts';
import { readVersionRecord } from '../layers/features/feature-versions.ts';

function installed(name: string): FeatureSetManifest | null {
  return listBuiltinFeatureSets().includes(name) ? loadBuiltinManifest(name) : null;
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
  const manifest = parseManifest(manifestText, file);
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

/** `featureSets.list` and `featureSets.get` for the current lake. */
export function featureSetHandlers(lakeRoot: () => string): Pick<Handlers, 'featureSets.list' | 'featureSets.get'> {
  return {
    'featureSets.list': () => listFeatureSets(lakeRoot()),
    'featureSets.get': (input) => readFeatureSetVersion(lakeRoot(), input.name, input.version),
  };
}
