/**
 * The one planner. A target (a date range of datasets and layers, a set of heatmap cells, "today")
 * becomes a job graph by walking the registry like an asset graph (Dagster's partitioned assets):
 * each requested partition that is missing, failed, stale or not yet fetched gets a job, and so do
 * the inputs it needs that are not up to date themselves (of inputs read only as present, the
 * out-of-date ones), with a dependency from each job to the jobs building its inputs. Staleness
 * flows downstream (core/lake/lineage.ts): a stale silver day makes its gold day stale too. Nothing
 * complete and fresh is re-run. The plan writes nothing: it reads records, lists data files and,
 * when allowed, asks upstream for sizes.
 */
import { addDays, latestPublishedTradingDay } from '../calendar/index.ts';
import { partitionKey, type DatasetRegistry, type PartitionRef } from '../datasets/index.ts';
import { jobIdFor, type EstimateBasis, type JobKindPlugin, type PlanContext, type PlannedJob } from '../jobs/job-kind.ts';
import { deriveState } from '../lake/coverage.ts';
import { listDataFileDates } from '../lake/data-file-listing.ts';
import { inputRange, outdatedDatesIn, outdatedReason } from '../lake/lineage.ts';
import type { CoverageState } from '../vocabulary/coverage-states.ts';
import type { Layer } from '../vocabulary/layers.ts';

/** What was asked for, partition by partition, and what the plan does about it. */
export interface PlanItem extends PartitionRef {
  state: CoverageState;
  /** Set when the partition is built by this plan: the job's id. */
  job: string | null;
  reason: string;
}

/** A plan: the job graph and, for every target partition, what happens to it. */
export interface EnginePlan {
  latestPublished: string;
  /** One per requested partition (inputs pulled in by the walk are in `jobs` only). */
  items: PlanItem[];
  jobs: PlannedJob[];
  totals: {
    jobs: number;
    /** Jobs per kind, e.g. { download: 3, ingest: 3 }. */
    byKind: Record<string, number>;
    estimatedBytes: number;
    /** Requested partitions already complete and fresh. */
    upToDate: number;
  };
}

/** How a plan treats what it finds. */
export interface PlanOptions {
  /** Rebuild the targets even when they are fresh. */
  force?: boolean;
  /** Also bring the inputs of the targets up to date (default true); false builds only the targets. */
  withInputs?: boolean;
  /** Layers never built by this plan (--skip-landing, --skip-bronze). */
  skipLayers?: readonly Layer[];
  /** Partitions being written right now (they are left alone). */
  running?: ReadonlySet<string>;
  /** Add each job kind's refetch window (an update's REST corrections) to the targets. */
  refresh?: boolean;
}

/** States a partition is rebuilt from. `degraded` is data (its rejects are kept), not a gap to refill. */
const NEEDS_BUILD = new Set<CoverageState>(['missing', 'failed', 'stale', 'pending', 'not_entitled']);

interface Node {
  ref: PartitionRef;
  /** partitionKey(ref), computed once. */
  key: string;
  state: CoverageState;
  build: boolean;
  reason: string;
  /** Partitions it reads one by one (same day, trailing windows, named dates); null until it has one (most have none). */
  deps: Set<string> | null;
  /**
   * Ranges it reads whole ("everything up to D"): kept as ranges, because listing each partition
   * would make a 20-year plan quadratic; they become job dependencies by binary search.
   */
  rangeDeps: RangeDep[] | null;
}

/** Adds a partition key to a node's dependencies. */
function addDep(node: Node, key: string): void {
  (node.deps ??= new Set()).add(key);
}

/** Adds a whole range to a node's dependencies. */
function addRangeDep(node: Node, dep: RangeDep): void {
  (node.rangeDeps ??= []).push(dep);
}

/** What the walk needs of one (dataset, layer), looked up once per plan rather than once per partition. */
interface LayerFacts {
  firstDate: string;
  /** Dates with data files, or null when the layer keeps no files per partition. */
  fileDates: Set<string> | null;
}

/** A range of one (dataset, layer) a partition reads. */
interface RangeDep {
  key: string;
  from: string;
  to: string;
}

