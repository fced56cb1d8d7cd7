import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultState } from '../faults/fault-state.ts';
import { flatFileEntitled, type PlanEntitlements } from '../faults/simulator-plans.ts';
import type { FlatFileStore, ObjectMeta } from './flat-file-store.ts';
import { listKeys, type ListItem, type ListPage } from './list-keys.ts';
import { beginExchange, parseRange, sendError, sendXml, streamBody, type S3Exchange } from './s3-http.ts';
import { listBucketsXml, listV1Xml, listV2Xml, locationXml, type ListingBody } from './s3-xml.ts';
import { verifySigV4 } from './sigv4-verify.ts';

/** Everything the S3 endpoint serves from. */
export interface S3HandlerOptions {
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  store: FlatFileStore;
  faults: FaultState;
  plan: () => PlanEntitlements;
  now: () => Date;
  /** Longest a listing spends rendering files for their sizes before returning a shorter page (default 3 s). */
  listBudgetMs?: number;
  /** Called once per answered request (status as sent), for logs and tests. */
  onRequest?: (info: { method: string; path: string; status: number }) => void;
}

const MAX_KEYS = 1000;
const UNSUPPORTED_SUBRESOURCES = ['acl', 'policy', 'cors', 'lifecycle', 'versioning', 'versions', 'uploads', 'tagging', 'website', 'logging', 'notification', 'encryption', 'replication', 'object-lock'];

const FAULT_ERRORS = {
  slowdown: [503, 'SlowDown', 'Please reduce your request rate.'],
  's3-503': [503, 'ServiceUnavailable', 'Service is unable to handle request.'],
  's3-500': [500, 'InternalError', 'We encountered an internal error. Please try again.'],
} as const;

/** Continuation tokens are opaque to clients: base64 of what the previous page ended on. */
function encodeToken(last: string, isPrefix: boolean): string {
  return Buffer.from(`${isPrefix ? 'p' : 'k'}:${last}`, 'utf8').toString('base64');
}

function decodeToken(token: string): { after: string; isPrefix: boolean } | null {
  const text = Buffer.from(token, 'base64').toString('utf8');
  if (!/^[pk]:/.test(text) || Buffer.from(text, 'utf8').toString('base64') !== token) return null;
  return { after: text.slice(2), isPrefix: text[0] === 'p' };
}

/** Splits `/bucket/key...` into the decoded bucket and key ('' for bucket-level requests). */
function splitPath(rawPath: string): { bucket: string; key: string } | null {
  try {
    const path = decodeURIComponent(rawPath);
    const slash = path.indexOf('/', 1);
    return slash < 0 ? { bucket: path.slice(1), key: '' } : { bucket: path.slice(1, slash), key: path.slice(slash + 1) };
  } catch {
    return null;
  }
}

