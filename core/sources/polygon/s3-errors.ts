/**
 * What to do about an S3 request that failed. `credentials`: the keys themselves were rejected
 * (every request will fail the same way: stop, retry nothing, tell the person); `not_entitled`:
 * the keys are fine but the plan does not cover this object.
 */
export type S3FailureKind = 'not_entitled' | 'credentials' | 'not_found' | 'retryable' | 'disk_full' | 'fatal' | 'aborted';

/** A classified S3 failure with a short, secret-free description such as "503 SlowDown". */
export interface S3Failure {
  kind: S3FailureKind;
  status: number | null;
  code: string;
  description: string;
}

const NETWORK_CODES = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH',
  'ENETUNREACH', 'ENETDOWN', 'UND_ERR_SOCKET', 'ERR_STREAM_PREMATURE_CLOSE',
]);

// Local disk problems: retrying cannot help and the user must act (free space, fix permissions).
const LOCAL_CODES = new Set(['ENOSPC', 'EDQUOT', 'EACCES', 'EPERM', 'EROFS', 'EMFILE', 'ENFILE', 'EISDIR']);
const DISK_FULL_CODES = new Set(['ENOSPC', 'EDQUOT']);

// S3 error codes that mean the credentials, not the plan, were refused (AWS's documented codes).
const CREDENTIAL_CODES: Record<string, string> = {
  SignatureDoesNotMatch: 'the S3 secret key was rejected',
  InvalidAccessKeyId: 'the S3 access key id was rejected',
  InvalidToken: 'the S3 session token was rejected',
  ExpiredToken: 'the S3 credentials have expired',
  AuthorizationHeaderMalformed: 'the S3 credentials were rejected (malformed authorization)',
};

const THROTTLE_CODES = new Set(['SlowDown', 'Throttling', 'ThrottlingException', 'TooManyRequests', 'RequestTimeout', 'RequestTimeTooSkewed']);

/** Classifies an error thrown by the S3 client or by streaming its response body. */
export function classifyS3Error(err: unknown, signal?: AbortSignal): S3Failure {
  const e = err as { name?: string; code?: string; Code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = e?.$metadata?.httpStatusCode ?? null;
  const code = e?.Code ?? e?.code ?? e?.name ?? 'Error';
  const description = status ? `${status} ${code}` : `${code}${e?.message && e.message !== code ? `: ${e.message}` : ''}`;
  if (signal?.aborted || e?.name === 'AbortError') return { kind: 'aborted', status, code, description: 'aborted' };
  if (DISK_FULL_CODES.has(code)) return { kind: 'disk_full', status, code, description: `local file system: ${e?.message ?? code}` };
  if (LOCAL_CODES.has(code)) return { kind: 'fatal', status, code, description: `local file system: ${e?.message ?? code}` };
  const credentials = CREDENTIAL_CODES[code];
  if (credentials && (status === 403 || status === 400 || status === null)) {
    return { kind: 'credentials', status, code, description: `${credentials} (${status ? `${status} ` : ''}${code})` };
  }
  if (status === 403) return { kind: 'not_entitled', status, code, description };
  if (status === 404 || code === 'NoSuchKey' || code === 'NotFound') return { kind: 'not_found', status, code, description };
  if (status !== null && (status >= 500 || status === 429 || status === 408)) return { kind: 'retryable', status, code, description };
  if (THROTTLE_CODES.has(code)) return { kind: 'retryable', status, code, description };
  if (status === null && (NETWORK_CODES.has(code) || e?.name === 'TimeoutError' || /socket|network|timed? ?out|ECONN/i.test(e?.message ?? ''))) {
    return { kind: 'retryable', status, code, description };
  }
  return { kind: status === null ? 'retryable' : 'fatal', status, code, description };
}
