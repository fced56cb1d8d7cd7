import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { publicationInstant } from '../../calendar/index.ts';
import { flatFileDataset, flatFileKey, LANDING_BUILDER_VERSION, type FlatFileDatasetId } from '../../datasets/index.ts';
import { commitTempFile, tempPathFor } from '../../files/atomic-write.ts';
import { diskFullMessage, isDiskFull } from '../../files/disk-errors.ts';
import { lakePaths } from '../../lake/lake-paths.ts';
import { sha256OfFile } from '../../files/file-checksum.ts';
import { readPartitionRecord, writePartitionRecord, type PartitionRecord } from '../../lake/partition-records.ts';
import type { Logger } from '../../log/logger.ts';
import type { ProgressSink } from '../../progress/job-progress.ts';
import type { RunStoppingError } from '../../process/job-protocol.ts';
import type { S3Access } from './flat-file-source.ts';
import { backoffDelayMs, sleep, type RetryPolicy } from './retry-policy.ts';
import { sharedS3Client } from './s3-client.ts';
import { classifyS3Error, type S3Failure } from './s3-errors.ts';

/** One day of one flat-file dataset to fetch into landing. */
export interface DownloadDayRequest {
  lakeRoot: string;
  dataset: FlatFileDatasetId;
  date: string;
  access: S3Access;
  retry: RetryPolicy;
  now?: () => Date;
  signal?: AbortSignal;
  onProgress?: ProgressSink;
  logger?: Logger;
}

/** What happened to one day: `skipped` means landing already held the same upstream object. */
export interface DownloadDayResult {
  dataset: FlatFileDatasetId;
  date: string;
  state: 'complete' | 'skipped' | 'pending' | 'missing' | 'not_entitled' | 'failed';
  bytes: number;
  etag: string | null;
  attempts: number;
  error?: string;
  /** Set on failures that must stop the run (credentials rejected, disk full). */
  errorKind?: RunStoppingError;
  file: string;
}

/** An upstream object that arrived damaged (gzip does not decode, or the length is wrong). */
class IntegrityError extends Error {
  override name = 'IntegrityError';
  constructor(
    message: string,
    /** A short transfer can be a network hiccup; a complete body that does not decode will not improve. */
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

/** Strips the quotes S3 puts around ETags. */
export function normalizeEtag(etag: string | undefined | null): string | null {
  return etag ? etag.replace(/^W\//, '').replace(/"/g, '') : null;
}

/**
 * HEADs an object. A HEAD answer has no body, so its 403 cannot say whether the plan or the keys
 * were refused; on a 403 a one-byte ranged GET asks again, and its error (which names the S3 code,
 * e.g. SignatureDoesNotMatch) is the one thrown.
 */
async function headObject(access: S3Access, key: string, signal?: AbortSignal) {
  const client = sharedS3Client(access);
  try {
    return await client.send(new HeadObjectCommand({ Bucket: access.bucket, Key: key }), { abortSignal: signal });
  } catch (err) {
    const f = classifyS3Error(err, signal);
    if (f.kind === 'not_entitled') {
      const probe = await client.send(new GetObjectCommand({ Bucket: access.bucket, Key: key, Range: 'bytes=0-0' }), { abortSignal: signal }).catch((e: unknown) => e);
      if (probe instanceof Error) throw probe;
      (probe as { Body?: { destroy?: () => void } }).Body?.destroy?.();
    }
    throw err;
  }
}

/** HEADs a day's object: its size and ETag, or null when it does not exist. Other errors throw. */
export async function headDay(access: S3Access, dataset: FlatFileDatasetId, date: string, signal?: AbortSignal): Promise<{ size: number; etag: string } | null> {
  const key = flatFileKey(flatFileDataset(dataset), date);
  try {
    const head = await headObject(access, key, signal);
    return { size: head.ContentLength ?? 0, etag: normalizeEtag(head.ETag) ?? '' };
  } catch (err) {
    if (classifyS3Error(err, signal).kind === 'not_found') return null;
    throw err;
  }
}

/**
 * Streams an object body to `tmp` while hashing it and gunzipping it to nowhere, so by the time
 * the last byte is on disk the gzip is known to decode and the checksum is known; nothing is
 * ever held in memory beyond stream buffers.
 */
async function receiveBody(
  body: Readable,
  tmp: string,
  expectedBytes: number | null,
  report: (bytes: number) => void,
  signal?: AbortSignal,
): Promise<{ bytes: number; sha256: string; rawBytes: number }> {
  const hash = crypto.createHash('sha256');
  const gunzip = zlib.createGunzip();
  let bytes = 0;
  let rawBytes = 0;
  let gzipError: Error | null = null;
  gunzip.on('data', (c: Buffer) => {
    rawBytes += c.length;
  });
  const gunzipDone = new Promise<void>((resolve, reject) => {
    gunzip.once('end', resolve);
    gunzip.once('error', reject);
  });
  gunzipDone.catch(() => undefined);
  const tap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      bytes += chunk.length;
      hash.update(chunk);
      report(bytes);
      if (gunzip.write(chunk)) cb(null, chunk);
      else gunzip.once('drain', () => cb(null, chunk));
    },
    flush(cb) {
      gunzip.end();
      gunzipDone.then(() => cb(), (err: Error) => cb(err));
    },
  });
  gunzip.once('error', (err) => {
    gzipError = err;
    tap.destroy(err);
  });
  await fs.promises.mkdir(path.dirname(tmp), { recursive: true });
  try {
    await pipeline(body, tap, fs.createWriteStream(tmp), { signal });
  } catch (err) {
    if (gzipError && !signal?.aborted) {
      const short = expectedBytes !== null && bytes < expectedBytes;
      throw new IntegrityError(`gzip does not decode (${(gzipError as Error).message})${short ? `; received ${bytes} of ${expectedBytes} bytes` : ''}`, short);
    }
    throw err;
  }
  if (expectedBytes !== null && bytes !== expectedBytes) {
    throw new IntegrityError(`received ${bytes} bytes but the server announced ${expectedBytes}`, true);
  }
  return { bytes, sha256: hash.digest('hex'), rawBytes };
}

