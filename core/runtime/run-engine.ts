/**
 * The one way anything writes the lake: every host (the CLI's update, backfill, download and
 * ingest; the app's Update today, Backfill and Retry) asks runEngine, which takes the lake lock
 * (refusing a second writer), opens the sources once, plans through the planner and runs the
 * plan's jobs under a supervisor: one lock, one journal, a process per job. A dry run takes no
 * lock and writes nothing.
 */
import type { Logger } from 'pino';
import { isTradingDay, latestPublishedTradingDay, previousTradingDay } from '../calendar/index.ts';
import { secretValues, type EffectiveSource, type Settings } from '../config/index.ts';
import { createLakeRegistry, type DatasetRegistry, type PartitionRef, type RegistryOptions } from '../datasets/index.ts';
import type { JobKindPlugin, PlanContext, RunContext } from '../jobs/job-kind.ts';
import { createLineageReader } from '../lake/lineage.ts';
import type { ProcessLauncher } from '../process/process-launcher.ts';
import { serveRateGate } from '../sources/polygon/rest/rate-gate-remote.ts';
import { createTokenBucketGate, planBucket } from '../sources/polygon/rest/rate-gate.ts';
import { createMemoryMonitor, type MemoryMonitor } from '../system/memory-monitor.ts';
import { systemMemorySource, type MemorySource } from '../system/memory-source.ts';
import { profileSystem, resolveConcurrency, type ConcurrencySettings } from '../system/system-profile.ts';
import type { Layer } from '../vocabulary/layers.ts';
import { BUILT_IN_JOB_KINDS, sourceWorkerEntry } from './job-kinds.ts';
import type { SupervisedJob } from './job-types.ts';
import { acquireLakeLock, type LakeLock } from './lake-lock.ts';
import { planTargets, rangeTargets, type EnginePlan } from './planner.ts';
import { openRunSources, sourceSecrets, type OpenedSources } from './run-sources.ts';
import type { RunSummary, SupervisorListener } from './supervisor-events.ts';
import { createSupervisor, type Supervisor } from './supervisor.ts';

/** What to bring up to date. */
export type EngineTarget =
  /** "Update today": the latest published trading day(s) of the enabled datasets, every layer, plus REST correction windows. */
  | { kind: 'update'; date?: string; daysBack?: number; datasets?: string[] }
  /** A date range of datasets, optionally only some layers (download = landing, ingest = bronze). */
  | { kind: 'range'; datasets: string[]; from: string; to: string; layers?: Layer[] }
  /** Explicit partitions (heatmap cells, a retry). */
  | { kind: 'cells'; cells: PartitionRef[] };

/** What the user asked for. */
export interface EngineRequest {
  target: EngineTarget;
  /** Rebuild the targets even when they are fresh. */
  force?: boolean;
  /** Also bring the targets' inputs up to date (default true). */
  withInputs?: boolean;
  skipLayers?: Layer[];
  maxParallel?: number;
  dryRun?: boolean;
}

/** What the host (CLI, web host, Electron main) provides. */
export interface EngineHost {
  settings: Settings;
  source: EffectiveSource;
  launcher: ProcessLauncher;
  /** Worker module of the built-in job kinds (source .ts under Node, bundled .js in a packaged app). */
  workerEntry?: string;
  /** Recorded in the lock and the journal, e.g. "quantmini update --days-back 5". */
  command: string;
  logger?: Logger;
  now?: () => Date;
  /** Memory figures (default: the real machine); tests inject their own. */
  memorySource?: MemorySource;
  /** An already running monitor to share (the web host's System page); otherwise one is made per run. */
  memoryMonitor?: MemoryMonitor;
  onEvent?: SupervisorListener;
  /** Called with the plan before any job starts (the CLI prints it). */
  onPlan?: (plan: EnginePlan, concurrency: EngineConcurrency) => void;
  /** Called once the supervisor exists, so the host can cancel jobs or the run. */
  onSupervisor?: (supervisor: Supervisor) => void;
  signal?: AbortSignal;
  /** Per-job V8 heap cap in MiB (default: the runtime's). */
  maxHeapMb?: number;
  /** The registry and job kinds (default: the lake's own); tests add their own datasets and kinds. */
  registry?: DatasetRegistry;
  kinds?: readonly JobKindPlugin[];
  /** Partitions being written by someone else right now (left alone). */
  running?: ReadonlySet<string>;
}