/** Index of the first element of ascending `xs` that is >= `x`. */
function lowerBound(xs: readonly string[], x: string): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The first date of [from, to] not walked yet for a prefix (an input's "everything up to D"), or
 * null when it all was: consecutive targets read overlapping prefixes, and each part is walked once.
 */
function unwalked(walked: Map<string, string>, key: string, from: string, to: string): string | null {
  const done = walked.get(key);
  if (done !== undefined && done >= to) return null;
  walked.set(key, to);
  return done === undefined ? from : addDays(done, 1);
}

/** Cached per-(dataset, layer) facts the walk needs: the first date it plans and which dates have data files. */
function layerFacts(ctx: PlanContext, cache: Map<string, Map<Layer, LayerFacts>>, dataset: string, layer: Layer): LayerFacts {
  let byLayer = cache.get(dataset);
  if (!byLayer) cache.set(dataset, (byLayer = new Map()));
  let facts = byLayer.get(layer);
  if (!facts) {
    const entry = ctx.registry.get(dataset);
    const spec = ctx.registry.layer(dataset, layer);
    facts = {
      firstDate: ctx.historyStart && ctx.historyStart > entry.firstDate ? ctx.historyStart : entry.firstDate,
      fileDates: listDataFileDates(ctx.lakeRoot, layer, dataset, '0000-01-01', '9999-12-31', spec.storage),
    };
    byLayer.set(layer, facts);
  }
  return facts;
}

/** The job kinds by name, refusing a registry layer whose kind is not installed. */
function kindTable(registry: DatasetRegistry, kinds: readonly JobKindPlugin[]): Map<string, JobKindPlugin> {
  const table = new Map(kinds.map((k) => [k.kind, k]));
  for (const e of registry.entries) {
    for (const l of e.layers) if (!table.has(l.job)) throw new Error(`${e.id}/${l.layer} is built by job kind "${l.job}", which is not installed`);
  }
  return table;
}

/**
 * Plans the jobs that bring `targets` (and, unless told otherwise, what they are built from) up to
 * date. Jobs come out in dependency order; their estimates are filled by the job kinds.
 */
export async function planTargets(targets: readonly PartitionRef[], ctx: PlanContext, kinds: readonly JobKindPlugin[], opts: PlanOptions = {}): Promise<EnginePlan> {
  const { registry } = ctx;
  const kindOf = kindTable(registry, kinds);
  const latestPublished = latestPublishedTradingDay(ctx.now);
  const facts = new Map<string, Map<Layer, LayerFacts>>();
  const nodes = new Map<string, Node>();
  const withInputs = opts.withInputs ?? true;
  const skip = new Set(opts.skipLayers ?? []);
  // Each target's key is made once: a fresh string is hashed on its first look-up, and over a
  // 20-year plan of every dataset (100,000 targets) making and hashing keys again is most of the time.
  const allTargetKeys = targets.map(partitionKey);
  const targetKeys = new Set(allTargetKeys);

  // Partitions each job kind wants refetched although fresh (an update's REST correction window).
  const refreshed = new Set<string>();
  const allTargets = [...targets];
  if (opts.refresh) {
    const seen = new Set<string>();
    for (const t of targets) {
      const k = `${t.dataset}|${t.layer}`;
      if (seen.has(k)) continue;
      seen.add(k);
      const plugin = kindOf.get(registry.layer(t.dataset, t.layer).job)!;
      for (const d of plugin.refresh?.(registry.get(t.dataset), ctx) ?? []) {
        const ref = { dataset: t.dataset, layer: t.layer, date: d };
        const key = partitionKey(ref);
        refreshed.add(key);
        if (!targetKeys.has(key)) {
          targetKeys.add(key);
          allTargets.push(ref);
          allTargetKeys.push(key);
        }
      }
    }
  }

  const stateOf = (ref: PartitionRef, key: string): { state: CoverageState; reason: string } => {
    const { firstDate, fileDates: fd } = layerFacts(ctx, facts, ref.dataset, ref.layer);
    const record = ctx.reader.record(ref);
    const present = record && (record.status === 'complete' || record.status === 'degraded');
    const stale = present ? outdatedReason(registry, ctx.reader, ref, record) : null;
    const { state, lastError } = deriveState({
      date: ref.date, firstDate, latestPublished, running: opts.running?.has(key) ?? false,
      record, fileExists: fd ? fd.has(ref.date) : null, staleReason: stale,
    });
    return { state, reason: state === 'stale' ? (lastError ?? 'an input changed') : `${ref.layer} is ${state}${lastError && state !== 'missing' ? ` (${lastError})` : ''}` };
  };

  const visit = (ref: PartitionRef, forced: string | null, key = partitionKey(ref)): Node => {
    let node = nodes.get(key);
    if (node && (!forced || node.build)) return node;
    const { state, reason } = node ?? stateOf(ref, key);
    let build = false;
    let why = reason;
    if (state !== 'out_of_range' && state !== 'non_trading' && state !== 'running' && !skip.has(ref.layer)) {
      if (forced) [build, why] = [true, forced];
      else if (opts.force && targetKeys.has(key)) [build, why] = [true, `rebuilt on request (it was ${state})`];
      else if (refreshed.has(key)) [build, why] = [true, NEEDS_BUILD.has(state) ? reason : 'refetched: corrections arrive after the fact'];
      else build = NEEDS_BUILD.has(state);
    }
    if (node) {
      // Revisited to be forced: the same node (others hold it), now built.
      node.build = build;
      node.reason = why;
    } else {
      node = { ref, key, state, build, reason: why, deps: null, rangeDeps: null };
      nodes.set(key, node);
    }
    if (!build) return node;
    const spec = registry.layer(ref.dataset, ref.layer);
    if (!withInputs) {
      // Only the targets are built, but a target whose input is a target too still comes after it.
      for (const m of spec.inputs) {
        const r = inputRange(registry, m, ref.date);
        if (r.dates) for (const d of r.dates) addDep(node, partitionKey({ dataset: m.dataset, layer: m.layer, date: d }));
        else addRangeDep(node, { key: `${m.dataset}|${m.layer}`, from: r.from, to: r.to });
      }
      return node;
    }
    const plugin = kindOf.get(spec.job)!;
    for (const m of spec.inputs) {
      const r = inputRange(registry, m, ref.date);
      const inputKey = `${m.dataset}|${m.layer}`;
      if (m.presentOnly) {
        // Read as present, not demanded: what is missing is not built for it, but what it reads
        // that is out of date is (else it is rebuilt from stale data and reads stale again), and
        // whatever this plan builds comes first.
        if (r.dates) {
          for (const d of r.dates) addDep(node, partitionKey({ dataset: m.dataset, layer: m.layer, date: d }));
          for (const d of outdatedDatesIn(registry, ctx.reader, m.dataset, m.layer, r.from, r.to, r.dates)) visit({ dataset: m.dataset, layer: m.layer, date: d }, null);
          continue;
        }
        addRangeDep(node, { key: inputKey, from: r.from, to: r.to });
        const start = unwalked(outdatedUpTo, `${inputKey}|${r.from}`, r.from, r.to);
        if (start !== null) for (const d of outdatedDatesIn(registry, ctx.reader, m.dataset, m.layer, start, r.to)) visit({ dataset: m.dataset, layer: m.layer, date: d }, null);
        continue;
      }
      let dates = r.dates ?? null;
      if (!dates && m.window.kind === 'all-up-to') {
        // Every target reads the same prefix: visit each input partition once, the longest prefix wins.
        addRangeDep(node, { key: inputKey, from: r.from, to: r.to });
        const start = unwalked(expandedUpTo, `${inputKey}|${r.from}`, r.from, r.to);
        if (start !== null) for (const d of registry.partitionDates(m.dataset, start, r.to)) visit({ dataset: m.dataset, layer: m.layer, date: d }, null);
        continue;
      }
      dates ??= registry.partitionDates(m.dataset, r.from, r.to);
      // A file-backed input may have changed on disk since its record was written: have it checked.
      const recheck = plugin.recheckInputs && m.window.kind === 'same-day'
        ? `the ${m.layer} input of ${ref.layer} is checked against its record first (fetched again only if it changed)`
        : null;
      for (const d of dates) {
        const input = visit({ dataset: m.dataset, layer: m.layer, date: d }, recheck);
        if (input.build) addDep(node, input.key);
      }
    }
    return node;
  };

  const items: PlanItem[] = [];
  const expandedUpTo = new Map<string, string>();
  const outdatedUpTo = new Map<string, string>();
  const targetNodes = allTargets.map((t, i) => visit(t, null, allTargetKeys[i]));
  // Each target once (a target may be asked for twice), in the order first asked.
  const uniqueTargets = [...new Set(targetNodes)];

  // A fresh target whose input this plan rebuilds is built after it (its input will have changed),
  // and so on downstream: factors rebuilt for a corrected dividend take their adjusted bars along.
  for (let changed = true; changed;) {
    changed = false;
    const building = buildingDates(nodes);
    for (const node of uniqueTargets) {
      if (node.build || (node.state !== 'complete' && node.state !== 'degraded') || skip.has(node.ref.layer)) continue;
      for (const m of registry.layer(node.ref.dataset, node.ref.layer).inputs) {
        const r = inputRange(registry, m, node.ref.date);
        const inputKey = `${m.dataset}|${m.layer}`;
        const built = building.get(inputKey) ?? [];
        const first = r.dates
          ? r.dates.find((d) => built[lowerBound(built, d)] === d)
          : built[lowerBound(built, r.from)];
        if (first === undefined || first > r.to) continue;
        if (!node.build) node.reason = `${m.dataset} ${m.layer} ${first} is rebuilt by this plan`;
        node.build = true;
        if (r.dates) for (const d of r.dates) addDep(node, partitionKey({ dataset: m.dataset, layer: m.layer, date: d }));
        else addRangeDep(node, { key: inputKey, from: r.from, to: r.to });
        changed = true;
      }
    }
  }

  // Group the partitions to build into jobs, per (dataset, layer), as each job kind likes.
  const groups = new Map<string, Node[]>();
  for (const n of nodes.values()) {
    if (!n.build) continue;
    const k = `${n.ref.dataset}|${n.ref.layer}`;
    const group = groups.get(k);
    if (group) group.push(n);
    else groups.set(k, [n]);
  }
  const jobOfPartition = new Map<string, PlannedJob>();
  const jobs: PlannedJob[] = [];
  /** Per (dataset, layer): its jobs by ascending first date, with their last dates. */
  const jobsByKey = new Map<string, PlannedJob[]>();
  /** Per job: the built nodes of its dates (only built nodes have dependencies). */
  const jobNodes = new Map<PlannedJob, Node[]>();
  for (const group of groups.values()) {
    const { dataset, layer } = group[0]!.ref;
    const spec = registry.layer(dataset, layer);
    const plugin = kindOf.get(spec.job)!;
    const byDate = new Map(group.map((n) => [n.ref.date, n]));
    const dates = [...byDate.keys()].sort();
    const chunks = plugin.group ? plugin.group(registry.get(dataset), dates, ctx) : dates.map((d) => [d]);
    for (const chunk of chunks) {
      const built = chunk.map((d) => byDate.get(d)).filter((n) => n !== undefined);
      const first = built[0]!;
      const job: PlannedJob = {
        id: jobIdFor(spec.job, dataset, chunk), kind: spec.job, dataset, layer, dates: chunk,
        dependsOn: [], estimatedBytes: 0, estimate: 'none', reason: first.reason,
      };
      jobs.push(job);
      const k = `${dataset}|${layer}`;
      const list = jobsByKey.get(k);
      if (list) list.push(job);
      else jobsByKey.set(k, [job]);
      jobNodes.set(job, built);
      for (const d of chunk) jobOfPartition.set(byDate.get(d)?.key ?? partitionKey({ dataset, layer, date: d }), job);
    }
  }
  const lastDates = new Map<string, string[]>();
  for (const [k, list] of jobsByKey) {
    list.sort((a, b) => (a.dates[0]! < b.dates[0]! ? -1 : 1));
    // Running maximum of last dates, so a binary search finds the first job that can reach `from`.
    let max = '';
    lastDates.set(k, list.map((j) => (max = j.dates.at(-1)! > max ? j.dates.at(-1)! : max)));
  }
  for (const job of jobs) {
    const deps = new Set<string>();
    // The ranges of a job's partitions, one span per input: its dates are consecutive, so the span
    // of their prefixes is the longest prefix.
    const spans = new Map<string, { from: string; to: string }>();
    // A job may write more than was asked (a fetch unit's whole month): only asked partitions have nodes.
    for (const node of jobNodes.get(job)!) {
      for (const dep of node.deps ?? []) {
        const other = jobOfPartition.get(dep);
        if (other && other !== job) deps.add(other.id);
      }
      for (const r of node.rangeDeps ?? []) {
        const span = spans.get(r.key);
        if (!span) spans.set(r.key, { from: r.from, to: r.to });
        else {
          if (r.from < span.from) span.from = r.from;
          if (r.to > span.to) span.to = r.to;
        }
      }
    }
    for (const [key, r] of spans) {
      const list = jobsByKey.get(key);
      if (!list) continue;
      for (let i = lowerBound(lastDates.get(key)!, r.from); i < list.length && list[i]!.dates[0]! <= r.to; i++) {
        if (list[i] !== job) deps.add(list[i]!.id);
      }
    }
    job.dependsOn = [...deps].sort();
  }
  const ordered = topologicalOrder(jobs);

  for (const job of ordered) {
    const plugin = kindOf.get(job.kind)!;
    if (!plugin.estimate) continue;
    const e = await plugin.estimate(job, ctx);
    job.estimatedBytes = e.bytes;
    job.estimate = e.basis;
  }

  let upToDate = 0;
  for (let i = 0; i < allTargets.length; i++) {
    const t = allTargets[i]!;
    const n = targetNodes[i]!;
    const job = n.build ? (jobOfPartition.get(n.key)?.id ?? null) : null;
    const present = n.state === 'complete' || n.state === 'degraded';
    if (!n.build && present) upToDate++;
    // Fields spelled out: V8 clones `{ ...t, more }` on a slow path, 20x slower over 100k targets.
    items.push({ dataset: t.dataset, layer: t.layer, date: t.date, state: n.state, job, reason: n.build ? n.reason : present ? `${t.layer} already ${n.state}` : n.reason });
  }
  const byKind: Record<string, number> = {};
  for (const j of ordered) byKind[j.kind] = (byKind[j.kind] ?? 0) + 1;
  return {
    latestPublished,
    items,
    jobs: ordered,
    // What the plan fetches: the network jobs' sizes (a build's estimate is what it reads locally).
    totals: { jobs: ordered.length, byKind, estimatedBytes: ordered.filter((j) => kindOf.get(j.kind)!.resource === 'network').reduce((s, j) => s + j.estimatedBytes, 0), upToDate },
  };
}

/** Per (dataset, layer): the dates this plan builds, ascending. */
function buildingDates(nodes: ReadonlyMap<string, Node>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const n of nodes.values()) {
    if (!n.build) continue;
    const k = `${n.ref.dataset}|${n.ref.layer}`;
    const list = out.get(k);
    if (list) list.push(n.ref.date);
    else out.set(k, [n.ref.date]);
  }
  for (const list of out.values()) list.sort();
  return out;
}

