// The S3-compatible endpoint driven by the real @aws-sdk/client-s3: listing with pagination and
// delimiters, HEAD, ranged GET, errors, SigV4 rejection, faults and plans.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
import { GetObjectCommand, HeadObjectCommand, ListObjectsCommand, ListObjectsV2Command, S3Client, S3ServiceException, paginateListObjectsV2 } from '@aws-sdk/client-s3';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { tradingDays } from '../../../core/calendar/index.ts';
import { startSimulatorServers, type RunningSimulator } from '../../../core/sources/simulator/simulator-servers.ts';

// A small real market: 8 tickers over six weeks around Good Friday 2024.
const FROM = '2024-02-26';
const TO = '2024-04-05';

const KEY = (prefix: string, d: string) => `${prefix}/${d.slice(0, 4)}/${d.slice(5, 7)}/${d}.csv.gz`;
const DAY = (d: string) => KEY('us_stocks_sip/day_aggs_v1', d);

let sim: RunningSimulator;
let clock = new Date('2024-04-10T16:00:00Z');
const s3Requests: number[] = [];

/** A real SDK client against the simulator, as the lake's downloader configures it. */
function client(over: { secretAccessKey?: string; accessKeyId?: string; maxAttempts?: number } = {}): S3Client {
  return new S3Client({
    endpoint: sim.s3Endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: over.accessKeyId ?? sim.accessKeyId, secretAccessKey: over.secretAccessKey ?? sim.secretAccessKey },
    maxAttempts: over.maxAttempts ?? 1,
  });
}

/** The S3 error an SDK call rejects with. */
async function s3Error(p: Promise<unknown>): Promise<S3ServiceException> {
  try {
    await p;
  } catch (err) {
    if (err instanceof S3ServiceException) return err;
    throw err;
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  sim = await startSimulatorServers({
    seed: 7,
    tickers: 8,
    from: FROM,
    to: TO,
    now: () => clock,
    onRequest: (r) => r.protocol === 's3' && s3Requests.push(r.status),
  });
});
afterAll(async () => sim.close());
beforeEach(() => {
  clock = new Date('2024-04-10T16:00:00Z');
  sim.setFaults([]);
  sim.setPlan('advanced');
});

