/**
 * Order statistics over rolling windows: max/min with monotonic deques (pandas roll_max/roll_min),
 * quantile, median and percentile rank with a Fenwick tree over the ranks of the series' values
 * (pandas uses a skiplist; the results are functions of the window's multiset, so any order-statistic
 * structure gives the same float64 values), and Qlib's IdxMax/IdxMin (numpy argmax + 1 of the
 * truncated window, where a NaN in the window wins). O(n log n) per series: one sort of its values,
 * then O(log n) per window step. Inputs must be pandas-prepared (±inf already NaN, see rolling-sums.ts).
 */

/** Rolling max (or min) of the non-NaN values; NaN for a window without any. */
export function rollingExtreme(x: Float64Array, lo: number, hi: number, n: number, isMax: boolean, out: Float64Array): void {
  const w = n === 0 ? Infinity : n;
  const q = scratchInt32(0, hi - lo);
  let head = 0, tail = 0;
  for (let i = lo; i < hi; i++) {
    const v = x[i]!;
    if (v === v) {
      if (isMax) while (tail > head && x[q[tail - 1]!]! <= v) tail--;
      else while (tail > head && x[q[tail - 1]!]! >= v) tail--;
      q[tail++] = i;
    }
    while (tail > head && q[head]! <= i - w) head++;
    out[i] = tail > head ? x[q[head]!]! : NaN;
  }
}

/**
 * Qlib's IdxMax/IdxMin: `rolling(N, min_periods=1).apply(lambda a: a.argmax() + 1, raw=True)`.
 * 1-based position from the oldest row of the (truncated) window; ties go to the earliest; if the
 * window holds a NaN, numpy's argmax/argmin return the first NaN; a window without any finite value is NaN.
 */
export function rollingArgExtreme(x: Float64Array, lo: number, hi: number, n: number, isMax: boolean, out: Float64Array): void {
  const w = n === 0 ? Infinity : n;
  const q = scratchInt32(0, hi - lo);
  const nans = scratchInt32(1, hi - lo);
  let head = 0, tail = 0, nHead = 0, nTail = 0;
  for (let i = lo; i < hi; i++) {
    const v = x[i]!;
    if (v === v) {
      // Strict comparison keeps earlier equal values in front: argmax returns the first occurrence.
      if (isMax) while (tail > head && x[q[tail - 1]!]! < v) tail--;
      else while (tail > head && x[q[tail - 1]!]! > v) tail--;
      q[tail++] = i;
    } else {
      nans[nTail++] = i;
    }
    const start = Math.max(lo, i - w + 1);
    while (tail > head && q[head]! < start) head++;
    while (nTail > nHead && nans[nHead]! < start) nHead++;
    if (tail === head) out[i] = NaN;
    else out[i] = (nTail > nHead ? nans[nHead]! : q[head]!) - start + 1;
  }
}

/**
 * Windows up to this many rows keep their values in a sorted array (binary search, then a block
 * shift of at most this many slots: O(1) per step in the window size's bound); longer and expanding
 * windows use the Fenwick tree over value ranks (O(log n) per step).
 */
export const SORTED_WINDOW_MAX = 128;

/** Whether a window of N rows needs the series' value ranks (rankValues). */
export function usesValueRanks(n: number): boolean {
  return n === 0 || n > SORTED_WINDOW_MAX;
}

/** Inserts v into sorted a[0..count) after any equal values (as pandas' skiplist does). */
function insertSorted(a: Float64Array, count: number, v: number): void {
  let l = 0, h = count;
  while (l < h) {
    const m = (l + h) >>> 1;
    if (a[m]! <= v) l = m + 1;
    else h = m;
  }
  for (let j = count; j > l; j--) a[j] = a[j - 1]!;
  a[l] = v;
}

/** Removes one value equal to v from sorted a[0..count). */
function removeSorted(a: Float64Array, count: number, v: number): void {
  let l = 0, h = count;
  while (l < h) {
    const m = (l + h) >>> 1;
    if (a[m]! < v) l = m + 1;
    else h = m;
  }
  for (let j = l; j < count - 1; j++) a[j] = a[j + 1]!;
}

/** One statistic of a sorted-window pass: a quantile (q), the median, or the percentile rank of the current value. */
export interface WindowStat {
  kind: 'quantile' | 'median' | 'rank';
  q: number;
  out: Float64Array;
}

