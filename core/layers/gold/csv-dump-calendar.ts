/**
 * The calendar of a CSV dump from its files' dates without a hash set per row: files are nearly
 * always in date order and mostly hold dates other files hold too, so sorted arrays and forward
 * walks do what `Set`/`Map` per row did, in a fraction of the time.
 */

/** A file's row keys sorted and without repeats: the array itself when it already is (a date-ordered file). */
export function sortedUniqueKeys(keys: Float64Array): Float64Array {
  let i = 1;
  while (i < keys.length && keys[i]! > keys[i - 1]!) i++;
  if (i >= keys.length) return keys;
  // Keys are never NaN (a row without a date is an error), so the typed array's numeric sort is total.
  const s = keys.slice().sort();
  let w = 1;
  for (let r = 1; r < s.length; r++) if (s[r] !== s[w - 1]) s[w++] = s[r]!;
  return s.slice(0, w);
}

/** A file's row count, date range and sorted distinct keys (pass one's answer for a file). */
export function keySummary(keys: Float64Array): { rows: number; minKey: number; maxKey: number; keys: Float64Array } {
  const unique = sortedUniqueKeys(keys);
  return { rows: keys.length, minKey: unique[0] ?? Infinity, maxKey: unique.at(-1) ?? -Infinity, keys: unique };
}

/** First position in `sorted` whose key is >= `key`. */
function lowerBound(sorted: Float64Array, key: number, lo = 0): number {
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Sorted union of two sorted unique arrays. */
function mergeSorted(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let w = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x < y) out[w++] = a[i++]!;
    else if (y < x) out[w++] = b[j++]!;
    else {
      out[w++] = x;
      i++;
      j++;
    }
  }
  while (i < a.length) out[w++] = a[i++]!;
  while (j < b.length) out[w++] = b[j++]!;
  return out.slice(0, w);
}

/**
 * The sorted union of many files' sorted unique keys. A file's keys are walked against the union
 * (one comparison per key when it adds nothing, the usual case); keys the union lacks wait in a
 * pending list merged in once it outgrows the union, so a run of files that each add new keys
 * (minute data with staggered sessions) still costs O(n log n) overall, not a copy per file.
 */
export class KeyUnion {
  private union: Float64Array = new Float64Array(0);
  private pending: number[] = [];

  /** Adds one file's keys (sorted, unique: see sortedUniqueKeys). */
  add(keys: Float64Array): void {
    const u = this.union;
    let j = keys.length ? lowerBound(u, keys[0]!) : 0;
    for (let r = 0; r < keys.length; r++) {
      const k = keys[r]!;
      while (j < u.length && u[j]! < k) j++;
      if (j < u.length && u[j] === k) j++;
      else this.pending.push(k);
    }
    if (this.pending.length > Math.max(1024, u.length)) this.flush();
  }

  /** Every key added, sorted and unique. */
  keys(): Float64Array {
    this.flush();
    return this.union;
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const p = sortedUniqueKeys(Float64Array.from(this.pending));
    this.pending = [];
    this.union = mergeSorted(this.union, p);
  }
}

/**
 * Calendar index of every row (`calendar` sorted unique, holding every key): a forward walk for
 * date-ordered rows, a binary search for a row out of order. Returns whether the rows' keys strictly
 * increase (then no date repeats and row r is the r-th distinct date).
 */
export function calendarIndices(calendar: Float64Array, keys: Float64Array, out: Int32Array): boolean {
  let j = 0;
  let ascending = true;
  let prev = -Infinity;
  for (let r = 0; r < keys.length; r++) {
    const k = keys[r]!;
    if (k <= prev) ascending = false;
    prev = k;
    if (calendar[j] !== k) {
      // The next calendar day (a date-ordered file with no gap here), else a search.
      if (calendar[j + 1] === k) j++;
      else j = lowerBound(calendar, k);
      if (calendar[j] !== k) throw new Error(`internal: key ${k} missing from the calendar`);
    }
    out[r] = j;
  }
  return ascending;
}
