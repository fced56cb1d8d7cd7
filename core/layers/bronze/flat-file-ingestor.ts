import fs from 'node:fs';
import path from 'node:path';
import { BRONZE_SCHEMA_VERSION, defaultRegistry, LANDING_BUILDER_VERSION, flatFileDataset, flatFileHeader, type DatasetRegistry, type FlatFileDatasetId, type PlausibleBounds } from '../../datasets/index.ts';
import { openDuckDb, type DuckDbHandle } from '../../duckdb/duckdb-instance.ts';
import { commitTempFile, tempPathFor } from '../../files/atomic-write.ts';
import { lakePaths } from '../../lake/lake-paths.ts';
import { currentLineage, createLineageReader } from '../../lake/lineage.ts';
import { readPartitionRecord, writePartitionRecord, type PartitionRecord } from '../../lake/partition-records.ts';
import type { Logger } from '../../log/logger.ts';
import type { ProgressSink } from '../../progress/job-progress.ts';
import type { RunStoppingError } from '../../process/job-protocol.ts';
import { diskFullMessage, isDiskFull } from '../../files/disk-errors.ts';
import { writeSinglePass, writeStaged, type OutputTargets } from './bronze-outputs.ts';
import { sha256OfFile } from '../../files/file-checksum.ts';
import { gunzipCheckedCsv, UnreadableFileError } from './gunzip-to-csv.ts';

/** One day of one flat-file dataset to turn from landing into bronze. */
export interface IngestDayRequest {
  lakeRoot: string;
  dataset: FlatFileDatasetId;
  date: string;
  duckdb: { threads: number; memoryLimit: string };
  /** Plausibility bounds (default: the registry's for the dataset). */
  bounds?: PlausibleBounds;
  /** The registry whose lineage rules the record follows (default: the built-in one). */
  registry?: DatasetRegistry;
  signal?: AbortSignal;
  onProgress?: ProgressSink;
  logger?: Logger;
}

/** What happened to one day; `missing` means there was no landing file to ingest. */
export interface IngestDayResult {
  dataset: FlatFileDatasetId;
  date: string;
  state: 'complete' | 'degraded' | 'failed' | 'missing';
  rows: number;
  rejects: number;
  bytes: number;
  error?: string;
  /** Set on failures that must stop the run (the disk is full). */
  errorKind?: RunStoppingError;
  file: string;
}

/**
 * The landing record an ingest holds the file to: one the downloader wrote for the object it
 * fetched. A file placed by hand is recorded as `found`; its bytes are the person's to change.
 */
function trustedLandingRecord(rec: PartitionRecord | null): PartitionRecord | null {
  return rec && rec.status === 'complete' && rec.sourceChecksum && rec.origin !== 'found' ? rec : null;
}

/**
 * Ingests one day from landing into bronze (`bronze/<dataset>/year=YYYY/month=MM/<date>.parquet`):
 * gunzip with integrity and header checks, typed parse with DuckDB, validation (rejected rows go
 * to `bronze/_rejects/<dataset>/<date>.parquet` with their reason), ZSTD Parquet sorted by ticker
 * then time, written under `.tmp` and renamed into place, then the bronze record. A clean, sorted
 * file takes one DuckDB pass; any other file goes through the staged path (bronze-outputs.ts).
 * A file that cannot be read at all fails the day with nothing written to bronze.
 *
 * The landing file must be the bytes its landing record describes (sha256): one that changed on
 * disk is refused and its landing record marked failed, so the next run downloads it again. A
 * landing file without a record (placed by hand) is ingested and recorded as found. A file with
 * a header and no rows is `degraded` ("no rows"); a day whose every row is rejected is `failed`,
 * with no bronze file, its rejects kept. Safe to run concurrently with other (dataset, date)
 * pairs, in this process or others.
 */
