/** Parameters of one listing page, as S3's ListObjects(V2) takes them. */
export interface ListParams {
  prefix: string;
  delimiter: string;
  /** List strictly after this key (StartAfter, or the last item of the previous page). */
  after: string;
  /** True when `after` is a common prefix returned by a previous page: skip everything under it. */
  afterIsPrefix?: boolean;
  maxKeys: number;
}

/** One item of a page: an object key, or a common prefix rolled up at the delimiter. */
export type ListItem = { key: string } | { commonPrefix: string };

/** One page of a listing. */
export interface ListPage {
  items: ListItem[];
  isTruncated: boolean;
  /** The last item returned (key or common prefix), to resume after; null when the page is empty. */
  last: string | null;
}

/** First index whose key is > `target` (or >= when `inclusive`). */
function bound(keys: readonly string[], target: string, inclusive: boolean): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const k = keys[mid] as string;
    if (k < target || (!inclusive && k === target)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// Keys are ASCII, so appending the highest BMP code unit sorts after every key under a prefix.
const PAST = '\uffff';

/**
 * Lists a page from ascending keys the way S3 does: keys under `prefix` after `after`, with
 * everything between the prefix and the next `delimiter` rolled up into one common prefix that
 * counts as one item. Skips whole rolled-up groups by binary search, so a 20-year bucket lists
 * its top levels in microseconds.
 */
export function listKeys(keys: readonly string[], params: ListParams): ListPage {
  const { prefix, delimiter, after, maxKeys, afterIsPrefix = false } = params;
  const items: ListItem[] = [];
  let i = after > prefix ? bound(keys, after, false) : bound(keys, prefix, true);
  // Resuming after a rolled-up prefix skips every key inside it.
  if (afterIsPrefix) i = Math.max(i, bound(keys, after + PAST, true));
  let last: string | null = null;
  while (i < keys.length) {
    const key = keys[i] as string;
    if (!key.startsWith(prefix)) break;
    if (items.length >= maxKeys) return { items, isTruncated: true, last };
    const cut = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
    if (cut >= 0) {
      const commonPrefix = key.slice(0, cut + delimiter.length);
      items.push({ commonPrefix });
      last = commonPrefix;
      i = bound(keys, commonPrefix + PAST, true);
    } else {
      items.push({ key });
      last = key;
      i++;
    }
  }
  return { items, isTruncated: false, last };
}