describe('S3 endpoint with the AWS SDK', () => {
  it('paginates ListObjectsV2 across continuation tokens with a small MaxKeys', async () => {
    const s3 = client();
    const keys: string[] = [];
    let pages = 0;
    for await (const page of paginateListObjectsV2({ client: s3, pageSize: 4 }, { Bucket: 'flatfiles', Prefix: 'us_stocks_sip/day_aggs_v1/' })) {
      pages++;
      expect(page.KeyCount).toBe(page.Contents?.length ?? 0);
      expect(page.KeyCount).toBeLessThanOrEqual(4);
      for (const o of page.Contents ?? []) {
        keys.push(o.Key!);
        expect(o.Size).toBeGreaterThan(50);
        expect(o.ETag).toMatch(/^"[0-9a-f]{32}"$/);
      }
    }
    const expected = tradingDays(FROM, TO).map(DAY);
    expect(keys).toEqual(expected);
    expect(pages).toBe(Math.ceil(expected.length / 4));
    const first = await s3.send(new ListObjectsV2Command({ Bucket: 'flatfiles', Prefix: 'us_stocks_sip/day_aggs_v1/', MaxKeys: 2 }));
    expect(first.IsTruncated).toBe(true);
    expect(first.NextContinuationToken).toBeTruthy();
    const after = await s3.send(new ListObjectsV2Command({ Bucket: 'flatfiles', Prefix: 'us_stocks_sip/day_aggs_v1/', StartAfter: DAY('2024-04-03'), MaxKeys: 10 }));
    expect(after.Contents?.map((o) => o.Key)).toEqual([DAY('2024-04-04'), DAY('2024-04-05')]);
    expect(after.StartAfter).toBe(DAY('2024-04-03'));
  });

  it('ends a page early once its rendering budget is spent, and pagination still yields every key once', async () => {
    const tight = await startSimulatorServers({ seed: 7, tickers: 8, from: FROM, to: TO, now: () => clock, listBudgetMs: 0 });
    try {
      const s3 = new S3Client({ endpoint: tight.s3Endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: tight.accessKeyId, secretAccessKey: tight.secretAccessKey } });
      const prefix = 'us_stocks_sip/minute_aggs_v1/2024/03/';
      const first = await s3.send(new ListObjectsV2Command({ Bucket: 'flatfiles', Prefix: prefix }));
      // The page renders its first file (and prefetches the next) before the spent budget ends it.
      expect(first.KeyCount).toBeLessThanOrEqual(2);
      expect(first.IsTruncated).toBe(true);
      const keys: string[] = [];
      for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: 'flatfiles', Prefix: prefix })) keys.push(...(page.Contents ?? []).map((o) => o.Key!));
      expect(keys).toEqual(tradingDays('2024-03-01', '2024-03-31').map((d) => KEY('us_stocks_sip/minute_aggs_v1', d)));
      const cached = await s3.send(new ListObjectsV2Command({ Bucket: 'flatfiles', Prefix: prefix }));
      expect(cached.KeyCount).toBe(keys.length);
      expect(cached.IsTruncated).toBe(false);
      s3.destroy();
    } finally {
      await tight.close();
    }
  });

  it('rolls up CommonPrefixes at every level with Delimiter', async () => {
    const s3 = client();
    const top = await s3.send(new ListObjectsV2Command({ Bucket: 'flatfiles', Delimiter: '/' }));
    expect(top.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['us_options_opra/', 'us_stocks_sip/']);
    expect(top.Contents).toBeUndefined();
    expect(top.KeyCount).toBe(2);
    const ds = await s3.send(new ListObjectsV2Command({ Bucket: 'flatfiles', Prefix: 'us_stocks_sip/', Delimiter: '/' }));
    expect(ds.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['us_stocks_sip/day_aggs_v1/', 'us_stocks_sip/minute_aggs_v1/']);
    const months = await s3.send(new ListObjectsV2Command({ Bucket: 'flatfiles', Prefix: 'us_options_opra/minute_aggs_v1/2024/', Delimiter: '/', MaxKeys: 1 }));
    expect(months.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['us_options_opra/minute_aggs_v1/2024/02/']);
    const rest = await s3.send(new ListObjectsV2Command({ Bucket: 'flatfiles', Prefix: 'us_options_opra/minute_aggs_v1/2024/', Delimiter: '/', ContinuationToken: months.NextContinuationToken }));
    expect(rest.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['us_options_opra/minute_aggs_v1/2024/03/', 'us_options_opra/minute_aggs_v1/2024/04/']);
    const v1 = await s3.send(new ListObjectsCommand({ Bucket: 'flatfiles', Prefix: 'us_stocks_sip/day_aggs_v1/2024/04/', MaxKeys: 2 }));
    expect(v1.Contents?.map((o) => o.Key)).toEqual([DAY('2024-04-01'), DAY('2024-04-02')]);
    expect(v1.IsTruncated).toBe(true);
  });

  it('HEADs and GETs an object, whole and by Range (206), with matching ETag and sizes', async () => {
    const s3 = client();
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'flatfiles', Key: DAY('2024-03-08') }));
    expect(head.ContentType).toBe('application/x-gzip');
    expect(head.AcceptRanges).toBe('bytes');
    expect(head.LastModified).toEqual(new Date('2024-03-11T15:00:00Z'));
    const whole = await s3.send(new GetObjectCommand({ Bucket: 'flatfiles', Key: DAY('2024-03-08') }));
    const bytes = Buffer.from(await whole.Body!.transformToByteArray());
    expect(bytes.length).toBe(head.ContentLength);
    expect(whole.ETag).toBe(head.ETag);
    const csv = gunzipSync(bytes).toString();
    expect(csv.split('\n')[0]).toBe('ticker,volume,open,close,high,low,window_start,transactions');
    const part = await s3.send(new GetObjectCommand({ Bucket: 'flatfiles', Key: DAY('2024-03-08'), Range: 'bytes=10-29' }));
    expect(part.$metadata.httpStatusCode).toBe(206);
    expect(part.ContentRange).toBe(`bytes 10-29/${bytes.length}`);
    expect(Buffer.from(await part.Body!.transformToByteArray())).toEqual(bytes.subarray(10, 30));
    const tail = await s3.send(new GetObjectCommand({ Bucket: 'flatfiles', Key: DAY('2024-03-08'), Range: 'bytes=-8' }));
    expect(Buffer.from(await tail.Body!.transformToByteArray())).toEqual(bytes.subarray(bytes.length - 8));
    const beyond = await s3Error(s3.send(new GetObjectCommand({ Bucket: 'flatfiles', Key: DAY('2024-03-08'), Range: `bytes=${bytes.length}-` })));
    expect(beyond.name).toBe('InvalidRange');
    expect(beyond.$metadata.httpStatusCode).toBe(416);
    const same = await s3Error(s3.send(new GetObjectCommand({ Bucket: 'flatfiles', Key: DAY('2024-03-08'), IfNoneMatch: head.ETag })));
    expect(same.$metadata.httpStatusCode).toBe(304);
  });

  it('answers NoSuchKey for holidays and unpublished days, NoSuchBucket for other buckets', async () => {
    const s3 = client();
    const holiday = await s3Error(s3.send(new GetObjectCommand({ Bucket: 'flatfiles', Key: DAY('2024-03-29') })));
    expect(holiday.name).toBe('NoSuchKey');
    expect(holiday.$metadata.httpStatusCode).toBe(404);
    const headMissing = await s3Error(s3.send(new HeadObjectCommand({ Bucket: 'flatfiles', Key: DAY('2024-03-30') })));
    expect(headMissing.$metadata.httpStatusCode).toBe(404);
    const listing = await s3.send(new ListObjectsV2Command({ Bucket: 'flatfiles', Prefix: 'us_stocks_sip/day_aggs_v1/2024/03/' }));
    expect(listing.Contents?.map((o) => o.Key)).not.toContain(DAY('2024-03-29'));
    clock = new Date('2024-03-07T15:30:00Z'); // 10:30 ET: 6 March is not out until 11:00
    expect((await s3Error(s3.send(new GetObjectCommand({ Bucket: 'flatfiles', Key: DAY('2024-03-06') })))).name).toBe('NoSuchKey');
    clock = new Date('2024-03-07T16:00:01Z');
    expect((await s3.send(new HeadObjectCommand({ Bucket: 'flatfiles', Key: DAY('2024-03-06') }))).ContentLength).toBeGreaterThan(0);
    const bucket = await s3Error(s3.send(new ListObjectsV2Command({ Bucket: 'otherbucket' })));
    expect(bucket.name).toBe('NoSuchBucket');
  });

  it('rejects a wrong secret with SignatureDoesNotMatch and an unknown key with InvalidAccessKeyId', async () => {
    const wrong = await s3Error(client({ secretAccessKey: 'not-the-secret' }).send(new ListObjectsV2Command({ Bucket: 'flatfiles', Prefix: 'us_stocks_sip/' })));
    expect(wrong.name).toBe('SignatureDoesNotMatch');
    expect(wrong.$metadata.httpStatusCode).toBe(403);
    const unknown = await s3Error(client({ accessKeyId: 'AKIANOBODY' }).send(new GetObjectCommand({ Bucket: 'flatfiles', Key: DAY('2024-03-08') })));
    expect(unknown.name).toBe('InvalidAccessKeyId');
    const headWrong = await s3Error(client({ secretAccessKey: 'nope' }).send(new HeadObjectCommand({ Bucket: 'flatfiles', Key: DAY('2024-03-08') })));
    expect(headWrong.$metadata.httpStatusCode).toBe(403);
    const res = await fetch(`${sim.s3Endpoint}/flatfiles/${DAY('2024-03-08')}`);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('<Code>AccessDenied</Code>');
  });

  it('surfaces SlowDown and 503 as retryable: one attempt fails, the SDK retry succeeds', async () => {
    sim.setFaults('slowdown:1');
    const slow = await s3Error(client().send(new HeadObjectCommand({ Bucket: 'flatfiles', Key: DAY('2024-03-08') })));
    expect(slow.$metadata.httpStatusCode).toBe(503);
    sim.setFaults('slowdown:1');
    const listFail = await s3Error(client().send(new ListObjectsV2Command({ Bucket: 'flatfiles' })));
    expect(listFail.name).toBe('SlowDown');
    expect(listFail.$fault).toBe('server');
    sim.setFaults('slowdown:1,s3-503:1');
    s3Requests.length = 0;
    const ok = await client({ maxAttempts: 4 }).send(new ListObjectsV2Command({ Bucket: 'flatfiles', Prefix: 'us_stocks_sip/', Delimiter: '/' }));
    expect(ok.CommonPrefixes).toHaveLength(2);
    expect(s3Requests).toEqual([503, 503, 200]);
    expect(ok.$metadata.attempts).toBe(3);
  });

  it('serves a truncated gzip with its own length, version 2 after replaced, and bad rows for baddata', async () => {
    const s3 = client();
    const get = async (key: string) => {
      const r = await s3.send(new GetObjectCommand({ Bucket: 'flatfiles', Key: key }));
      return { etag: r.ETag!, lastModified: r.LastModified!, length: r.ContentLength!, body: Buffer.from(await r.Body!.transformToByteArray()) };
    };
    const v1 = await get(DAY('2024-03-06'));
    sim.setFaults('truncated@2024-03-06');
    const cut = await get(DAY('2024-03-06'));
    expect(cut.body.length).toBe(cut.length);
    expect(cut.length).toBeLessThan(v1.length);
    expect(() => gunzipSync(cut.body)).toThrow();
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'flatfiles', Prefix: DAY('2024-03-06') }));
    expect(listed.Contents?.[0]).toMatchObject({ Size: cut.length, ETag: cut.etag });
    sim.setFaults('replaced@2024-03-06');
    const v2 = await get(DAY('2024-03-06'));
    expect(v2.etag).not.toBe(v1.etag);
    expect(v2.lastModified.getTime()).toBeGreaterThan(v1.lastModified.getTime());
    const changed = gunzipSync(v2.body).toString().split('\n').filter((l, i) => l !== gunzipSync(v1.body).toString().split('\n')[i]);
    expect(changed).toHaveLength(1);
    sim.setFaults('baddata@2024-03-06');
    const bad = gunzipSync((await get(KEY('us_stocks_sip/minute_aggs_v1', '2024-03-06'))).body).toString().trimEnd().split('\n').slice(1).map((l) => l.split(','));
    expect(bad.some((r) => Number(r[4]) < Number(r[5]))).toBe(true);
    expect(bad.some((r) => Number(r[1]) < 0)).toBe(true);
    expect(bad.some((r) => r[6] === '-68400000000000')).toBe(true);
  });

  it('cuts a body mid-stream with s3-reset, and the download fails rather than returning short bytes', async () => {
    sim.setFaults('s3-reset:1');
    const r = await client().send(new GetObjectCommand({ Bucket: 'flatfiles', Key: KEY('us_stocks_sip/minute_aggs_v1', '2024-03-06') }));
    await expect(r.Body!.transformToByteArray()).rejects.toThrow();
  });

  it('applies plans: basic has no flat files; starter lists old dates but answers 403 AccessDenied', async () => {
    sim.setPlan('basic');
    expect((await s3Error(client().send(new GetObjectCommand({ Bucket: 'flatfiles', Key: DAY('2024-03-08') })))).name).toBe('AccessDenied');
    sim.setPlan('starter');
    clock = new Date('2026-03-10T16:00:00Z'); // options history starts 2024-03-10 for a 2-year plan
    const s3 = client();
    const opts = KEY('us_options_opra/day_aggs_v1', '2024-03-08');
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'flatfiles', Prefix: opts }));
    expect(listed.Contents?.map((o) => o.Key)).toEqual([opts]);
    const denied = await s3Error(s3.send(new GetObjectCommand({ Bucket: 'flatfiles', Key: opts })));
    expect(denied.name).toBe('AccessDenied');
    expect(denied.$metadata.httpStatusCode).toBe(403);
    expect((await s3Error(s3.send(new HeadObjectCommand({ Bucket: 'flatfiles', Key: opts })))).$metadata.httpStatusCode).toBe(403);
    const allowed = await s3.send(new HeadObjectCommand({ Bucket: 'flatfiles', Key: KEY('us_options_opra/day_aggs_v1', '2024-03-11') }));
    expect(allowed.ContentLength).toBeGreaterThan(0);
    expect((await s3.send(new HeadObjectCommand({ Bucket: 'flatfiles', Key: DAY('2024-03-08') }))).ContentLength).toBeGreaterThan(0);
  });
});
