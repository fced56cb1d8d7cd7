/**
 * The one registry of every dataset in every layer (architecture §6). Each entry says what the
 * dataset is, which layers hold its partitions, which job kind builds each layer, what each layer
 * is built from (partition mappings), its columns and its builder version. The planner walks these
 * edges like an asset graph; coverage, the CLI's --dataset lists, the contract's dataset ids, the
 * heatmap rows and the SQL views all come from here.
 */
import { tradingDays } from '../calendar/index.ts';
import type { JobKind } from '../vocabulary/job-states.ts';
import type { Layer } from '../vocabulary/layers.ts';
import { goldAndFeatureDatasets } from './gold-datasets.ts';
import { BRONZE_SCHEMA_VERSION, bronzeColumns, FLAT_FILE_DATASETS, type FlatFileDataset } from './flat-file-datasets.ts';
import type { RestDatasetDeclaration } from './rest-dataset-types.ts';
import { REST_DATASETS } from './rest-datasets.ts';
import { SILVER_DATASETS } from './silver-datasets.ts';
import { restExpectedPartitions, restFetchUnitOf, tickerSnapshotDates } from './rest-fetch-units.ts';

/** What a dataset is: fetched as flat files, fetched from the REST API, or built from other datasets. */
export type DatasetKind = 'flat-file' | 'rest' | 'derived';

/** A column of a layer's Parquet files and its DuckDB type. */
export interface DatasetColumn {
  name: string;
  duckdbType: string;
  description: string;
}

/**
 * Which partitions of an input one partition on date D is built from: the same day; the N trading
 * days ending at D; everything up to D; or dates a function names (the two universe snapshots
 * around a ticker-events interval).
 */
export type InputWindow =
  | { kind: 'same-day' }
  | { kind: 'trailing'; tradingDays: number }
  | { kind: 'all-up-to' }
  | { kind: 'dates'; describe: string; dates: (date: string) => string[] };

/** One input of a layer: a (dataset, layer) and the window of its partitions. */
export interface InputMapping {
  dataset: string;
  layer: Layer;
  window: InputWindow;
  /**
   * The partition reads whatever of this input is present (lineage digests it all), but the planner
   * does not build missing ones for it: silver's "everything up to D" must not make an update
   * backfill 20 years. Input partitions that the same plan builds still run first.
   */
  presentOnly?: boolean;
}

/** Where a layer's partition data lives. */
export type PartitionStorage =
  /** landing/polygon-s3/<dataset>/YYYY/MM/<date>.csv.gz */
  | 'flat-file-landing'
  /** <layer>/<dataset>/year=YYYY/month=MM/<date>.parquet */
  | 'parquet'
  /** No per-day file: the record is the partition's evidence (gold's per-day completeness). */
  | 'records';

/** One layer of a dataset: how its partitions are built and from what. */
export interface DatasetLayer {
  layer: Layer;
  /** The job kind that builds this layer's partitions. */
  job: JobKind;
  /** Bump when the builder's output changes: every partition built by an older version reads `stale`. */
  builderVersion: number;
  storage: PartitionStorage;
  /** Columns of the Parquet files (parquet storage only); bronze and silver writers generate their SQL from them. */
  columns?: readonly DatasetColumn[];
  inputs: readonly InputMapping[];
}

/** Everything the engine, the CLI and the UI know about one dataset. */
export interface DatasetEntry {
  id: string;
  title: string;
  kind: DatasetKind;
  /** First date it can have a partition. */
  firstDate: string;
  /** Layers holding its partitions, lowest first. */
  layers: readonly DatasetLayer[];
  /** The days with partitions (default: every NYSE trading day); the universe has one per snapshot date. */
  partitionDates?: (from: string, to: string) => string[];
  /** Whether "Update today" keeps it current unless the user says otherwise. */
  enabledByDefault: boolean;
  flatFile?: FlatFileDataset;
  rest?: RestDatasetDeclaration;
}

/** A partition: one (dataset, layer, date). */
export interface PartitionRef {
  dataset: string;
  layer: Layer;
  date: string;
}

/** The key a partition goes by in sets and maps: "dataset|layer|date". */
export function partitionKey(p: PartitionRef): string {
  return `${p.dataset}|${p.layer}|${p.date}`;
}

