import type { ListItem } from './list-keys.ts';
import type { ObjectMeta } from './flat-file-store.ts';

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n';
const S3_NS = 'http://s3.amazonaws.com/doc/2006-03-01/';

/** Escapes text for an XML element. */
export function xmlEscape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] as string);
}

/** `<Name>value</Name>`, escaped. */
function el(name: string, value: string | number | boolean): string {
  return `<${name}>${xmlEscape(String(value))}</${name}>`;
}

/** S3's error document: `<Error><Code/><Message/>...<RequestId/></Error>`. */
export function errorXml(code: string, message: string, requestId: string, extra: Record<string, string> = {}): string {
  const fields = Object.entries(extra).map(([k, v]) => el(k, v)).join('');
  return `${XML_HEAD}<Error>${el('Code', code)}${el('Message', message)}${fields}${el('RequestId', requestId)}${el('HostId', requestId)}</Error>`;
}

/** Contents of a listing after the page's items have been resolved to their metadata. */
export interface ListingBody {
  bucket: string;
  prefix: string;
  delimiter: string;
  maxKeys: number;
  isTruncated: boolean;
  /** Objects and common prefixes, in key order. */
  items: Array<ObjectMeta | Extract<ListItem, { commonPrefix: string }>>;
  /** `encoding-type=url`: keys and prefixes URL-encoded in the answer. */
  urlEncode: boolean;
}

/** Encodes a key for `encoding-type=url` answers (slashes kept, as S3 does). */
function urlKey(key: string): string {
  return encodeURIComponent(key).replace(/%2F/g, '/');
}

/** The item elements shared by both listing versions. */
function itemsXml(body: ListingBody): string {
  const enc = (k: string) => (body.urlEncode ? urlKey(k) : k);
  return body.items
    .map((it) =>
      'commonPrefix' in it
        ? `<CommonPrefixes>${el('Prefix', enc(it.commonPrefix))}</CommonPrefixes>`
        : `<Contents>${el('Key', enc(it.key))}${el('LastModified', it.lastModified.toISOString())}${el('ETag', it.etag)}${el('Size', it.size)}${el('StorageClass', 'STANDARD')}</Contents>`,
    )
    .join('');
}

/** Shared header elements (Name, Prefix, Delimiter, MaxKeys, EncodingType). */
function headerXml(body: ListingBody): string {
  const enc = (k: string) => (body.urlEncode ? urlKey(k) : k);
  return (
    el('Name', body.bucket) +
    el('Prefix', enc(body.prefix)) +
    (body.delimiter ? el('Delimiter', enc(body.delimiter)) : '') +
    el('MaxKeys', body.maxKeys) +
    (body.urlEncode ? el('EncodingType', 'url') : '')
  );
}

/** ListObjectsV2's ListBucketResult. */
export function listV2Xml(
  body: ListingBody,
  v2: { keyCount: number; continuationToken: string | null; nextContinuationToken: string | null; startAfter: string | null },
): string {
  const enc = (k: string) => (body.urlEncode ? urlKey(k) : k);
  return (
    `${XML_HEAD}<ListBucketResult xmlns="${S3_NS}">` +
    headerXml(body) +
    el('KeyCount', v2.keyCount) +
    el('IsTruncated', body.isTruncated) +
    (v2.continuationToken !== null ? el('ContinuationToken', v2.continuationToken) : '') +
    (v2.nextContinuationToken !== null ? el('NextContinuationToken', v2.nextContinuationToken) : '') +
    (v2.startAfter !== null ? el('StartAfter', enc(v2.startAfter)) : '') +
    itemsXml(body) +
    '</ListBucketResult>'
  );
}

/** ListObjects (version 1)'s ListBucketResult. */
export function listV1Xml(body: ListingBody, v1: { marker: string; nextMarker: string | null }): string {
  const enc = (k: string) => (body.urlEncode ? urlKey(k) : k);
  return (
    `${XML_HEAD}<ListBucketResult xmlns="${S3_NS}">` +
    headerXml(body) +
    el('Marker', enc(v1.marker)) +
    (v1.nextMarker !== null ? el('NextMarker', enc(v1.nextMarker)) : '') +
    el('IsTruncated', body.isTruncated) +
    itemsXml(body) +
    '</ListBucketResult>'
  );
}

/** ListBuckets' answer for the single bucket. */
export function listBucketsXml(bucket: string, created: Date): string {
  return (
    `${XML_HEAD}<ListAllMyBucketsResult xmlns="${S3_NS}">` +
    `<Owner>${el('ID', 'quantmini-simulator')}${el('DisplayName', 'quantmini-simulator')}</Owner>` +
    `<Buckets><Bucket>${el('Name', bucket)}${el('CreationDate', created.toISOString())}</Bucket></Buckets>` +
    '</ListAllMyBucketsResult>'
  );
}

/** GetBucketLocation's answer (us-east-1 is the empty constraint). */
export function locationXml(): string {
  return `${XML_HEAD}<LocationConstraint xmlns="${S3_NS}"></LocationConstraint>`;
}
