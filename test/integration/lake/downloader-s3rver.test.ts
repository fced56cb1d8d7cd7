import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from '@20minutes/s3rver';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { flatFileDataset, flatFileKey } from '../../../core/datasets/index.ts';
import { lakePaths } from '../../../core/lake/lake-paths.ts';
import { readPartitionRecord } from '../../../core/lake/partition-records.ts';
import { downloadDay, headDay } from '../../../core/sources/polygon/flat-file-downloader.ts';
import type { S3Access } from '../../../core/sources/polygon/flat-file-source.ts';
import { destroySharedS3Clients } from '../../../core/sources/polygon/s3-client.ts';
import { bar, csvGz, etNs, listFiles, makeTempLake, minuteDay } from './lake-fixtures.ts';

// The downloader against an independent S3 implementation (s3rver), so its protocol handling is
// not only proven against our own simulator. Listings are not used, so no legacy OpenSSL is needed.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const D = '2024-03-05';
const AFTER = () => new Date('2024-04-01T12:00:00Z');
const RETRY = { requestAttempts: 3, baseDelayMs: 10, maxDelayMs: 40 };
let server: S3rver;
let dir: string;
let access: S3Access;
let seeder: S3Client;
let lake: string;

beforeAll(async () => {
  dir = await makeTempLake('qm-s3rver-');
  server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: dir, configureBuckets: [{ name: 'flatfiles' }], allowMismatchedSignatures: true });
  const { port } = await server.run();
  access = { endpoint: `http://127.0.0.1:${port}`, bucket: 'flatfiles', region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  seeder = new S3Client({
    endpoint: access.endpoint, region: 'us-east-1', forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED',
  });
});
afterAll(async () => {
  seeder.destroy();
  destroySharedS3Clients();
  await server.close();
  await fs.promises.rm(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  lake = await makeTempLake();
});
afterEach(async () => {
  await fs.promises.rm(lake, { recursive: true, force: true });
});

async function put(dataset: 'stocks_daily' | 'stocks_minute', date: string, body: Buffer): Promise<void> {
  await seeder.send(new PutObjectCommand({ Bucket: 'flatfiles', Key: flatFileKey(flatFileDataset(dataset), date), Body: body }));
}

describe('downloadDay against s3rver', () => {
  it('streams the object into landing byte for byte, with a record holding ETag, size and sha256', async () => {
    const body = csvGz(minuteDay(D, 40, 390));
    await put('stocks_minute', D, body);
    const progress: number[] = [];
    const res = await downloadDay({ lakeRoot: lake, dataset: 'stocks_minute', date: D, access, retry: RETRY, now: AFTER, onProgress: (p) => p.bytesDone && progress.push(p.bytesDone) });
    expect(res).toMatchObject({ state: 'complete', bytes: body.length, attempts: 1 });
    const file = lakePaths(lake).landingFile('stocks_minute', D);
    expect(res.file).toBe(file);
    expect(fs.readFileSync(file).equals(body)).toBe(true);
    const rec = await readPartitionRecord(lake, 'landing', 'stocks_minute', D);
    const sha = (await import('node:crypto')).createHash('sha256').update(body).digest('hex');
    expect(rec).toMatchObject({ status: 'complete', bytes: body.length, etag: res.etag, sourceChecksum: sha, attempts: 1 });
    expect(res.etag).toMatch(/^[0-9a-f]{32}$/);
    expect(progress.at(-1)).toBe(body.length);
    expect(await headDay(access, 'stocks_minute', D)).toEqual({ size: body.length, etag: res.etag });
    expect(listFiles(lake, '.tmp')).toEqual([]);
  });

  it('skips a file already in landing with the same ETag and size, and re-downloads one replaced upstream', async () => {
    await put('stocks_daily', D, csvGz([bar('A', etNs(D, 0))]));
    const first = await downloadDay({ lakeRoot: lake, dataset: 'stocks_daily', date: D, access, retry: RETRY, now: AFTER });
    expect(first.state).toBe('complete');
    const file = lakePaths(lake).landingFile('stocks_daily', D);
    const before = fs.statSync(file).mtimeMs;
    const again = await downloadDay({ lakeRoot: lake, dataset: 'stocks_daily', date: D, access, retry: RETRY, now: AFTER });
    expect(again).toMatchObject({ state: 'skipped', etag: first.etag, bytes: first.bytes });
    expect(fs.statSync(file).mtimeMs).toBe(before);

    const v2 = csvGz([bar('A', etNs(D, 0)), bar('B', etNs(D, 0))]);
    await put('stocks_daily', D, v2);
    const replaced = await downloadDay({ lakeRoot: lake, dataset: 'stocks_daily', date: D, access, retry: RETRY, now: AFTER });
    expect(replaced.state).toBe('complete');
    expect(replaced.etag).not.toBe(first.etag);
    expect(fs.readFileSync(file).equals(v2)).toBe(true);
    expect((await readPartitionRecord(lake, 'landing', 'stocks_daily', D))?.etag).toBe(replaced.etag);
  });

  it('a local copy whose size no longer matches its record is fetched again', async () => {
    await put('stocks_daily', D, csvGz([bar('A', etNs(D, 0))]));
    await downloadDay({ lakeRoot: lake, dataset: 'stocks_daily', date: D, access, retry: RETRY, now: AFTER });
    const file = lakePaths(lake).landingFile('stocks_daily', D);
    fs.appendFileSync(file, 'garbage');
    const res = await downloadDay({ lakeRoot: lake, dataset: 'stocks_daily', date: D, access, retry: RETRY, now: AFTER });
    expect(res.state).toBe('complete');
    expect(fs.statSync(file).size).toBe(res.bytes);
  });

  it('404 is pending before the publication instant and missing after it', async () => {
    const date = '2024-03-07';
    const before = await downloadDay({ lakeRoot: lake, dataset: 'stocks_daily', date, access, retry: RETRY, now: () => new Date('2024-03-08T15:59:00Z') });
    expect(before).toMatchObject({ state: 'pending', attempts: 1 });
    expect(before.error).toMatch(/stocks_daily 2024-03-07: not published yet/);
    const after = await downloadDay({ lakeRoot: lake, dataset: 'stocks_daily', date, access, retry: RETRY, now: () => new Date('2024-03-08T16:00:00Z') });
    expect(after).toMatchObject({ state: 'missing', attempts: 1 });
    expect(after.error).toContain('us_stocks_sip/day_aggs_v1/2024/03/2024-03-07.csv.gz does not exist upstream');
    expect((await readPartitionRecord(lake, 'landing', 'stocks_daily', date))?.status).toBe('missing');
    expect(listFiles(lake, 'landing')).toEqual([]);
  });

  it('a body that is not valid gzip fails at once with nothing in landing', async () => {
    const good = csvGz(minuteDay(D, 20, 100));
    await put('stocks_minute', D, good.subarray(0, good.length - 100));
    const res = await downloadDay({ lakeRoot: lake, dataset: 'stocks_minute', date: D, access, retry: RETRY, now: AFTER });
    expect(res).toMatchObject({ state: 'failed', attempts: 1 });
    expect(res.error).toMatch(/^stocks_minute 2024-03-05: us_stocks_sip\/minute_aggs_v1\/2024\/03\/2024-03-05\.csv\.gz gzip does not decode \(unexpected end of file\)/);
    expect(listFiles(lake, 'landing')).toEqual([]);
    expect(listFiles(lake, '.tmp')).toEqual([]);
    expect(await readPartitionRecord(lake, 'landing', 'stocks_minute', D)).toMatchObject({ status: 'failed', lastError: res.error });
  });

  it('403 SignatureDoesNotMatch (wrong secret) is a credential error, not a plan limit, without retries; the secret never appears', async () => {
    await put('stocks_daily', D, csvGz([bar('A', etNs(D, 0))]));
    const strict = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: dir });
    const { port } = await strict.run();
    try {
      const wrong = { ...access, endpoint: `http://127.0.0.1:${port}`, secretAccessKey: 'not-the-secret-xyz' };
      const res = await downloadDay({ lakeRoot: lake, dataset: 'stocks_daily', date: D, access: wrong, retry: RETRY, now: AFTER });
      expect(res).toMatchObject({ state: 'failed', attempts: 1, errorKind: 'credentials' });
      expect(res.error).toBe(`stocks_daily 2024-03-05: the S3 secret key was rejected (403 SignatureDoesNotMatch) by http://127.0.0.1:${port}`);
      const text = JSON.stringify(await readPartitionRecord(lake, 'landing', 'stocks_daily', D));
      expect(text).not.toContain('not_entitled');
      expect(text).not.toContain('not-the-secret-xyz');
    } finally {
      destroySharedS3Clients();
      await strict.close();
    }
  });

  it('a cancelled download stops without a record or a file', async () => {
    await put('stocks_minute', D, csvGz(minuteDay(D, 40, 390)));
    const ac = new AbortController();
    const res = await downloadDay({
      lakeRoot: lake, dataset: 'stocks_minute', date: D, access, retry: RETRY, now: AFTER, signal: ac.signal,
      onProgress: (p) => {
        if (p.phase === 'downloading') ac.abort(new Error('cancelled'));
      },
    });
    expect(res).toMatchObject({ state: 'failed', error: 'stocks_minute 2024-03-05: download aborted', attempts: 1 });
    expect(listFiles(lake, 'landing')).toEqual([]);
    expect(listFiles(lake, '.tmp')).toEqual([]);
    expect(await readPartitionRecord(lake, 'landing', 'stocks_minute', D)).toBeNull();
  });

  it('network errors are retried with backoff, then fail with the cause', async () => {
    const dead = http.createServer((req) => req.socket.destroy());
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', () => r()));
    try {
      const port = (dead.address() as AddressInfo).port;
      const t = Date.now();
      const res = await downloadDay({ lakeRoot: lake, dataset: 'stocks_daily', date: D, access: { ...access, endpoint: `http://127.0.0.1:${port}` }, retry: RETRY, now: AFTER });
      expect(res).toMatchObject({ state: 'failed', attempts: 3 });
      expect(res.error).toMatch(/stocks_daily 2024-03-05: .*(socket hang up|ECONNRESET).*gave up after 3 request attempts/);
      expect(Date.now() - t).toBeGreaterThanOrEqual(5 + 10);
      expect(listFiles(lake, 'landing')).toEqual([]);
    } finally {
      destroySharedS3Clients();
      await new Promise<void>((r) => dead.close(() => r()));
    }
  });
});

describe('landing layout', () => {
  it('puts files under landing/polygon-s3/<dataset>/YYYY/MM/', () => {
    expect(path.relative('/x', lakePaths('/x').landingFile('options_minute', '2024-12-31'))).toBe('landing/polygon-s3/options_minute/2024/12/2024-12-31.csv.gz');
  });
});
