/**
 * pandas' rolling sum, mean and variance (pandas 1.5 `window/aggregations.pyx`: roll_sum,
 * roll_mean, roll_var), reproduced operation for operation so the float64 results are bit-identical:
 * Kahan-compensated running sums with separate compensation terms for adding and removing, Welford's
 * variance with compensation, the "same value repeated" shortcut (GH#42064) and the sign counts of
 * roll_mean. O(n) per series. Every kernel reads `x[lo..hi)` as the series (windows truncated at lo,
 * Qlib's min_periods=1) and writes `out[lo..hi)`; N = 0 means an expanding window.
 *
 * Inputs must be pandas' prepared values (`_prep_values`: ±inf turned into NaN); the evaluator
 * prepares each input once (see `prep`) and shares it among the windows that read it. rollingCount
 * is the exception: it takes raw values, since pandas counts ±inf as present.
 *
 * With a KernelCarry the running kernels resume from a saved state at `carry.from` (then `lo` may be
 * negative: the series started before the rows held) and save their state after `carry.saveAt`.
 */

import { startRow, type KernelCarry } from './kernel-carry.ts';

// pandas recomputes a window from scratch ("setup") only for the first row, or for every row when
// N = 1; otherwise it removes the value leaving and adds the one entering. With N = 1 each window is
// a single value, so the setup is written out directly below.

/** Rolling sum over N rows (pandas `rolling(N, min_periods=1).sum()`). */
export function rollingSum(x: Float64Array, lo: number, hi: number, n: number, out: Float64Array, carry?: KernelCarry): void {
  if (n === 1) {
    for (let i = Math.max(lo, 0); i < hi; i++) out[i] = x[i]! === x[i]! ? x[i]! : NaN;
    return;
  }
  const w = n === 0 ? Infinity : n;
  const s0 = carry?.state;
  let sum = 0, compAdd = 0, compRem = 0, nobs = 0, same = 0, prev = s0 ? 0 : x[lo]!;
  if (s0) [sum, compAdd, compRem, nobs, same, prev] = s0 as unknown as [number, number, number, number, number, number];
  const saveAt = carry?.saveAt ?? -1;
  for (let i = startRow(lo, carry); i < hi; i++) {
    if (i - w >= lo) {
      const v = x[i - w]!;
      if (v === v) {
        nobs--;
        const y = -v - compRem;
        const t = sum + y;
        compRem = t - sum - y;
        sum = t;
      }
    }
    const v = x[i]!;
    if (v === v) {
      nobs++;
      const y = v - compAdd;
      const t = sum + y;
      compAdd = t - sum - y;
      sum = t;
      if (v === prev) same++;
      else same = 1;
      prev = v;
    }
    out[i] = nobs >= 1 ? (same >= nobs ? prev * nobs : sum) : NaN;
    if (i === saveAt) carry!.saved = Float64Array.of(sum, compAdd, compRem, nobs, same, prev);
  }
}

/** Rolling mean over N rows (pandas `rolling(N, min_periods=1).mean()`). */
export function rollingMean(x: Float64Array, lo: number, hi: number, n: number, out: Float64Array, carry?: KernelCarry): void {
  if (n === 1) {
    for (let i = Math.max(lo, 0); i < hi; i++) out[i] = x[i]! === x[i]! ? x[i]! : NaN;
    return;
  }
  const w = n === 0 ? Infinity : n;
  const s0 = carry?.state;
  let sum = 0, compAdd = 0, compRem = 0, nobs = 0, neg = 0, same = 0, prev = s0 ? 0 : x[lo]!;
  if (s0) [sum, compAdd, compRem, nobs, neg, same, prev] = s0 as unknown as [number, number, number, number, number, number, number];
  const saveAt = carry?.saveAt ?? -1;
  for (let i = startRow(lo, carry); i < hi; i++) {
    if (i - w >= lo) {
      const v = x[i - w]!;
      if (v === v) {
        nobs--;
        const y = -v - compRem;
        const t = sum + y;
        compRem = t - sum - y;
        sum = t;
        if (v < 0 || (v === 0 && 1 / v < 0)) neg--; // signbit, -0 included
      }
    }
    const v = x[i]!;
    if (v === v) {
      nobs++;
      const y = v - compAdd;
      const t = sum + y;
      compAdd = t - sum - y;
      sum = t;
      if (v < 0 || (v === 0 && 1 / v < 0)) neg++;
      if (v === prev) same++;
      else same = 1;
      prev = v;
    }
    if (nobs > 0) {
      let r = sum / nobs;
      if (same >= nobs) r = prev;
      else if (neg === 0 && r < 0) r = 0;
      else if (neg === nobs && r > 0) r = 0;
      out[i] = r;
    } else {
      out[i] = NaN;
    }
    if (i === saveAt) carry!.saved = Float64Array.of(sum, compAdd, compRem, nobs, neg, same, prev);
  }
}