/** Jobs in an order where every job comes after the jobs it depends on (stable otherwise). */
function topologicalOrder(jobs: readonly PlannedJob[]): PlannedJob[] {
  const byId = new Map(jobs.map((j) => [j.id, j]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const out: PlannedJob[] = [];
  const visit = (j: PlannedJob) => {
    if (done.has(j.id)) return;
    if (visiting.has(j.id)) throw new Error(`the plan has a cycle through ${j.id}: check the registry's inputs`);
    visiting.add(j.id);
    for (const d of j.dependsOn) visit(byId.get(d)!);
    visiting.delete(j.id);
    done.add(j.id);
    out.push(j);
  };
  const sorted = [...jobs].sort((a, b) => (a.dates[0]! < b.dates[0]! ? -1 : a.dates[0]! > b.dates[0]! ? 1 : 0));
  for (const j of sorted) visit(j);
  return out;
}

/** Targets for a range: every partition of the given datasets and layers with a date in [from, to]. */
export function rangeTargets(registry: DatasetRegistry, datasets: readonly string[], from: string, to: string, layers?: readonly Layer[]): PartitionRef[] {
  const out: PartitionRef[] = [];
  for (const dataset of datasets) {
    const entry = registry.get(dataset);
    const dates = registry.partitionDates(dataset, from, to);
    for (const l of entry.layers) {
      if (layers && !layers.includes(l.layer)) continue;
      for (const date of dates) out.push({ dataset, layer: l.layer, date });
    }
  }
  return out;
}

/** A label for how a job's size is known, for people ("typical size", "from HEAD"). */
export function estimateLabel(basis: EstimateBasis): string {
  return { head: 'size from upstream', typical: 'typical size (a guess)', landing: 'landing file size', unpublished: 'not published yet', none: '' }[basis];
}