/**
 * Several order statistics over the same series and window in one pass (Alpha158 asks for the 0.8
 * and 0.2 quantiles and the rank of $close over each window): the window's values are kept sorted,
 * removals before additions as in pandas' roll_rank (quantiles do not depend on the order).
 */
export function sortedWindowStats(x: Float64Array, lo: number, hi: number, n: number, stats: readonly WindowStat[]): void {
  const a = scratchFloat64(n + 1);
  let nobs = 0;
  for (let i = lo; i < hi; i++) {
    if (i - n >= lo) {
      const old = x[i - n]!;
      if (old === old) removeSorted(a, nobs--, old);
    }
    const v = x[i]!;
    if (v === v) insertSorted(a, nobs++, v);
    for (const st of stats) {
      const out = st.out;
      if (nobs === 0) {
        out[i] = NaN;
      } else if (st.kind === 'rank') {
        out[i] = v === v ? rankIn(a, nobs, v) : NaN;
      } else if (st.kind === 'median') {
        const mid = nobs >>> 1;
        out[i] = nobs % 2 ? a[mid]! : (a[mid]! + a[mid - 1]!) / 2;
      } else if (st.q === 1) {
        out[i] = a[nobs - 1]!;
      } else if (st.q === 0 || nobs === 1) {
        out[i] = a[0]!;
      } else {
        const pos = st.q * (nobs - 1);
        const k = Math.trunc(pos);
        const vlow = a[k]!;
        out[i] = pos === k ? vlow : vlow + (a[k + 1]! - vlow) * (pos - k);
      }
    }
  }
}

/** Percentile rank of v in sorted a[0..nobs): pandas' average rank divided by the count. */
function rankIn(a: Float64Array, nobs: number, v: number): number {
  let l = 0, h = nobs;
  while (l < h) {
    const m = (l + h) >>> 1;
    if (a[m]! < v) l = m + 1;
    else h = m;
  }
  const less = l;
  h = nobs;
  while (l < h) {
    const m = (l + h) >>> 1;
    if (a[m]! <= v) l = m + 1;
    else h = m;
  }
  const rmin = less + 1;
  const rmax = l;
  // pandas: ((hi*(hi+1)/2) - ((lo-1)*lo/2)) / (hi-lo+1) with lo = less+1, hi = less+equal: exact here
  return ((rmax * (rmax + 1)) / 2 - ((rmin - 1) * rmin) / 2) / (rmax - rmin + 1) / nobs;
}

/** Sorted distinct non-NaN values of x[lo..hi) and each row's index into them (-1 for NaN). */
export interface ValueRanks {
  sorted: Float64Array;
  rankOf: Int32Array;
}

/** Ranks the values of a series once, so every order-statistic window over it can share the sort. */
export function rankValues(x: Float64Array, lo: number, hi: number): ValueRanks {
  const idx: number[] = [];
  for (let i = lo; i < hi; i++) if (x[i]! === x[i]!) idx.push(i);
  idx.sort((a, b) => x[a]! - x[b]!);
  const rankOf = new Int32Array(hi - lo).fill(-1);
  const sorted: number[] = [];
  for (const i of idx) {
    const v = x[i]!;
    if (sorted.length === 0 || sorted[sorted.length - 1]! !== v) sorted.push(v);
    rankOf[i - lo] = sorted.length - 1;
  }
  return { sorted: Float64Array.from(sorted), rankOf };
}

/** A Fenwick tree of counts over value ranks: insert/remove, count below, k-th smallest in O(log n). */
function fenwick(size: number) {
  const tree = scratchInt32(2, size + 1).fill(0);
  let top = 1;
  while (top * 2 <= size) top *= 2;
  return {
    add(rank: number, delta: number): void {
      for (let i = rank + 1; i <= size; i += i & -i) tree[i]! += delta;
    },
    /** Number of inserted values with rank < r. */
    below(r: number): number {
      let s = 0;
      for (let i = r; i > 0; i -= i & -i) s += tree[i]!;
      return s;
    },
    /** Rank of the k-th smallest inserted value (0-based k). */
    kth(k: number): number {
      let pos = 0;
      let rem = k + 1;
      for (let step = top; step > 0; step >>= 1) {
        const nxt = pos + step;
        if (nxt <= size && tree[nxt]! < rem) {
          pos = nxt;
          rem -= tree[nxt]!;
        }
      }
      return pos;
    },
  };
}

