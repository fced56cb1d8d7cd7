import { describe, expect, it } from 'vitest';
import { tradingDays } from '../../../core/calendar/index.ts';
import { FLAT_FILE_DATASETS, flatFileKey } from '../../../core/datasets/index.ts';
import { listKeys } from '../../../core/sources/simulator/s3/list-keys.ts';
import { createLruByteCache } from '../../../core/sources/simulator/s3/lru-byte-cache.ts';
import { canonicalQuery, canonicalUri, verifySigV4 } from '../../../core/sources/simulator/s3/sigv4-verify.ts';

const KEYS = [...FLAT_FILE_DATASETS.flatMap((d) => tradingDays('2005-01-03', '2024-12-31').filter((x) => x >= d.firstDate).map((x) => flatFileKey(d, x)))].sort();

describe('listKeys', () => {
  it('rolls up common prefixes at every level', () => {
    const top = listKeys(KEYS, { prefix: '', delimiter: '/', after: '', maxKeys: 1000 });
    expect(top.items).toEqual([{ commonPrefix: 'us_options_opra/' }, { commonPrefix: 'us_stocks_sip/' }]);
    const datasets = listKeys(KEYS, { prefix: 'us_stocks_sip/', delimiter: '/', after: '', maxKeys: 1000 });
    expect(datasets.items).toEqual([{ commonPrefix: 'us_stocks_sip/day_aggs_v1/' }, { commonPrefix: 'us_stocks_sip/minute_aggs_v1/' }]);
    const months = listKeys(KEYS, { prefix: 'us_stocks_sip/day_aggs_v1/2024/', delimiter: '/', after: '', maxKeys: 1000 });
    expect(months.items).toHaveLength(12);
    const days = listKeys(KEYS, { prefix: 'us_stocks_sip/day_aggs_v1/2024/03/', delimiter: '/', after: '', maxKeys: 1000 });
    expect(days.items.map((i) => ('key' in i ? i.key.slice(-17) : ''))).toEqual(tradingDays('2024-03-01', '2024-03-31').map((d) => `${d}.csv.gz`));
  });

  it('pages with maxKeys and resumes after keys and after rolled-up prefixes without gaps or repeats', () => {
    const seen: string[] = [];
    let after = '';
    let afterIsPrefix = false;
    for (let i = 0; i < 100; i++) {
      const page = listKeys(KEYS, { prefix: 'us_stocks_sip/day_aggs_v1/', delimiter: '/', after, afterIsPrefix, maxKeys: 7 });
      for (const it of page.items) seen.push('key' in it ? it.key : it.commonPrefix);
      if (!page.isTruncated) break;
      after = page.last!;
      afterIsPrefix = 'commonPrefix' in page.items.at(-1)!;
    }
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => `us_stocks_sip/day_aggs_v1/${2005 + i}/`));
    const flat = listKeys(KEYS, { prefix: 'us_options_opra/day_aggs_v1/2024/', delimiter: '', after: 'us_options_opra/day_aggs_v1/2024/06/2024-06-14.csv.gz', maxKeys: 3 });
    expect(flat.items.map((i) => ('key' in i ? i.key.slice(-17) : ''))).toEqual(['2024-06-17.csv.gz', '2024-06-18.csv.gz', '2024-06-20.csv.gz']);
    expect(flat.isTruncated).toBe(true);
  });

  it('answers the same top level on every call of a 20-year, 4-dataset bucket (its speed is in npm run bench)', () => {
    const first = listKeys(KEYS, { prefix: '', delimiter: '/', after: '', maxKeys: 1000 });
    for (let i = 0; i < 10; i++) expect(listKeys(KEYS, { prefix: '', delimiter: '/', after: '', maxKeys: 1000 })).toEqual(first);
  });
});