/**
 * The landing copy of a day if it is complete and intact: its record says complete, and the
 * file's size and sha256 are the ones recorded (a byte flipped on disk keeps the size and the
 * upstream ETag, so only the checksum tells). Anything else is fetched again.
 */
async function localCopy(lakeRoot: string, dataset: string, date: string, file: string, logger?: Logger): Promise<PartitionRecord | null> {
  const rec = await readPartitionRecord(lakeRoot, 'landing', dataset, date);
  if (!rec || rec.status !== 'complete') return null;
  const st = await fs.promises.stat(file).catch(() => null);
  if (!st || st.size !== rec.bytes) return null;
  if (rec.sourceChecksum && (await sha256OfFile(file)) !== rec.sourceChecksum) {
    logger?.warn({ dataset, date, file }, `download ${dataset} ${date}: the landing file does not match its record (sha256); fetching it again`);
    return null;
  }
  return rec;
}

/**
 * Fetches one day's flat file into landing (`landing/polygon-s3/<dataset>/YYYY/MM/<date>.csv.gz`):
 * skips it when landing already has the same ETag and size, streams it to `.tmp`, checks gzip
 * integrity and length, renames it into place, then writes the landing record. 403 is
 * `not_entitled` (no retry), 404 is `pending` before the publication instant and `missing` after,
 * throttling, 5xx and network errors are retried with exponential backoff and jitter.
 * Safe to run concurrently with other (dataset, date) pairs, in this process or others.
 */
