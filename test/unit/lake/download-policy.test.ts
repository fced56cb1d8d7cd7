import { describe, expect, it, vi } from 'vitest';
import { backoffDelayMs, sleep } from '../../../core/sources/polygon/retry-policy.ts';
import { classifyS3Error } from '../../../core/sources/polygon/s3-errors.ts';
import { normalizeEtag } from '../../../core/sources/polygon/flat-file-downloader.ts';

const http = (status: number, name: string) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });

describe('retry backoff', () => {
  const policy = { baseDelayMs: 100, maxDelayMs: 1000 };
  it('grows exponentially with half of it jittered, and is capped', () => {
    expect(backoffDelayMs(1, policy, () => 0)).toBe(50);
    expect(backoffDelayMs(1, policy, () => 1)).toBe(100);
    expect(backoffDelayMs(3, policy, () => 0)).toBe(200);
    expect(backoffDelayMs(3, policy, () => 1)).toBe(400);
    expect(backoffDelayMs(10, policy, () => 1)).toBe(1000);
    expect(backoffDelayMs(10, policy, () => 0)).toBe(500);
  });
  it('sleep stops early when aborted', async () => {
    // With the clock frozen, the 10 s wait can only end through the abort.
    vi.useFakeTimers();
    try {
      const ac = new AbortController();
      const p = sleep(10_000, ac.signal);
      ac.abort(new Error('stop'));
      await expect(p).rejects.toThrow('stop');
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('S3 error classification', () => {
  it('403 is not_entitled, 404 not_found', () => {
    expect(classifyS3Error(http(403, 'AccessDenied'))).toMatchObject({ kind: 'not_entitled', description: '403 AccessDenied' });
    expect(classifyS3Error(http(404, 'NoSuchKey')).kind).toBe('not_found');
    expect(classifyS3Error(http(404, 'NotFound')).kind).toBe('not_found');
  });
  it('throttling, 5xx and network failures are retryable', () => {
    expect(classifyS3Error(http(503, 'SlowDown')).kind).toBe('retryable');
    expect(classifyS3Error(http(500, 'InternalError')).kind).toBe('retryable');
    expect(classifyS3Error(http(429, 'TooManyRequests')).kind).toBe('retryable');
    expect(classifyS3Error(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })).kind).toBe('retryable');
  });
  it('a full disk is disk_full; other local disk problems and other 4xx are fatal; aborts are aborts', () => {
    expect(classifyS3Error(Object.assign(new Error('no space left on device'), { code: 'ENOSPC' })).kind).toBe('disk_full');
    expect(classifyS3Error(Object.assign(new Error('read-only file system'), { code: 'EROFS' })).kind).toBe('fatal');
    expect(classifyS3Error(http(400, 'InvalidRequest')).kind).toBe('fatal');
    const ac = new AbortController();
    ac.abort();
    expect(classifyS3Error(new Error('x'), ac.signal).kind).toBe('aborted');
  });
  it('rejected credentials are credentials, not plan limits; AccessDenied stays not_entitled', () => {
    expect(classifyS3Error(http(403, 'SignatureDoesNotMatch'))).toMatchObject({ kind: 'credentials', description: 'the S3 secret key was rejected (403 SignatureDoesNotMatch)' });
    expect(classifyS3Error(http(403, 'InvalidAccessKeyId'))).toMatchObject({ kind: 'credentials', description: 'the S3 access key id was rejected (403 InvalidAccessKeyId)' });
    expect(classifyS3Error(http(403, 'AccessDenied')).kind).toBe('not_entitled');
  });
  it('ETags lose their quotes', () => {
    expect(normalizeEtag('"abc"')).toBe('abc');
    expect(normalizeEtag(undefined)).toBeNull();
  });
});
