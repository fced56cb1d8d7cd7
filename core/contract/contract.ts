/*
 * Contract additions (all backward compatible; nothing below changed shape):
 * - wire-codec.ts: `contractWireCodec` ({ encode(message), decode(frame) }) frames the web host's
 *   WebSocket. Plain messages are JSON text frames; messages holding Uint8Array values (Arrow IPC
 *   in lake.preview and sql.run) are one binary frame. Request ids may be numbers or strings.
 *   `webSocketUrl(pageUrl)` gives `/ws?token=...` for a page served by the web host.
 * - bridge.ts: `QuantMiniBridge`, the `window.quantmini` API of the Electron preload
 *   ({ invoke(name, input), onEvent((name, payload) => void) -> unsubscribe, ready() }).
 * - dispatch.ts: `Handlers` and `dispatchRequest` (allowlist + zod + typed Result), used by both hosts.
 * - request-error.ts: `RequestError(code, message)`, thrown by handlers to pick the error code.
 */

/**
 * The typed contract between the UI and the backend (Electron main or the web host). One map of
 * requests and one of pushed events; the renderer's client infers argument and result types from
 * it, and every handler validates its input with the schema here before acting.
 */
import { z } from 'zod';
import { isIsoDate } from '../calendar/iso-date.ts';
import { memoryLimitSchema, PLAN_NAMES } from '../config/config-schema.ts';
import { DATASET_IDS } from '../vocabulary/dataset-ids.ts';
import { LAYERS, type Layer } from '../vocabulary/layers.ts';
import type { CoverageState } from '../vocabulary/coverage-states.ts';
import type * as V from './contract-views.ts';
import { ipcChannelFor, type REQUEST_NAME_LIST } from './request-names.ts';

// The pattern alone lets "2026-13-45" and "2026-02-30" through; the calendar check refuses them here,
// at the boundary, so no handler meets a date that does not exist.
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD')
  .refine(isIsoDate, { message: 'not a calendar date (check the month and the day)' });