/** A registry: the entries and fast look-ups over them. */
export interface DatasetRegistry {
  readonly entries: readonly DatasetEntry[];
  /** The entry of an id; throws a clear error naming the known ids. */
  get(id: string): DatasetEntry;
  has(id: string): boolean;
  /** The layer spec of a dataset; throws when the dataset has no partitions in that layer. */
  layer(id: string, layer: Layer): DatasetLayer;
  hasLayer(id: string, layer: Layer): boolean;
  /** Datasets with partitions in a layer, in registry order. */
  inLayer(layer: Layer): DatasetEntry[];
  /** The days a dataset has partitions on in [from, to] (after its first date). */
  partitionDates(id: string, from: string, to: string): string[];
  /** Parses ids from a flag or a request: unknown ones are refused with the known list; duplicates dropped. */
  parseIds(ids: readonly string[], opts?: { layer?: Layer; kind?: DatasetKind }): string[];
  /** Every (dataset, layer) that has `id`'s `layer` as an input. */
  dependentsOf(id: string, layer: Layer): Array<{ dataset: string; layer: Layer; mapping: InputMapping }>;
}

/** Builds a registry from entries, checking that every input names a (dataset, layer) that exists. */
export function createRegistry(entries: readonly DatasetEntry[]): DatasetRegistry {
  const byId = new Map<string, DatasetEntry>();
  for (const e of entries) {
    if (byId.has(e.id)) throw new Error(`dataset registry: "${e.id}" is declared twice`);
    byId.set(e.id, e);
  }
  const known = () => entries.map((e) => e.id).join(', ');
  const get = (id: string): DatasetEntry => {
    const e = byId.get(id);
    if (!e) throw new Error(`unknown dataset "${id}" (known: ${known()})`);
    return e;
  };
  const layerOf = (id: string, layer: Layer): DatasetLayer | undefined => byId.get(id)?.layers.find((l) => l.layer === layer);
  for (const e of entries) {
    for (const l of e.layers) {
      for (const i of l.inputs) {
        if (!layerOf(i.dataset, i.layer)) throw new Error(`dataset registry: ${e.id}/${l.layer} reads ${i.dataset}/${i.layer}, which is not declared`);
      }
    }
  }
  return {
    entries,
    get,
    has: (id) => byId.has(id),
    layer(id, layer) {
      const l = layerOf(id, layer);
      if (!l) throw new Error(`dataset "${id}" has no ${layer} partitions (it has: ${get(id).layers.map((x) => x.layer).join(', ')})`);
      return l;
    },
    hasLayer: (id, layer) => layerOf(id, layer) !== undefined,
    inLayer: (layer) => entries.filter((e) => e.layers.some((l) => l.layer === layer)),
    partitionDates(id, from, to) {
      const e = get(id);
      const start = from > e.firstDate ? from : e.firstDate;
      if (start > to) return [];
      return e.partitionDates ? e.partitionDates(start, to) : tradingDays(start, to);
    },
    parseIds(ids, opts = {}) {
      const out: string[] = [];
      for (const id of ids) {
        const e = byId.get(id);
        const fits = e && (!opts.layer || e.layers.some((l) => l.layer === opts.layer)) && (!opts.kind || e.kind === opts.kind);
        if (!fits) {
          const pool = entries.filter((x) => (!opts.layer || x.layers.some((l) => l.layer === opts.layer)) && (!opts.kind || x.kind === opts.kind));
          const where = [opts.kind, opts.layer ? `${opts.layer}` : ''].filter(Boolean).join(' ');
          throw new Error(`unknown ${where ? `${where} ` : ''}dataset "${id}" (known: ${pool.map((x) => x.id).join(', ')})`);
        }
        if (!out.includes(id)) out.push(id);
      }
      return out;
    },
    dependentsOf(id, layer) {
      const out: Array<{ dataset: string; layer: Layer; mapping: InputMapping }> = [];
      for (const e of entries) {
        for (const l of e.layers) for (const m of l.inputs) if (m.dataset === id && m.layer === layer) out.push({ dataset: e.id, layer: l.layer, mapping: m });
      }
      return out;
    },
  };
}

/** Version of a flat file's landing copy: the exact S3 object, so it changes only if that idea does. */
export const LANDING_BUILDER_VERSION = 1;

