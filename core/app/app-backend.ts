/**
 * The backend behind the UI, the same for Electron and the web host: every request of the
 * contract implemented over core, the event fan-out, and the services it owns (the run manager
 * with its supervisor, the memory monitor, the settings, the lake service client). The hosts only
 * add a transport (IPC or WebSocket) and their process launcher.
 */
import type { Layer } from '../vocabulary/layers.ts';
import os from 'node:os';
import path from 'node:path';
import { scrubText, type ConfigFlags, type LoadedConfig, type Settings, type EffectiveSource } from '../config/index.ts';
import type { ContractBackend } from '../contract/contract-backend.ts';
import type { Handlers } from '../contract/dispatch.ts';
import { RequestError } from '../contract/request-error.ts';
import { packageVersion } from '../config/package-version.ts';
import { createLakeRegistry, type PartitionRef } from '../datasets/index.ts';
import { createExportDownloads, type ExportDownloads } from '../lake-service/export-downloads.ts';
import type { LakeServiceClient } from '../lake-service/lake-service-client.ts';
import type { LakeServiceConfig } from '../lake-service/lake-service-protocol.ts';
import type { Logger } from '../log/logger.ts';
import type { ProcessLauncher } from '../process/process-launcher.ts';
import { readJobLog } from '../runtime/run-history.ts';
import { planRequest, registryOptionsOf } from '../runtime/run-engine.ts';
import { rangeTargets } from '../runtime/planner.ts';
import { addDays, latestPublishedTradingDay } from '../calendar/index.ts';
import type { MemorySource } from '../system/memory-source.ts';
import { profileSystem, recommendConcurrency, resolveConcurrency } from '../system/system-profile.ts';
import { createAppEvents, type AppEvents } from './app-events.ts';
import { createAppMemory } from './app-memory.ts';
import { createAppSettings } from './app-settings.ts';
import { backfillEstimateView, systemProfileView, updatePlanView } from './app-views.ts';
import { sourceUnreachable, testConnection } from './connection-test.ts';
import { freshness } from './freshness.ts';
import { createRunManager } from './run-manager.ts';
import { listRunSummaries, readRunDetail } from './run-views.ts';
import { sqlHandlers } from './sql-handlers.ts';
import { coverageHandlers } from './coverage-handlers.ts';
import { featureSetHandlers } from './feature-set-handlers.ts';
import { goldHandlers } from './gold-handlers.ts';
import { symbolHandlers } from './symbol-handlers.ts';
import type { SecretStore } from './secret-store.ts';
import { userStateDir } from '../config/state-dir.ts';
import type { ScheduledProgram } from '../schedule/scheduled-command.ts';
import { defaultScheduleEnv, type ScheduleEnv } from '../schedule/schedule-install.ts';
import { scheduleHandlers } from './schedule-handlers.ts';
import { checkLakeFolder, lakeChoiceNeeded } from './lake-choice.ts';
import { rememberLake } from '../storage/known-lakes.ts';
import fs from 'node:fs';

/** What a host gives the backend. */
export interface AppBackendOptions {
  config: LoadedConfig;
  /** Flags the host started with, re-applied when the configuration is reloaded after a change. */
  configFlags?: ConfigFlags;
  launcher: ProcessLauncher;
  lakeService: LakeServiceClient;
  host: 'electron' | 'web';
  /** Where credentials are kept (Electron: safeStorage); without one they go to the user config file. */
  secrets?: SecretStore;
  /** Native folder picker (Electron). */
  pickFolder?: () => Promise<string | null>;
  /** Native save dialog for SQL exports (Electron); without one, exports wait for a browser download. */
  pickSaveFile?: (request: { defaultName: string; format: 'csv' | 'parquet' }) => Promise<string | null>;
  /** Job worker module (default: the TypeScript source, run through tsx by the Node launcher). */
  workerEntry?: string;
  /** QuantMini's state folder (known lakes, scheduled runs); without it runs do not remember their lake's volume. */
  stateDir?: string;
  version?: string;
  /** What the OS schedule starts for this host (Settings' install); without it the UI only shows the schedule. */
  scheduledProgram?: () => ScheduledProgram;
  /** Where the schedule's files go and how the service manager is asked (tests use a temporary home). */
  scheduleEnv?: () => ScheduleEnv;
  logger?: Logger;
  /** Memory figures (tests drive pressure levels with their own). */
  memorySource?: MemorySource;
  /**
   * Datasets the Coverage page shows when a request names none (default: the enabled flat-file
   * datasets). The UI bench passes ten to measure the heatmap at the architecture's budget size.
   */
  heatmapDatasets?: () => string[];
}