export async function downloadDay(req: DownloadDayRequest): Promise<DownloadDayResult> {
  const { lakeRoot, dataset, date, access, signal } = req;
  const ds = flatFileDataset(dataset);
  const key = flatFileKey(ds, date);
  const file = lakePaths(lakeRoot).landingFile(dataset, date);
  const now = req.now ?? (() => new Date());
  const client = sharedS3Client(access);
  const startedAt = new Date();
  const progress = req.onProgress ?? (() => undefined);
  const label = `${dataset} ${date}`;
  let attempts = 0;

  const local = await localCopy(lakeRoot, dataset, date, file, req.logger);
  const finish = async (
    state: DownloadDayResult['state'],
    fields: { bytes?: number; etag?: string | null; error?: string; sha256?: string | null; errorKind?: RunStoppingError },
  ): Promise<DownloadDayResult> => {
    const result: DownloadDayResult = { dataset, date, state, bytes: fields.bytes ?? 0, etag: fields.etag ?? null, attempts, file };
    if (fields.error) result.error = fields.error;
    if (fields.errorKind) result.errorKind = fields.errorKind;
    // A good local copy stays authoritative when a refresh fails: its record is left alone.
    if (state !== 'skipped' && !signal?.aborted && (state === 'complete' || !local)) {
      const finishedAt = new Date();
      const recordFile = lakePaths(lakeRoot).metadataFile('landing', dataset, date);
      await writePartitionRecord(lakeRoot, {
        dataset, layer: 'landing', date,
        status: state === 'complete' ? 'complete' : state,
        rows: null,
        bytes: state === 'complete' ? result.bytes : null,
        sourceChecksum: fields.sha256 ?? null,
        etag: result.etag,
        schemaVersion: LANDING_BUILDER_VERSION,
        checksum: state === 'complete' ? (fields.sha256 ?? null) : null,
        builderVersion: LANDING_BUILDER_VERSION,
        inputs: [],
        rejects: 0,
        attempts,
        lastError: fields.error ?? null,
        startedAt: startedAt.toISOString(),
        finishedAt: finishedAt.toISOString(),
        durationMs: finishedAt.getTime() - startedAt.getTime(),
      }).catch((err: unknown) => {
        // The file may be in place, but without its record coverage cannot trust it: say why.
        if (!isDiskFull(err)) throw err;
        const why = `${label}: its landing record could not be written: ${diskFullMessage(recordFile)}`;
        result.state = 'failed';
        result.error = result.error ? `${result.error}; ${why}` : why;
        result.errorKind = 'disk_full';
      });
    }
    const log = result.state === 'complete' || result.state === 'skipped' ? 'info' : result.state === 'failed' ? 'error' : 'warn';
    req.logger?.[log]({ dataset, date, state, bytes: result.bytes, attempts, error: fields.error }, `download ${label}: ${state}`);
    return result;
  };

  const describe = (f: S3Failure): DownloadDayResult['state'] | null => {
    if (f.kind === 'not_entitled') return 'not_entitled';
    if (f.kind === 'not_found') return now().getTime() < publicationInstant(date).getTime() ? 'pending' : 'missing';
    return null;
  };
  const message = (state: DownloadDayResult['state'], f: S3Failure): string => {
    if (state === 'not_entitled') return `${label}: not entitled (${f.description}) for ${key} — your plan does not include this date`;
    if (state === 'pending') return `${label}: not published yet (${key}); flat files appear about 11:00 ET the next trading day (${publicationInstant(date).toISOString()})`;
    if (state === 'missing') return `${label}: ${key} does not exist upstream although it should have been published by ${publicationInstant(date).toISOString()}`;
    return `${label}: ${f.description}`;
  };

  let lastError = 'no attempt was made';
  const maxAttempts = Math.max(1, req.retry.requestAttempts);
  while (attempts < maxAttempts) {
    attempts++;
    let tmp: string | null = null;
    try {
      if (local) {
        progress({ phase: 'checking', message: `HEAD ${key}` });
        const head = await headObject(access, key, signal);
        const etag = normalizeEtag(head.ETag);
        if (etag === local.etag && head.ContentLength === local.bytes) {
          return finish('skipped', { bytes: local.bytes ?? 0, etag, sha256: local.sourceChecksum });
        }
        req.logger?.info({ dataset, date, was: local.etag, now: etag }, `download ${label}: upstream object changed, fetching it again`);
      }
      progress({ phase: 'downloading', bytesDone: 0 });
      const res = await client.send(new GetObjectCommand({ Bucket: access.bucket, Key: key }), { abortSignal: signal });
      if (!res.Body) throw new IntegrityError('the response has no body', true);
      const expected = typeof res.ContentLength === 'number' ? res.ContentLength : null;
      let lastReport = 0;
      tmp = tempPathFor(file, lakeRoot);
      const got = await receiveBody(
        res.Body as Readable,
        tmp,
        expected,
        (bytes) => {
          if (bytes - lastReport >= 262_144 || bytes === expected) {
            lastReport = bytes;
            progress({ phase: 'downloading', bytesDone: bytes, ...(expected !== null ? { bytesTotal: expected } : {}) });
          }
        },
        signal,
      );
      progress({ phase: 'committing', bytesDone: got.bytes, bytesTotal: got.bytes });
      await commitTempFile(tmp, file);
      tmp = null;
      return await finish('complete', { bytes: got.bytes, etag: normalizeEtag(res.ETag), sha256: got.sha256 });
    } catch (err) {
      if (tmp) await fs.promises.rm(tmp, { force: true }).catch(() => undefined);
      if (err instanceof IntegrityError) {
        lastError = `${label}: ${key} ${err.message}`;
        if (!err.retryable) return finish('failed', { error: lastError });
      } else {
        const f = classifyS3Error(err, signal);
        if (f.kind === 'aborted') return finish('failed', { error: `${label}: download aborted` });
        if (f.kind === 'credentials') return finish('failed', { error: `${label}: ${f.description} by ${access.endpoint}`, errorKind: 'credentials' });
        if (f.kind === 'disk_full' || isDiskFull(err)) return finish('failed', { error: `${label}: ${diskFullMessage(file)}`, errorKind: 'disk_full' });
        const terminal = describe(f);
        if (terminal) return finish(terminal, { error: message(terminal, f) });
        lastError = message('failed', f);
        if (f.kind === 'fatal') return finish('failed', { error: lastError });
      }
      if (attempts < maxAttempts) {
        const delay = backoffDelayMs(attempts, req.retry);
        req.logger?.warn({ dataset, date, attempt: attempts, delayMs: delay, error: lastError }, `download ${label}: retrying`);
        progress({ phase: 'retrying', message: `${lastError}; request attempt ${attempts + 1} of ${maxAttempts} in ${delay} ms` });
        try {
          await sleep(delay, signal);
        } catch {
          return finish('failed', { error: `${label}: download aborted` });
        }
      }
    }
  }
  return finish('failed', { error: `${lastError} (gave up after ${attempts} request attempt${attempts === 1 ? '' : 's'})` });
}