/** Slots and engine limits of a run. */
export type EngineConcurrency = ConcurrencySettings & { maxParallel: number };

/** The result of a run: always the plan; a summary unless it was a dry run. */
export interface EngineOutcome {
  plan: EnginePlan;
  concurrency: EngineConcurrency;
  summary: RunSummary | null;
  sourceKind: 'demo' | 'massive';
  tookOverStaleLock: boolean;
}

/** Above this many jobs, sizes come from typical figures instead of one HEAD request each. */
const HEAD_LIMIT = 200;

/** The target trading dates: `daysBack` trading days ending at `date` (or the latest published day). */
export function targetDates(now: Date, date?: string, daysBack = 1): string[] {
  const last = date ?? latestPublishedTradingDay(now);
  if (!isTradingDay(last)) throw new RangeError(`${last} is not an NYSE trading day`);
  const out = [last];
  while (out.length < daysBack) out.unshift(previousTradingDay(out[0]!));
  return out;
}

/** The registry options a lake's settings imply. */
export function registryOptionsOf(settings: Settings): RegistryOptions {
  return {
    tickersDailyFrom: settings.rest.tickersDailyFrom,
    minuteExtendedHours: settings.gold.minute.extendedHours,
    goldFeatures: settings.gold.withFeatures,
  };
}

/** The partitions a request names. */
export function targetsOf(registry: DatasetRegistry, settings: Settings, t: EngineTarget, now: Date): PartitionRef[] {
  if (t.kind === 'cells') return t.cells;
  if (t.kind === 'range') return rangeTargets(registry, t.datasets, t.from, t.to, t.layers);
  const dates = targetDates(now, t.date, t.daysBack ?? 1);
  const datasets = t.datasets ?? settings.datasets.enabled.filter((d) => registry.has(d));
  return rangeTargets(registry, datasets, dates[0]!, dates[dates.length - 1]!);
}

/** Plans a request without running it (the Today page's preview, `update --dry-run`). */
export async function planRequest(
  host: Pick<EngineHost, 'settings' | 'source' | 'now' | 'registry' | 'kinds' | 'running'>,
  req: EngineRequest,
  sources?: OpenedSources['sources'],
): Promise<EnginePlan> {
  const now = (host.now ?? (() => new Date()))();
  const registry = host.registry ?? createLakeRegistry(registryOptionsOf(host.settings));
  const targets = targetsOf(registry, host.settings, req.target, now);
  const ctx: PlanContext = {
    lakeRoot: host.source.dataRoot,
    registry,
    settings: host.settings,
    now,
    reader: createLineageReader(host.source.dataRoot, { persistIndex: false }),
    ...(host.source.kind === 'demo' ? { historyStart: host.settings.demo.historyStart } : {}),
    ...(sources ? { sources, probes: { remaining: HEAD_LIMIT } } : {}),
  };
  return planTargets(targets, ctx, host.kinds ?? BUILT_IN_JOB_KINDS, {
    ...(req.force ? { force: true } : {}),
    ...(req.withInputs === false ? { withInputs: false } : {}),
    ...(req.skipLayers ? { skipLayers: req.skipLayers } : {}),
    ...(host.running ? { running: host.running } : {}),
    refresh: req.target.kind === 'update',
  });
}

/**
 * Runs a request for a host: lock, sources, plan, supervisor. The plan's REST jobs share one rate
 * limit, however many processes they run in: the bucket lives here and each job asks it over its
 * message channel (core/sources/polygon/rest/rate-gate-remote.ts).
 */