export async function ingestDay(req: IngestDayRequest): Promise<IngestDayResult> {
  const { lakeRoot, dataset, date } = req;
  const ds = flatFileDataset(dataset);
  const bounds = req.bounds ?? ds.plausible;
  const paths = lakePaths(lakeRoot);
  const landing = paths.landingFile(dataset, date);
  const target = paths.bronzeFile(dataset, date);
  const rejectsTarget = paths.rejectsFile(dataset, date);
  const progress = req.onProgress ?? (() => undefined);
  const startedAt = new Date();
  const label = `${dataset} ${date}`;
  const base = { dataset, date, file: target };

  const landingStat = await fs.promises.stat(landing).catch(() => null);
  if (!landingStat) {
    const error = `${label}: no landing file to ingest (${landing}); download it first`;
    req.logger?.warn({ dataset, date }, error);
    return { ...base, state: 'missing', rows: 0, rejects: 0, bytes: 0, error };
  }
  const landingRecord = await readPartitionRecord(lakeRoot, 'landing', dataset, date);
  const trusted = trustedLandingRecord(landingRecord);
  const csvTmp = tempPathFor(landing.replace(/\.gz$/, ''), lakeRoot);
  const goodTmp = tempPathFor(target, lakeRoot);
  const rejectsTmp = tempPathFor(rejectsTarget, lakeRoot);
  const duckTmp = tempPathFor(path.join(paths.tmpDir, `duckdb-${dataset}-${date}`), lakeRoot);
  let db: DuckDbHandle | null = null;
  let sha256: string | null = null;
  // What this partition was built from, read when its record is written: the landing record is
  // final by then (verified against the bytes read, or just written for a file placed by hand).
  const lineageNow = () => currentLineage(req.registry ?? defaultRegistry(), createLineageReader(lakeRoot), { dataset, layer: 'bronze', date });
  let checksum: string | null = null;
  const onAbort = () => db?.connection.interrupt();
  req.signal?.addEventListener('abort', onAbort, { once: true });

  const record = async (status: 'complete' | 'degraded' | 'failed', fields: { rows: number | null; bytes: number | null; rejects: number; lastError: string | null }) => {
    const finishedAt = new Date();
    const lineage = lineageNow();
    await writePartitionRecord(lakeRoot, {
      dataset, layer: 'bronze', date, status,
      rows: fields.rows, bytes: fields.bytes,
      sourceChecksum: sha256, etag: landingRecord?.etag ?? null,
      schemaVersion: BRONZE_SCHEMA_VERSION,
      checksum, builderVersion: lineage.builderVersion, inputs: lineage.inputs,
      rejects: fields.rejects,
      attempts: 1,
      lastError: fields.lastError,
      startedAt: startedAt.toISOString(), finishedAt: finishedAt.toISOString(),
      durationMs: finishedAt.getTime() - startedAt.getTime(),
    });
  };

  /** Marks the landing copy untrustworthy, so the planner and the downloader fetch it again. */
  const distrustLanding = async (why: string) => {
    if (!landingRecord) return;
    await writePartitionRecord(lakeRoot, { ...landingRecord, status: 'failed', lastError: why, finishedAt: new Date().toISOString() });
  };

  /** A landing file placed by hand (no record) is recorded as found once its bytes proved readable. */
  const recordFoundLanding = async () => {
    if (!sha256) return;
    if (landingRecord && (landingRecord.origin !== 'found' || landingRecord.sourceChecksum === sha256)) return;
    const now = new Date().toISOString();
    await writePartitionRecord(lakeRoot, {
      dataset, layer: 'landing', date, status: 'complete', rows: null, bytes: landingStat.size,
      sourceChecksum: sha256, etag: null, schemaVersion: 1, rejects: 0, attempts: 0,
      lastError: null, origin: 'found', startedAt: now, finishedAt: now, durationMs: 0,
      checksum: sha256, builderVersion: LANDING_BUILDER_VERSION, inputs: [],
    });
  };

  const open = () => openDuckDb({
    threads: req.duckdb.threads,
    memoryLimit: req.duckdb.memoryLimit,
    tempDirectory: duckTmp,
    preserveInsertionOrder: true,
    timeZone: 'UTC',
  });
  let opening: Promise<DuckDbHandle> | null = null;

  try {
    progress({ phase: 'decompressing', bytesDone: 0, bytesTotal: landingStat.size });
    // DuckDB starts (about 20 ms) while Node gunzips; it reads nothing before the CSV is whole and checked.
    opening = open();
    opening.catch(() => undefined);
    let lastReport = 0;
    // Gunzip to a temp CSV, then DuckDB. Measured and not kept (bench minute day, 2 cores):
    // streaming the gunzip into DuckDB through a named pipe (mkfifo) gave 1.08-1.27 s against
    // 1.12-1.30 s here, and under load it was slower (median 2.03 s vs 1.88 s): DuckDB already
    // keeps both cores busy, and the pipe adds copies. DuckDB reading the .gz itself (while Node
    // only verifies it) staged in 0.68-0.81 s, no better than 0.25 s gunzip + 0.55 s from the CSV.
    let gz: Awaited<ReturnType<typeof gunzipCheckedCsv>>;
    try {
      gz = await gunzipCheckedCsv(landing, csvTmp, flatFileHeader(ds), {
        signal: req.signal,
        onBytes: (n) => {
          if (n - lastReport >= 1 << 20 || n === landingStat.size) {
            lastReport = n;
            progress({ phase: 'decompressing', bytesDone: n, bytesTotal: landingStat.size });
          }
        },
      });
    } catch (err) {
      // A file that does not decode may simply have changed on disk since it was downloaded.
      if (trusted && err instanceof UnreadableFileError && (await sha256OfFile(landing)) !== trusted.sourceChecksum) throw new LandingChangedError(landing);
      throw err;
    }
    sha256 = gz.sha256;
    if (trusted && sha256 !== trusted.sourceChecksum) throw new LandingChangedError(landing);
    db = await opening;
    opening = null;
    const out: OutputTargets = { csv: csvTmp, goodTmp, rejectsTmp, bounds, progress, ...(req.signal ? { signal: req.signal } : {}) };
    let counts = await writeSinglePass(db, ds, date, out);
    if (!counts) {
      // Rejects, parse errors or disorder: start again on a fresh instance (its reject_errors
      // table empty) with the staged path, which handles them all.
      db.close();
      db = null;
      await fs.promises.rm(goodTmp, { force: true });
      req.signal?.throwIfAborted();
      db = await open();
      counts = await writeStaged(db, ds, date, out);
    }
    const { rows, rejects } = counts;
    db.close();
    db = null;
    await fs.promises.rm(csvTmp, { force: true });
    progress({ phase: 'committing' });
    req.signal?.throwIfAborted();
    if (rows === 0 && rejects > 0) {
      // Nothing usable: keep the rejects (they say why) but no empty bronze file that reads as data.
      await commitTempFile(rejectsTmp, rejectsTarget, { readOnly: true });
      await fs.promises.rm(target, { force: true });
      const error = `${label}: all ${rejects} row${rejects === 1 ? '' : 's'} rejected (see ${rejectsTarget})`;
      await recordFoundLanding();
      await record('failed', { rows: 0, bytes: null, rejects, lastError: error });
      req.logger?.error({ dataset, date, rejects }, `ingest ${label}: failed`);
      return { ...base, state: 'failed', rows: 0, rejects, bytes: 0, error };
    }
    await commitTempFile(goodTmp, target, { readOnly: true });
    if (rejects > 0) await commitTempFile(rejectsTmp, rejectsTarget, { readOnly: true });
    else await fs.promises.rm(rejectsTarget, { force: true });
    const bytes = (await fs.promises.stat(target)).size;
    checksum = await sha256OfFile(target);
    const state = rejects > 0 || rows === 0 ? 'degraded' : 'complete';
    const warning =
      rows === 0 ? `${label}: no rows (the file has a header and nothing else)`
      : rejects > 0 ? `${label}: ${rejects} row${rejects === 1 ? '' : 's'} rejected (see ${rejectsTarget})`
      : null;
    await recordFoundLanding();
    await record(state, { rows, bytes, rejects, lastError: warning });
    req.logger?.info({ dataset, date, rows, rejects, bytes, ms: Date.now() - startedAt.getTime() }, `ingest ${label}: ${state}`);
    return { ...base, state, rows, rejects, bytes, ...(warning ? { error: warning } : {}) };
  } catch (err) {
    const aborted = req.signal?.aborted ?? false;
    if (!aborted && isDiskFull(err)) {
      // Nothing partial is visible (temp files are removed below); the previous state stays, and
      // the run says why this day has no new record.
      const error = `${label}: ${diskFullMessage(paths.bronzeDir(dataset))}; bronze for this day was not written or not recorded`;
      req.logger?.error({ dataset, date, error }, `ingest ${label}: disk full`);
      return { ...base, state: 'failed', rows: 0, rejects: 0, bytes: 0, error, errorKind: 'disk_full' };
    }
    const reason = err instanceof UnreadableFileError || err instanceof LandingChangedError ? err.message : (err as Error).message;
    const error = aborted ? `${label}: ingest aborted` : `${label}: cannot ingest ${landing}: ${reason}`;
    if (!aborted && err instanceof LandingChangedError) await distrustLanding(error).catch(() => undefined);
    // A cancelled run says nothing about the data: the previous state (and record) stays.
    if (!aborted) await record('failed', { rows: null, bytes: null, rejects: 0, lastError: error }).catch(() => undefined);
    req.logger?.error({ dataset, date, error }, `ingest ${label}: failed`);
    return { ...base, state: 'failed', rows: 0, rejects: 0, bytes: 0, error };
  } finally {
    req.signal?.removeEventListener('abort', onAbort);
    // An instance still starting when the gunzip failed is closed once it is up.
    if (opening) await opening.then((h) => h.close(), () => undefined);
    db?.close();
    await Promise.all([csvTmp, goodTmp, rejectsTmp, duckTmp].map((p) => fs.promises.rm(p, { recursive: true, force: true }).catch(() => undefined)));
  }
}

/** The landing file's bytes are not the ones its record describes (changed or damaged on disk). */
class LandingChangedError extends Error {
  override name = 'LandingChangedError';
  constructor(file: string) {
    super(`the landing file ${file} does not match its landing record (sha256 differs): it changed on disk since it was downloaded, and will be downloaded again on the next run`);
  }
}
