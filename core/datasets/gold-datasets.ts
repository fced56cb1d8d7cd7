/**
 * Datasets built on silver's adjusted bars: the lake's Qlib gold (`qlib_us`, gold/qlib/us) and the
 * built-in feature sets (`features_<name>`, silver/features/<name>/v<version>/), which read gold's
 * normalised fields so the lake's Alpha158 is what Qlib computes from the lake's gold. They are
 * declared only when the registry has the silver datasets they read (silver's own declarations), so
 * a registry without silver stays valid.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { FEATURE_SET_NAMES, GOLD_DATASET_IDS, goldFeatureSetName } from '../vocabulary/dataset-ids.ts';
import type { DatasetEntry, InputMapping, RegistryOptions } from './dataset-registry.ts';

/** The lake's day gold: one Qlib directory, with a per-day record saying the day is complete. */
export const GOLD_DAY_DATASET = GOLD_DATASET_IDS[0];
/**
 * Bump when gold's bytes change for the same silver (every gold day then reads `stale`). 2: spans
 * run from first to last bar, cut only at a reported delisting (a day without trades no longer
 * splits them); day digests cover the instruments spanning the day.
 */
export const GOLD_BUILDER_VERSION = 2;
/** The lake's 1-minute gold (gold/qlib/us_1min), from bronze's minute bars with the day gold's codes, spans and factors. */
export const GOLD_MINUTE_DATASET = GOLD_DATASET_IDS[1];
/** Bump when the minute gold's bytes change for the same inputs. */
export const GOLD_MINUTE_BUILDER_VERSION = 1;
/** Bump when the feature columns gold writes change for the same feature partitions (the manifest's own version is folded in). */
export const GOLD_FEATURES_BUILDER_VERSION = 1;
/** Bump when a feature set's partitions change for the same gold and manifest (the manifest's own version is folded in). */
export const FEATURE_BUILDER_VERSION = 1;
/** Job kinds of these layers. */
export const GOLD_JOB_KIND = 'gold-build';
export const FEATURE_JOB_KIND = 'feature-build';
export const GOLD_MINUTE_JOB_KIND = 'gold-minute-build';
export const GOLD_FEATURES_JOB_KIND = 'gold-feature-columns';

export { goldFeatureSetName };

/** The dataset id of a feature set. */
export function featureDatasetId(name: string): string {
  return `features_${name}`;
}

/** The feature-set name of a dataset id, or null when it is not one. */
export function featureSetOf(datasetId: string): string | null {
  return datasetId.startsWith('features_') ? datasetId.slice('features_'.length) : null;
}

/**
 * The installed manifest's version as a number growing with it (major, minor, patch in thousands),
 * read from its YAML without compiling it: folded into the set's builder version, so installing a
 * new version marks the days built by the old one `stale`.
 */
function manifestVersionNumber(name: string): number {
  try {
    const file = fileURLToPath(new URL(`../../config/feature-sets/${name}.yaml`, import.meta.url));
    const stat = fs.statSync(file);
    const known = versionCache.get(file);
    if (known && known.mtimeMs === stat.mtimeMs && known.size === stat.size) return known.value;
    const value = versionNumberOf(fs.readFileSync(file, 'utf8'));
    versionCache.set(file, { mtimeMs: stat.mtimeMs, size: stat.size, value });
    return value;
  } catch {
    return 0;
  }
}

// Every registry build asks for these versions (several per CLI start): a cold YAML parse of the
// three built-in manifests costs about 100 ms, so the answer is kept while the file is unchanged.
const versionCache = new Map<string, { mtimeMs: number; size: number; value: number }>();

/** The manifest's version number; a single plain top-level `version: x.y.z` line is read without parsing the YAML. */
function versionNumberOf(text: string): number {
  const lines = [...text.matchAll(/^version:[ \t]*(\d+)\.(\d+)\.(\d+)[ \t]*$/gm)];
  const m = lines.length === 1 && !/^version:/m.test(text.replace(lines[0]![0], ''))
    ? lines[0]!
    : /^(\d+)\.(\d+)\.(\d+)$/.exec(String((YAML.parse(text) as { version?: unknown }).version ?? ''));
  return m ? Number(m[1]) * 1_000_000 + Number(m[2]) * 1_000 + Number(m[3]) : 0;
}

