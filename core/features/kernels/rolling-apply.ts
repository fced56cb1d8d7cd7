/**
 * Qlib operators computed with pandas `rolling().apply()` on every window (WMA, Mad, EMA with N = 0)
 * and EMA with N >= 1 or 0 < N < 1 (pandas `ewm().mean()`). The apply-based ones are O(n·N) in Qlib
 * and stay so here on purpose: their values depend on numpy's pairwise summation order within each
 * window, which a running sum would not reproduce. numpy's `a ** k` (EMA with N = 0) is computed with
 * Math.pow, which may differ from numpy's vectorised pow in the last float64 bit. Inputs must be
 * pandas-prepared (±inf already NaN).
 */
import type { KernelCarry } from './kernel-carry.ts';

/** numpy's float64 sum of a contiguous run (pairwise, blocks of 8 unrolled, as np.add.reduce does it). */
export function numpySum(a: Float64Array, start: number, n: number): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += a[start + i]!;
    return res;
  }
  if (n <= 128) {
    let r0 = a[start]!, r1 = a[start + 1]!, r2 = a[start + 2]!, r3 = a[start + 3]!;
    let r4 = a[start + 4]!, r5 = a[start + 5]!, r6 = a[start + 6]!, r7 = a[start + 7]!;
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      const p = start + i;
      r0 += a[p]!; r1 += a[p + 1]!; r2 += a[p + 2]!; r3 += a[p + 3]!;
      r4 += a[p + 4]!; r5 += a[p + 5]!; r6 += a[p + 6]!; r7 += a[p + 7]!;
    }
    let res = (r0 + r1 + (r2 + r3)) + (r4 + r5 + (r6 + r7));
    for (; i < n; i++) res += a[start + i]!;
    return res;
  }
  let n2 = Math.trunc(n / 2);
  n2 -= n2 % 8;
  return numpySum(a, start, n2) + numpySum(a, start + n2, n - n2);
}

/** Calls `fn(window, count)` for each row whose (truncated, pandas-prepared) window has a finite value. */
function eachWindow(
  x: Float64Array, lo: number, hi: number, n: number, out: Float64Array, fn: (win: Float64Array, len: number) => number,
): void {
  const w = n === 0 ? Infinity : n;
  const buf = new Float64Array(Math.min(hi - lo, w === Infinity ? hi - lo : w));
  let finite = 0;
  for (let i = lo; i < hi; i++) {
    if (x[i]! === x[i]!) finite++;
    if (i - w >= lo && x[i - w]! === x[i - w]!) finite--;
    if (finite === 0) {
      out[i] = NaN;
      continue;
    }
    const start = Math.max(lo, i - w + 1);
    const len = i - start + 1;
    for (let j = 0; j < len; j++) buf[j] = x[start + j]!;
    out[i] = fn(buf, len);
  }
}

/** Qlib's WMA: weights 1..len normalised by their sum, then numpy nanmean of weights × values. */
export function rollingWma(x: Float64Array, lo: number, hi: number, n: number, out: Float64Array): void {
  const tmp = new Float64Array(n === 0 ? hi - lo : Math.min(n, hi - lo));
  eachWindow(x, lo, hi, n, out, (win, len) => {
    const total = (len * (len + 1)) / 2;
    let count = 0;
    for (let j = 0; j < len; j++) {
      const p = ((j + 1) / total) * win[j]!;
      if (p === p) {
        tmp[j] = p;
        count++;
      } else {
        tmp[j] = 0;
      }
    }
    return numpySum(tmp, 0, len) / count;
  });
}

/** Qlib's Mad: numpy mean of |v - mean(v)| over the window's non-NaN values. */
export function rollingMad(x: Float64Array, lo: number, hi: number, n: number, out: Float64Array): void {
  const vals = new Float64Array(n === 0 ? hi - lo : Math.min(n, hi - lo));
  eachWindow(x, lo, hi, n, out, (win, len) => {
    let m = 0;
    for (let j = 0; j < len; j++) if (win[j] === win[j]) vals[m++] = win[j]!;
    const mean = numpySum(vals, 0, m) / m;
    for (let j = 0; j < m; j++) vals[j] = Math.abs(vals[j]! - mean);
    return numpySum(vals, 0, m) / m;
  });
}

/** Qlib's EMA with N = 0: on each expanding window, weights a^(len-1..0) with a = 1 - 2/(1+len), nansum. */
export function expandingEmaApply(x: Float64Array, lo: number, hi: number, out: Float64Array): void {
  const weights = new Float64Array(hi - lo);
  const prod = new Float64Array(hi - lo);
  eachWindow(x, lo, hi, 0, out, (win, len) => {
    const a = 1 - 2 / (1 + len);
    for (let j = 0; j < len; j++) weights[j] = a ** (len - 1 - j);
    const total = numpySum(weights, 0, len);
    for (let j = 0; j < len; j++) {
      const p = (weights[j]! / total) * win[j]!;
      prod[j] = p === p ? p : 0;
    }
    return numpySum(prod, 0, len);
  });
}

/**
 * pandas `ewm(com=..., adjust=True, ignore_na=False, min_periods=1).mean()` over the whole series.
 * `span` N >= 1 gives com = (N-1)/2; an alpha 0 < N < 1 gives com = (1-N)/N (pandas' conversions).
 */
export function ewmMean(x: Float64Array, lo: number, hi: number, n: number, out: Float64Array, carry?: KernelCarry): void {
  if (hi <= lo) return;
  const com = n > 0 && n < 1 ? (1 - n) / n : (n - 1) / 2;
  const alpha = 1 / (1 + com);
  const oldWtFactor = 1 - alpha;
  const newWt = 1;
  const saveAt = carry?.saveAt ?? -1;
  const s0 = carry?.state;
  let weighted = s0 ? s0[0]! : x[lo]!;
  let nobs = s0 ? s0[1]! : weighted === weighted ? 1 : 0;
  let oldWt = s0 ? s0[2]! : 1;
  const from = s0 ? carry!.from : lo + 1;
  if (!s0) {
    out[lo] = nobs >= 1 ? weighted : NaN;
    if (lo === saveAt) carry!.saved = Float64Array.of(weighted, nobs, oldWt);
  }
  for (let i = from; i < hi; i++) {
    const cur = x[i]!;
    const isObs = cur === cur;
    if (isObs) nobs++;
    if (weighted === weighted) {
      oldWt *= oldWtFactor;
      if (isObs) {
        if (weighted !== cur) {
          weighted = oldWt * weighted + newWt * cur;
          weighted /= oldWt + newWt;
        }
        oldWt += newWt;
      }
    } else if (isObs) {
      weighted = cur;
    }
    out[i] = nobs >= 1 ? weighted : NaN;
    if (i === saveAt) carry!.saved = Float64Array.of(weighted, nobs, oldWt);
  }
}
