import type { IsoDate } from '../../calendar/index.ts';
import type { PartitionRecord } from '../../lake/partition-records.ts';
import type { Logger } from '../../log/logger.ts';
import type { ProgressSink } from '../../progress/job-progress.ts';
import {
  fillPath, fillQueryParams, restFetchUnitOf, type RestFetchUnit, type RestScheduleSettings,
} from '../../datasets/rest-fetch-units.ts';
import {
  landingChecksums, LANDING_MANIFEST, LANDING_MANIFEST_VERSION, openLandingStage, readLandingManifest, restLandingDir, writeLandingPage,
  type LandedMiss, type LandedPage, type LandingStage,
} from '../../sources/polygon/rest/landing-pages.ts';
import type { RateGate } from '../../sources/polygon/rest/rate-gate.ts';
import type { RestClient } from '../../sources/polygon/rest/rest-client.ts';
import type { RestDatasetDeclaration, RestDatasetId } from '../../datasets/rest-dataset-types.ts';
import { restDataset } from '../../datasets/rest-datasets.ts';
import { RestRequestError, type RestFailureKind } from '../../sources/polygon/rest/rest-errors.ts';
import { planReachingYears } from '../../sources/polygon/rest/rest-plans.ts';
import { shortUrl } from '../../sources/polygon/rest/rest-url.ts';
import { tickersWithChanges } from '../../sources/polygon/rest/ticker-changes.ts';
import { writeRestBronze, type BronzeLoadMethod } from './rest-bronze-writer.ts';
import { PageShapeError } from './rest-parsers.ts';
import { rowsFromPages, type RestPageInput } from './rest-rows.ts';
import { readUniverseSnapshot } from './rest-universe.ts';
import path from 'node:path';

/** Version of this builder (parse + validate + write); part of every bronze record's lineage. */
export const REST_BRONZE_BUILDER_VERSION = 1;

/** One REST partition to fetch (and every other partition of its fetch unit). */
export interface FetchRestPartitionRequest {
  lakeRoot: string;
  dataset: RestDatasetId;
  /** Any date of the partition's unit (a weekend maps to the next trading day). */
  date: IsoDate;
  client: RestClient;
  gate: RateGate;
  /** When the universe is snapshotted (ticker_events reads the snapshots bounding its interval). */
  schedule: RestScheduleSettings;
  signal?: AbortSignal;
  onProgress?: ProgressSink;
  logger?: Logger;
  /** Page size instead of the declaration's (tests, benches); capped at the endpoint's maximum. */
  pageSize?: number;
  loadMethod?: BronzeLoadMethod;
  duckdb?: { threads?: number; memoryLimit?: string };
  now?: () => Date;
}

/** The outcome vocabulary of a partition (coverage's words). */
export type RestPartitionState = 'complete' | 'degraded' | 'not_entitled' | 'failed';

/** One bronze partition the fetch wrote (or would have). */
export interface RestPartitionOutcome {
  date: IsoDate;
  state: RestPartitionState;
  rows: number;
  rejects: number;
  bytes: number;
  file: string;
  rejectsFile: string | null;
}

/** The unit's landing folder after the fetch. */
export interface RestLandingOutcome {
  dir: string;
  manifest: string;
  pages: number;
  /** Bytes as received, and gzip bytes kept. */
  sourceBytes: number;
  bytes: number;
  /** sha256 of the exact pages, and of their results only (equal when upstream data did not change). */
  checksum: string;
  contentChecksum: string;
  /** Whether the data differs from the previous fetch of this unit (null: there was none). */
  changed: boolean | null;
  /** Entity requests that found nothing (404), e.g. ticker_events for an id upstream does not know. */
  misses: number;
}

/** An input a partition was built from, for lineage. */
export interface RestLineageInput {
  dataset: string;
  layer: 'landing' | 'bronze';
  date: IsoDate;
  checksum: string;
}