const datasetId = z.enum(DATASET_IDS);
const layer = z.enum(LAYERS);
const runId = z.string().regex(/^[\w:.-]{1,80}$/, 'a run id');
const jobId = z.string().regex(/^[\w:.|-]{1,120}$/, 'a job id');
/** Paths are relative to the lake root; handlers still resolve and check they stay inside it. */
const lakeRelativePath = z.string().max(1024);
const empty = z.object({}).strict();
/** A stable instrument id of silver ("BBG000BLNNH6" or "ticker:ABC"); quoted as a SQL literal by the handler. */
const instrumentId = z.string().regex(/^[\w:.-]{1,64}$/, 'an instrument id');
const featureSetName = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'a feature-set name');
const semver = z.string().regex(/^\d{1,6}\.\d{1,6}\.\d{1,6}$/, 'a version as MAJOR.MINOR.PATCH');
/** One build in the experiments log: `name@version#n`. */
const experimentId = z.string().regex(/^[a-z][a-z0-9_]{0,63}@\d{1,6}\.\d{1,6}\.\d{1,6}#\d{1,9}$/, 'an experiment id (name@version#n)');

/** Request schemas: input validated by every handler before it does anything. */
export const requestSchemas = {
  'app.info': empty,
  'plan.preview': z
    .object({
      date: isoDate.optional(),
      daysBack: z.number().int().min(1).max(60).optional(),
    })
    .strict(),
  'runs.startUpdate': z
    .object({
      date: isoDate.optional(),
      daysBack: z.number().int().min(1).max(60).optional(),
      maxParallel: z.number().int().min(1).max(32).optional(),
    })
    .strict(),
  'runs.startBackfill': z
    .object({
      layer,
      cells: z.array(z.object({ dataset: datasetId, date: isoDate }).strict()).min(1).max(50_000),
    })
    .strict(),
  'runs.cancel': z.object({ runId }).strict(),
  /** The first-run offer: what filling the last N years of every enabled dataset would fetch. */
  'history.estimate': z.object({ years: z.number().int().min(1).max(20) }).strict(),
  'runs.startHistory': z.object({ years: z.number().int().min(1).max(20) }).strict(),
  /** A new run over what a finished run did not complete (re-planned: what is complete now is skipped). */
  'runs.resume': z.object({ runId }).strict(),
  /** A new run over the partitions of a finished run's failed and crashed jobs. */
  'runs.retryFailed': z.object({ runId }).strict(),
  'runs.list': z.object({ limit: z.number().int().min(1).max(500).optional() }).strict(),
  'runs.get': z.object({ runId }).strict(),
  'runs.active': empty,
  'jobs.cancel': z.object({ runId, jobId }).strict(),
  'jobs.retry': z.object({ runId, jobId }).strict(),
  'jobs.log': z.object({ runId, jobId }).strict(),
  'freshness.get': empty,
  'schedule.status': empty,
  /** Writes and loads the OS schedule (launchd agent / systemd user timer) for this host; turns schedule.enabled on. */
  'schedule.install': z.object({ at: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time as HH:MM (24-hour, New York time)').optional() })
    .strict(),
  'schedule.remove': empty,
  'system.profile': empty,
  'system.memory': empty,
  'settings.get': empty,
  'settings.update': z
    .object({
      dataRoot: z.string().min(1).max(4096).optional(),
      plan: z.enum(PLAN_NAMES).optional(),
      source: z.enum(['auto', 'demo', 'massive']).optional(),
      s3Endpoint: z.url().optional(),
      datasetsEnabled: z.array(datasetId).optional(),
      /** The desktop app's menu-bar item (Electron only; the web host has none). */
      menuBar: z.boolean().optional(),
      concurrency: z
        .object({
          downloads: z.number().int().min(1).max(64).nullable().optional(),
          ingestWorkers: z.number().int().min(1).max(64).nullable().optional(),
          duckdbThreads: z.number().int().min(1).max(256).nullable().optional(),
          duckdbMemoryLimit: memoryLimitSchema.nullable().optional(),
        })
        .strict()
        .optional(),
      memory: z
        .object({
          warningPercent: z.number().min(1).max(100).optional(),
          criticalPercent: z.number().min(1).max(100).optional(),
          criticalGraceSeconds: z.number().min(0).max(3600).optional(),
        })
        .strict()
        .optional(),
    })
    .strict(),
  'settings.setCredentials': z
    .object({
      apiKey: z.string().min(1).max(200).nullable().optional(),
      s3AccessKeyId: z.string().min(1).max(200).nullable().optional(),
      s3SecretAccessKey: z.string().min(1).max(200).nullable().optional(),
    })
    .strict(),
  'settings.testConnection': empty,
  'settings.pickDataRoot': empty,
  /** The first run's lake folder: checked (writable, its volume mounted), saved as dataRoot, created and remembered. */
  'settings.chooseDataRoot': z.object({ path: z.string().min(1).max(4096) }).strict(),
  'lake.coverage': z
    .object({ layer, from: isoDate, to: isoDate, datasets: z.array(datasetId).optional() })
    .strict()
    .refine((v) => v.from <= v.to, 'from must not be after to'),
  'lake.cell': z.object({ layer, dataset: datasetId, date: isoDate }).strict(),
  'backfill.estimate': z
    .object({ layer, cells: z.array(z.object({ dataset: datasetId, date: isoDate }).strict()).min(1).max(50_000) })
    .strict(),
  'lake.list': z.object({ path: lakeRelativePath }).strict(),
  'lake.parquetInfo': z.object({ path: lakeRelativePath }).strict(),
  'lake.preview': z
    .object({
      path: lakeRelativePath,
      columns: z.array(z.string().max(256)).max(512).optional(),
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(10_000).default(200),
    })
    .strict(),
  'sql.run': z
    .object({ queryId: z.string().regex(/^[\w-]{1,64}$/), sql: z.string().min(1).max(100_000), maxRows: z.number().int().min(1).max(100_000).default(1000) })
    .strict(),
  'sql.cancel': z.object({ queryId: z.string().regex(/^[\w-]{1,64}$/) }).strict(),
  'sql.export': z
    .object({ queryId: z.string().regex(/^[\w-]{1,64}$/), sql: z.string().min(1).max(100_000), format: z.enum(['csv', 'parquet']) })
    .strict(),
  'coverage.layers': empty,
  'symbol.search': z.object({ query: z.string().trim().min(1).max(64), limit: z.number().int().min(1).max(50).default(12) }).strict(),
  'symbol.get': z.object({ instrumentId }).strict(),
  'symbol.feature': z
    .object({ instrumentId, set: featureSetName, version: semver, feature: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'a feature name') })
    .strict(),
  'symbol.options': z.object({ instrumentId, date: isoDate.optional() }).strict(),
  'gold.status': empty,
  'gold.check': empty,
  'featureSets.list': empty,
  'featureSets.get': z.object({ name: featureSetName, version: semver }).strict(),
  'featureSets.coverage': z.object({ name: featureSetName, version: semver }).strict(),
  'featureSets.experiments': z.object({ name: featureSetName.optional() }).strict(),
  /** Sets (or, with an empty note, clears) the note of one build in the experiments log. */
  'featureSets.setNote': z.object({ id: experimentId, note: z.string().max(4000) }).strict(),
  'featureSets.diff': z
    .object({ name: featureSetName, a: semver, b: semver })
    .strict()
    .refine((v) => v.a !== v.b, 'pick two different versions'),
  /** Validates manifest text (YAML) without building it; each expression's problem says where. */
  'featureSets.check': z.object({ text: z.string().min(1).max(200_000) }).strict(),
} as const;

/** Output type of each request (what `value` holds in a successful Result). */
export interface RequestOutputs {
  'app.info': V.AppInfo;
  'plan.preview': V.UpdatePlanView;
  'runs.startUpdate': { runId: string };
  'runs.startBackfill': { runId: string };
  'runs.cancel': { cancelled: boolean };
  'history.estimate': V.HistoryEstimateView;
  'runs.startHistory': { runId: string };
  'runs.resume': { runId: string };
  'runs.retryFailed': { runId: string };
  'runs.list': V.RunSummaryView[];
  'runs.get': V.RunDetailView;
  'runs.active': { run: V.RunDetailView | null; progress: V.JobProgressView[]; runProgress: V.RunProgressView | null };
  'jobs.cancel': { cancelled: boolean };
  'jobs.retry': { runId: string };
  'jobs.log': { lines: string[] };
  'freshness.get': { latestPublished: string; datasets: V.DatasetFreshnessView[] };
  'schedule.status': V.ScheduleStatusView;
  'schedule.install': V.ScheduleChangeView;
  'schedule.remove': V.ScheduleChangeView;
  'system.profile': V.SystemProfileView;
  'system.memory': V.MemorySampleView;
  'settings.get': V.SettingsView;
  'settings.update': V.SettingsView;
  'settings.setCredentials': V.SettingsView;
  'settings.testConnection': V.ConnectionTestView;
  'settings.pickDataRoot': { path: string | null };
  'settings.chooseDataRoot': { dataRoot: string; volume: string };
  'lake.coverage': V.CoverageView;
  'lake.cell': V.CoverageCellView;
  'backfill.estimate': V.BackfillEstimateView;
  'lake.list': { path: string; entries: V.LakeEntryView[] };
  'lake.parquetInfo': V.ParquetInfoView;
  'lake.preview': V.PreviewView;
  'sql.run': V.SqlResultView;
  'sql.cancel': { cancelled: boolean };
  'sql.export': V.SqlExportView;
  'coverage.layers': { views: V.CoverageLayerView[] };
  'symbol.search': V.SymbolMatchView[];
  'symbol.get': V.SymbolView;
  'symbol.feature': V.SymbolFeatureView;
  'symbol.options': V.OptionsChainView;
  'gold.status': V.GoldStatusView;
  'gold.check': V.GoldStatusView;
  'featureSets.list': V.FeatureSetSummaryView[];
  'featureSets.get': V.FeatureSetVersionView;
  'featureSets.coverage': V.FeatureSetCoverageView;
  'featureSets.experiments': V.FeatureExperimentView[];
  'featureSets.setNote': V.FeatureExperimentView;
  'featureSets.diff': V.FeatureSetDiffView;
  'featureSets.check': V.ManifestCheckView;
}

export type RequestName = keyof typeof requestSchemas;
export type RequestInput<K extends RequestName> = z.input<(typeof requestSchemas)[K]>;
export type ParsedInput<K extends RequestName> = z.output<(typeof requestSchemas)[K]>;
export type RequestOutput<K extends RequestName> = RequestOutputs[K];

/** Events pushed from the backend to the UI. */
export interface EventPayloads {
  'run.started': V.RunDetailView;
  'job.updated': { runId: string; job: V.JobView };
  'job.progress': V.JobProgressView;
  'run.progress': V.RunProgressView;
  'run.finished': V.RunSummaryView;
  'system.memory': V.MemorySampleView;
  'coverage.changed': { dataset: string; layer: Layer; date: string; state: CoverageState };
  'settings.changed': V.SettingsView;
}

export type EventName = keyof EventPayloads;

/** Every event name, for allowlists. */
export const EVENT_NAMES: readonly EventName[] = [
  'run.started',
  'job.updated',
  'job.progress',
  'run.progress',
  'run.finished',
  'system.memory',
  'coverage.changed',
  'settings.changed',
];

/** Every request name, for allowlists. */
export const REQUEST_NAMES = Object.keys(requestSchemas) as RequestName[];

/** IPC channel name used by Electron for a request (one channel per request, all under one prefix). */
export function ipcChannel(name: RequestName): string {
  return ipcChannelFor(name);
}

// Compile-time proof that the preload's plain list and the schema map name the same requests.
type SameNames<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _requestListMatchesSchemas: SameNames<(typeof REQUEST_NAME_LIST)[number], RequestName> = true;