/** A flat-file dataset's entry: landing by `download`, bronze by `ingest` from that day's landing file. */
function flatFileEntry(ds: FlatFileDataset): DatasetEntry {
  return {
    id: ds.id,
    title: ds.title,
    kind: 'flat-file',
    firstDate: ds.firstDate,
    enabledByDefault: true,
    flatFile: ds,
    layers: [
      { layer: 'landing', job: 'download', builderVersion: LANDING_BUILDER_VERSION, storage: 'flat-file-landing', inputs: [] },
      {
        layer: 'bronze', job: 'ingest', builderVersion: BRONZE_SCHEMA_VERSION, storage: 'parquet', columns: bronzeColumns(ds),
        inputs: [{ dataset: ds.id, layer: 'landing', window: { kind: 'same-day' } }],
      },
    ],
  };
}

/**
 * A REST dataset's entry: bronze by `rest-fetch`, which keeps the raw pages in landing on the way
 * (landing is part of the fetch, recorded per fetch, not a separate layer of per-day partitions).
 */
function restEntry(decl: RestDatasetDeclaration, extra: Partial<DatasetEntry> = {}): DatasetEntry {
  return {
    id: decl.id,
    title: decl.title,
    kind: 'rest',
    firstDate: decl.firstDate,
    enabledByDefault: true,
    rest: decl,
    layers: [{
      layer: 'bronze', job: 'rest-fetch', builderVersion: decl.schemaVersion, storage: 'parquet', columns: decl.columns,
      inputs: decl.inputs.map((d) => ({ dataset: d, layer: 'bronze' as const, window: { kind: 'same-day' as const } })),
    }],
    ...extra,
  };
}

/** Settings the registry's shape depends on. */
export interface RegistryOptions {
  /** Universe snapshots are daily from this date on and month ends before it (settings rest.tickersDailyFrom). */
  tickersDailyFrom: string;
  /** Settings gold.minute.extendedHours: the minute gold holds extended hours (its builder version says which, so a change rebuilds it). */
  minuteExtendedHours?: boolean;
  /** Settings gold.withFeatures (NAME[@VERSION]): that set's outputs are also gold fields, a gold layer of its dataset. */
  goldFeatures?: string | null;
}

/** The entries the lake ships with: the four flat-file datasets, the nine REST datasets, gold and feature sets once silver is declared. */
export function builtInDatasets(opts: RegistryOptions): DatasetEntry[] {
  const schedule = { tickersDailyFrom: opts.tickersDailyFrom };
  const declared: DatasetEntry[] = [
    ...FLAT_FILE_DATASETS.map(flatFileEntry),
    ...REST_DATASETS.map((d) => {
      const e = restEntry(d);
      if (d.fetch.kind === 'snapshot') return { ...e, partitionDates: (from: string, to: string) => tickerSnapshotDates(from, to, schedule.tickersDailyFrom) };
      if (d.fetch.kind === 'snapshot-interval') {
        // Each partition is built from the universe snapshots bounding its interval.
        const snapshots = (date: string) => {
          const unit = restFetchUnitOf(d.id, date, schedule);
          return unit.snapshots ? [unit.snapshots.previous, unit.snapshots.current] : [];
        };
        return {
          ...e,
          partitionDates: (from: string, to: string) => restExpectedPartitions(d.id, from, to, schedule),
          layers: e.layers.map((l) => ({
            ...l,
            inputs: d.inputs.map((i) => ({ dataset: i, layer: 'bronze' as const, window: { kind: 'dates' as const, describe: 'the universe snapshots before and after', dates: snapshots } })),
          })),
        };
      }
      return e;
    }),
    ...SILVER_DATASETS,
  ];
  return [...declared, ...goldAndFeatureDatasets(declared, opts)];
}

/** Default of settings rest.tickersDailyFrom: universe snapshots are daily from this date on. */
export const DEFAULT_TICKERS_DAILY_FROM = '2026-01-02';

let defaultOne: DatasetRegistry | null = null;

/** The registry with default settings (for code that runs without a configuration: tests, tools). */
export function defaultRegistry(): DatasetRegistry {
  defaultOne ??= createLakeRegistry({ tickersDailyFrom: DEFAULT_TICKERS_DAILY_FROM });
  return defaultOne;
}

/** The registry of a lake with these settings. */
export function createLakeRegistry(opts: RegistryOptions): DatasetRegistry {
  return createRegistry(builtInDatasets(opts));
}

/** Every dataset id the lake ships with, for schemas that must know them before any settings exist. */
export const BUILT_IN_DATASET_IDS: readonly string[] = [
  ...FLAT_FILE_DATASETS.map((d) => d.id), ...REST_DATASETS.map((d) => d.id), ...SILVER_DATASETS.map((d) => d.id),
];