/** Everything a job kind reports and a partition record needs. */
export interface FetchRestPartitionResult {
  dataset: RestDatasetId;
  unit: RestFetchUnit | null;
  /** The worst state over the unit's partitions. */
  state: RestPartitionState;
  rows: number;
  rejects: number;
  /** Bronze bytes written. */
  bytes: number;
  pages: number;
  /** HTTP requests that returned a page or a miss (retries not counted; see the client's log). */
  requests: number;
  duplicates: number;
  skipped: number;
  error?: string;
  errorKind?: RestFailureKind | 'local';
  landing: RestLandingOutcome | null;
  partitions: RestPartitionOutcome[];
  /** What bronze was built from: the landing unit, and for ticker_events the two universe snapshots. */
  inputs: RestLineageInput[];
  builderVersion: number;
  /** The landing record of the unit and the bronze record of each partition, ready to be written. */
  records: PartitionRecord[];
  startedAt: string;
  finishedAt: string;
  durationMs: number;
}

/** The requests of a unit: each declared query, per entity id for per-entity endpoints. */
interface PlannedRequest {
  query: number;
  id: string | null;
  path: string;
  params: Record<string, string>;
}

/** Plans the requests; ticker_events asks only about entities whose symbol or FIGI changed. */
async function planRequests(req: FetchRestPartitionRequest, decl: RestDatasetDeclaration, unit: RestFetchUnit, limit: number) {
  const inputs: RestLineageInput[] = [];
  let ids: Array<string | null> = [null];
  if (decl.fetch.kind === 'snapshot-interval') {
    const { previous, current } = unit.snapshots!;
    const [before, after] = await Promise.all([readUniverseSnapshot(req.lakeRoot, previous), readUniverseSnapshot(req.lakeRoot, current)]);
    const lacking = [[previous, before], [current, after]].filter(([, s]) => !s).map(([d]) => d);
    if (lacking.length) {
      throw new LocalFailure(`${decl.id} ${unit.key}: needs the tickers snapshots of ${lacking.join(' and ')} in bronze first`);
    }
    inputs.push(
      { dataset: 'tickers', layer: 'bronze', date: previous, checksum: before!.sha256 },
      { dataset: 'tickers', layer: 'bronze', date: current, checksum: after!.sha256 },
    );
    ids = tickersWithChanges(before!.rows, after!.rows).map((c) => c.id);
  }
  const planned: PlannedRequest[] = [];
  decl.queries.forEach((q, query) => {
    for (const id of ids) planned.push({ query, id, path: fillPath(q, id), params: fillQueryParams(q, unit, limit) });
  });
  return { planned, inputs };
}

/** A failure of our own side (missing inputs, a bad page), as opposed to the API's. */
class LocalFailure extends Error {
  override name = 'LocalFailure';
}

const STATE_ORDER: readonly RestPartitionState[] = ['complete', 'degraded', 'not_entitled', 'failed'];
const worst = (states: readonly RestPartitionState[]): RestPartitionState =>
  states.reduce<RestPartitionState>((w, s) => (STATE_ORDER.indexOf(s) > STATE_ORDER.indexOf(w) ? s : w), 'complete');

/**
 * Fetches the REST partition of `date` and every other partition of its fetch unit: requests (each
 * through the rate gate, retried by the client), every raw page to landing before it is parsed, a
 * manifest with checksums, then parse, validate, dedupe and write bronze, one file per trading day
 * (0 rows is a valid partition). Writes no partition records: it returns them, with lineage inputs,
 * for the engine to write. Never throws for a failed fetch; a bug in the caller's arguments does.
 */
