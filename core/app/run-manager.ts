/**
 * The app's runs: at most one at a time per app (the lake lock also stops a CLI update from
 * running beside it), started from the Today page (update), the Coverage page (backfill) or the
 * Runs page (retry). It turns supervisor events into contract events, keeps the latest progress of
 * each running job for pages that open mid-run, and tells the heatmap when a cell changes.
 */
import type { Layer } from '../vocabulary/layers.ts';
import type { JobProgressView, JobView, RunDetailView, RunProgressView, RunSummaryView } from '../contract/contract-views.ts';
import { RequestError } from '../contract/request-error.ts';
import type { ProcessLauncher } from '../process/process-launcher.ts';
import { LakeLockedError } from '../runtime/lake-lock.ts';
import { assertRoomFor, checkAndRememberLake, LakeVolumeError } from '../storage/lake-volume-check.ts';
import { runEngine, type EngineHost, type EngineOutcome } from '../runtime/run-engine.ts';
import type { PartitionRef } from '../datasets/index.ts';
import type { JobView as SupervisorJobView, SupervisorEvent } from '../runtime/supervisor-events.ts';
import type { Supervisor } from '../runtime/supervisor.ts';
import type { MemoryMonitor } from '../system/memory-monitor.ts';
import type { Logger } from '../log/logger.ts';
import type { AppEvents } from './app-events.ts';
import type { AppConfigState } from './app-settings.ts';
import { appRunCommand, readRunDetail, runOutcome, type RunKind } from './run-views.ts';

/** Options for createRunManager. */
export interface RunManagerOptions {
  config: () => AppConfigState;
  launcher: ProcessLauncher;
  /** Worker module of the built-in job kinds (default: the TypeScript source, run through tsx). */
  workerEntry?: string;
  /** The state folder of known lakes: a remembered lake whose volume is unmounted is refused (core/storage). */
  stateDir?: string;
  memory: MemoryMonitor;
  events: AppEvents;
  /** Asked for the true state of a cell after its job ends (the lake service's `cell`). */
  cellState: (layer: Layer, dataset: string, date: string) => Promise<string | null>;
  logger?: Logger;
}

/** The cells to (re)build and the layer the user looked at (Coverage page backfill, Runs page retry). */
export interface CellsRequest {
  cells: ReadonlyArray<{ dataset: string; date: string }>;
  /** The layer of the cells: they are built there, with whatever they need upstream. */
  layer: Layer;
}

interface ActiveRun {
  kind: RunKind;
  lakeRoot: string;
  runId: string | null;
  supervisor: Supervisor | null;
  startedAt: string;
  jobs: Map<string, JobView>;
  progress: Map<string, JobProgressView>;
  runProgress: RunProgressView | null;
  /** Why new jobs wait (memory pressure), until they start again. */
  waiting: string | null;
  maxAttempts: number;
  concurrency: RunDetailView['concurrency'];
  maxParallel: number | null;
  finished: boolean;
  done: Promise<void>;
}

/** The run manager. */
export interface RunManager {
  startUpdate(input: { date?: string | undefined; daysBack?: number | undefined; maxParallel?: number | undefined }): Promise<{ runId: string }>;
  startCells(kind: 'backfill' | 'retry', req: CellsRequest, detail: string): Promise<{ runId: string }>;
  /** A run over explicit partitions of any layers (Resume, Retry failed). */
  startPartitions(kind: RunKind, cells: readonly PartitionRef[], detail: string): Promise<{ runId: string }>;
  cancelRun(runId: string): boolean;
  cancelJob(runId: string, jobId: string): boolean;
  active(): Promise<{ run: RunDetailView | null; progress: JobProgressView[]; runProgress: RunProgressView | null }>;
  /** Partitions being written now, as "dataset|layer|date" (cells the heatmap shows as running). */
  runningPartitions(): string[];
  /** Cancels the current run (if any) and waits for it to stop. */
  close(): Promise<void>;
}

function newJobView(j: SupervisorJobView, maxAttempts: number): JobView {
  return {
    jobId: j.id, kind: j.kind, dataset: j.dataset, layer: j.layer ?? 'bronze', date: j.date, dates: j.dates ?? [j.date], state: j.state, attempts: j.attempts, maxAttempts,
    startedAt: null, finishedAt: null, durationMs: null, rows: null, bytes: null, error: null, crashReason: null,
  };
}