/** The backend: a contract backend plus its lifecycle. */
export interface AppBackend extends ContractBackend {
  events: AppEvents;
  /** SQL exports waiting for the web host's download route. */
  downloads: ExportDownloads;
  /** Stops runs, sampling and the lake service. */
  close(): Promise<void>;
}

/** Job states a resume leaves alone: their partitions were written. */
const DONE_STATES = new Set(['complete', 'degraded']);
/**
 * Job states "Retry failed" takes again: failures, crashes, and jobs skipped because of them (a
 * skipped job whose partition is already there is planned as up to date, so it costs nothing).
 */
const RETRY_STATES = new Set(['failed', 'crashed', 'skipped']);

/** The longest coverage range one request may ask for (the heatmap shows up to 20 years). */
const MAX_COVERAGE_DAYS = 366 * 25;

/** The lake service's configuration for the current settings (the SQL engine gets the job-sized DuckDB limits). */
export function lakeServiceConfig(settings: Settings, source: EffectiveSource): LakeServiceConfig {
  const recommended = recommendConcurrency(os.availableParallelism(), os.totalmem());
  return {
    lakeRoot: source.dataRoot,
    threads: settings.concurrency.duckdbThreads ?? recommended.duckdbThreads,
    memoryLimit: settings.concurrency.duckdbMemoryLimit ?? recommended.duckdbMemoryLimit,
    sqlTimeLimitSeconds: settings.sql.timeLimitSeconds,
    sqlMaxResultMiB: settings.sql.maxResultMiB,
    tickersDailyFrom: settings.rest.tickersDailyFrom,
    ...(source.kind === 'demo' ? { historyStart: settings.demo.historyStart } : {}),
  };
}

