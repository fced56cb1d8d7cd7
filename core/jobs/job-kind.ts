/**
 * What a job kind is to the engine: a plugin that builds the partitions of one layer. The planner
 * asks it how to group partitions into jobs and what they will cost; the run host asks it for each
 * job's spec; the worker runs the spec with the kind's handler. Adding a layer is adding registry
 * entries and a job kind; the planner and the supervisor do not change.
 */
import type { Settings } from '../config/index.ts';
import type { DatasetEntry, DatasetRegistry, PartitionRef, RegistryOptions } from '../datasets/index.ts';
import type { LineageReader } from '../lake/lineage.ts';
import type { JobKind, JobResource } from '../vocabulary/job-states.ts';
import type { Layer } from '../vocabulary/layers.ts';

/** How a job's size was estimated: asked upstream (HEAD), a typical size, what landing already holds, unknown. */
export type EstimateBasis = 'head' | 'typical' | 'landing' | 'unpublished' | 'none';

/** A job of a plan, before the host adds the worker entry and the spec. */
export interface PlannedJob {
  /** Unique in its run: "<kind>:<dataset>:<first date>[..<last date>]". */
  id: string;
  kind: JobKind;
  dataset: string;
  layer: Layer;
  /** The partitions it writes, ascending. */
  dates: string[];
  dependsOn: string[];
  estimatedBytes: number;
  estimate: EstimateBasis;
  /** Why it runs ("bronze is missing", "stocks_daily bronze 2024-03-04 changed since this was built"). */
  reason: string;
}

/** What the planner knows while it plans. */
export interface PlanContext {
  lakeRoot: string;
  registry: DatasetRegistry;
  settings: Settings;
  now: Date;
  reader: LineageReader;
  /** Start of the source's history (demo: the simulator's first date). */
  historyStart?: string;
  /** The run's sources, for estimates that ask upstream (absent: nothing is asked). */
  sources?: RunSources;
  /** How many upstream size look-ups (HEAD) the plan may still make; large plans use typical sizes. */
  probes?: { remaining: number };
}

/** The sources a run opened once and shares with its jobs (secrets travel only in specs). */
export interface RunSources {
  kind: 'demo' | 'massive';
  s3?: { endpoint: string; bucket: string; region: string; accessKeyId: string; secretAccessKey: string };
  rest?: { baseUrl: string; apiKey: string; plan: Settings['massive']['plan'] };
}

/** What the run host knows when it builds a job's spec. */
export interface RunContext {
  lakeRoot: string;
  settings: Settings;
  sources: RunSources;
  registryOptions: RegistryOptions;
  duckdb: { threads: number; memoryLimit: string };
  logLevel: string;
}

/** A job kind, as the planner and the run host see it. */
export interface JobKindPlugin {
  kind: JobKind;
  /** The slot pool its jobs take. */
  resource: JobResource;
  /** The layer it writes. */
  writes: Layer;
  /** Worker module running its jobs (absolute path); default: the engine's own worker. */
  entry?: () => string;
  /** Groups the partitions to build of one dataset into jobs (default: one job per partition). */
  group?: (dataset: DatasetEntry, dates: readonly string[], ctx: PlanContext) => string[][];
  /** What a job will move, for the plan's estimate (default: nothing known). */
  estimate?: (job: PlannedJob, ctx: PlanContext) => Promise<{ bytes: number; basis: EstimateBasis }>;
  /**
   * Partitions an update refetches although they are fresh (a REST dataset's correction window,
   * due once a day); they join the plan's targets. Default: none.
   */
  refresh?: (dataset: DatasetEntry, ctx: PlanContext) => string[];
  /**
   * Whenever a partition of this kind is built, have its same-day inputs checked first by their own
   * job (a landing file may have changed on disk since its record was written; the download job
   * compares it with the record's sha256 and upstream's ETag, and fetches it only if it changed).
   */
  recheckInputs?: boolean;
  /** The spec sent to the worker; may hold secrets, so it is never journaled. */
  spec: (job: PlannedJob, ctx: RunContext) => unknown;
}

/** The id of a job writing `dates` of (kind, dataset). */
export function jobIdFor(kind: JobKind, dataset: string, dates: readonly string[]): string {
  const first = dates[0] ?? '';
  const last = dates[dates.length - 1] ?? first;
  return `${kind}:${dataset}:${first}${last !== first ? `..${last}` : ''}`;
}

/** The partitions a job writes. */
export function partitionsOf(job: Pick<PlannedJob, 'dataset' | 'layer' | 'dates'>): PartitionRef[] {
  return job.dates.map((date) => ({ dataset: job.dataset, layer: job.layer, date }));
}