export async function runEngine(host: EngineHost, req: EngineRequest): Promise<EngineOutcome> {
  const { settings, source } = host;
  const lakeRoot = source.dataRoot;
  const now = host.now ?? (() => new Date());
  let lock: LakeLock | null = null;
  let opened: OpenedSources | null = null;
  let monitor: MemoryMonitor | null = null;
  let ownMonitor = false;
  try {
    if (!req.dryRun) {
      lock = await acquireLakeLock(lakeRoot, {
        command: host.command,
        onTakeover: (stale) => host.logger?.warn({ stalePid: stale.pid, staleStartedAt: stale.startedAt }, 'took over a stale lake lock left by a process that no longer runs'),
      });
      if (lock.sweptTempFiles) host.logger?.info({ files: lock.sweptTempFiles }, 'removed leftovers of interrupted writes from .tmp');
    }
    const profile = await profileSystem(lakeRoot, host.memorySource);
    const c = resolveConcurrency(settings, profile);
    const concurrency: EngineConcurrency = {
      downloads: c.downloads,
      ingestWorkers: c.ingestWorkers,
      duckdbThreads: c.duckdbThreads,
      duckdbMemoryLimit: c.duckdbMemoryLimit,
      maxParallel: req.maxParallel ?? c.downloads + c.ingestWorkers,
    };
    opened = await openRunSources(settings, source, now);
    const plan = await planRequest(host, req, opened.sources);
    host.onPlan?.(plan, concurrency);
    if (req.dryRun) return { plan, concurrency, summary: null, sourceKind: opened.sources.kind, tookOverStaleLock: false };

    monitor = host.memoryMonitor ?? null;
    if (!monitor) {
      ownMonitor = true;
      monitor = createMemoryMonitor({ source: host.memorySource ?? systemMemorySource(), thresholds: settings.memory, intervalMs: settings.memory.sampleIntervalMs });
      monitor.start();
    }
    const sources = opened.sources;
    const gate = sources.rest ? createTokenBucketGate({ plan: sources.rest.plan, shape: planBucket(sources.rest.plan, settings.rest.paidRequestsPerSecond) }) : null;
    const supervisor = createSupervisor({
      lakeRoot,
      launcher: host.launcher,
      limits: { network: concurrency.downloads, compute: concurrency.ingestWorkers, maxParallel: concurrency.maxParallel },
      retry: settings.retry,
      memory: monitor,
      criticalGraceMs: settings.memory.criticalGraceSeconds * 1000,
      secrets: [...secretValues(settings), ...sourceSecrets(sources)].filter((s) => s.length >= 4),
      command: host.command,
      plan: {
        targets: plan.items.length, jobs: plan.totals.jobs, byKind: plan.totals.byKind, estimatedBytes: plan.totals.estimatedBytes, source: sources.kind, concurrency,
        maxAttempts: settings.retry.maxAttempts,
      },
      ...(gate ? { services: { attach: (_jobId, port) => serveRateGate(gate, port).dispose } } : {}),
    });
    await lock!.setRunId(supervisor.runId);
    if (host.onEvent) supervisor.on(host.onEvent);
    host.onSupervisor?.(supervisor);
    const onAbort = () => supervisor.cancelRun();
    host.signal?.addEventListener('abort', onAbort, { once: true });
    const runCtx: RunContext = {
      lakeRoot,
      settings,
      sources,
      registryOptions: registryOptionsOf(settings),
      duckdb: { threads: concurrency.duckdbThreads, memoryLimit: concurrency.duckdbMemoryLimit },
      logLevel: settings.logging.level === 'silent' ? 'info' : settings.logging.level,
    };
    const kinds = new Map((host.kinds ?? BUILT_IN_JOB_KINDS).map((k) => [k.kind, k]));
    const workerEntry = host.workerEntry ?? sourceWorkerEntry();
    const jobs: SupervisedJob[] = plan.jobs.map((j) => {
      const plugin = kinds.get(j.kind)!;
      return {
        id: j.id, kind: j.kind, resource: plugin.resource, dataset: j.dataset, layer: j.layer, date: j.dates[0]!, dates: j.dates,
        ...(j.dependsOn.length ? { dependsOn: j.dependsOn } : {}),
        partitions: j.dates.map((d) => `${j.dataset}|${j.layer}|${d}`),
        estimatedBytes: j.estimatedBytes,
        entry: plugin.entry?.() ?? workerEntry,
        payload: plugin.spec(j, runCtx),
        ...(host.maxHeapMb ? { maxHeapMb: host.maxHeapMb } : {}),
      };
    });
    const running = supervisor.run(jobs);
    if (host.signal?.aborted) supervisor.cancelRun();
    const summary = await running;
    host.signal?.removeEventListener('abort', onAbort);
    return { plan, concurrency, summary, sourceKind: sources.kind, tookOverStaleLock: Boolean(lock?.tookOverFrom) };
  } finally {
    if (ownMonitor) monitor?.stop();
    await opened?.close().catch(() => undefined);
    await lock?.release();
  }
}