/** Rolling sample variance, ddof = 1 (pandas `rolling(N, min_periods=1).var()`). */
export function rollingVar(x: Float64Array, lo: number, hi: number, n: number, out: Float64Array, carry?: KernelCarry): void {
  if (n === 1) {
    for (let i = Math.max(lo, 0); i < hi; i++) out[i] = NaN; // one observation: nobs > ddof fails
    return;
  }
  const w = n === 0 ? Infinity : n;
  const s0 = carry?.state;
  let mean = 0, ssq = 0, nobs = 0, compAdd = 0, compRem = 0, same = 0, prev = s0 ? 0 : x[lo]!;
  if (s0) [mean, ssq, nobs, compAdd, compRem, same, prev] = s0 as unknown as [number, number, number, number, number, number, number];
  const saveAt = carry?.saveAt ?? -1;
  for (let i = startRow(lo, carry); i < hi; i++) {
    if (i - w >= lo) {
      const v = x[i - w]!;
      if (v === v) {
        nobs--;
        if (nobs) {
          const prevMean = mean - compRem;
          const y = v - compRem;
          const t = y - mean;
          compRem = t + mean - y;
          mean = mean - t / nobs;
          ssq = ssq - (v - prevMean) * (v - mean);
        } else {
          mean = 0;
          ssq = 0;
        }
      }
    }
    const v = x[i]!;
    if (v === v) {
      nobs++;
      if (v === prev) same++;
      else same = 1;
      prev = v;
      const prevMean = mean - compAdd;
      const y = v - compAdd;
      const t = y - mean;
      compAdd = t + mean - y;
      mean = mean + t / nobs;
      ssq = ssq + (v - prevMean) * (v - mean);
    }
    out[i] = nobs > 1 ? (same >= nobs ? 0 : ssq / (nobs - 1)) : NaN;
    if (i === saveAt) carry!.saved = Float64Array.of(mean, ssq, nobs, compAdd, compRem, same, prev);
  }
}

/** Rolling sample standard deviation: the variance through pandas' zsqrt (negative variance -> 0). */
export function rollingStd(x: Float64Array, lo: number, hi: number, n: number, out: Float64Array, carry?: KernelCarry): void {
  rollingVar(x, lo, hi, n, out, carry);
  for (let i = n === 1 ? Math.max(lo, 0) : startRow(lo, carry); i < hi; i++) {
    const v = out[i]!;
    out[i] = v < 0 ? 0 : Math.sqrt(v);
  }
}

/** Rolling count of values that are not NaN (pandas counts ±inf as present). */
export function rollingCount(x: Float64Array, lo: number, hi: number, n: number, out: Float64Array): void {
  const w = n === 0 ? Infinity : n;
  let count = 0;
  for (let i = lo; i < hi; i++) {
    if (x[i] === x[i]) count++;
    if (i - w >= lo && x[i - w] === x[i - w]) count--;
    out[i] = count;
  }
}

/** pandas turns ±inf into NaN before every rolling computation (`_prep_values`). */
export function prep(v: number): number {
  return v === Infinity || v === -Infinity ? NaN : v;
}