/** A default export name: "quantmini-query-2026-03-12-143005.csv" (the local clock, as a person reads it). */
function exportFileName(format: 'csv' | 'parquet', now: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const day = `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}`;
  const stamp = `${day}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
  return `quantmini-query-${stamp}.${format}`;
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** Creates the backend; resolves once stored credentials are loaded and sampling runs. */
export async function createAppBackend(options: AppBackendOptions): Promise<AppBackend> {
  const { lakeService: lake, logger } = options;
  const settings = createAppSettings({ config: options.config, ...(options.configFlags ? { flags: options.configFlags } : {}), ...(options.secrets ? { secretStore: options.secrets } : {}) });
  await settings.init();
  const events = createAppEvents((err) => logger?.warn({ err: (err as Error).message }, 'an event listener failed'));
  const current = () => settings.current();
  const lakeRoot = () => current().source.dataRoot;
  const scrub = (text: string) => scrubText(text, settings.secrets());

  lake.configure(lakeServiceConfig(current().settings, current().source));

  const hostName = options.host === 'electron' ? 'QuantMini (main process)' : 'QuantMini web host';
  const memory = createAppMemory({
    thresholds: current().settings.memory,
    intervalMs: current().settings.memory.sampleIntervalMs,
    appProcesses: () => {
      const lakePid = lake.pid();
      return [{ pid: process.pid, label: 'host' }, ...(lakePid ? [{ pid: lakePid, label: 'lake' }] : [])];
    },
    names: { host: hostName, lake: 'Lake service (DuckDB)' },
    ...(options.memorySource ? { source: options.memorySource } : {}),
  });
  const stopMemoryEvents = memory.onSample((sample) => events.emit('system.memory', sample));
  memory.start();

  const runs = createRunManager({
    config: current,
    launcher: options.launcher,
    ...(options.workerEntry ? { workerEntry: options.workerEntry } : {}),
    ...(options.stateDir ? { stateDir: options.stateDir } : {}),
    memory: memory.forRuns,
    events,
    cellState: async (layer, dataset, date) => (await lake.call('cell', { layer, dataset, date, running: runs.runningPartitions() })).state,
    ...(logger ? { logger } : {}),
  });

  const afterConfigChange = () => {
    const { settings: s, source } = current();
    lake.configure(lakeServiceConfig(s, source));
    memory.setThresholds(s.memory);
    const view = settings.view();
    events.emit('settings.changed', view);
    return view;
  };

  const registryNow = () => createLakeRegistry(registryOptionsOf(current().settings));


  // Before a run queues its jobs: one quick request shows whether the account's endpoint answers at
  // all (the demo simulator starts with the run, so there is nothing to check).
  const assertSourceAnswers = async (what: string) => {
    const { settings: s, source } = current();
    if (source.kind !== 'massive') return;
    const down = await sourceUnreachable(s.massive.s3.endpoint);
    if (down) throw new RequestError('unavailable', `${what} did not start: ${down}. No jobs were queued.`);
  };

  const downloads = createExportDownloads();
  // Desktop: the save dialog picks the file. Web host: a one-use download the page fetches.
  const exportQuery = async (input: { queryId: string; sql: string; format: 'csv' | 'parquet' }) => {
    const defaultName = exportFileName(input.format, new Date());
    const call = (target: string) => lake.call('sqlExport', { queryId: input.queryId, sql: input.sql, format: input.format, target });
    const view = { format: input.format, savedTo: null, downloadPath: null, textColumns: [] as string[] };
    const figures = (r: { rowCount: number; bytes: number; textColumns: string[]; elapsedMs: number }) => ({
      rowCount: r.rowCount,
      bytes: r.bytes,
      textColumns: r.textColumns,
      elapsedMs: r.elapsedMs,
    });
    if (options.pickSaveFile) {
      const target = await options.pickSaveFile({ defaultName, format: input.format });
      if (!target) return { ...view, outcome: 'cancelled' as const, fileName: defaultName, rowCount: 0, bytes: 0, elapsedMs: 0 };
      const r = await call(target);
      return { ...view, ...figures(r), outcome: 'saved' as const, fileName: path.basename(target), savedTo: target };
    }
    const slot = await downloads.reserve(defaultName, input.format);
    try {
      const r = await call(slot.target);
      slot.publish();
      return { ...view, ...figures(r), outcome: 'download' as const, fileName: defaultName, downloadPath: slot.path };
    } catch (err) {
      await slot.discard();
      throw err;
    }
  };

  // The last N years of every enabled dataset, up to the latest published day; never before the
  // source's own history (the simulator's starts in 2015) or a dataset's first date (the planner
  // leaves out-of-range days alone).
  const historySpan = (years: number) => {
    const { settings: s, source } = current();
    const to = latestPublishedTradingDay(new Date());
    let from = addDays(to, -Math.round(years * 365.25) + 1);
    if (source.kind === 'demo' && s.demo.historyStart > from) from = s.demo.historyStart;
    const registry = registryNow();
    const datasets = s.datasets.enabled.filter((d) => registry.has(d));
    return { from, to, datasets };
  };

  // The partitions of a finished run's jobs in some states: a new run re-plans them, so whatever
  // has been completed since (by this app or the CLI) is skipped rather than redone.
  const partitionsOf = async (runId: string, pick: (state: string, error: string | null) => boolean, none: string): Promise<PartitionRef[]> => {
    const run = await readRunDetail(lakeRoot(), runId);
    if (!run) throw new RequestError('not_found', `no run ${runId} in this lake`);
    if (run.outcome === 'running') throw new RequestError('conflict', `run ${runId} is still running: cancel it first or wait for it to end`);
    const registry = registryNow();
    const cells = run.jobs
      .filter((j) => pick(j.state, j.error) && registry.has(j.dataset) && registry.hasLayer(j.dataset, j.layer))
      .flatMap((j) => j.dates.map((date) => ({ dataset: j.dataset, layer: j.layer, date })));
    if (cells.length === 0) throw new RequestError('invalid_input', none);
    return cells;
  };

  const coverage = (q: { layer: Layer; from: string; to: string; datasets: string[] }) =>
    lake.call('coverage', { ...q, running: runs.runningPartitions() });

  const handlers: Handlers = {
    'app.info': () => ({
      version: options.version ?? packageVersion(),
      mode: current().source.kind,
      dataRoot: lakeRoot(),
      host: options.host,
      platform: process.platform,
      lakeChoiceNeeded: lakeChoiceNeeded(current().config, options.stateDir ?? userStateDir()),
    }),
    'plan.preview': async (input) => {
      const { settings: s, source } = current();
      try {
        // A preview must not touch the network: sizes come from recent files of the same dataset.
        const plan = await planRequest(
          { settings: s, source, running: new Set(runs.runningPartitions()) },
          { target: { kind: 'update', ...(input.date ? { date: input.date } : {}), ...(input.daysBack ? { daysBack: input.daysBack } : {}) } },
        );
        return updatePlanView(plan);
      } catch (err) {
        if (err instanceof RangeError) throw new RequestError('invalid_input', err.message);
        throw err;
      }
    },
    'runs.startUpdate': async (input) => {
      await assertSourceAnswers('The update');
      return runs.startUpdate(input);
    },
    'runs.startBackfill': async (input) => {
      await assertSourceAnswers('The backfill');
      return runs.startCells('backfill', { cells: input.cells, layer: input.layer }, `${input.layer} ${input.cells.length} cells`);
    },
    'runs.cancel': (input) => ({ cancelled: runs.cancelRun(input.runId) }),
    'history.estimate': async (input) => {
      const { settings: s, source } = current();
      const { from, to, datasets } = historySpan(input.years);
      const plan = await planRequest({ settings: s, source, running: new Set(runs.runningPartitions()) }, { target: { kind: 'range', datasets, from, to } });
      const bases = new Set(plan.jobs.map((j) => j.estimate));
      const basis = bases.has('typical')
        ? "typical sizes of a real account's files: a guess"
        : bases.has('landing')
          ? 'sizes of the files already in this lake'
          : 'sizes asked upstream';
      return { years: input.years, from, to, estimate: backfillEstimateView(plan), basis };
    },
    'runs.startHistory': async (input) => {
      const { from, to, datasets } = historySpan(input.years);
      await assertSourceAnswers('The backfill');
      return runs.startPartitions('backfill', rangeTargets(registryNow(), datasets, from, to), `last ${input.years} years ${from}..${to}`);
    },
    'runs.resume': async (input) => {
      const cells = await partitionsOf(input.runId, (state, error) => !DONE_STATES.has(state) && !(state === 'skipped' && error === null), 'nothing to resume: every job of this run completed');
      await assertSourceAnswers('The resumed run');
      return runs.startPartitions('resume', cells, input.runId);
    },
    'runs.retryFailed': async (input) => {
      // A skipped job with a reason was not run (upstream failed, the run stopped); without one it found its input intact.
      const cells = await partitionsOf(input.runId, (state, error) => RETRY_STATES.has(state) && (state !== 'skipped' || error !== null), 'nothing to retry: no job of this run failed');
      await assertSourceAnswers('The retry');
      return runs.startPartitions('retry', cells, `failed jobs of ${input.runId}`);
    },
    'runs.list': (input) => listRunSummaries(lakeRoot(), input.limit ?? 50),
    'runs.get': async (input) => {
      const run = await readRunDetail(lakeRoot(), input.runId);
      if (!run) throw new RequestError('not_found', `no run ${input.runId} in this lake`);
      return run;
    },
    'runs.active': () => runs.active(),
    'jobs.cancel': (input) => ({ cancelled: runs.cancelJob(input.runId, input.jobId) }),
    'jobs.retry': async (input) => {
      const run = await readRunDetail(lakeRoot(), input.runId);
      const job = run?.jobs.find((j) => j.jobId === input.jobId);
      if (!job) throw new RequestError('not_found', `no job ${input.jobId} in run ${input.runId}`);
      return runs.startCells('retry', { cells: job.dates.map((date) => ({ dataset: job.dataset, date })), layer: job.layer }, `${input.jobId} of ${input.runId}`);
    },
    'jobs.log': async (input) => {
      const text = await readJobLog(lakeRoot(), input.runId, input.jobId);
      const lines = text ? scrub(text).split('\n').filter((l) => l.length > 0) : [];
      return { lines: lines.slice(-5000) };
    },
    ...scheduleHandlers({
      stateDir: options.stateDir ?? userStateDir(),
      schedule: () => current().settings.schedule,
      menuBar: () => current().settings.menuBar.enabled,
      saveSettings: async (changes) => {
        await settings.save(changes);
        afterConfigChange();
      },
      program: options.scheduledProgram,
      scheduleEnv: options.scheduleEnv ?? defaultScheduleEnv,
    }),
    'freshness.get': () =>
      freshness({
        lakeRoot: lakeRoot(),
        datasets: [...current().settings.datasets.enabled],
        registry: registryNow(),
        now: new Date(),
        coverage: (q) => coverage(q),
        cellError: async (dataset, date) => (await lake.call('cell', { layer: 'bronze', dataset, date, running: [] })).lastError,
      }),
    'system.profile': async () => {
      const profile = await profileSystem(lakeRoot(), options.memorySource);
      return systemProfileView(profile, resolveConcurrency(current().settings, profile));
    },
    'system.memory': () => memory.current(),
    'settings.get': () => settings.view(),
    'settings.update': async (input) => {
      await settings.update(input);
      return afterConfigChange();
    },
    'settings.setCredentials': async (input) => {
      await settings.setCredentials(input);
      return afterConfigChange();
    },
    'settings.testConnection': () => {
      const { settings: s, source } = current();
      return testConnection(s, source, settings.secrets(), new Date(), settings.sourceNotice());
    },
    'settings.pickDataRoot': async () => ({ path: options.pickFolder ? await options.pickFolder() : null }),
    'settings.chooseDataRoot': async (input) => {
      const stateDir = options.stateDir ?? userStateDir();
      const checked = checkLakeFolder(stateDir, input.path);
      if (!checked.ok) throw new RequestError('invalid_input', checked.problem);
      await fs.promises.mkdir(checked.root, { recursive: true });
      await settings.save([{ key: 'dataRoot', value: checked.root }]);
      await rememberLake(stateDir, checked.root, checked.volume);
      afterConfigChange();
      return { dataRoot: checked.root, volume: checked.volume };
    },
    'lake.coverage': (input) => {
      if (daysBetween(input.from, input.to) > MAX_COVERAGE_DAYS) throw new RequestError('invalid_input', 'coverage covers at most 25 years per request');
      const registry = registryNow();
      const asked = input.datasets ?? options.heatmapDatasets?.() ?? [...current().settings.datasets.enabled];
      const datasets = asked.filter((d) => registry.has(d) && registry.hasLayer(d, input.layer));
      return coverage({ layer: input.layer, from: input.from, to: input.to, datasets });
    },
    'lake.cell': (input) => lake.call('cell', { ...input, running: runs.runningPartitions() }),
    'backfill.estimate': async (input) => {
      const { settings: s, source } = current();
      const cells = input.cells.filter((c) => registryNow().hasLayer(c.dataset, input.layer)).map((c) => ({ dataset: c.dataset, layer: input.layer, date: c.date }));
      const plan = await planRequest({ settings: s, source, running: new Set(runs.runningPartitions()) }, { target: { kind: 'cells', cells } });
      return backfillEstimateView(plan);
    },
    'lake.list': (input) => lake.call('list', { path: input.path }),
    'lake.parquetInfo': (input) => lake.call('parquetInfo', { path: input.path }),
    'lake.preview': (input) => lake.call('preview', { path: input.path, columns: input.columns, offset: input.offset, limit: input.limit }),
    ...sqlHandlers(lake),
    'sql.export': (input) => exportQuery(input),
    ...coverageHandlers({ registry: registryNow, enabled: () => current().settings.datasets.enabled, ...(options.heatmapDatasets ? { only: options.heatmapDatasets } : {}) }),
    ...symbolHandlers(lake),
    ...goldHandlers(lakeRoot, lake),
    ...featureSetHandlers(lakeRoot, lake),
  };

  return {
    handlers,
    events,
    downloads,
    secrets: () => settings.secrets(),
    async close() {
      await runs.close();
      stopMemoryEvents();
      memory.stop();
      await lake.close();
      await downloads.close();
    },
  };
}