export async function fetchRestPartition(req: FetchRestPartitionRequest): Promise<FetchRestPartitionResult> {
  const decl = restDataset(req.dataset);
  const now = req.now ?? (() => new Date());
  const progress = req.onProgress ?? (() => undefined);
  const started = now();
  let unit: RestFetchUnit | null = null;
  let landing: RestLandingOutcome | null = null;
  let requests = 0;
  let inputs: RestLineageInput[] = [];

  type Outcome = Partial<FetchRestPartitionResult> & Pick<FetchRestPartitionResult, 'state' | 'partitions'>;
  const finish = (fields: Outcome): FetchRestPartitionResult => {
    const finished = now();
    const base = {
      dataset: decl.id, unit, rows: 0, rejects: 0, bytes: 0, pages: landing?.pages ?? 0, requests, duplicates: 0, skipped: 0,
      landing, inputs, builderVersion: REST_BRONZE_BUILDER_VERSION,
      startedAt: started.toISOString(), finishedAt: finished.toISOString(), durationMs: finished.getTime() - started.getTime(),
    };
    const result: FetchRestPartitionResult = { ...base, records: [], ...fields };
    result.records = recordsOf(decl, result);
    const line = `rest ${decl.id} ${unit ? `${unit.from}..${unit.to}` : req.date}: ${result.state}`;
    if (result.state === 'failed') req.logger?.error({ dataset: decl.id, error: result.error, kind: result.errorKind }, line);
    else {
      const counts = { dataset: decl.id, rows: result.rows, rejects: result.rejects, pages: result.pages, ms: result.durationMs };
      req.logger?.info(counts, line);
    }
    return result;
  };

  try {
    unit = restFetchUnitOf(decl, req.date, req.schedule);
  } catch (err) {
    return finish({ state: 'failed', partitions: [], error: (err as Error).message, errorKind: 'local' });
  }
  const u = unit;
  const emptyPartitions = (state: RestPartitionState) =>
    u.partitions.map((date) => ({ date, state, rows: 0, rejects: 0, bytes: 0, file: '', rejectsFile: null }));
  const dir = restLandingDir(req.lakeRoot, decl.id, u.key);
  const limit = Math.min(req.pageSize ?? decl.fetch.pageSize, decl.fetch.maxPageSize || Number.MAX_SAFE_INTEGER);
  const yearsBack = (now().getTime() - Date.parse(`${u.from}T00:00:00Z`)) / (365.25 * 86_400_000);
  const context = { dataset: decl.id, requiredPlan: decl.minimumPlan, historyPlan: planReachingYears(Math.ceil(yearsBack)) };

  let stage: LandingStage | null = null;
  try {
    const { planned, inputs: found } = await planRequests(req, decl, u, limit);
    inputs = found;
    stage = await openLandingStage(req.lakeRoot, dir);
    const previous = await readLandingManifest(dir);
    const landed: LandedPage[] = [];
    const misses: LandedMiss[] = [];
    const pages: RestPageInput[] = [];
    let sourceBytes = 0;
    for (const r of planned) {
      const options = {
        gate: req.gate,
        context,
        ...(req.signal ? { signal: req.signal } : {}),
        onWait: (w: { message: string }) => progress({ phase: 'waiting', message: w.message }),
        onRetry: (x: { attempt: number; reason: string; delayMs: number }) =>
          progress({ phase: 'downloading', warning: `request attempt ${x.attempt} failed (${x.reason}); retrying in ${Math.round(x.delayMs / 100) / 10} s` }),
      };
      try {
        for await (const page of req.client.pages(r.path, r.params, options)) {
          requests += 1;
          const index = landed.length + 1;
          // Kept before it is parsed: what upstream sent survives whatever the parser thinks of it.
          landed.push(await writeLandingPage(req.lakeRoot, stage.dir, index, { ...page, query: r.query, id: r.id }));
          pages.push({ json: page.json, page: index, id: r.id });
          sourceBytes += page.body.length;
          progress({ phase: 'downloading', message: `${decl.id} ${u.key}: page ${index} (${shortUrl(page.url)})`, bytesDone: sourceBytes });
        }
      } catch (err) {
        // An entity the events endpoint does not know has no events; the fetch goes on.
        if (!(err instanceof RestRequestError && err.kind === 'not_found' && r.id !== null)) throw err;
        requests += 1;
        misses.push({ query: r.query, id: r.id, url: err.url, status: 404, message: err.upstreamMessage ?? 'not found' });
      }
    }
    const sums = landingChecksums(landed, misses);
    const manifestBytes = await stage.commit({
      version: LANDING_MANIFEST_VERSION,
      dataset: decl.id,
      unit: {
        kind: u.kind, key: u.key, from: u.from, to: u.to, partitions: u.partitions,
        ...(u.snapshots ? { snapshots: u.snapshots } : {}),
      },
      fetchedAt: now().toISOString(),
      plan: req.client.plan,
      pages: landed,
      misses,
      ...sums,
    });
    stage = null;
    landing = {
      dir, manifest: path.join(dir, LANDING_MANIFEST), pages: landed.length, sourceBytes,
      bytes: landed.reduce((a, p) => a + p.gzBytes, 0) + manifestBytes,
      ...sums, changed: previous ? previous.contentChecksum !== sums.contentChecksum : null, misses: misses.length,
    };

    progress({ phase: 'validating', message: `${decl.id} ${u.key}: ${landed.length} pages` });
    const parsed = rowsFromPages(decl, u, pages);
    const rejectsByDay = new Map<IsoDate, typeof parsed.rejects>(u.partitions.map((d) => [d, []]));
    for (const r of parsed.rejects) rejectsByDay.get(r.date)?.push(r);
    progress({ phase: 'writing', rowsDone: 0, rowsTotal: parsed.records });
    const written = await writeRestBronze({
      lakeRoot: req.lakeRoot,
      decl,
      partitions: u.partitions.map((date) => ({ date, rows: parsed.byPartition.get(date) ?? [], rejects: rejectsByDay.get(date) ?? [] })),
      ...(req.loadMethod ? { method: req.loadMethod } : {}),
      ...(req.duckdb ? { duckdb: req.duckdb } : {}),
      ...(req.signal ? { signal: req.signal } : {}),
    });
    const partitions = written.map((w) => ({ ...w, state: (w.rejects > 0 ? 'degraded' : 'complete') as RestPartitionState }));
    const sum = (f: (p: RestPartitionOutcome) => number) => partitions.reduce((a, p) => a + f(p), 0);
    const rejects = sum((p) => p.rejects);
    const warning = rejects > 0
      ? `${decl.id} ${u.key}: ${rejects} record${rejects === 1 ? '' : 's'} rejected (see bronze/_rejects/${decl.id}/)`
      : undefined;
    if (warning) progress({ phase: 'writing', warning });
    return finish({
      state: worst(partitions.map((p) => p.state)), partitions,
      rows: sum((p) => p.rows), rejects, bytes: sum((p) => p.bytes), duplicates: parsed.duplicates, skipped: parsed.skipped,
      ...(warning ? { error: warning } : {}),
    });
  } catch (err) {
    await stage?.discard().catch(() => undefined);
    if (req.signal?.aborted) {
      const error = `${decl.id} ${u.key}: aborted`;
      return finish({ state: 'failed', partitions: emptyPartitions('failed'), error, errorKind: 'aborted' });
    }
    if (err instanceof RestRequestError) {
      const state: RestPartitionState = err.kind === 'not_entitled' ? 'not_entitled' : 'failed';
      return finish({ state, partitions: emptyPartitions(state), error: err.message, errorKind: err.kind });
    }
    const message = err instanceof PageShapeError
      ? `${decl.id} ${u.key}: a page is not the endpoint's answer: ${err.message}`
      : (err as Error).message;
    return finish({
      state: 'failed', partitions: emptyPartitions('failed'), error: message,
      errorKind: err instanceof PageShapeError ? 'invalid_response' : 'local',
    });
  }
}

