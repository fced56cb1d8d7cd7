/** What to do about an S3 request that failed. */
export type S3FailureKind = 'not_entitled' | 'not_found' | 'retryable' | 'fatal' | 'aborted';

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

const THROTTLE_CODES = new Set(['SlowDown', 'Throttling', 'ThrottlingException', 'TooManyRequests', 'RequestTimeout', 'RequestTimeTooSkewed']);

/** Classifies an error thrown by the S3 client or by streaming its response body. */
export function classifyS3Error(err: unknown, signal?: AbortSignal): S3Failure {
  const e = err as { name?: string; code?: string; Code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = e?.$metadata?.httpStatusCode ?? null;
  const code = e?.Code ?? e?.code ?? e?.name ?? 'Error';
  const description = status ? `${status} ${code}` : `${code}${e?.message && e.message !== code ? `: ${e.message}` : ''}`;
  if (signal?.aborted || e?.name === 'AbortError') return { kind: 'aborted', status, code, description: 'aborted' };
  if (LOCAL_CODES.has(code)) return { kind: 'fatal', status, code, description: `local file system: ${e?.message ?? code}` };
  if (status === 403) return { kind: 'not_entitled', status, code, description };
  if (status === 404 || code === 'NoSuchKey' || code === 'NotFound') return { kind: 'not_found', status, code, description };
  if (status !== null && (status >= 500 || status === 429 || status === 408)) return { kind: 'retryable', status, code, description };
  if (THROTTLE_CODES.has(code)) return { kind: 'retryable', status, code, description };
  if (status === null && (NETWORK_CODES.has(code) || e?.name === 'TimeoutError' || /socket|network|timed? ?out|ECONN/i.test(e?.message ?? ''))) {
    return { kind: 'retryable', status, code, description };
  }
  return { kind: status === null ? 'retryable' : 'fatal', status, code, description };
}