const has = (entries: readonly DatasetEntry[], id: string, layer: string) => entries.some((e) => e.id === id && e.layers.some((l) => l.layer === layer));

/** Gold and the feature sets, for a registry already holding `declared` (empty when silver's bars are not declared). */
export function goldAndFeatureDatasets(
  declared: readonly DatasetEntry[],
  opts: Pick<RegistryOptions, 'minuteExtendedHours' | 'goldFeatures'> = {},
): DatasetEntry[] {
  const bars = declared.find((e) => e.id === 'stocks_daily_adjusted' && e.layers.some((l) => l.layer === 'silver'));
  if (!bars) return [];
  const inputs: InputMapping[] = [{ dataset: bars.id, layer: 'silver', window: { kind: 'same-day' } }];
  if (has(declared, 'universe', 'silver')) inputs.push({ dataset: 'universe', layer: 'silver', window: { kind: 'same-day' } });
  const gold: DatasetEntry = {
    id: GOLD_DAY_DATASET,
    title: 'Qlib gold (US, day)',
    kind: 'derived',
    firstDate: bars.firstDate,
    enabledByDefault: true,
    layers: [{ layer: 'gold', job: GOLD_JOB_KIND, builderVersion: GOLD_BUILDER_VERSION, storage: 'records', inputs }],
  };
  // A feature value on day D depends on the instrument's history up to D (running sums carry state
  // from the series start, as in Qlib), so each partition reads all of gold up to its day: as present
  // (gold is one directory holding every day it was built for), so asking for the last days' features
  // does not make the planner backfill gold, silver and bronze to the dataset's first date.
  // The set named by gold.withFeatures also has a gold layer: its day's values written into the day
  // gold as fields, after the day's partition (which is computed from that day's gold) is built.
  const inGold = opts.goldFeatures ? goldFeatureSetName(opts.goldFeatures) : null;
  const features = FEATURE_SET_NAMES.map((name): DatasetEntry => ({
    id: featureDatasetId(name),
    title: `Feature set ${name}`,
    kind: 'derived',
    firstDate: bars.firstDate,
    enabledByDefault: name !== 'alpha360',
    layers: [{
      layer: 'silver', job: FEATURE_JOB_KIND, builderVersion: FEATURE_BUILDER_VERSION * 1_000_000_000 + manifestVersionNumber(name), storage: 'records',
      inputs: [{ dataset: GOLD_DAY_DATASET, layer: 'gold', window: { kind: 'all-up-to' }, presentOnly: true }],
    }, ...(name === inGold ? [{
      layer: 'gold' as const, job: GOLD_FEATURES_JOB_KIND, builderVersion: GOLD_FEATURES_BUILDER_VERSION * 1_000_000_000 + manifestVersionNumber(name), storage: 'records' as const,
      inputs: [
        { dataset: featureDatasetId(name), layer: 'silver' as const, window: { kind: 'same-day' as const } },
        { dataset: GOLD_DAY_DATASET, layer: 'gold' as const, window: { kind: 'same-day' as const } },
      ],
    }] : [])],
  }));
  // Minute gold: heavy (about 390 values per instrument, field and day), so off until enabled. Its
  // codes, spans and factors are the day gold's, read from the same silver days; a day's minutes
  // need that day's bronze minute file (a day without one would read as a day without trades).
  const minute: DatasetEntry = {
    id: GOLD_MINUTE_DATASET,
    title: 'Qlib gold (US, 1 minute)',
    kind: 'derived',
    firstDate: bars.firstDate,
    enabledByDefault: false,
    layers: [{
      // Extended hours change every day's bytes: a builder version of their own, so switching rebuilds.
      layer: 'gold', job: GOLD_MINUTE_JOB_KIND, builderVersion: GOLD_MINUTE_BUILDER_VERSION + (opts.minuteExtendedHours ? 1000 : 0), storage: 'records',
      inputs: [...inputs, { dataset: 'stocks_minute', layer: 'bronze', window: { kind: 'same-day' } }],
    }],
  };
  return [gold, minute, ...features];
}