/** The landing record of the unit and the bronze record of each partition (schema of core/lake/partition-records.ts). */
function recordsOf(decl: RestDatasetDeclaration, r: FetchRestPartitionResult): PartitionRecord[] {
  if (!r.unit) return [];
  const timing = { attempts: 1, startedAt: r.startedAt, finishedAt: r.finishedAt, durationMs: r.durationMs };
  const failed = r.state === 'failed' || r.state === 'not_entitled';
  const out: PartitionRecord[] = [];
  if (r.landing || failed) {
    out.push({
      dataset: decl.id, layer: 'landing', date: r.unit.key, status: r.landing ? 'complete' : r.state,
      rows: null, bytes: r.landing?.bytes ?? null, sourceChecksum: r.landing?.checksum ?? null, etag: null,
      schemaVersion: LANDING_MANIFEST_VERSION, rejects: 0, lastError: r.landing ? null : (r.error ?? null), ...timing,
    });
  }
  for (const p of r.partitions) {
    out.push({
      dataset: decl.id, layer: 'bronze', date: p.date, status: p.state,
      rows: failed ? null : p.rows, bytes: failed ? null : p.bytes, sourceChecksum: r.landing?.contentChecksum ?? null, etag: null,
      schemaVersion: decl.schemaVersion, rejects: p.rejects, lastError: p.state === 'complete' ? null : (r.error ?? null), ...timing,
    });
  }
  return out;
}
