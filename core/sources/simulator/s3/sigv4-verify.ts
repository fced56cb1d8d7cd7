import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

// AWS Signature Version 4 as S3 checks it: the canonical request is rebuilt from what arrived on
// the wire and signed again with the stored secret. S3 does not normalise paths, so each segment is
// decoded and re-encoded once (the SDK signs the same path it sends: `/flatfiles/` for a listing,
// `/flatfiles/us_stocks_sip/...` for an object).

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** What the verifier needs from an HTTP request. */
export interface SignedRequest {
  method: string;
  /** Path and query exactly as received (`req.url`). */
  url: string;
  /** Raw header pairs (`req.rawHeaders`), so repeated headers are joined as the signer joined them. */
  rawHeaders: readonly string[];
}

/** An S3 error the verifier rejects with. */
export interface AuthFailure {
  ok: false;
  status: number;
  code: 'AccessDenied' | 'InvalidAccessKeyId' | 'SignatureDoesNotMatch' | 'AuthorizationHeaderMalformed' | 'InvalidRequest';
  message: string;
  /** Diagnostics S3 itself returns with SignatureDoesNotMatch (no secret in them). */
  detail?: Record<string, string>;
}

export type AuthResult = { ok: true; accessKeyId: string } | AuthFailure;

/** Percent-encodes as SigV4 requires: everything but A-Z a-z 0-9 - _ . ~ */
export function awsUriEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Decodes percent-escapes, leaving malformed ones as they are. */
function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** The canonical URI: each path segment decoded and re-encoded once; slashes kept. */
export function canonicalUri(rawPath: string): string {
  return rawPath
    .split('/')
    .map((seg) => awsUriEncode(safeDecode(seg)))
    .join('/');
}

/** The canonical query string: pairs re-encoded and sorted by name, then value; `omit` names are dropped. */
export function canonicalQuery(rawQuery: string, omit: readonly string[] = []): string {
  return rawQuery
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = safeDecode(eq < 0 ? pair : pair.slice(0, eq));
      const value = eq < 0 ? '' : safeDecode(pair.slice(eq + 1));
      return [awsUriEncode(name), awsUriEncode(value)] as const;
    })
    .filter(([name]) => !omit.includes(name))
    .sort(([an, av], [bn, bv]) => (an < bn ? -1 : an > bn ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([n, v]) => `${n}=${v}`)
    .join('&');
}

/** Lower-cased header name -> values joined with commas, trimmed and with inner whitespace runs collapsed. */
function headerMap(rawHeaders: readonly string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] as string).toLowerCase();
    const value = (rawHeaders[i + 1] as string).trim().replace(/\s+/g, ' ');
    const prior = map.get(name);
    map.set(name, prior === undefined ? value : `${prior},${value}`);
  }
  return map;
}

const sha256Hex = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

/** The SigV4 signing key for a secret and credential scope. */
function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
}

/** The parts of a signature, from either the Authorization header or a presigned URL's query. */
interface SignatureParts {
  accessKeyId: string;
  scopeDate: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
  amzDate: string;
  payloadHash: string;
  /** Query names left out of the canonical query (the signature itself, for presigned URLs). */
  omitFromQuery: string[];
}

const fail = (status: number, code: AuthFailure['code'], message: string, detail?: Record<string, string>): AuthFailure =>
  detail ? { ok: false, status, code, message, detail } : { ok: false, status, code, message };