/** Creates the run manager. */
export function createRunManager(options: RunManagerOptions): RunManager {
  const { events } = options;
  let active: ActiveRun | null = null;

  const counts = (a: ActiveRun): RunSummaryView['counts'] => {
    const out: RunSummaryView['counts'] = {};
    for (const j of a.jobs.values()) out[j.state] = (out[j.state] ?? 0) + 1;
    return out;
  };

  const emitCell = (layer: Layer, dataset: string, date: string) => {
    void options.cellState(layer, dataset, date).then(
      (state) => {
        if (state) events.emit('coverage.changed', { dataset, layer, date, state: state as never });
      },
      (err: unknown) => options.logger?.warn({ err: (err as Error).message, dataset, date }, 'could not read the state of a finished cell'),
    );
  };

  function onEvent(a: ActiveRun, e: SupervisorEvent): void {
    switch (e.type) {
      case 'run.started': {
        for (const j of e.jobs) a.jobs.set(j.id, newJobView(j, a.maxAttempts));
        events.emit('run.started', {
          runId: e.runId, kind: a.kind, outcome: 'running', startedAt: a.startedAt, finishedAt: null, durationMs: null,
          counts: counts(a), jobs: [...a.jobs.values()], maxParallel: a.maxParallel, concurrency: a.concurrency, error: null,
        });
        break;
      }
      case 'job.queued': {
        const j = a.jobs.get(e.job.id);
        // The burst of "queued" right after run.started says nothing new; requeues (retries) do.
        if (!j || (j.state === 'queued' && j.attempts === e.job.attempts)) break;
        Object.assign(j, { state: 'queued', attempts: e.job.attempts, error: e.reason ?? j.error });
        a.progress.delete(j.jobId);
        events.emit('job.updated', { runId: e.runId, job: { ...j } });
        break;
      }
      case 'job.started': {
        const j = a.jobs.get(e.jobId);
        if (!j) break;
        Object.assign(j, { state: 'running', attempts: e.attempt, startedAt: j.startedAt ?? new Date().toISOString() });
        events.emit('job.updated', { runId: e.runId, job: { ...j } });
        for (const d of j.dates) events.emit('coverage.changed', { dataset: j.dataset, layer: j.layer, date: d, state: 'running' });
        break;
      }
      case 'job.progress': {
        const p = e.progress;
        const view: JobProgressView = {
          runId: e.runId, jobId: e.jobId, phase: p.phase,
          bytesDone: p.bytesDone ?? null, bytesTotal: p.bytesTotal ?? null, rowsDone: p.rowsDone ?? null, rowsTotal: p.rowsTotal ?? null,
          bytesPerSecond: p.bytesPerSecond ?? null, rowsPerSecond: p.rowsPerSecond ?? null, etaSeconds: p.etaSeconds ?? null,
          warning: p.warning ?? null, message: p.message ?? null,
        };
        a.progress.set(e.jobId, view);
        events.emit('job.progress', view);
        break;
      }
      case 'run.progress': {
        const p = e.progress;
        const view: RunProgressView = {
          runId: e.runId, jobsTotal: p.jobsTotal, jobsDone: p.jobsDone, running: p.running, fraction: p.fraction, bytesDone: p.bytesDone,
          bytesTotal: p.bytesTotal, bytesPerSecond: p.bytesPerSecond ?? null, etaSeconds: p.etaSeconds ?? null, elapsedMs: p.elapsedMs,
          waiting: p.running > 0 ? null : a.waiting,
        };
        if (p.running > 0) a.waiting = null;
        a.runProgress = view;
        events.emit('run.progress', view);
        break;
      }
      case 'run.waiting': {
        a.waiting = e.message;
        if (a.runProgress) {
          a.runProgress = { ...a.runProgress, waiting: e.message };
          events.emit('run.progress', a.runProgress);
        }
        break;
      }
      case 'job.paused':
      case 'job.resumed': {
        const last = a.progress.get(e.jobId);
        if (!last) break;
        const view = { ...last, warning: e.type === 'job.paused' ? `paused: ${e.reason}` : null };
        a.progress.set(e.jobId, view);
        events.emit('job.progress', view);
        break;
      }
      case 'job.crashed': {
        const j = a.jobs.get(e.jobId);
        if (!j) break;
        j.crashReason = `${e.crash.reason}${e.crash.signal ? ` (${e.crash.signal})` : e.crash.code !== null ? ` (exit code ${e.crash.code})` : ''}${e.crash.detail ? `: ${e.crash.detail}` : ''}`;
        events.emit('job.updated', { runId: e.runId, job: { ...j } });
        break;
      }
      case 'job.finished': {
        const j = a.jobs.get(e.job.id);
        if (!j) break;
        Object.assign(j, {
          state: e.job.state, attempts: e.job.attempts, finishedAt: new Date().toISOString(), durationMs: e.job.durationMs,
          rows: e.job.rows ?? null, bytes: e.job.bytes ?? null, error: e.job.state === 'cancelled' && e.job.error === 'cancelled' ? null : (e.job.error ?? null),
        });
        a.progress.delete(j.jobId);
        events.emit('job.updated', { runId: e.runId, job: { ...j } });
        for (const d of j.dates) emitCell(j.layer, j.dataset, d);
        break;
      }
      case 'run.finished': {
        a.finished = true;
        const s = e.summary;
        events.emit('run.finished', {
          runId: s.runId, kind: a.kind, outcome: runOutcome({ state: s.state, jobs: s.jobs, error: s.error ?? null }), startedAt: s.startedAt,
          finishedAt: s.finishedAt, durationMs: s.durationMs, counts: counts(a), error: s.error ?? null,
        });
        break;
      }
      default:
        break;
    }
  }

  async function start(kind: RunKind, detail: string, exec: (host: EngineHost) => Promise<EngineOutcome>): Promise<{ runId: string }> {
    // The previous run has announced its end but may still be releasing the lock and the source.
    if (active?.finished) await Promise.race([active.done, new Promise((r) => setTimeout(r, 15_000))]);
    if (active) throw new RequestError('conflict', `run ${active.runId ?? '(starting)'} is still in progress: wait for it to finish or cancel it`);
    const { settings, source } = options.config();
    // The lake's drive must be there before anything (the lock, logs) could create its folder elsewhere.
    try {
      if (options.stateDir) await checkAndRememberLake(options.stateDir, source.dataRoot);
    } catch (err) {
      if (err instanceof LakeVolumeError) throw new RequestError('unavailable', err.message);
      throw err;
    }
    let resolveId!: (id: string) => void;
    let rejectId!: (err: unknown) => void;
    const idPromise = new Promise<string>((resolve, reject) => {
      resolveId = resolve;
      rejectId = reject;
    });
    const a: ActiveRun = {
      kind, lakeRoot: source.dataRoot, runId: null, supervisor: null, startedAt: new Date().toISOString(), jobs: new Map(), progress: new Map(),
      runProgress: null, waiting: null, maxAttempts: settings.retry.maxAttempts, concurrency: null, maxParallel: null, finished: false, done: Promise.resolve(),
    };
    active = a;
    const host: EngineHost = {
      settings,
      source,
      launcher: options.launcher,
      ...(options.workerEntry ? { workerEntry: options.workerEntry } : {}),
      command: appRunCommand(kind, detail),
      running: new Set(),
      memoryMonitor: options.memory,
      ...(options.logger ? { logger: options.logger } : {}),
      onPlan: (plan, c) => {
        // Room for what the plan downloads, plus the margin; thrown here the run ends before any job starts.
        assertRoomFor(source.dataRoot, plan.totals.estimatedBytes, settings.storage.marginGiB * 1024 ** 3);
        a.concurrency = { downloads: c.downloads, ingestWorkers: c.ingestWorkers, duckdbThreads: c.duckdbThreads, duckdbMemoryLimit: c.duckdbMemoryLimit };
        a.maxParallel = c.maxParallel;
      },
      onSupervisor: (s) => {
        a.supervisor = s;
        a.runId = s.runId;
        a.startedAt = new Date().toISOString();
        resolveId(s.runId);
      },
      onEvent: (e) => onEvent(a, e),
    };
    a.done = exec(host).then(
      () => undefined,
      (err: unknown) => {
        rejectId(err);
        options.logger?.error({ err: (err as Error).message, kind }, 'run failed to start or ended with an error');
      },
    ).finally(() => {
      if (active === a) active = null;
    });
    try {
      return { runId: await idPromise };
    } catch (err) {
      if (err instanceof LakeLockedError) throw new RequestError('conflict', err.message);
      if (err instanceof LakeVolumeError) throw new RequestError('unavailable', err.message);
      throw err;
    }
  }

  return {
    startUpdate: (input) =>
      start('update', input.date ? `--date ${input.date}` : '', (host) =>
        runEngine(host, {
          target: { kind: 'update', ...(input.date ? { date: input.date } : {}), ...(input.daysBack ? { daysBack: input.daysBack } : {}) },
          ...(input.maxParallel ? { maxParallel: input.maxParallel } : {}),
        }),
      ),
    startPartitions: (kind, cells, detail) => start(kind, detail, (host) => runEngine(host, { target: { kind: 'cells', cells: [...cells] } })),
    startCells: (kind, req, detail) =>
      start(kind, detail, (host) => {
        const cells: PartitionRef[] = req.cells.map((c) => ({ dataset: c.dataset, layer: req.layer, date: c.date }));
        return runEngine(host, { target: { kind: 'cells', cells } });
      }),
    cancelRun(runId) {
      if (!active?.supervisor || active.runId !== runId || active.finished) return false;
      active.supervisor.cancelRun();
      return true;
    },
    cancelJob(runId, jobId) {
      if (!active?.supervisor || active.runId !== runId) return false;
      return active.supervisor.cancel(jobId);
    },
    async active() {
      const a = active;
      if (!a?.runId || a.finished) return { run: null, progress: [], runProgress: null };
      const run = await readRunDetail(a.lakeRoot, a.runId);
      return { run, progress: [...a.progress.values()], runProgress: a.runProgress };
    },
    runningPartitions() {
      if (!active) return [];
      return [...active.jobs.values()].filter((j) => j.state === 'running').flatMap((j) => j.dates.map((d) => `${j.dataset}|${j.layer}|${d}`));
    },
    async close() {
      const a = active;
      if (!a) return;
      a.supervisor?.cancelRun();
      await Promise.race([a.done, new Promise((r) => setTimeout(r, 10_000))]);
    },
  };
}