/**
 * Rolling quantile with linear interpolation (pandas roll_quantile; q = 0 and q = 1 are roll_min and
 * roll_max there, which give the same values), and the median when `median` is set (roll_median_c).
 */
export function rollingQuantile(
  x: Float64Array, lo: number, hi: number, n: number, q: number, ranks: ValueRanks | null, out: Float64Array, median = false,
): void {
  if (!usesValueRanks(n)) return sortedWindowStats(x, lo, hi, n, [{ kind: median ? 'median' : 'quantile', q, out }]);
  if (!ranks) throw new Error('rollingQuantile: value ranks are required for this window');
  const w = n === 0 ? Infinity : n;
  const ft = fenwick(ranks.sorted.length);
  const { sorted, rankOf } = ranks;
  let nobs = 0;
  for (let i = lo; i < hi; i++) {
    const r = rankOf[i - lo]!;
    if (r >= 0) {
      ft.add(r, 1);
      nobs++;
    }
    if (i - w >= lo) {
      const rr = rankOf[i - w - lo]!;
      if (rr >= 0) {
        ft.add(rr, -1);
        nobs--;
      }
    }
    if (nobs === 0) {
      out[i] = NaN;
    } else if (median) {
      const mid = Math.trunc(nobs / 2);
      out[i] = nobs % 2 ? sorted[ft.kth(mid)]! : (sorted[ft.kth(mid)]! + sorted[ft.kth(mid - 1)]!) / 2;
    } else if (q === 1) {
      out[i] = sorted[ft.kth(nobs - 1)]!;
    } else if (q === 0 || nobs === 1) {
      out[i] = sorted[ft.kth(0)]!;
    } else {
      const pos = q * (nobs - 1);
      const k = Math.trunc(pos);
      const vlow = sorted[ft.kth(k)]!;
      out[i] = pos === k ? vlow : vlow + (sorted[ft.kth(k + 1)]! - vlow) * (pos - k);
    }
  }
}

/**
 * Rolling percentile rank of the current value (pandas `rank(pct=True)`, method average, ascending):
 * the average 1-based rank of x_t among the window's values, divided by their count; NaN when x_t is.
 */
export function rollingRank(x: Float64Array, lo: number, hi: number, n: number, ranks: ValueRanks | null, out: Float64Array): void {
  if (!usesValueRanks(n)) return sortedWindowStats(x, lo, hi, n, [{ kind: 'rank', q: 0, out }]);
  if (!ranks) throw new Error('rollingRank: value ranks are required for this window');
  const w = n === 0 ? Infinity : n;
  const ft = fenwick(ranks.sorted.length);
  const { rankOf } = ranks;
  let nobs = 0;
  for (let i = lo; i < hi; i++) {
    if (i - w >= lo) {
      const rr = rankOf[i - w - lo]!;
      if (rr >= 0) {
        ft.add(rr, -1);
        nobs--;
      }
    }
    const r = rankOf[i - lo]!;
    if (r < 0) {
      out[i] = NaN;
      continue;
    }
    ft.add(r, 1);
    nobs++;
    const less = ft.below(r);
    const equal = ft.below(r + 1) - less;
    // pandas: ((hi*(hi+1)/2) - ((lo-1)*lo/2)) / (hi-lo+1) with lo = less+1, hi = less+equal: exact here.
    const rmin = less + 1;
    const rmax = less + equal;
    out[i] = ((rmax * (rmax + 1)) / 2 - ((rmin - 1) * rmin) / 2) / (rmax - rmin + 1) / nobs;
  }
}

const scratch: Int32Array[] = [];
let scratchF64: Float64Array | null = null;

function scratchFloat64(n: number): Float64Array {
  if (!scratchF64 || scratchF64.length < n) scratchF64 = new Float64Array(Math.max(n, 256));
  return scratchF64;
}

/** A reusable scratch array (slot 0..2) of at least n entries: kernels run one at a time per thread. */
function scratchInt32(slot: number, n: number): Int32Array {
  let a = scratch[slot];
  if (!a || a.length < n) {
    a = new Int32Array(Math.max(n, 1024));
    scratch[slot] = a;
  }
  return a;
}
