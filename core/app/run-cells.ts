/**
 * Runs an explicit set of (dataset, trading day) cells: the Coverage page's backfill and the Runs
 * page's retry. "Update today" covers consecutive days ending at a date (runUpdate); a selection
 * on the heatmap can be any scatter of cells, so the plan is built per selected day with only the
 * datasets selected on that day, and the jobs of all days run under one supervisor as one run.
 * Locking, concurrency, the memory gate and job specs follow runUpdate exactly.
 */
import { isTradingDay } from '../calendar/index.ts';
import { secretValues } from '../config/index.ts';
import type { SupervisedJob } from '../runtime/job-types.ts';
import { acquireLakeLock, type LakeLock } from '../runtime/lake-lock.ts';
import type { LakeJobSpec } from '../runtime/lake-job.ts';
import type { UpdateHost, UpdateOutcome } from '../runtime/run-update.ts';
import { createSupervisor } from '../runtime/supervisor.ts';
import { buildUpdatePlan, type UpdatePlan } from '../runtime/update-plan.ts';
import { openFlatFileSource } from '../sources/polygon/flat-file-source.ts';
import { createMemoryMonitor, type MemoryMonitor } from '../system/memory-monitor.ts';
import { systemMemorySource } from '../system/memory-source.ts';
import { profileSystem, resolveConcurrency } from '../system/system-profile.ts';

/** The cells to (re)build and the layer the user looked at. */
export interface CellsRequest {
  cells: ReadonlyArray<{ dataset: string; date: string }>;
  /** landing: download only; bronze: download where needed, then ingest. */
  layer: 'landing' | 'bronze';
  maxParallel?: number;
}

/** Above this many days, sizes come from the registry instead of one S3 HEAD per file. */
const HEAD_LIMIT = 200;

/** Merges per-day plans into one plan (jobs keep their ids: kind-dataset-date is unique per run). */
function mergePlans(plans: readonly UpdatePlan[], datasets: string[]): UpdatePlan {
  const items = plans.flatMap((p) => p.items);
  const jobs = plans.flatMap((p) => p.jobs);
  return {
    dates: plans.flatMap((p) => p.dates),
    datasets,
    latestPublished: plans[0]?.latestPublished ?? '',
    items,
    jobs,
    totals: {
      downloads: jobs.filter((j) => j.kind === 'download').length,
      ingests: jobs.filter((j) => j.kind === 'ingest').length,
      estimatedDownloadBytes: plans.reduce((s, p) => s + p.totals.estimatedDownloadBytes, 0),
      upToDate: plans.reduce((s, p) => s + p.totals.upToDate, 0),
    },
  };
}

/** Groups cells by trading day (non-trading days have nothing to build). */
export function cellsByDay(cells: CellsRequest['cells']): Map<string, string[]> {
  const byDay = new Map<string, Set<string>>();
  for (const { dataset, date } of cells) {
    if (!isTradingDay(date)) continue;
    const set = byDay.get(date) ?? new Set<string>();
    set.add(dataset);
    byDay.set(date, set);
  }
  return new Map([...byDay.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([d, s]) => [d, [...s].sort()]));
}

/** Builds the plan for a set of cells (also used for estimates, without access: registry sizes). */
export async function planCells(host: Pick<UpdateHost, 'settings' | 'source'>, req: CellsRequest, access?: Parameters<typeof buildUpdatePlan>[0]['access'], now = new Date()): Promise<UpdatePlan> {
  const byDay = cellsByDay(req.cells);
  const useHead = access && byDay.size <= HEAD_LIMIT ? access : undefined;
  const plans: UpdatePlan[] = [];
  for (const [date, datasets] of byDay) {
    plans.push(
      await buildUpdatePlan({
        settings: host.settings,
        lakeRoot: host.source.dataRoot,
        ...(useHead ? { access: useHead } : {}),
        now,
        date,
        daysBack: 1,
        datasets,
        ...(req.layer === 'landing' ? { skipBronze: true } : {}),
        ...(host.source.kind === 'demo' ? { historyStart: host.settings.demo.historyStart } : {}),
      }),
    );
  }
  return mergePlans(plans, [...new Set(req.cells.map((c) => c.dataset))].sort());
}

/** Runs the cells as one supervised run; resolves with the plan and the run summary. */
export async function runCells(host: UpdateHost, req: CellsRequest): Promise<UpdateOutcome> {
  const { settings, source } = host;
  const lakeRoot = source.dataRoot;
  const now = host.now ?? (() => new Date());
  let lock: LakeLock | null = null;
  let flat: Awaited<ReturnType<typeof openFlatFileSource>> | null = null;
  let monitor: MemoryMonitor | null = null;
  let ownMonitor = false;
  try {
    lock = await acquireLakeLock(lakeRoot, { command: host.command });
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
    const plan = await planCells(host, req, flat.access, now());
    host.onPlan?.(plan, concurrency);
    monitor = host.memoryMonitor ?? null;
    if (!monitor) {
      ownMonitor = true;
      monitor = createMemoryMonitor({ source: host.memorySource ?? systemMemorySource(), thresholds: settings.memory, intervalMs: settings.memory.sampleIntervalMs });
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
    await lock.setRunId(supervisor.runId);
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
        logLevel: settings.logging.level === 'silent' ? 'info' : settings.logging.level,
      };
      return { ...j, entry: host.workerEntry, payload: spec, ...(host.maxHeapMb ? { maxHeapMb: host.maxHeapMb } : {}) };
    });
    const running = supervisor.run(jobs);
    if (host.signal?.aborted) supervisor.cancelRun();
    const summary = await running;
    host.signal?.removeEventListener('abort', onAbort);
    return { plan, concurrency, summary, sourceKind: flat.kind, tookOverStaleLock: Boolean(lock.tookOverFrom) };
  } finally {
    if (ownMonitor) monitor?.stop();
    await flat?.close().catch(() => undefined);
    await lock?.release();
  }
}