describe('LRU byte cache', () => {
  it('evicts least recently used entries beyond its budget and never keeps an oversize value', () => {
    const cache = createLruByteCache<string>(100);
    cache.set('a', 'A', 40);
    cache.set('b', 'B', 40);
    expect(cache.get('a')).toBe('A');
    cache.set('c', 'C', 40);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe('A');
    expect(cache.bytes()).toBe(80);
    cache.set('huge', 'H', 101);
    expect(cache.get('huge')).toBeUndefined();
  });
});

// AWS's published SigV4 examples for S3 (Signature Calculations for the Authorization Header).
const EXAMPLE_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const secretFor = (id: string) => (id === 'AKIAIOSFODNN7EXAMPLE' ? EXAMPLE_SECRET : null);
const EMPTY = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

const getObjectExample = (signature: string, extra: string[] = []) => ({
  method: 'GET',
  url: '/test.txt',
  rawHeaders: [
    'Host', 'examplebucket.s3.amazonaws.com',
    'Range', 'bytes=0-9',
    'x-amz-content-sha256', EMPTY,
    'x-amz-date', '20130524T000000Z',
    'Authorization', `AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=${signature}`,
    ...extra,
  ],
});

describe('verifySigV4', () => {
  it('accepts the AWS GetObject example and its ListObjects example', () => {
    expect(verifySigV4(getObjectExample('f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41'), secretFor)).toEqual({ ok: true, accessKeyId: 'AKIAIOSFODNN7EXAMPLE' });
    const list = {
      method: 'GET',
      url: '/?max-keys=2&prefix=J',
      rawHeaders: [
        'Host', 'examplebucket.s3.amazonaws.com',
        'x-amz-content-sha256', EMPTY,
        'x-amz-date', '20130524T000000Z',
        'Authorization', 'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;x-amz-content-sha256;x-amz-date,Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7',
      ],
    };
    expect(verifySigV4(list, secretFor).ok).toBe(true);
  });

  it('rejects a changed signature, a changed signed header, an unknown key and an unsigned request', () => {
    const wrong = verifySigV4(getObjectExample('0'.repeat(64)), secretFor);
    expect(wrong).toMatchObject({ ok: false, status: 403, code: 'SignatureDoesNotMatch' });
    const tampered = getObjectExample('f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41');
    tampered.rawHeaders[3] = 'bytes=0-99';
    expect(verifySigV4(tampered, secretFor)).toMatchObject({ code: 'SignatureDoesNotMatch' });
    expect(verifySigV4(getObjectExample('f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41'), () => null)).toMatchObject({ status: 403, code: 'InvalidAccessKeyId' });
    expect(verifySigV4({ method: 'GET', url: '/', rawHeaders: ['Host', 'x'] }, secretFor)).toMatchObject({ status: 403, code: 'AccessDenied' });
  });

  it('accepts the AWS presigned-URL example until it expires', () => {
    const url =
      '/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404';
    const req = { method: 'GET', url, rawHeaders: ['Host', 'examplebucket.s3.amazonaws.com'] };
    expect(verifySigV4(req, secretFor, Date.parse('2013-05-24T12:00:00Z')).ok).toBe(true);
    expect(verifySigV4(req, secretFor, Date.parse('2013-05-25T00:00:01Z'))).toMatchObject({ code: 'AccessDenied', message: 'Request has expired' });
    expect(verifySigV4({ ...req, url: url.replace('test.txt', 'other.txt') }, secretFor, Date.parse('2013-05-24T12:00:00Z'))).toMatchObject({ code: 'SignatureDoesNotMatch' });
  });

  it('canonicalises paths segment by segment and queries sorted and re-encoded', () => {
    expect(canonicalUri('/flatfiles/')).toBe('/flatfiles/');
    expect(canonicalUri('/flatfiles')).toBe('/flatfiles');
    expect(canonicalUri('/flatfiles/a%20b/c%2Bd(1).csv.gz')).toBe('/flatfiles/a%20b/c%2Bd%281%29.csv.gz');
    expect(canonicalQuery('prefix=us_stocks_sip%2F&list-type=2&delimiter=%2F&x-id')).toBe('delimiter=%2F&list-type=2&prefix=us_stocks_sip%2F&x-id=');
  });
});
