import type { Logger } from 'pino';
import type { FlatFileDatasetId } from '../datasets/index.ts';
import { secretValues, type EffectiveSource, type Settings } from '../config/index.ts';
import { openFlatFileSource } from '../sources/polygon/flat-file-source.ts';
import { createMemoryMonitor, type MemoryMonitor } from '../system/memory-monitor.ts';
import { systemMemorySource, type MemorySource } from '../system/memory-source.ts';
import { profileSystem, resolveConcurrency, type ConcurrencySettings } from '../system/system-profile.ts';
import { buildCellPlan, type PlanCell } from './cell-plan.ts';
import type { SupervisedJob } from './job-types.ts';
import { acquireLakeLock, type LakeLock } from './lake-lock.ts';
import type { LakeJobSpec } from './lake-job.ts';
import type { ProcessLauncher } from '../process/process-launcher.ts';
import type { RunSummary, SupervisorListener } from './supervisor-events.ts';
import { createSupervisor, type Supervisor } from './supervisor.ts';
import { buildUpdatePlan, type UpdatePlan } from './update-plan.ts';

/** What the user asked `update` to do (CLI flags, the Today page, or cells of the Coverage and Runs pages). */
export interface UpdateRequest {
  date?: string;
  daysBack?: number;
  maxParallel?: number;
  datasets?: string[];
  /** Explicit (dataset, day) cells to build (backfill, retry); when given, date, daysBack and datasets are not used. */
  cells?: ReadonlyArray<PlanCell>;
  skipLanding?: boolean;
  skipBronze?: boolean;
  dryRun?: boolean;
}

/** What the host (CLI, web host, Electron main) provides. */
export interface UpdateHost {
  settings: Settings;
  source: EffectiveSource;
  launcher: ProcessLauncher;
  /** Worker module path for the launcher (source .ts under Node, bundled .js under Electron). */
  workerEntry: string;
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
  onPlan?: (plan: UpdatePlan, concurrency: ConcurrencySettings & { maxParallel: number }) => void;
  /** Called once the supervisor exists, so the host can cancel jobs or the run. */
  onSupervisor?: (supervisor: Supervisor) => void;
  signal?: AbortSignal;
  /** Per-job V8 heap cap in MiB (default: the runtime's). */
  maxHeapMb?: number;
}

/** The result of an update: always the plan; a run summary unless it was a dry run. */
export interface UpdateOutcome {
  plan: UpdatePlan;
  concurrency: ConcurrencySettings & { maxParallel: number };
  summary: RunSummary | null;
  sourceKind: 'demo' | 'massive';
  tookOverStaleLock: boolean;
}

/**
 * Runs an update for a host ("Update today" over a date range, or a backfill or retry of explicit
 * cells): takes the lake lock (refusing a second updater), opens the flat-file source once (in
 * demo mode that starts the simulator in this process, which then serves every job process),
 * builds the plan, and runs it under a supervisor. A dry run takes no lock and writes nothing.
 */
export async function runUpdate(host: UpdateHost, req: UpdateRequest): Promise<UpdateOutcome> {
  const { settings, source } = host;
  const lakeRoot = source.dataRoot;
  const now = host.now ?? (() => new Date());
  let lock: LakeLock | null = null;
  let flat: Awaited<ReturnType<typeof openFlatFileSource>> | null = null;
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
    const concurrency = {
      downloads: c.downloads,
      ingestWorkers: c.ingestWorkers,
      duckdbThreads: c.duckdbThreads,
      duckdbMemoryLimit: c.duckdbMemoryLimit,
      maxParallel: req.maxParallel ?? c.downloads + c.ingestWorkers,
    };
    flat = await openFlatFileSource({ settings, source, now });
    const common = {
      settings,
      lakeRoot,
      access: flat.access,
      now: now(),
      ...(req.skipLanding ? { skipLanding: true } : {}),
      ...(req.skipBronze ? { skipBronze: true } : {}),
      ...(flat.kind === 'demo' ? { historyStart: settings.demo.historyStart } : {}),
    };
    const plan = req.cells
      ? await buildCellPlan({ ...common, cells: req.cells })
      : await buildUpdatePlan({
          ...common,
          ...(req.date ? { date: req.date } : {}),
          ...(req.daysBack ? { daysBack: req.daysBack } : {}),
          ...(req.datasets ? { datasets: req.datasets } : {}),
        });
    host.onPlan?.(plan, concurrency);
    if (req.dryRun) return { plan, concurrency, summary: null, sourceKind: flat.kind, tookOverStaleLock: false };

    monitor = host.memoryMonitor ?? null;
    if (!monitor) {
      ownMonitor = true;
      monitor = createMemoryMonitor({
        source: host.memorySource ?? systemMemorySource(),
        thresholds: settings.memory,
        intervalMs: settings.memory.sampleIntervalMs,
      });
      monitor.start();
    }
    const access = flat.access;
    const supervisor = createSupervisor({
      lakeRoot,
      launcher: host.launcher,
      limits: { download: concurrency.downloads, ingest: concurrency.ingestWorkers, compute: concurrency.ingestWorkers, maxParallel: concurrency.maxParallel },
      retry: settings.retry,
      memory: monitor,
      criticalGraceMs: settings.memory.criticalGraceSeconds * 1000,
      secrets: [...secretValues(settings), access.accessKeyId, access.secretAccessKey].filter((s) => s.length >= 4),
      command: host.command,
      plan: { dates: plan.dates, datasets: plan.datasets, estimatedDownloadBytes: plan.totals.estimatedDownloadBytes, source: flat.kind, concurrency },
    });
    await lock!.setRunId(supervisor.runId);
    if (host.onEvent) supervisor.on(host.onEvent);
    host.onSupervisor?.(supervisor);
    const onAbort = () => supervisor.cancelRun();
    host.signal?.addEventListener('abort', onAbort, { once: true });
    const jobs: SupervisedJob[] = plan.jobs.map((j) => {
      const spec: LakeJobSpec = {
        kind: j.kind as 'download' | 'ingest',
        dataset: j.dataset,
        date: j.date,
        lakeRoot,
        ...(j.kind === 'download' ? { access } : {}),
        retry: { requestAttempts: settings.retry.requestAttempts, baseDelayMs: settings.retry.baseDelayMs, maxDelayMs: settings.retry.maxDelayMs },
        duckdb: { threads: concurrency.duckdbThreads, memoryLimit: concurrency.duckdbMemoryLimit },
        ...(j.kind === 'ingest' ? { bounds: settings.validation[j.dataset as FlatFileDatasetId] } : {}),
        logLevel: settings.logging.level === 'silent' ? 'info' : settings.logging.level,
      };
      return { ...j, entry: host.workerEntry, payload: spec, ...(host.maxHeapMb ? { maxHeapMb: host.maxHeapMb } : {}) };
    });
    const running = supervisor.run(jobs);
    if (host.signal?.aborted) supervisor.cancelRun();
    const summary = await running;
    host.signal?.removeEventListener('abort', onAbort);
    return { plan, concurrency, summary, sourceKind: flat.kind, tookOverStaleLock: Boolean(lock?.tookOverFrom) };
  } finally {
    if (ownMonitor) monitor?.stop();
    await flat?.close().catch(() => undefined);
    await lock?.release();
  }
}