/** Extracts the signature parts, or an error when the request is unsigned or malformed. */
function signatureParts(headers: Map<string, string>, query: URLSearchParams, nowMs: number): SignatureParts | AuthFailure {
  const auth = headers.get('authorization');
  let credential: string;
  let signedHeaders: string;
  let signature: string;
  let amzDate: string;
  let payloadHash: string;
  let omitFromQuery: string[] = [];
  if (auth !== undefined) {
    if (!auth.startsWith('AWS4-HMAC-SHA256 ')) {
      return fail(400, 'InvalidRequest', 'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.');
    }
    const fields = new Map(
      auth
        .slice('AWS4-HMAC-SHA256 '.length)
        .split(',')
        .map((p) => p.trim())
        .map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)] as const),
    );
    credential = fields.get('Credential') ?? '';
    signedHeaders = fields.get('SignedHeaders') ?? '';
    signature = fields.get('Signature') ?? '';
    amzDate = headers.get('x-amz-date') ?? '';
    payloadHash = headers.get('x-amz-content-sha256') ?? EMPTY_SHA256;
  } else if (query.get('X-Amz-Algorithm') === 'AWS4-HMAC-SHA256') {
    credential = query.get('X-Amz-Credential') ?? '';
    signedHeaders = query.get('X-Amz-SignedHeaders') ?? '';
    signature = query.get('X-Amz-Signature') ?? '';
    amzDate = query.get('X-Amz-Date') ?? '';
    payloadHash = 'UNSIGNED-PAYLOAD';
    omitFromQuery = ['X-Amz-Signature'];
    const expires = Number(query.get('X-Amz-Expires') ?? '0');
    const signedAt = Date.parse(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
    if (!Number.isFinite(signedAt) || nowMs > signedAt + expires * 1000) return fail(403, 'AccessDenied', 'Request has expired');
  } else {
    return fail(403, 'AccessDenied', 'Access Denied');
  }
  const scope = credential.split('/');
  if (scope.length !== 5 || scope[4] !== 'aws4_request' || !signedHeaders || !/^[0-9a-f]{64}$/.test(signature) || !/^\d{8}T\d{6}Z$/.test(amzDate)) {
    return fail(400, 'AuthorizationHeaderMalformed', 'The authorization header is malformed; the Credential, SignedHeaders, Signature or X-Amz-Date is missing or invalid.');
  }
  const [accessKeyId = '', scopeDate = '', region = '', service = ''] = scope;
  if (scopeDate !== amzDate.slice(0, 8)) {
    return fail(400, 'AuthorizationHeaderMalformed', `The authorization header is malformed; Invalid credential date "${scopeDate}". This date is not the same as X-Amz-Date: "${amzDate.slice(0, 8)}".`);
  }
  return { accessKeyId, scopeDate, region, service, signedHeaders: signedHeaders.split(';'), signature, amzDate, payloadHash, omitFromQuery };
}

/**
 * Verifies a SigV4-signed request (Authorization header or presigned query) against the secret of
 * its access key; `secretFor` returns null for unknown keys. Presigned URLs carry the signer's
 * wall-clock time, so their expiry is checked against the real clock unless `nowMs` is given.
 */
export function verifySigV4(req: SignedRequest, secretFor: (accessKeyId: string) => string | null, nowMs = Date.now()): AuthResult {
  const q = req.url.indexOf('?');
  const rawPath = q < 0 ? req.url : req.url.slice(0, q);
  const rawQuery = q < 0 ? '' : req.url.slice(q + 1);
  const headers = headerMap(req.rawHeaders);
  const parts = signatureParts(headers, new URLSearchParams(rawQuery), nowMs);
  if ('ok' in parts) return parts;
  const secret = secretFor(parts.accessKeyId);
  if (secret === null) return fail(403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.');
  if (!parts.signedHeaders.includes('host')) {
    return fail(400, 'AuthorizationHeaderMalformed', 'The authorization header is malformed; SignedHeaders must include host.');
  }
  const canonicalHeaders = parts.signedHeaders.map((h) => `${h}:${headers.get(h) ?? ''}\n`).join('');
  const canonicalRequest = [
    req.method.toUpperCase(),
    canonicalUri(rawPath),
    canonicalQuery(rawQuery, parts.omitFromQuery),
    canonicalHeaders,
    parts.signedHeaders.join(';'),
    parts.payloadHash,
  ].join('\n');
  const scope = `${parts.scopeDate}/${parts.region}/${parts.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', parts.amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const expected = createHmac('sha256', signingKey(secret, parts.scopeDate, parts.region, parts.service)).update(stringToSign, 'utf8').digest();
  const given = Buffer.from(parts.signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return fail(
      403,
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      { AWSAccessKeyId: parts.accessKeyId, StringToSign: stringToSign, SignatureProvided: parts.signature, CanonicalRequest: canonicalRequest },
    );
  }
  return { ok: true, accessKeyId: parts.accessKeyId };
}