/** Creates the request handler of the S3-compatible endpoint (path-style addressing). */
export function createS3Handler(options: S3HandlerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const created = new Date(Date.UTC(2019, 0, 1));
  const secretFor = (id: string) => (id === options.accessKeyId ? options.secretAccessKey : null);
  const listBudgetMs = options.listBudgetMs ?? 3000;

  /**
   * Resolves a page's keys to their metadata. Sizes and ETags need each file's bytes, so a page of
   * files never rendered before costs one rendering each (two at a time, so CSV generation and
   * gzip overlap); past the time budget the page ends early with IsTruncated, which S3 permits
   * ("the response might contain fewer keys"), so no request runs for minutes.
   */
  const resolvePage = async (page: ListPage): Promise<{ items: ListingBody['items']; isTruncated: boolean; last: ListItem | null }> => {
    const started = Date.now();
    const { items } = page;
    const needsRender = (i: number): boolean => {
      const item = items[i] as ListItem;
      const entry = 'key' in item ? options.store.entry(item.key) : undefined;
      return entry !== undefined && options.store.knownMeta(entry) === undefined;
    };
    const pending = new Map<number, Promise<ObjectMeta | null>>();
    const metaAt = (i: number): Promise<ObjectMeta | null> => {
      let p = pending.get(i);
      if (!p) {
        const item = items[i] as ListItem;
        const entry = 'key' in item ? options.store.entry(item.key) : undefined;
        p = entry ? options.store.meta(entry) : Promise.resolve(null);
        // A prefetch the page no longer waits for must not surface as an unhandled rejection.
        p.catch(() => undefined);
        pending.set(i, p);
      }
      return p;
    };
    const out: ListingBody['items'] = [];
    let taken = 0;
    for (; taken < items.length; taken++) {
      const item = items[taken] as ListItem;
      if ('commonPrefix' in item) {
        out.push(item);
        continue;
      }
      if (needsRender(taken) && !pending.has(taken)) {
        if (taken > 0 && Date.now() - started > listBudgetMs) break;
        let next = taken + 1;
        while (next < items.length && !needsRender(next)) next++;
        if (next < items.length) void metaAt(next);
      }
      const meta = await metaAt(taken);
      if (meta) out.push(meta);
    }
    return { items: out, isTruncated: page.isTruncated || taken < items.length, last: taken > 0 ? (items[taken - 1] as ListItem) : null };
  };

  const parseMaxKeys = (ex: S3Exchange, value: string | null): number | null => {
    if (value === null) return MAX_KEYS;
    const n = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) {
      sendError(ex, 400, 'InvalidArgument', 'Provided max-keys not an integer or within integer range', { ArgumentName: 'max-keys', ArgumentValue: value });
      return null;
    }
    return Math.min(n, MAX_KEYS);
  };

  const listV2 = async (ex: S3Exchange, q: URLSearchParams) => {
    const maxKeys = parseMaxKeys(ex, q.get('max-keys'));
    if (maxKeys === null) return;
    const prefix = q.get('prefix') ?? '';
    const delimiter = q.get('delimiter') ?? '';
    const token = q.get('continuation-token');
    const startAfter = q.get('start-after');
    let after = startAfter ?? '';
    let afterIsPrefix = false;
    if (token !== null) {
      const decoded = decodeToken(token);
      if (!decoded) {
        sendError(ex, 400, 'InvalidArgument', 'The continuation token provided is incorrect', { ArgumentName: 'continuation-token', ArgumentValue: token });
        return;
      }
      ({ after, isPrefix: afterIsPrefix } = decoded);
    }
    const page = await resolvePage(listKeys(options.store.visibleKeys(), { prefix, delimiter, after, afterIsPrefix, maxKeys }));
    const body: ListingBody = { bucket: options.bucket, prefix, delimiter, maxKeys, isTruncated: page.isTruncated, items: page.items, urlEncode: q.get('encoding-type') === 'url' };
    const last = page.last;
    sendXml(
      ex,
      listV2Xml(body, {
        keyCount: page.items.length,
        continuationToken: token,
        nextContinuationToken: page.isTruncated && last ? ('key' in last ? encodeToken(last.key, false) : encodeToken(last.commonPrefix, true)) : null,
        startAfter,
      }),
    );
  };

  const listV1 = async (ex: S3Exchange, q: URLSearchParams) => {
    const maxKeys = parseMaxKeys(ex, q.get('max-keys'));
    if (maxKeys === null) return;
    const prefix = q.get('prefix') ?? '';
    const delimiter = q.get('delimiter') ?? '';
    const marker = q.get('marker') ?? '';
    // A marker that is a rolled-up prefix (S3's NextMarker with a delimiter) resumes after the whole group.
    const afterIsPrefix = delimiter !== '' && marker.endsWith(delimiter);
    const page = await resolvePage(listKeys(options.store.visibleKeys(), { prefix, delimiter, after: marker, afterIsPrefix, maxKeys }));
    const body: ListingBody = { bucket: options.bucket, prefix, delimiter, maxKeys, isTruncated: page.isTruncated, items: page.items, urlEncode: q.get('encoding-type') === 'url' };
    const last = page.last;
    sendXml(ex, listV1Xml(body, { marker, nextMarker: page.isTruncated && last ? ('key' in last ? last.key : last.commonPrefix) : null }));
  };

  /** Answers 304/412 for conditional requests; returns true when it did. */
  const preconditionAnswered = (ex: S3Exchange, meta: ObjectMeta): boolean => {
    const h = ex.req.headers;
    const etagIn = (list: string) => list.split(',').map((s) => s.trim()).some((t) => t === '*' || t === meta.etag || `"${t}"` === meta.etag);
    const lastModifiedS = Math.floor(meta.lastModified.getTime() / 1000) * 1000;
    if (h['if-match'] !== undefined ? !etagIn(h['if-match']) : h['if-unmodified-since'] !== undefined && lastModifiedS > Date.parse(h['if-unmodified-since'])) {
      sendError(ex, 412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', { Condition: h['if-match'] !== undefined ? 'If-Match' : 'If-Unmodified-Since' });
      return true;
    }
    const notModified =
      h['if-none-match'] !== undefined ? etagIn(h['if-none-match']) : h['if-modified-since'] !== undefined && lastModifiedS <= Date.parse(h['if-modified-since']);
    if (notModified) {
      ex.res.writeHead(304, { ETag: meta.etag, 'Last-Modified': meta.lastModified.toUTCString() });
      ex.res.end();
      return true;
    }
    return false;
  };

  const getObject = async (ex: S3Exchange, key: string, q: URLSearchParams) => {
    const plan = options.plan();
    const entry = options.store.entry(key);
    // Out-of-plan dates answer 403 whether or not they exist, as an IAM policy on the prefix would.
    if (!plan.flatFiles || (entry && !flatFileEntitled(plan, entry.dataset.assetClass, entry.date, options.now()))) {
      sendError(ex, 403, 'AccessDenied', 'Access Denied');
      return;
    }
    if (!entry || !options.store.isVisible(entry)) {
      sendError(ex, 404, 'NoSuchKey', 'The specified key does not exist.', { Key: key });
      return;
    }
    const meta = ex.head ? await options.store.meta(entry) : await options.store.object(entry);
    if (!meta) {
      sendError(ex, 404, 'NoSuchKey', 'The specified key does not exist.', { Key: key });
      return;
    }
    if (preconditionAnswered(ex, meta)) return;
    const range = parseRange(ex.req.headers.range, meta.size);
    if (range.kind === 'unsatisfiable') {
      ex.res.setHeader('Content-Range', `bytes */${meta.size}`);
      sendError(ex, 416, 'InvalidRange', 'The requested range is not satisfiable', { RangeRequested: ex.req.headers.range ?? '', ActualObjectSize: String(meta.size) });
      return;
    }
    const [start, end] = range.kind === 'range' ? [range.start, range.end] : [0, meta.size - 1];
    const headers: Record<string, string | number> = {
      'Content-Type': q.get('response-content-type') ?? 'application/x-gzip',
      'Content-Length': end - start + 1,
      ETag: meta.etag,
      'Last-Modified': meta.lastModified.toUTCString(),
      'Accept-Ranges': 'bytes',
    };
    if (range.kind === 'range') headers['Content-Range'] = `bytes ${start}-${end}/${meta.size}`;
    const disposition = q.get('response-content-disposition');
    if (disposition !== null) headers['Content-Disposition'] = disposition;
    ex.res.writeHead(range.kind === 'range' ? 206 : 200, headers);
    if (ex.head || !('body' in meta)) {
      ex.res.end();
      return;
    }
    const slice = (meta as { body: Buffer }).body.subarray(start, end + 1);
    await streamBody(ex.res, slice, options.faults.takeS3Reset() ? Math.floor(slice.length / 2) : null);
  };

  const handle = async (ex: S3Exchange) => {
    const { req } = ex;
    const url = req.url ?? '/';
    const qAt = url.indexOf('?');
    const q = new URLSearchParams(qAt < 0 ? '' : url.slice(qAt + 1));
    const fault = options.faults.takeS3Error();
    if (fault) {
      const [status, code, message] = FAULT_ERRORS[fault];
      sendError(ex, status, code, message);
      return;
    }
    const auth = verifySigV4({ method: req.method ?? 'GET', url, rawHeaders: req.rawHeaders }, secretFor);
    if (!auth.ok) {
      sendError(ex, auth.status, auth.code, auth.message, auth.detail);
      return;
    }
    const path = splitPath(qAt < 0 ? url : url.slice(0, qAt));
    if (!path) {
      sendError(ex, 400, 'InvalidURI', "Couldn't parse the specified URI.");
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendError(ex, 403, 'AccessDenied', 'Access Denied');
      return;
    }
    if (path.bucket === '') {
      sendXml(ex, listBucketsXml(options.bucket, created));
      return;
    }
    if (path.bucket !== options.bucket) {
      sendError(ex, 404, 'NoSuchBucket', 'The specified bucket does not exist', { BucketName: path.bucket });
      return;
    }
    if (path.key !== '') {
      await getObject(ex, path.key, q);
      return;
    }
    const unsupported = UNSUPPORTED_SUBRESOURCES.find((s) => q.has(s));
    if (unsupported) {
      sendError(ex, 501, 'NotImplemented', `The ${unsupported} subresource is not implemented by the simulator`);
      return;
    }
    if (!options.plan().flatFiles) {
      sendError(ex, 403, 'AccessDenied', 'Access Denied');
      return;
    }
    if (ex.head) {
      ex.res.writeHead(200, { 'x-amz-bucket-region': 'us-east-1' });
      ex.res.end();
    } else if (q.has('location')) sendXml(ex, locationXml());
    else if (q.get('list-type') === '2') await listV2(ex, q);
    else await listV1(ex, q);
  };

  return (req, res) => {
    const ex = beginExchange(req, res);
    res.on('finish', () => options.onRequest?.({ method: req.method ?? '', path: (req.url ?? '').split('?')[0] ?? '', status: res.statusCode }));
    handle(ex).catch((err: unknown) => {
      sendError(ex, 500, 'InternalError', `We encountered an internal error. Please try again. (${err instanceof Error ? err.message : String(err)})`);
    });
  };
}
